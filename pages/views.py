"""The analysts' pages. Views are thin: selectors read, templates show."""

import re

from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.i18n import translated
from core.revisions import revision_at
from disputes.models import Dispute, Source
from disputes.selectors import dispute_sides
from tariffs.exposure import METHOD as TRADE_COVERED_METHOD
from tariffs.filters import MeasureFilter
from tariffs.models import Measure
from timelines.filters import KIND_CHOICES, TimelineFilter
from timelines.models import TimelineEntry
from timelines.summaries import build_summary

from . import dispute_page, search_page, selectors
from .forms import MeasureDayForm, TimelineViewForm


def given(params: QueryDict) -> QueryDict:
    """The query parameters a form actually set: an empty select or field means "any"."""
    kept = QueryDict(mutable=True)
    for key, values in params.lists():
        kept.setlist(key, [v for v in values if v != ""])
    return kept


def home(request):
    context = selectors.home(timezone.localdate())
    return render(request, "pages/home.html", context)


def dispute_detail(request, slug):
    """The dispute at a glance: the state of play on a date, then the timeline (drawn from the API window by
    window; without JavaScript, a list paged by year), the chart, the retaliation graph and the latest cases.
    The page's size and its number of queries do not grow with the number of entries."""
    dispute = get_object_or_404(Dispute, slug=slug)
    today = timezone.localdate()
    sides = dispute_sides(dispute)
    filters = TimelineFilter(given(request.GET), queryset=TimelineEntry.objects.filter(dispute=dispute))
    view = TimelineViewForm(request.GET)
    page_form = dispute_page.TimelinePageForm(request.GET)
    entries = filters.qs if filters.is_valid() else TimelineEntry.objects.none()
    version = dispute_page.refresh_version(dispute)
    key = dispute_page.filters_key(filters)
    years = dispute_page.timeline_years(entries, today=today, version=version, filters=key)
    bounds = dispute_page.timeline_bounds(years)
    listing = dispute_page.year_page(entries, page_form, given(request.GET), years=years, bounds=bounds)
    summary = selectors.dispute_summary(dispute)
    as_of_form = MeasureDayForm(request.GET)
    series = dispute_page.chart_series(sides, summary)
    groups = [{"id": s.slug, "content": translated(s, "name")} for s in sides] + [
        {"id": "other", "content": _("Both sides or neither")}
    ]
    # Data for the page's scripts goes through json_script in the templates, never as markup.
    context = {
        "dispute": dispute,
        "sides": sides,
        "summary": summary,
        "as_of_form": as_of_form,
        "state_of_play": _state_of_play(dispute, summary, as_of_form.day()),
        "trade_covered_method": TRADE_COVERED_METHOD,
        "filters": filters,
        "view": view,
        "page_form": page_form,
        "listing": listing,
        "entries": listing["entries"],
        "timeline_data": {
            "api": reverse("api:dispute-timeline", args=[dispute.slug]),
            "query": _api_query(filters),
            "bounds": bounds,
            "total": listing["total"],
            "groups": groups,
            "group_by": view.lanes(),
        },
        "kind_labels": {code: str(label) for code, label in KIND_CHOICES},
        "series": series,
        "series_rows": dispute_page.series_table(series),
        "side_names": {side.slug: translated(side, "name") for side in sides},
        "chain": dispute_page.retaliation_graph(dispute, sides),
        "cases": dispute_page.latest_cases(dispute),
        "actors": dispute_page.actors_of(dispute, version=version),
    }
    template = (
        "pages/partials/timeline.html"
        if request.htmx and request.htmx.target == "timeline"
        else "disputes/dispute_detail.html"
    )
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


def _api_query(filters) -> str:
    """The page's valid filters as the timeline API's query (the widget adds the dates of each window)."""
    if not filters.is_valid():
        return ""
    query = QueryDict(mutable=True)
    for name in ("kind", "record_type", "side"):
        value = filters.form.cleaned_data.get(name)
        if value:
            query.setlist(name, value if isinstance(value, list) else [value])
    actor = filters.form.data.get("actor")
    if filters.form.cleaned_data.get("actor") is not None and actor:
        query["actor"] = actor
    return query.urlencode()


