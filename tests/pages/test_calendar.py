"""The iCalendar feed of a dispute: what a newsroom's calendar shows, on which days."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from icalendar import Calendar

from disputes.models import Actor, Event
from tariffs.models import Measure, RatePeriod
from tests.factories import DisputeFactory, EventFactory, MeasureFactory, SourceFactory
from timelines.services import refresh_dispute

pytestmark = pytest.mark.django_db

SITE = "http://testserver"


def calendar(client, url="/disputes/canada-china/calendar.ics", **params):
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def by_uid(parsed):
    return {str(event["UID"]): event for event in parsed.walk("VEVENT")}


def test_the_calendar_is_named_after_its_dispute(client):
    parsed = calendar(client)
    assert parsed.calendar_name == "TradeWatch: Canada–China trade dispute"
    assert str(parsed["X-WR-CALNAME"]) == "TradeWatch: Canada–China trade dispute"
    assert str(parsed["URL"]) == f"{SITE}/en/disputes/canada-china/"


def test_an_event_is_an_all_day_entry_with_its_page_and_sources(client):
    call = Event.objects.get(reference="F069")
    entry = by_uid(calendar(client))[f"event-{call.pk}@tradewatch"]
    assert str(entry["SUMMARY"]) == "Carney and Li Qiang speak by phone"
    assert (entry.start, entry.end) == (dt.date(2025, 6, 5), dt.date(2025, 6, 6))  # dates, not times
    assert str(entry["URL"]) == f"{SITE}/en/events/{call.pk}/"
    description = str(entry["DESCRIPTION"])
    assert "Prime Minister Carney speaks with Premier of China Li Qiang" in description
    assert f"{SITE}/en/events/{call.pk}/" in description


def test_a_cited_address_is_in_the_description(client, canada_china):
    event = EventFactory(dispute=canada_china, date=dt.date(2026, 9, 1), title="Tariff review hearing")
    event.citations.create(source=SourceFactory(title="Notice of hearing", url="https://example.org/hearing"))
    refresh_dispute(dispute_id=canada_china.pk, today=dt.date(2025, 6, 5))
    description = str(by_uid(calendar(client))[f"event-{event.pk}@tradewatch"]["DESCRIPTION"])
    assert "Notice of hearing" in description and "https://example.org/hearing" in description


def test_an_event_with_an_end_date_spans_its_days(client):
    mission = Event.objects.get(reference="F086")  # 6 to 9 September 2025
    entry = by_uid(calendar(client))[f"event-{mission.pk}@tradewatch"]
    assert (entry.start, entry.end) == (dt.date(2025, 9, 6), dt.date(2025, 9, 10))  # the end is exclusive


def test_an_event_known_to_the_month_or_year_spans_it_and_says_so(client):
    entries = by_uid(calendar(client))
    month = entries[f"event-{Event.objects.get(reference='F001').pk}@tradewatch"]
    assert (month.start, month.end) == (dt.date(2017, 12, 1), dt.date(2018, 1, 1))
    assert str(month["SUMMARY"]).endswith("(December 2017)")
    year = entries[f"event-{Event.objects.get(reference='F025').pk}@tradewatch"]
    assert (year.start, year.end) == (dt.date(2021, 1, 1), dt.date(2022, 1, 1))
    assert str(year["SUMMARY"]).endswith("(2021)")


def test_a_measure_appears_on_the_days_it_takes_effect_is_suspended_and_resumes(client):
    meal = Measure.objects.get(reference="M09-meal")
    title = "100% countermeasure tariff on Canadian canola meal (oil cakes)"
    mine = {
        event.start: str(event["SUMMARY"])
        for event in calendar(client).walk("VEVENT")
        if str(event["URL"]) == f"{SITE}/en/measures/{meal.pk}/"
    }
    assert mine == {
        dt.date(2025, 3, 20): f"{title} takes effect",
        dt.date(2026, 3, 1): f"{title} is suspended",
        dt.date(2027, 1, 1): f"{title} resumes",
    }  # and no entry for its announcement: the announcing event is the calendar's entry for that


def test_a_measure_that_ends_is_shown_on_its_last_day_in_force(client, canada_china):
    canada = Actor.objects.get(code="CA")
    measure = MeasureFactory(dispute=canada_china, imposed_by=canada, title="Temporary surtax on widgets")
    RatePeriod.objects.create(
        measure=measure, valid_from=dt.date(2026, 1, 1), valid_to=dt.date(2026, 6, 30), rate_percent=10
    )
    refresh_dispute(dispute_id=canada_china.pk, today=dt.date(2025, 6, 5))
    entries = by_uid(calendar(client))
    starts = entries[f"measure-{measure.pk}-measure_in_force-2026-01-01@tradewatch"]
    assert (starts.start, str(starts["SUMMARY"])) == (dt.date(2026, 1, 1), "Temporary surtax on widgets takes effect")
    ends = entries[f"measure-{measure.pk}-measure_ended-2026-07-01@tradewatch"]
    assert (ends.start, ends.end) == (dt.date(2026, 6, 30), dt.date(2026, 7, 1))
    assert str(ends["SUMMARY"]) == "Temporary surtax on widgets ends"
    assert "Last day in force: 30 June 2026." in str(ends["DESCRIPTION"])


def test_uids_are_unique_and_survive_a_refresh(client, canada_china):
    before = [str(event["UID"]) for event in calendar(client).walk("VEVENT")]
    refresh_dispute(dispute_id=canada_china.pk, today=dt.date(2026, 1, 1), full=True)
    after = [str(event["UID"]) for event in calendar(client).walk("VEVENT")]
    assert len(set(before)) == len(before) and set(after) == set(before)


def test_another_disputes_events_are_not_in_the_calendar(client):
    other = DisputeFactory(title="Another dispute")
    stranger = EventFactory(dispute=other, date=dt.date(2026, 9, 1))
    refresh_dispute(dispute_id=other.pk, today=dt.date(2025, 6, 5))
    assert f"event-{stranger.pk}@tradewatch" not in by_uid(calendar(client))
    assert f"event-{stranger.pk}@tradewatch" in by_uid(calendar(client, f"/disputes/{other.slug}/calendar.ics"))


def test_the_calendar_takes_the_dispute_page_parameters(client):
    parsed = calendar(client, kind="leader_call", date_after="2025-01-01")
    calls = Event.objects.filter(dispute__slug="canada-china", kind="leader_call", date__gte="2025-01-01")
    assert calls.exists() and set(by_uid(parsed)) == {f"event-{e.pk}@tradewatch" for e in calls}


def test_unknown_disputes_are_404_and_bad_parameters_400(client):
    assert client.get("/disputes/nowhere/calendar.ics").status_code == 404
    response = client.get("/disputes/canada-china/calendar.ics", {"date_before": "soon"})
    assert response.status_code == 400
    assert [error["attr"] for error in response.json()["errors"]] == ["date_before"]


def fetched(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), len(Calendar.from_ical(response.content).walk("VEVENT"))


@pytest.mark.parametrize("url", ["/disputes/canada-china/calendar.ics", "/disputes/canada-china/calendar.ics?actor=CA"])
def test_calendar_queries_do_not_grow_with_entries(client, canada_china, url):
    canada = Actor.objects.get(code="CA")
    queries, entries = fetched(client, url)
    for i in range(10):
        event = EventFactory(dispute=canada_china, date=dt.date(2026, 5, i + 1))
        event.participations.create(actor=canada, role="participant")
        measure = MeasureFactory(dispute=canada_china, imposed_by=canada)
        measure.rate_periods.create(valid_from=dt.date(2026, 1, 1), valid_to=dt.date(2026, 6, 30), rate_percent=10)
    refresh_dispute(dispute_id=canada_china.pk, today=dt.date(2025, 6, 5), full=True)
    more_queries, more_entries = fetched(client, url)
    assert more_entries == entries + 30 and more_queries == queries  # per measure: takes effect, ends
