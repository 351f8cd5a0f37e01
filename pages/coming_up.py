"""``/coming-up/``: what is scheduled across every dispute from a day on (today by default): measures taking
effect, changing rate, suspended, resuming or ending, and dated events ahead (WTO deadlines, announced dates).

The entries are the disputes' timeline entries (``timelines``), so the page, the dispute pages and the
calendars agree. ``/coming-up/calendar.ics`` is the same list as an iCalendar feed, in English like the
other calendars. A fixed number of queries, whatever the number of entries.
"""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, vDuration

from timelines.choices import Milestone, RecordType
from timelines.models import TimelineEntry

from .analyst_forms import FromDayForm
from .calendars import REFRESH_INTERVAL, UID_DOMAIN, calendar_event

PAGE_SIZE = 50
#: How many coming entries the home page shows.
HOME_LENGTH = 3
#: How many coming entries the calendar carries.
CALENDAR_LENGTH = 1000


def coming(day: dt.date) -> QuerySet[TimelineEntry]:
    """Timeline entries of every dispute dated on or after ``day``, soonest first; a measure's
    announcement is left out (the measure appears on the days it takes effect, changes or ends)."""
    return (
        TimelineEntry.objects.filter(date__gte=day)
        .exclude(record_type=RecordType.MEASURE, kind=Milestone.MEASURE_ANNOUNCED)
        .select_related("dispute")
        .order_by("date", "dispute__slug", "record_type", "record_id", "key")
    )


def next_few(day: dt.date | None = None, count: int = HOME_LENGTH) -> list[TimelineEntry]:
    """The next ``count`` entries from ``day`` (today when not given), in one query."""
    return list(coming(day or timezone.localdate())[:count])


def coming_up(request):
    form = FromDayForm(request.GET)
    day = form.day()
    page = Paginator(coming(day), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "pages/coming_up.html", {"form": form, "day": day, "page": page})


def coming_up_calendar(request):
    """Every dispute's coming entries from today, as an iCalendar file."""
    with translation.override("en"):
        entries = list(
            coming(timezone.localdate()).annotate(
                record_updated_at=Coalesce("event__updated_at", "measure__updated_at", "case__updated_at")
            )[:CALENDAR_LENGTH]
        )
        calendar = Calendar.new(
            prodid="-//TradeWatch//Coming up//EN",
            name=_("TradeWatch: coming up"),
            description=_("Scheduled changes to measures and dated events ahead, across every dispute."),
            url=request.build_absolute_uri("/coming-up/"),
            refresh_interval=REFRESH_INTERVAL,
            calscale="GREGORIAN",
            uid=f"coming-up@{UID_DOMAIN}",
        )
        calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH_INTERVAL))
        for entry in entries:
            calendar.add_component(calendar_event(entry, request.build_absolute_uri))
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="coming-up.ics"'
    return response
