"""Writes with business rules for the disputes app. The API, the admin and the loader share them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Event, EventParticipant, Source

SOURCE_FIELDS = ("url", "title", "publisher", "published_on", "language", "kind")


def source_match_or_create(*, url: str = "", title: str = "", **values) -> Source:
    """The source with this document ``url`` (or, without a URL, this title, publisher and date), or a new one."""
    if url:
        source = Source.objects.filter(url=url).first()
    else:
        source = Source.objects.filter(
            url="", title=title, publisher=values.get("publisher", ""), published_on=values.get("published_on")
        ).first()
    if source is not None:
        return source
    source = Source(url=url, title=title, **{k: v for k, v in values.items() if v is not None})
    source.full_clean()
    source.save()
    return source


def replace_citations(*, manager, cited, citations: list[dict]) -> None:
    """Make ``cited``'s citations exactly ``citations`` (dicts of source, field_name, locator, quote)."""
    if not citations:
        raise ValidationError({"sources": [_("Give at least one source.")]})
    model = manager.model
    manager.all().delete()
    seen = set()
    for values in citations:
        key = (values["source"].pk, values.get("field_name", ""))
        if key in seen:
            continue
        seen.add(key)
        citation = model(**{model.cited_field: cited}, **values)
        citation.full_clean(exclude=[model.cited_field])
        citation.save()


@transaction.atomic
def event_save(*, event: Event, participants: list[tuple], citations: list[dict]) -> Event:
    """Validate and save ``event`` with exactly these participants ((actor, role) pairs) and citations.

    Either everything is written or nothing is.
    """
    event.full_clean()
    event.save()
    event.participations.all().delete()
    for actor, role in dict(participants).items():
        EventParticipant.objects.create(event=event, actor=actor, role=role)
    replace_citations(manager=event.citations, cited=event, citations=citations)
    return event
