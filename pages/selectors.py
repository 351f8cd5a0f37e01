"""Reads behind the pages. Each page costs a fixed number of queries, whatever the number of rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q

from disputes.models import Actor, Case, CaseCitation, Dispute, Event, EventCitation, EventParticipant
from tariffs.models import Measure, MeasureCitation, MeasureLink, RatePeriod
from timelines.models import DisputeSummary, TimelineEntry

EVENT_CITATIONS = Prefetch("citations", queryset=EventCitation.objects.select_related("source"))
MEASURE_CITATIONS = Prefetch("citations", queryset=MeasureCitation.objects.select_related("source"))
CASE_CITATIONS = Prefetch("citations", queryset=CaseCitation.objects.select_related("source"))
PARTICIPANTS = Prefetch("participations", queryset=EventParticipant.objects.select_related("actor"))


def home(today: dt.date) -> dict:
    disputes = list(Dispute.objects.select_related("dispute_summary").order_by("-started_on", "slug"))
    latest = list(
        TimelineEntry.objects.filter(record_type="event", date__lte=today)
        .select_related("dispute")
        .order_by("-date", "-record_id")[:10]
    )
    return {"disputes": disputes, "latest": latest}


def dispute_summary(dispute: Dispute) -> DisputeSummary | None:
    return DisputeSummary.objects.filter(dispute=dispute).first()


def rate_periods_of(dispute: Dispute, measure_ids) -> list[RatePeriod]:
    return list(
        RatePeriod.objects.filter(measure__dispute=dispute, measure_id__in=measure_ids)
        .select_related("measure", "measure__imposed_by")
        .order_by("measure_id", "valid_from")
    )


def retaliation_chain(dispute: Dispute) -> list[MeasureLink]:
    return list(
        MeasureLink.objects.filter(from_measure__dispute=dispute)
        .select_related("from_measure", "to_measure", "source", "from_measure__imposed_by", "to_measure__imposed_by")
        .order_by("from_measure__announced_on", "from_measure_id", "type", "to_measure_id")
    )


def cases_with_steps(dispute: Dispute) -> list[Case]:
    steps = Prefetch("events", queryset=Event.objects.order_by("date", "id"))
    return list(
        dispute.cases.select_related("complainant", "respondent").prefetch_related(steps).order_by("initiated_on")
    )


def measures_page(queryset):
    return queryset.select_related("imposed_by", "dispute").prefetch_related("applies_to")


def measure_detail(pk: int) -> Measure:
    links_in = Prefetch("links_in", queryset=MeasureLink.objects.select_related("from_measure", "source"))
    links_out = Prefetch("links_out", queryset=MeasureLink.objects.select_related("to_measure", "source"))
    return (
        Measure.objects.select_related("imposed_by", "dispute", "announcement")
        .prefetch_related(
            "applies_to",
            "rate_periods",
            "product_lines",
            "cases",
            "related_events",
            MEASURE_CITATIONS,
            links_in,
            links_out,
        )  # fmt: skip
        .get(pk=pk)
    )


@dataclass
class Revision:
    """One change to a record, for its public history: when, by whom (staff only), which fields."""

    number: int
    when: dt.datetime
    kind: str
    user: str
    changes: list[tuple[str, object, object]]


def revisions(record, limit: int = 50) -> list[Revision]:
    """The record's change history, newest first, with the fields each change touched (two queries)."""
    rows = list(record.history.select_related("history_user").order_by("history_date", "history_id"))
    fields = [f for f in record._meta.concrete_fields if f.name not in ("created_at", "updated_at")]
    result = []
    previous = None
    for number, row in enumerate(rows, start=1):
        changes = []
        for field in fields:
            new = getattr(row, field.attname)
            old = getattr(previous, field.attname) if previous is not None else None
            if previous is None or old != new:
                changes.append((str(field.verbose_name), old, new))
        kind = {"+": "created", "~": "changed", "-": "deleted"}[row.history_type]
        user = row.history_user.get_username() if row.history_user else ""
        result.append(Revision(number, row.history_date, kind, user, changes if previous is not None else []))
        previous = row
    return list(reversed(result))[:limit]


def event_detail(pk: int) -> Event:
    return (
        Event.objects.select_related("dispute", "case")
        .prefetch_related(PARTICIPANTS, EVENT_CITATIONS, "measures_announced", "measures_concerned")
        .get(pk=pk)
    )


def actor_detail(actor: Actor) -> dict:
    events = list(Event.objects.involving(actor).select_related("dispute").order_by("-date", "-id")[:50])
    return {
        "events": events,
        "imposed": list(Measure.objects.imposed_by(actor).order_by("announced_on", "id")),
        "targeted": list(Measure.objects.applies_to(actor).select_related("imposed_by").order_by("announced_on", "id")),
        "cases": list(Case.objects.filter(Q(complainant=actor) | Q(respondent=actor)).order_by("initiated_on")),
        "children": list(actor.children.order_by("name")),
    }


def case_detail(pk: int) -> Case:
    steps = Prefetch("events", queryset=Event.objects.order_by("date", "id").prefetch_related(EVENT_CITATIONS))
    return (
        Case.objects.select_related("dispute", "complainant", "respondent")
        .prefetch_related(
            steps, CASE_CITATIONS, Prefetch("measures", queryset=Measure.objects.select_related("imposed_by"))
        )
        .get(pk=pk)
    )


def search(text: str, limit: int = 20) -> dict:
    return {
        "events": list(Event.objects.search(text).select_related("dispute").order_by("-search_rank", "date")[:limit]),
        "measures": list(Measure.objects.search(text).select_related("imposed_by").order_by("-search_rank")[:limit]),
        "actors": list(Actor.objects.filter(Q(name__icontains=text) | Q(short_name__icontains=text))[:limit]),
        "cases": list(Case.objects.filter(Q(reference__icontains=text) | Q(title__icontains=text))[:limit]),
    }


def citing(source) -> dict:
    """The records that cite ``source``."""
    return {
        "events": list(Event.objects.filter(citations__source=source).distinct().order_by("date", "id")),
        "measures": list(Measure.objects.filter(citations__source=source).distinct().order_by("announced_on", "id")),
        "cases": list(Case.objects.filter(citations__source=source).distinct().order_by("initiated_on", "id")),
    }
