"""Timeline rows dated after today are scheduled (expected, not happened), in the store, the API and
the dispute page, and stop being scheduled once their day has come."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from timelines.models import TimelineEntry
from timelines.services import refresh_dispute

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 29)


@pytest.fixture
def timeline(canada_china):
    refresh_dispute(dispute_id=canada_china.pk, today=TODAY, full=True)
    return TimelineEntry.objects.filter(dispute=canada_china)


def entry(timeline, reference, kind):
    return timeline.get(measure__reference=reference, kind=kind)


def test_the_end_of_the_2026_suspension_and_the_end_of_the_canola_duty_are_scheduled(timeline):
    resumed = entry(timeline, "M09-meal", "measure_resumed")
    assert resumed.date == dt.date(2027, 1, 1) and resumed.scheduled is True
    assert entry(timeline, "M06", "measure_ended").scheduled is True  # inferred from the five-year term
    assert entry(timeline, "M09-meal", "measure_suspended").scheduled is False  # 1 Mar 2026 has happened
    assert not timeline.filter(date__lte=TODAY, scheduled=True).exists()
    assert not timeline.filter(date__gt=TODAY, scheduled=False).exists()


def test_the_api_timeline_says_which_rows_are_scheduled(timeline):
    response = APIClient().get("/api/v1/disputes/canada-china/timeline/", {"date_after": "2026-11-01", "limit": 500})
    assert response.status_code == 200
    rows = {(r["subject"], r["kind"]): r for r in response.json()["results"]}
    meal = next(r for (subject, kind), r in rows.items() if kind == "measure_resumed" and "meal" in subject)
    assert meal["date"] == "2027-01-01" and meal["scheduled"] is True
    assert all(r["scheduled"] is (r["date"] > TODAY.isoformat()) for r in rows.values())


def test_the_dispute_page_marks_scheduled_rows(timeline, client):
    # The list without JavaScript shows one year at a time: ask for 2027 alone.
    html = client.get("/en/disputes/canada-china/", {"date_after": "2027-01-01", "date_before": "2027-12-31"}).content
    expected = timeline.filter(date__gte=dt.date(2027, 1, 1), date__lte=dt.date(2027, 12, 31)).count()
    assert html.decode().count('badge-scheduled">Scheduled<') == expected > 0
    past = client.get("/en/disputes/canada-china/", {"date_before": "2026-11-29"}).content.decode()
    assert "badge-scheduled" not in past


def test_a_scheduled_row_reads_as_happened_once_its_day_has_come(timeline, canada_china):
    # No edit in between: the next refresh (the nightly one) alone must flip the flag.
    refresh_dispute(dispute_id=canada_china.pk, today=dt.date(2027, 1, 2))
    assert entry(timeline, "M09-meal", "measure_resumed").scheduled is False
    assert entry(timeline, "M06", "measure_ended").scheduled is True


def test_the_timeline_widget_marks_scheduled_slides_and_only_those(timeline, client):
    document = client.get("/api/v1/disputes/canada-china/timeline/", {"format": "timelinejs"}).json()
    marked = {slide["unique_id"] for slide in document["events"] if "tw-scheduled" in slide["text"]["text"]}
    assert marked == set(timeline.filter(scheduled=True).values_list("key", flat=True))
    assert marked
