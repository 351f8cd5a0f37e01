"""The parts of the dispute page that keep the same size, and the same number of queries, however large
the dispute grows: the timeline's first window and its year pages, the latest cases, the retaliation graph
and the chart's series (measures in force and trade covered per side)."""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections import defaultdict
from decimal import Decimal

from django import forms
from django.db.models import Count, Max, Min, Prefetch, Q
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from core.dates import DATE_MAX, DATE_MIN
from core.formatting import plain_decimal
from core.permalinks import record_url
from disputes.models import Case, Event
from disputes.selectors import side_of_country
from tariffs.choices import RateState
from tariffs.exposure import exposure_figures_with_measures, trade_covered
from tariffs.models import MeasureLink, RatePeriod

YEAR_PAGE_SIZE = 100  # entries of one year page of the list (a busy year has several pages)
WINDOW_MONTHS = 24  # the widget opens on the most recent 24 months of activity
CASES_SHOWN = 12
STEPS_SHOWN = 5
LINKS_SHOWN = 60


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


def timeline_bounds(entries, *, today: dt.date) -> dict | None:
    """The first and last dates of ``entries`` and the window the widget opens on: the 24 months up to the
    latest entry on or before ``today`` (the whole span when shorter), one query."""
    span = entries.order_by().aggregate(
        first=Min("date"), last=Max("date"), latest=Max("date", filter=Q(date__lte=today))
    )
    if span["first"] is None:
        return None
    end = span["latest"] or span["first"]
    start = max(span["first"], months_before(end, WINDOW_MONTHS))
    return {
        "first": span["first"].isoformat(),
        "last": span["last"].isoformat(),
        "start": start.isoformat(),
        "end": end.isoformat(),
    }


def year_page(entries, form: TimelinePageForm, params, *, today: dt.date) -> dict:
    """One page of the timeline list: the entries of one year (at most ``YEAR_PAGE_SIZE``), with the
    links to the older and newer pages and to every year (two queries)."""
    rows = entries.order_by().annotate(year=ExtractYear("date")).values("year").annotate(n=Count("pk"))
    counts = {row["year"]: row["n"] for row in rows}
    total = sum(counts.values())
    if not counts:
        return {"total": 0, "entries": [], "years": [], "year": None, "older": None, "newer": None}
    past = [year for year in counts if year <= today.year]
    year = form.asked("year") or (max(past) if past else max(counts))
    in_year = counts.get(year, 0)
    pages = max(1, math.ceil(in_year / YEAR_PAGE_SIZE))
    page = min(form.asked("page") or 1, pages)
    first = (page - 1) * YEAR_PAGE_SIZE
    shown = list(
        entries.filter(date__gte=dt.date(year, 1, 1), date__lte=dt.date(year, 12, 31))[first : first + YEAR_PAGE_SIZE]
    )
    years = sorted(counts)
    earlier = [y for y in years if y < year]
    later = [y for y in years if y > year]
    if page > 1:
        older = (year, page - 1)
    elif earlier:
        older = (earlier[-1], max(1, math.ceil(counts[earlier[-1]] / YEAR_PAGE_SIZE)))
    else:
        older = None
    newer = (year, page + 1) if page < pages else ((later[0], 1) if later else None)

    def link(target):
        if target is None:
            return None
        query = params.copy()
        query["year"] = str(target[0])
        if target[1] > 1:
            query["page"] = str(target[1])
        else:
            query.pop("page", None)
        return {"year": target[0], "page": target[1], "query": query.urlencode()}

    return {
        "total": total,
        "entries": shown,
        "year": year,
        "page": page,
        "pages": pages,
        "in_year": in_year,
        "years": [link((y, 1)) | {"count": counts[y], "current": y == year} for y in years],
        "older": link(older),
        "newer": link(newer),
    }


def latest_cases(dispute) -> dict:
    """The most recently initiated cases, each with its last steps and the number of its steps (three queries)."""
    steps = Prefetch("events", queryset=Event.objects.order_by("-date", "-id")[:STEPS_SHOWN], to_attr="last_steps")
    cases = list(
        Case.objects.filter(dispute=dispute)
        .select_related("complainant", "respondent")
        .annotate(step_count=Count("events"))
        .prefetch_related(steps)
        .order_by("-initiated_on", "-id")[:CASES_SHOWN]
    )
    for case in cases:
        case.last_steps = list(reversed(case.last_steps))
    return {"cases": cases, "count": Case.objects.filter(dispute=dispute).count()}