def _state_of_play(dispute, summary, day) -> dict | None:
    """The state of play on ``day`` (computed), or today's from the stored summary."""
    if day is not None:
        data = build_summary(dispute, day)
        return {"as_of": day, "data": data, "text_en": data["text_en"], "text_fr": data["text_fr"], "dated": True}
    if summary is None:
        return None
    return {"as_of": summary.as_of, "data": summary.glance, "text_en": summary.text_en, "text_fr": summary.text_fr}


def measure_list(request):
    today = timezone.localdate()
    filters = MeasureFilter(given(request.GET), queryset=Measure.objects.all())
    queryset = filters.qs if filters.is_valid() else Measure.objects.none()
    asked = filters.form.cleaned_data if filters.is_valid() else {}
    day = asked.get("in_force_on") or asked.get("on")  # the filter then annotates status and rate on that day
    if day is None:
        queryset = queryset.with_rate_on(today)
    page = Paginator(selectors.measures_page(queryset), 50).get_page(request.GET.get("page"))
    context = {"filters": filters, "page": page, "day": day or today, "dated": day is not None}
    return render(request, "tariffs/measure_list.html", context)


def _or_404(read, pk):
    try:
        return read(pk)
    except ObjectDoesNotExist:
        raise Http404 from None


def measure_detail(request, pk):
    """A measure; with ``?as_of_revision=N``, the measure as it was at its revision N; with ``?on=D``,
    its status on D and the rate period covering D."""
    measure = _or_404(selectors.measure_detail, pk)
    day_form = MeasureDayForm(request.GET)
    revisions = selectors.measure_history(measure, editors=request.user.is_staff)
    version = _version(request, revisions, measure)
    if isinstance(version, HttpResponse):
        return version
    parts = selectors.measure_as_of(version) if version else {"measure": measure, **selectors.measure_parts(measure)}
    on_day = selectors.measure_on_day(parts["measure"], parts["rate_periods"], day_form.day())
    context = {**parts, **on_day, "day_form": day_form, **_history_context(revisions, version)}
    return render(request, "tariffs/measure_detail.html", context)


def event_detail(request, pk):
    """An event; with ``?as_of_revision=N``, the event as it was at its revision N."""
    event = _or_404(selectors.event_detail, pk)
    revisions = selectors.event_history(event, editors=request.user.is_staff)
    version = _version(request, revisions, event)
    if isinstance(version, HttpResponse):
        return version
    parts = selectors.event_as_of(version) if version else {"event": event, **selectors.event_parts(event)}
    return render(request, "disputes/event_detail.html", {**parts, **_history_context(revisions, version)})


def _version(request, revisions, record):
    """The revision ``?as_of_revision=N`` asks for, None for the current version, or an error page (400, 404)."""
    raw = request.GET.get("as_of_revision")
    if raw is None or raw == "":
        return None
    if re.fullmatch(r"[0-9]{1,9}", raw) is None:
        message = _("“as_of_revision” must be a revision number such as 1 or 2, not “%(value)s”.") % {"value": raw}
        return _revision_error(request, record, message, status=400)
    version = revision_at(revisions, int(raw))
    if version is None:
        message = ngettext(
            "There is no revision %(number)s: this record has %(count)d revision.",
            "There is no revision %(number)s: this record has %(count)d revisions.",
            len(revisions),
        ) % {"number": raw, "count": len(revisions)}
        return _revision_error(request, record, message, status=404)
    return version


def _revision_error(request, record, message, *, status):
    context = {"record": record, "message": message}
    return render(request, "pages/revision_error.html", context, status=status)


def _history_context(revisions, version) -> dict:
    return {
        "revisions": list(reversed(revisions))[: selectors.HISTORY_SHOWN],
        "revision_count": len(revisions),
        "version": version,
    }


def case_detail(request, pk):
    case = _or_404(selectors.case_detail, pk)
    return render(request, "disputes/case_detail.html", {"case": case})


def search(request):
    text = request.GET.get("q", "").strip()
    results = search_page.search(text, request.GET) if text else []
    return render(request, "pages/search.html", {"q": text, "results": results})


def source_detail(request, pk):
    source = get_object_or_404(Source, pk=pk)
    return render(request, "disputes/source_detail.html", {"source": source, **selectors.citing(source)})
