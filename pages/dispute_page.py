"""The parts of the dispute page that keep the same size, and the same number of queries, however large
the dispute grows: the timeline's first window and its year pages, the latest cases, the retaliation graph
and the chart's series (measures in force and trade covered per side)."""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import math

from django import forms
from django.core.cache import cache
from django.db.models import Count, Exists, Max, Min, OuterRef, Prefetch, Q, Window
from django.db.models.functions import ExtractYear
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import DATE_MAX, DATE_MIN
from core.i18n import translated
from core.permalinks import record_url
from disputes.choices import CaseForum, CaseStage
from disputes.models import Actor, Case, Dispute, Event, EventParticipant
from disputes.selectors import side_of_country
from tariffs.choices import LinkType
from tariffs.models import MeasureLink
from timelines.filters import TimelineFilter
from timelines.models import RefreshState, TimelineEntry

YEAR_PAGE_SIZE = 50  # entries of one year page of the list (a busy year has several pages)
WINDOW_MONTHS = 24  # the widget opens on the most recent 24 months of activity
CASES_SHOWN = 12
STEPS_SHOWN = 5
LINKS_SHOWN = 60
PARTS_CACHE_SECONDS = 24 * 60 * 60  # parts kept under a refresh version (a new refresh, a new key)


class TimelinePageForm(forms.Form):
    """Which page of the timeline list to show: ``?year=YYYY`` and, in a busy year, ``&page=N``."""

    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        min_value=DATE_MIN.year,
        max_value=DATE_MAX.year,
        error_messages={
            "invalid": _("“year” must be a year such as 2025; the list shows the latest year."),
            "min_value": _("“year” must be a year such as 2025; the list shows the latest year."),
            "max_value": _("“year” must be a year such as 2025; the list shows the latest year."),
        },
    )
    page = forms.IntegerField(
        label=_("Page"),
        required=False,
        min_value=1,
        max_value=10**6,
        error_messages={
            "invalid": _("“page” must be a page number such as 2; the list shows the first page."),
            "min_value": _("“page” must be a page number such as 2; the list shows the first page."),
            "max_value": _("“page” must be a page number such as 2; the list shows the first page."),
        },
    )

    def asked(self, name: str):
        return self.cleaned_data.get(name) if self.is_valid() else None


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` months earlier (the month's last day when it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    if year < DATE_MIN.year:
        return DATE_MIN
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def filters_key(filters) -> str:
    """The valid filters that chose the page's entries, as a stable text (invalid filters choose none)."""
    if not filters.is_valid():
        return "invalid"
    data = filters.form.data
    return repr(sorted((name, sorted(data.getlist(name))) for name in filters.form.fields if name in data))


def timeline_years(entries, *, today: dt.date, version: str | None, filters: str) -> dict[int, dict]:
    """Per year of ``entries``: how many there are and the first, last and latest-until-``today`` dates. One index
    scan grouped by year, in place of a probe per bound, per neighbouring year and per count; a tenth of a
    second at 100k entries, so kept in the cache under the dispute's refresh ``version`` (``refresh_version``)
    and the ``filters`` that chose ``entries``: the entries change only when a refresh runs."""
    key = f"dispute-page:years:{version}:{today.isoformat()}:{hashlib.sha256(filters.encode()).hexdigest()[:32]}"
    years = cache.get(key) if version else None
    if years is None:
        rows = (
            entries.order_by()
            .annotate(year=ExtractYear("date"))
            .values("year")
            .annotate(
                count=Count("*"), first=Min("date"), last=Max("date"), past=Max("date", filter=Q(date__lte=today))
            )
        )
        years = {row["year"]: row for row in rows}
        if version:
            cache.set(key, years, PARTS_CACHE_SECONDS)
    return years


def timeline_bounds(years: dict[int, dict]) -> dict | None:
    """The first and last dates of the entries counted in ``years`` and the window the widget opens on: the 24
    months up to the latest entry on or before today (the whole span when shorter)."""
    if not years:
        return None
    first = years[min(years)]["first"]
    last = years[max(years)]["last"]
    end = max((row["past"] for row in years.values() if row["past"] is not None), default=first)
    start = max(first, months_before(end, WINDOW_MONTHS))
    return {"first": first.isoformat(), "last": last.isoformat(), "start": start.isoformat(), "end": end.isoformat()}


def _in_year(entries, year: int):
    return entries.filter(date__gte=dt.date(year, 1, 1), date__lte=dt.date(year, 12, 31))


def _pages(count: int) -> int:
    return max(1, math.ceil(count / YEAR_PAGE_SIZE))


def year_page(entries, form: TimelinePageForm, params, *, years: dict[int, dict], bounds: dict | None) -> dict:
    """One page of the timeline list: the entries of one year (at most ``YEAR_PAGE_SIZE``), with the links to the
    older and newer pages and to every year of the span. One query (the counts come from ``years``)."""
    if bounds is None:
        return {"total": 0, "entries": [], "years": [], "year": None, "older": None, "newer": None}
    first_year, last_year = int(bounds["first"][:4]), int(bounds["last"][:4])
    year = form.asked("year") or int(bounds["end"][:4])
    in_year = years[year]["count"] if year in years else 0
    pages = _pages(in_year)
    page = min(form.asked("page") or 1, pages)
    offset = (page - 1) * YEAR_PAGE_SIZE
    shown = list(_in_year(entries, year)[offset : offset + YEAR_PAGE_SIZE]) if in_year else []
    if page > 1:
        older = (year, page - 1)
    else:
        before = max((y for y in years if y < year), default=None)
        older = (before, _pages(years[before]["count"])) if before is not None else None
    if page < pages:
        newer = (year, page + 1)
    else:
        after = min((y for y in years if y > year), default=None)
        newer = (after, 1) if after is not None else None

    def link(target):
        if target is None:
            return None
        query = params.copy()
        query.pop("page", None)
        query["year"] = str(target[0])
        if target[1] > 1:
            query["page"] = str(target[1])
        return {"year": target[0], "page": target[1], "query": query.urlencode()}

    return {
        "total": sum(row["count"] for row in years.values()),
        "entries": shown,
        "year": year,
        "page": page,
        "pages": pages,
        "in_year": in_year,
        "years": [link((y, 1)) | {"current": y == year} for y in range(first_year, last_year + 1)],
        "older": link(older),
        "newer": link(newer),
    }


def latest_cases(dispute) -> dict:
    """The most recently initiated cases, each with its last steps and the number of its steps, and the number
    of cases (two queries: the counts are window functions over the rows read, not a grouping of every step)."""
    steps = Prefetch(
        "events",
        queryset=Event.objects.annotate(steps_in_case=Window(Count("id"), partition_by="case_id")).order_by(
            "-date", "-id"
        )[:STEPS_SHOWN],
        to_attr="last_steps",
    )
    cases = list(
        Case.objects.filter(dispute=dispute)
        .select_related("complainant", "respondent")
        .annotate(cases_in_dispute=Window(Count("id")))
        .prefetch_related(steps)
        .order_by("-initiated_on", "-id")[:CASES_SHOWN]
    )
    forums = {value: str(label) for value, label in CaseForum.choices}
    stages = {value: str(label) for value, label in CaseStage.choices}
    for case in cases:
        case.step_count = case.last_steps[0].steps_in_case if case.last_steps else 0
        case.last_steps = list(reversed(case.last_steps))
        case.forum_label, case.stage_label = forums.get(case.forum, case.forum), stages.get(case.stage, case.stage)
        for step in case.last_steps:
            step.stage_label = stages.get(step.case_stage, step.case_stage)
    return {"cases": cases, "count": cases[0].cases_in_dispute if cases else 0}


def retaliation_graph(dispute, sides) -> dict:
    """The latest links between measures (at most ``LINKS_SHOWN``), as table rows and as the graph's nodes and
    edges; on each link, the days from the measure answered to its answer (two queries).

    Links to or from a measure of another dispute are included: that measure is an outside node, named with its
    dispute (``dispute``, ``dispute_title``), and the link's ``other_dispute`` is that dispute."""
    everything = MeasureLink.objects.filter(Q(from_measure__dispute=dispute) | Q(to_measure__dispute=dispute))
    links = list(
        everything.select_related(
            "from_measure__imposed_by",
            "to_measure__imposed_by",
            "from_measure__dispute",
            "to_measure__dispute",
            "source",
        ).order_by("-from_measure__announced_on", "-from_measure_id", "type", "to_measure_id")[:LINKS_SHOWN]
    )
    links.reverse()
    total = len(links) if len(links) < LINKS_SHOWN else everything.count()
    nodes: dict[int, dict] = {}
    edges = []
    labels = {value: str(label) for value, label in LinkType.choices}  # get_type_display() per row costs more
    for link in links:
        link.type_label = labels.get(link.type, link.type)
        link.days = (link.from_measure.announced_on - link.to_measure.announced_on).days
        outside = next((m for m in (link.from_measure, link.to_measure) if m.dispute_id != dispute.pk), None)
        link.other_dispute = outside.dispute if outside is not None else None
        for measure in (link.from_measure, link.to_measure):
            if measure.pk not in nodes:
                side = side_of_country(sides, str(measure.imposed_by.country)) or "other"
                nodes[measure.pk] = {
                    "id": measure.pk,
                    "label": translated(measure, "title"),
                    "side": side,
                    "date": measure.announced_on.isoformat(),
                    "url": record_url("measure", measure.pk, in_language=True),
                }
                if measure is outside:
                    title = translated(measure.dispute, "title")
                    nodes[measure.pk].update(
                        {"outside": True, "dispute": measure.dispute.slug, "dispute_title": title,
                         "label": f"{nodes[measure.pk]['label']} ({title})"}
                    )  # fmt: skip
        edges.append(
            {
                "from": link.from_measure_id,
                "to": link.to_measure_id,
                "type": link.type,
                "label": link.type_label,
                "contested": link.contested,
                "days": link.days,
            }
        )
    return {"links": links, "count": total, "graph": {"nodes": list(nodes.values()), "edges": edges}}


def chart_series(sides, summary) -> dict:
    """Per side and month: the measures in force and the trade they cover, as the last refresh counted them
    (timelines.summaries.monthly_series); no query."""
    glance = summary.glance if summary else {}
    rows = glance.get("series", [])
    currency = glance.get("series_currency") if all("trade" in row for row in rows) else None
    return {
        "labels": [row["month"] for row in rows],
        "currency": currency,
        "axis": {
            "count": str(_("Measures in force")),
            "trade": str(_("Trade covered (%(currency)s)") % {"currency": currency}) if currency else None,
        },
        "datasets": [
            {
                "side": side.slug,
                "label": translated(side, "name"),
                "counts": [row.get(side.slug, 0) for row in rows],
                "trade": [row["trade"].get(side.slug, "0") for row in rows] if currency else [],
            }
            for side in sides
        ],
    }


def series_table(series: dict) -> list[dict]:
    """The chart's figures as table rows: the first month and each month in which a side's measures in force or
    trade covered changed (the months between repeat the row above; the chart draws every month)."""
    rows = []
    previous = None
    for index, month in enumerate(series["labels"]):
        cells = [
            {"count": d["counts"][index], "trade": d["trade"][index] if d["trade"] else None}
            for d in series["datasets"]
        ]
        if cells != previous:
            rows.append({"month": month, "cells": cells})
        previous = cells
    return rows


def refresh_version(dispute) -> str | None:
    """A token that changes whenever a refresh of ``dispute``'s read models ends (one small query), or None
    before the first refresh: the key of the page parts computed from the timeline entries."""
    finished = RefreshState.objects.filter(dispute_id=dispute.pk).values_list("last_finished_at", flat=True).first()
    return f"{dispute.pk}:{finished.isoformat()}" if finished else None


def actors_of(dispute, *, version: str | None) -> list:
    """The actors taking part in an event of ``dispute``, for the timeline's actor filter.

    Finding them reads every participation of the dispute (a fifth of a second at 100k events), so the list is
    kept in the cache under the dispute's refresh ``version``: like the timeline entries the filter reads, it
    changes only when a refresh runs."""
    key = f"dispute-page:actors:{version}"
    actors = cache.get(key) if version else None
    if actors is None:
        taking_part = EventParticipant.objects.filter(actor=OuterRef("pk"), event__dispute=dispute)
        actors = list(Actor.objects.filter(Exists(taking_part)).order_by("name"))
        if version:
            cache.set(key, actors, PARTS_CACHE_SECONDS)
    return actors


def warm(sender, *, dispute_id: int, **kwargs) -> None:
    """After a refresh of ``dispute_id`` (``timelines.signals.dispute_refreshed``): compute what the dispute page
    keeps under the new refresh version for its unfiltered view (the per-year counts, the actor filter's list),
    so the first analyst to open it after an edit does not wait for them (a tenth of a second at 100k entries)."""
    dispute = Dispute.objects.filter(pk=dispute_id).first()
    version = refresh_version(dispute) if dispute else None
    if version is None:
        return
    filters = TimelineFilter(QueryDict(), queryset=TimelineEntry.objects.filter(dispute=dispute))
    timeline_years(filters.qs, today=timezone.localdate(), version=version, filters=filters_key(filters))
    actors_of(dispute, version=version)
