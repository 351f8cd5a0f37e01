"""The iCalendar feed of a dispute: its events and the days its measures take effect, change or end.

A newsroom subscribes to ``/disputes/{slug}/calendar.ics`` and sees what is coming. Entries are
all-day (dates, not times); an event known only to the month or the year spans that month or year.
UIDs come from the timeline entry keys, so an entry keeps its UID across refreshes and a calendar
application updates it in place. The calendar takes the dispute page's parameters (e.g. ``kind``).
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from icalendar import Calendar, vDuration
from icalendar import Event as CalendarEvent

from core.dates import next_month_start, next_year_start, shifted
from core.formatting import plain_decimal
from core.permalinks import record_url
from disputes.models import Dispute
from timelines.choices import Milestone, RecordType
from timelines.models import TimelineEntry

from . import subscriptions
from .templatetags.pages_tags import kind_label

#: The latest entries (by date, scheduled ones included) a calendar carries.
CALENDAR_LENGTH = 5000
#: How often calendar applications are asked to fetch the calendar again.
REFRESH_INTERVAL = dt.timedelta(hours=6)
UID_DOMAIN = "tradewatch"


def dispute_calendar(request, slug):
    with translation.override("en"):
        dispute = get_object_or_404(Dispute, slug=slug)
        try:
            entries = subscriptions.timeline(dispute, request.GET, CALENDAR_LENGTH, effective_dates_only=True)
        except subscriptions.InvalidFilters as error:
            return error.response()
        calendar = Calendar.new(
            prodid="-//TradeWatch//Dispute calendar//EN",
            name=_("TradeWatch: %(dispute)s") % {"dispute": dispute.title},
            description=_("Events and measure effective dates of %(dispute)s, each with its sources.")
            % {"dispute": dispute.title},
            url=request.build_absolute_uri(record_url("dispute", dispute.slug, in_language=True)),
            refresh_interval=REFRESH_INTERVAL,
            calscale="GREGORIAN",
            uid=f"{dispute.slug}@{UID_DOMAIN}",
        )
        calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH_INTERVAL))
        for entry in reversed(entries):  # oldest first, as people read a calendar file
            calendar.add_component(calendar_event(entry, request.build_absolute_uri))
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{dispute.slug}.ics"'
    return response


def calendar_event(entry: TimelineEntry, absolute) -> CalendarEvent:
    """One all-day VEVENT for a timeline entry."""
    start, end = span(entry)
    url = absolute(subscriptions.record_path(entry))
    if entry.kind == Milestone.MEASURE_ENDED:
        lines = [_("Last day in force: %(day)s.") % {"day": subscriptions.when(start)}]
    else:
        lines = [subscriptions.when(entry.date, entry.date_precision, entry.end_date)]
    if entry.text:
        lines.append(entry.text)
    sources = subscriptions.distinct_sources(entry.sources)
    lines += (
        ["", _("Sources:"), *(f"- {subscriptions.source_line(s)}" for s in sources)]
        if sources
        else ["", subscriptions.no_sources_text()]
    )
    lines += ["", _("On TradeWatch: %(url)s") % {"url": url}]
    return CalendarEvent.new(
        uid=f"{entry.key.replace(':', '-')}@{UID_DOMAIN}",
        start=start,
        end=end,
        summary=summary(entry),
        description="\n".join(lines),
        url=url,
        categories=[str(kind_label(entry.kind))],
        stamp=entry.record_updated_at,
        last_modified=entry.record_updated_at,
        transparency="TRANSPARENT",  # a date to watch, not a time to block
    )


def span(entry: TimelineEntry) -> tuple[dt.date, dt.date]:
    """First day and the day after the last (iCalendar ends are exclusive).

    Total over every storable date: at the end of the calendar (9999-12-31) the end is held there.
    """
    if entry.kind == Milestone.MEASURE_ENDED:
        # The milestone is dated on the first day without the measure; "X ends" belongs on its last day.
        last = shifted(entry.date, -1)
        return last, shifted(last, 1)
    if entry.end_date:
        return entry.date, shifted(max(entry.end_date, entry.date), 1)
    if entry.date_precision == "year":
        return entry.date, next_year_start(entry.date)
    if entry.date_precision == "month":
        return entry.date, next_month_start(entry.date)
    return entry.date, shifted(entry.date, 1)


MEASURE_SUMMARIES = {
    Milestone.MEASURE_IN_FORCE: gettext_lazy("%(measure)s takes effect"),
    Milestone.RATE_CHANGE: gettext_lazy("%(measure)s: rate changes"),
    Milestone.MEASURE_AMENDED: gettext_lazy("%(measure)s: terms change"),
    Milestone.MEASURE_SUSPENDED: gettext_lazy("%(measure)s is suspended"),
    Milestone.MEASURE_RESUMED: gettext_lazy("%(measure)s resumes"),
    Milestone.MEASURE_ENDED: gettext_lazy("%(measure)s ends"),
}


def summary(entry: TimelineEntry) -> str:
    """What the calendar shows: "X takes effect" for a measure, else the title (with how precise its date is)."""
    subject = entry.subject or entry.title
    if entry.record_type == RecordType.MEASURE and entry.kind in MEASURE_SUMMARIES:
        if entry.kind == Milestone.RATE_CHANGE and entry.rate_percent is not None:
            rate = plain_decimal(entry.rate_percent)
            return _("%(measure)s: rate changes to %(rate)s%%") % {"measure": subject, "rate": rate}
        return MEASURE_SUMMARIES[entry.kind] % {"measure": subject}
    title = subject if entry.record_type == RecordType.EVENT else entry.title
    if entry.date_precision in ("month", "year") and not entry.end_date:
        return f"{title} ({subscriptions.when(entry.date, entry.date_precision)})"
    return title
