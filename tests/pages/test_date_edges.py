"""Pages, feeds, calendars and the timeline widget answer for every date that can be stored: the first
and last accepted days, and rows from before the date constraints at the ends of the calendar."""

import datetime as dt

import pytest
from django.core.cache import cache
from icalendar import Calendar

from core.dates import DATE_MAX, DATE_MIN
from disputes.models import Event
from pages.calendars import span
from tests.timelines.test_date_edges import at_the_edges, legacy_database  # noqa: F401  (a fixture)
from timelines.models import TimelineEntry
from timelines.services import refresh_dispute

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 6, 5)


def every_reader(client, measures):
    cache.clear()  # throttles and cached answers
    urls = [
        "/en/",
        "/fr/",
        "/en/disputes/canada-china/",
        "/en/disputes/canada-china/?date_after=1900-01-01&date_before=2200-12-31",
        "/en/disputes/canada-china/embed/",
        "/en/measures/",
        "/disputes/canada-china/calendar.ics",
        "/disputes/canada-china/feed/",
        "/feeds/events/",
        "/api/v1/disputes/canada-china/timeline/",
        "/api/v1/disputes/canada-china/timeline/?format=timelinejs",
        "/api/v1/disputes/canada-china/timeline/?format=csv",
        "/api/v1/disputes/canada-china/summary/",
        "/api/v1/events/?dispute=canada-china&ordering=-date",
        *(f"/en/measures/{m.pk}/" for m in measures),
        *(f"/en/events/{pk}/" for pk in Event.objects.filter(title__in=EDGE_EVENTS).values_list("pk", flat=True)),
    ]
    return {url: client.get(url).status_code for url in urls}


EDGE_EVENTS = ["Last-day meeting", "Last year", "Last month", "First-day statement"]


def calendar_spans(client):
    parsed = Calendar.from_ical(client.get("/disputes/canada-china/calendar.ics").content)
    return {str(event["SUMMARY"]): (event.start, event.end) for event in parsed.walk("VEVENT")}


def test_every_reader_answers_for_the_first_and_last_accepted_days(client, canada_china):
    measures = at_the_edges(canada_china, DATE_MIN, DATE_MAX)
    refresh_dispute(dispute_id=canada_china.pk, today=TODAY, full=True)
    statuses = every_reader(client, measures)
    assert set(statuses.values()) == {200}, statuses
    spans = calendar_spans(client)
    assert spans["Last-day meeting"] == (DATE_MAX, dt.date(2201, 1, 1))
    assert spans["Last year (2200)"] == (dt.date(2200, 1, 1), dt.date(2201, 1, 1))
    assert spans["Last month (December 2200)"] == (dt.date(2200, 12, 1), dt.date(2201, 1, 1))
    assert spans["In force from first to last day ends"] == (DATE_MAX, dt.date(2201, 1, 1))


@pytest.mark.usefixtures("legacy_database")
def test_every_reader_answers_for_rows_stored_before_the_constraints_at_the_ends_of_the_calendar(client, canada_china):
    measures = at_the_edges(canada_china, dt.date.min, dt.date.max)
    refresh_dispute(dispute_id=canada_china.pk, today=TODAY, full=True)
    statuses = every_reader(client, measures)
    assert set(statuses.values()) == {200}, statuses
    spans = calendar_spans(client)
    # The calendar has no day after 9999-12-31: the end is held there.
    assert spans["Last-day meeting"] == (dt.date.max, dt.date.max)
    assert spans["Last year (9999)"] == (dt.date(9999, 1, 1), dt.date.max)
    assert spans["Last month (December 9999)"] == (dt.date(9999, 12, 1), dt.date.max)


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (TimelineEntry(date=dt.date(2200, 12, 1), date_precision="month"), dt.date(2201, 1, 1)),
        (TimelineEntry(date=dt.date(2200, 1, 1), date_precision="year"), dt.date(2201, 1, 1)),
        (TimelineEntry(date=dt.date(1900, 1, 31), date_precision="day"), dt.date(1900, 2, 1)),
        (TimelineEntry(date=dt.date(9999, 12, 1), date_precision="month"), dt.date.max),
        (TimelineEntry(date=dt.date(9999, 1, 1), date_precision="year"), dt.date.max),
        (TimelineEntry(date=dt.date.max, date_precision="day"), dt.date.max),
        (TimelineEntry(date=dt.date(9999, 12, 30), end_date=dt.date.max), dt.date.max),
        (TimelineEntry(date=dt.date(1, 1, 2), kind="measure_ended"), dt.date(1, 1, 2)),
    ],
    ids=lambda value: f"{value.date}-{value.date_precision}" if isinstance(value, TimelineEntry) else str(value),
)
def test_a_calendar_span_ends_after_it_starts_or_at_the_end_of_the_calendar(entry, expected):
    start, end = span(entry)
    assert end == expected and start <= end
