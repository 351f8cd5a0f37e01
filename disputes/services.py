"""The one door for writes to the disputes app's records: the API, the admin, imports and dataset loads call these.

Each write is partial (a field or child list not given is kept), writes only what differs (children are
matched by natural key, so an unchanged one is not touched), checks everything before writing anything,
and is one change set (``core.change_sets``). Errors name the field, as a ``ValidationError`` dict.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from core.change_sets import in_change_set
from core.writes import ChildPlan, sync_related, write

from .models import Actor, Case, CaseCitation, Dispute, DisputeParty, Event, EventCitation, EventParticipant, Source

SOURCE_FIELDS = ("url", "title", "publisher", "published_on", "language", "kind")
CITATION_KEY = ("source", "field_name")


def stored(model: type[models.Model], record: models.Model | None) -> models.Model:
    """The record to write: a new one, or the stored row of ``record`` locked for this transaction."""
    if record is None:
        return model()
    if record.pk is None:
        return record
    return model._default_manager.select_for_update().get(pk=record.pk)


def citation_plan(record: models.Model, model: type[models.Model], citations: Iterable[Mapping]) -> ChildPlan:
    """The plan making ``record``'s citations exactly ``citations`` (dicts of source, field_name, locator, quote)."""
    citations = list(citations)
    if not citations:
        raise ValidationError({"sources": [_("Give at least one source.")]})
    rows = [{"field_name": "", "locator": "", "quote": "", **values} for values in citations]
    return ChildPlan.build(record, model, model.cited_field, CITATION_KEY, rows, error_key="sources")


def apply_plans(record: models.Model, values: Mapping | None, plans: Iterable[ChildPlan], **options) -> models.Model:
    """Validate ``record`` with ``values`` and every child plan, then write what differs (nothing if nothing does)."""
    plans = [plan for plan in plans if plan is not None]
    errors = {key: messages for plan in plans for key, messages in plan.errors.items()}
    if errors:
        raise ValidationError(errors)
    write(record, values or {}, **options)
    for plan in plans:
        plan.apply(record)
    return record


@transaction.atomic
@in_change_set
def actor_save(*, actor: Actor | None = None, values: Mapping | None = None) -> Actor:
    """Create or change an actor (a state's country is its own code: the model's rule)."""
    actor = stored(Actor, actor)
    write(actor, values or {})
    return actor


@transaction.atomic
@in_change_set
def source_save(*, source: Source | None = None, values: Mapping | None = None) -> Source:
    """Create or change a source; its document address is unique."""
    source = stored(Source, source)
    write(source, values or {})
    return source


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
    return source_save(values={"url": url, "title": title, **{k: v for k, v in values.items() if v is not None}})


@transaction.atomic
@in_change_set
def dispute_save(
    *,
    dispute: Dispute | None = None,
    values: Mapping | None = None,
    parties: Iterable[Mapping] | None = None,
    related_disputes: Iterable[Dispute] | None = None,
) -> Dispute:
    """Create or change a dispute and, if given, its parties (dicts of actor, side, role) and related disputes."""
    dispute = stored(Dispute, dispute)
    plans = []
    if parties is not None:
        plans.append(ChildPlan.build(dispute, DisputeParty, "dispute", ("actor",), parties, error_key="parties"))
    apply_plans(dispute, values, plans)
    if related_disputes is not None:
        sync_related(dispute, "related_disputes", related_disputes)
    return dispute


@transaction.atomic
@in_change_set
def case_save(
    *, case: Case | None = None, values: Mapping | None = None, citations: Iterable[Mapping] | None = None
) -> Case:
    """Create or change a case and, if given, its sources."""
    case = stored(Case, case)
    plans = [citation_plan(case, CaseCitation, citations)] if citations is not None else []
    return apply_plans(case, values, plans)


@transaction.atomic
@in_change_set
def event_save(
    *,
    event: Event | None = None,
    values: Mapping | None = None,
    participants: Iterable[Mapping] | None = None,
    citations: Iterable[Mapping] | None = None,
) -> Event:
    """Create or change an event with, if given, exactly these participants (dicts of actor, role) and sources.

    A new event needs at least one source. Either everything is written or nothing is.
    """
    event = stored(Event, event)
    if citations is None and event.pk is None:
        raise ValidationError({"sources": [_("Give at least one source.")]})
    plans = []
    if participants is not None:
        plans.append(
            ChildPlan.build(event, EventParticipant, "event", ("actor",), participants, error_key="participants")
        )
    if citations is not None:
        plans.append(citation_plan(event, EventCitation, citations))
    return apply_plans(event, values, plans)