def retaliation_graph(dispute, sides) -> dict:
    """The latest links between measures (at most ``LINKS_SHOWN``), as table rows and as the graph's nodes and
    edges; on each link, the days from the measure answered to its answer (two queries)."""
    everything = MeasureLink.objects.filter(from_measure__dispute=dispute)
    links = list(
        everything.select_related("from_measure__imposed_by", "to_measure__imposed_by", "source").order_by(
            "-from_measure__announced_on", "-from_measure_id", "type", "to_measure_id"
        )[:LINKS_SHOWN]
    )
    links.reverse()
    total = len(links) if len(links) < LINKS_SHOWN else everything.count()
    nodes: dict[int, dict] = {}
    edges = []
    for link in links:
        link.days = (link.from_measure.announced_on - link.to_measure.announced_on).days
        for measure in (link.from_measure, link.to_measure):
            if measure.pk not in nodes:
                side = side_of_country(sides, str(measure.imposed_by.country)) or "other"
                nodes[measure.pk] = {
                    "id": measure.pk,
                    "label": measure.title,
                    "side": side,
                    "date": measure.announced_on.isoformat(),
                    "url": record_url("measure", measure.pk, in_language=True),
                }
        edges.append(
            {
                "from": link.from_measure_id,
                "to": link.to_measure_id,
                "type": link.type,
                "label": str(link.get_type_display()),
                "contested": link.contested,
                "days": link.days,
            }
        )
    return {"links": links, "count": total, "graph": {"nodes": list(nodes.values()), "edges": edges}}


def chart_series(dispute, sides, summary) -> dict:
    """Per side and month: the measures in force (from the stored summary) and the trade they cover, in the
    currency most figures use. Only the measures some figure covers are read (a fixed number of queries)."""
    rows = summary.data.get("series", []) if summary else []
    months = [row["month"] for row in rows]
    counts = {side.slug: [row.get(side.slug, 0) for row in rows] for side in sides}
    figures = exposure_figures_with_measures(dispute) if months else []
    covered_ids = set().union(*(ids for _figure, ids in figures)) if figures else set()
    currency = None
    trade: dict[str, list] = {}
    if covered_ids:
        currencies = defaultdict(int)
        for figure, _ids in figures:
            currencies[figure.currency] += 1
        currency = sorted(currencies.items(), key=lambda c: (-c[1], c[0]))[0][0]
        periods = list(
            RatePeriod.objects.filter(measure_id__in=covered_ids, state=RateState.IN_FORCE).values_list(
                "measure_id", "valid_from", "valid_to", "measure__imposed_by__country"
            )
        )
        trade = {side.slug: [] for side in sides}
        for month in months:
            year, number = (int(part) for part in month.split("-"))
            day = dt.date(year, number, calendar.monthrange(year, number)[1])
            in_force = {m for m, start, end, _c in periods if start <= day and (end is None or day <= end)}
            for side in sides:
                mine = {m for m, start, end, c in periods if m in in_force and side_of_country(sides, c) == side.slug}
                result = trade_covered(figures, in_force_ids=in_force, side_measure_ids=mine)
                amount = sum(
                    (c.figure.amount for c in result.figures if c.figure.currency == currency), start=Decimal(0)
                )
                trade[side.slug].append(plain_decimal(amount))
    return {
        "labels": months,
        "currency": currency,
        "axis": {
            "count": str(_("Measures in force")),
            "trade": str(_("Trade covered (%(currency)s)") % {"currency": currency}) if currency else None,
        },
        "datasets": [
            {"side": side.slug, "label": side.name, "counts": counts[side.slug], "trade": trade.get(side.slug, [])}
            for side in sides
        ],
    }


def series_table(series: dict) -> list[dict]:
    """The chart's figures as table rows: per month, per side, the measures in force and the trade covered."""
    rows = []
    for index, month in enumerate(series["labels"]):
        cells = [
            {"count": d["counts"][index], "trade": d["trade"][index] if d["trade"] else None}
            for d in series["datasets"]
        ]
        rows.append({"month": month, "cells": cells})
    return rows
