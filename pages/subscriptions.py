"""What the Atom feeds and the iCalendar feed share: filtered reads, English record links, dates and sources.

Feeds and calendars take the same query parameters as the page and the API list they mirror (one
query string everywhere); a bad value is an HTTP 400 in the API's error shape, naming the parameter.
Every read here costs a fixed number of queries, whatever the number of rows.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import JsonResponse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.permalinks import record_url
from disputes.filters import EventFilter
from disputes.models import Dispute, Event
from timelines.choices import Milestone, RecordType
from timelines.filters import TimelineFilter
from timelines.models import TimelineEntry

from .selectors import EVENT_CITATIONS, PARTICIPANTS
from .views import given


class InvalidFilters(Exception):
    """Query parameters the FilterSet rejected; ``response()`` is the 400 that names them."""

    def __init__(self, form):
        super().__init__("invalid filters")
        self.form = form

    def response(self) -> JsonResponse:
        errors = [
            {"code": error.code or "invalid", "detail": " ".join(error.messages), "attr": field}
            for field, field_errors in self.form.errors.as_data().items()
            for error in field_errors
        ]
        return JsonResponse({"type": "validation_error", "errors": errors}, status=400)


def _filtered(filterset) -> QuerySet:
    if not filterset.is_valid():
        raise InvalidFilters(filterset.form)
    return filterset.qs


def events(params, queryset: QuerySet, limit: int) -> list[Event]:
    """Events matching the event-list parameters, newest recorded first unless ``ordering`` is given."""
    queryset = _filtered(EventFilter(given(params), queryset=queryset))
    if not params.get("ordering"):
        queryset = queryset.order_by("-created_at", "-id")
    return list(queryset.select_related("dispute").prefetch_related(EVENT_CITATIONS, PARTICIPANTS)[:limit])


def timeline(dispute: Dispute, params, limit: int, *, effective_dates_only: bool = False) -> list[TimelineEntry]:
    """The dispute's timeline entries matching the dispute page's parameters, latest date first.

    Each entry carries ``record_created_at`` and ``record_updated_at``, the timestamps of its record.
    With ``effective_dates_only``, measure announcements are left out (a measure then appears on the
    days it takes effect, changes or ends).
    """
    queryset = TimelineEntry.objects.filter(dispute=dispute)
    if effective_dates_only:
        queryset = queryset.filter(~Q(record_type=RecordType.MEASURE) | ~Q(kind=Milestone.MEASURE_ANNOUNCED))
    queryset = _filtered(TimelineFilter(given(params), queryset=queryset))
    return list(
        queryset.annotate(
            record_created_at=Coalesce("event__created_at", "measure__created_at", "case__created_at"),
            record_updated_at=Coalesce("event__updated_at", "measure__updated_at", "case__updated_at"),
        ).order_by("-date", "-record_type", "-record_id", "-key")[:limit]
    )


def record_path(entry: TimelineEntry) -> str:
    """The page of the record behind a timeline entry, in the active language."""
    return record_url(entry.record_type, entry.record_id, in_language=True)


def when(day: dt.date, precision: str = "day", end_date: dt.date | None = None) -> str:
    """A date as precise as it is known: "2017", "December 2017", "8 March 2025", "6 – 9 September 2025"."""
    if precision == "year":
        text = date_format(day, "Y")
    elif precision == "month":
        text = date_format(day, "YEAR_MONTH_FORMAT")
    else:
        text = date_format(day, "j F Y")
    if end_date and end_date != day:
        text = f"{text} – {date_format(end_date, 'j F Y')}"
    return text


def iso_when(day: dt.date, precision: str = "day") -> str:
    """The ISO 8601 date cut to its precision: 2017, 2017-12, 2025-03-08."""
    return {"year": day.strftime("%Y"), "month": day.strftime("%Y-%m")}.get(precision, day.isoformat())


def event_sources(event: Event) -> list[dict]:
    """The sources an event cites (from its prefetched citations), shaped like a timeline entry's."""
    return [
        {
            "id": citation.source_id,
            "title": citation.source.title,
            "publisher": citation.source.publisher,
            "url": citation.source.url,
            "published_on": citation.source.published_on.isoformat() if citation.source.published_on else None,
        }
        for citation in event.citations.all()
    ]


def distinct_sources(sources: list[dict]) -> list[dict]:
    """Each cited source once (a record may cite one source for several fields), in citation order."""
    seen, result = set(), []
    for source in sources:
        key = source.get("id") or source.get("url") or source.get("title")
        if key not in seen:
            seen.add(key)
            result.append(source)
    return result


def source_line(source: dict) -> str:
    """A source as plain text: title, publisher, date and address."""
    text = ", ".join(part for part in (source["title"], source.get("publisher"), source.get("published_on")) if part)
    return f"{text}: {source['url']}" if source.get("url") else text


def no_sources_text() -> str:
    return _("No source recorded.")
