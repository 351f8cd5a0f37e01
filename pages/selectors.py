"""Reads behind the pages. Each page costs a fixed number of queries, whatever the number of rows."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, Q

from core import revisions as history
from core.revisions import Revision
from core.search import searchable
from disputes.history import EVENT_REVISIONS
from disputes.models import Actor, Case, Dispute, Event, Source
from disputes.selectors import (
    actor_identified_by,
    cases_for_display,
    event_citations,
    event_participants,
    events_for_display,
)
from tariffs import rate_periods
from tariffs.history import MEASURE_REVISIONS
from tariffs.models import Measure
from tariffs.selectors import links_in, links_out, measure_in_full, measures_listed
from timelines.models import DisputeSummary, TimelineEntry

# The feeds' events carry the same sources and participants as the event page (see disputes.selectors).
EVENT_CITATIONS = event_citations()
PARTICIPANTS = event_participants()


def home(today: dt.date) -> dict:
    disputes = list(
        Dispute.objects.select_related("dispute_summary").defer("dispute_summary__data").order_by("-started_on", "slug")
    )
    latest = list(
        TimelineEntry.objects.filter(record_type="event", date__lte=today)
        .select_related("dispute")
        .order_by("-date", "-record_id")[:10]
    )
    return {"disputes": disputes, "latest": latest}


def dispute_summary(dispute: Dispute) -> DisputeSummary | None:
    """The stored summary as the dispute page reads it: its ``glance``, not the whole ``data`` (every stored
    summary has one: the refresh writes both, and migration timelines 0005 filled the earlier ones)."""
    return DisputeSummary.objects.filter(dispute=dispute).defer("data").first()


def measures_page(queryset):
    return measures_listed(queryset)


def measure_detail(pk: int) -> Measure:
    """The measure as its API answer reads it, plus its announcement, related events and links both ways."""
    return (
        measure_in_full()
        .select_related("announcement")
        .prefetch_related("related_events", links_in(), links_out())
        .get(pk=pk)
    )


def measure_on_day(measure: Measure, periods, day: dt.date | None) -> dict:
    """What the measure page shows for ``?on=D``: the day, the status that day, the period covering it, and the
    rate table (by exporter; with a day, the periods covering it marked with their total)."""
    periods = list(periods)
    rates = {
        "rate_rows": rate_periods.rate_table(periods, day),
        "has_exporters": any(rate_periods.group_of(p) is not None for p in periods),
    }
    if day is None:
        return {"day": None, "status_on_day": None, "period_on_day": None, **rates}
    return {
        "day": day,
        "status_on_day": measure.status_on(day, periods=periods),
        "period_on_day": rate_periods.period_on(periods, day),
        **rates,
    }


#: The revisions a record page lists (newest first); the API lists them all.
HISTORY_SHOWN = 50


def measure_history(measure: Measure, *, editors: bool) -> list[Revision]:
    """The measure's revisions, oldest first, editors named only if ``editors`` (staff)."""
    return history.revisions(measure, MEASURE_REVISIONS, editors=editors)


def event_history(event: Event, *, editors: bool) -> list[Revision]:
    return history.revisions(event, EVENT_REVISIONS, editors=editors)


def measure_parts(measure: Measure) -> dict:
    """The collections the measure page shows, from the prefetched measure."""
    return {
        "applies_to": measure.applies_to.all(),
        "rate_periods": measure.rate_periods.all(),
        "product_lines": measure.product_lines.all(),
        "citations": measure.citations.all(),
        "links_out": measure.links_out.all(),
        "links_in": measure.links_in.all(),
        "cases": measure.cases.all(),
        "exemptions": measure.exemptions.all(),
    }


def measure_as_of(revision: Revision) -> dict:
    """The measure and the collections its page shows as they were at ``revision``.

    Its own fields, targets, rate periods, product lines, sources and links come from the history;
    links from other measures and cases are not versioned with it, so they are left out (None).
    """
    sources = _sources_of(revision.children["sources"], revision.children["links"])
    targets = Measure.objects.in_bulk([row.to_measure_id for row in revision.children["links"]])
    links_out = []
    for row in revision.children["links"]:
        link = row.instance
        if link.to_measure_id in targets and link.source_id in sources:
            link.to_measure, link.source = targets[link.to_measure_id], sources[link.source_id]
            links_out.append(link)
    return {
        "measure": revision.row.instance,
        "applies_to": Actor.objects.filter(pk__in=revision.related_ids["applies_to"]).order_by("name"),
        "rate_periods": sorted((row.instance for row in revision.children["rate_periods"]), key=lambda p: p.valid_from),
        "product_lines": sorted((row.instance for row in revision.children["product_lines"]), key=lambda p: p.hs_code),
        "citations": _citations(revision.children["sources"], sources),
        "links_out": sorted(links_out, key=lambda link: (link.type, link.to_measure_id)),
        "links_in": None,
        "cases": None,
        "exemptions": None,
    }


def event_parts(event: Event) -> dict:
    return {
        "participations": event.participations.all(),
        "citations": event.citations.all(),
        "measures_announced": event.measures_announced.all(),
        "measures_concerned": event.measures_concerned.all(),
    }


def event_as_of(revision: Revision) -> dict:
    """The event and what its page shows as it was at ``revision`` (the measures it concerns are left out)."""
    actors = Actor.objects.in_bulk([row.actor_id for row in revision.children["participants"]])
    participations = []
    for row in sorted(revision.children["participants"], key=lambda row: row.id):
        participation = row.instance
        if participation.actor_id in actors:
            participation.actor = actors[participation.actor_id]
            participations.append(participation)
    sources = _sources_of(revision.children["sources"])
    return {
        "event": revision.row.instance,
        "participations": participations,
        "citations": _citations(revision.children["sources"], sources),
        "measures_announced": None,
        "measures_concerned": None,
    }


def _sources_of(*rows_lists) -> dict:
    return Source.objects.in_bulk([row.source_id for rows in rows_lists for row in rows])


def _citations(rows, sources: dict) -> list:
    """Citations as they were, each with its source (a source since removed is left out)."""
    citations = []
    for row in sorted(rows, key=lambda row: row.id):
        citation = row.instance
        if citation.source_id in sources:
            citation.source = sources[citation.source_id]
            citations.append(citation)
    return citations


def event_detail(pk: int) -> Event:
    """The event as its API answer reads it, plus the measures it announced or concerns."""
    return events_for_display().prefetch_related("measures_announced", "measures_concerned").get(pk=pk)


def actor(identifier: str) -> Actor | None:
    """The actor a page address names (slug, or a state's ISO code), with its parent."""
    return actor_identified_by(identifier)


def case_detail(pk: int) -> Case:
    """The case as its API answer reads it, plus its steps (with their sources) and the measures it concerns."""
    steps = Prefetch("events", queryset=Event.objects.order_by("date", "id").prefetch_related(event_citations()))
    measures = Prefetch("measures", queryset=Measure.objects.select_related("imposed_by"))
    return cases_for_display().prefetch_related(steps, measures).get(pk=pk)


def search(text: str, limit: int = 20) -> dict:
    text = searchable(text)  # a NUL character would reach the database in the name and reference lookups
    if not text:
        return {}
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
