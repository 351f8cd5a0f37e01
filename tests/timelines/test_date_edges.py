"""The timeline and summary build for every date that can be stored: the first and last accepted days
(1900-01-01, 2200-12-31), open-ended periods, and rows from before the date constraints existed that
lie at the very ends of the calendar (0001-01-01, 9999-12-31)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from core.dates import DATE_MAX, DATE_MIN
from disputes.models import Case, Dispute, Event, Source
from tariffs.models import Measure, RatePeriod
from tests.factories import DisputeFactory, EventFactory, MeasureFactory
from timelines.builders import _period_milestones
from timelines.models import DisputeSummary, TimelineEntry
from timelines.services import refresh_dispute
from timelines.summaries import monthly_series

pytestmark = pytest.mark.django_db
TODAY = dt.date(2025, 6, 5)


@pytest.fixture
def legacy_database(db):
    """A database from before the date constraints: rows outside 1900..2200 may be stored in it."""
    with connection.schema_editor() as schema:
        for model in (Source, Dispute, Case, Event, Measure, RatePeriod):
            for constraint in model._meta.constraints:
                if constraint.name.endswith("_in_range"):
                    schema.remove_constraint(model, constraint)


def at_the_edges(dispute, first: dt.date, last: dt.date):
    """Events and measures dated on ``first`` and ``last``, with every precision and window shape."""
    EventFactory(dispute=dispute, date=last, end_date=last, title="Last-day meeting")
    EventFactory(dispute=dispute, date=last.replace(month=1, day=1), date_precision="year", title="Last year")
    EventFactory(dispute=dispute, date=last.replace(day=1), date_precision="month", title="Last month")
    EventFactory(dispute=dispute, date=first, title="First-day statement")
    whole = MeasureFactory(dispute=dispute, announced_on=first, title="In force from first to last day")
    whole.rate_periods.create(valid_from=first, valid_to=last, rate_percent=10)
    late = MeasureFactory(dispute=dispute, announced_on=last, title="Starts on the last day, open-ended")
    late.rate_periods.create(valid_from=last, rate_percent=20)
    steps = MeasureFactory(dispute=dispute, announced_on=first, title="Suspended up to the last day")
    steps.rate_periods.create(valid_from=first, valid_to=first, rate_percent=5)
    steps.rate_periods.create(valid_from=first + dt.timedelta(days=1), valid_to=last, rate_percent=5, state="suspended")
    return whole, late, steps


def entries(dispute, measure):
    return list(
        TimelineEntry.objects.filter(dispute=dispute, measure=measure)
        .order_by("date", "key")
        .values_list("date", "kind", "rate_percent")
    )


def test_the_first_and_last_accepted_days_are_built_into_the_timeline_and_summary(canada_china):
    whole, late, steps = at_the_edges(canada_china, DATE_MIN, DATE_MAX)
    result = refresh_dispute(dispute_id=canada_china.pk, today=TODAY, full=True)
    assert result is not None and result.inserted > 0
    assert entries(canada_china, whole) == [
        (DATE_MIN, "measure_announced", None),
        (DATE_MIN, "measure_in_force", Decimal("10")),
        (dt.date(2201, 1, 1), "measure_ended", None),  # the day after the last accepted day
    ]
    assert entries(canada_china, late)[-1] == (DATE_MAX, "measure_in_force", Decimal("20"))
    assert [kind for _, kind, _ in entries(canada_china, steps)][-2:] == ["measure_suspended", "measure_ended"]
    titles = set(
        TimelineEntry.objects.filter(dispute=canada_china, date__gte=dt.date(2200, 1, 1)).values_list(
            "title", flat=True
        )
    )
    assert {"Last-day meeting", "Last year", "Last month"} <= titles
    summary = DisputeSummary.objects.get(dispute=canada_china)
    assert summary.data["series"][0]["month"] == "1900-01"
    assert summary.data["series"][-1]["month"] == "2025-06"


def test_rows_stored_before_the_constraints_at_the_ends_of_the_calendar_do_not_break_a_refresh(
    canada_china, legacy_database
):
    whole, late, steps = at_the_edges(canada_china, dt.date.min, dt.date.max)
    assert refresh_dispute(dispute_id=canada_china.pk, today=TODAY, full=True) is not None
    # A period whose last day is the calendar's last day never ends within it.
    assert entries(canada_china, whole) == [
        (dt.date.min, "measure_announced", None),
        (dt.date.min, "measure_in_force", Decimal("10")),
    ]
    assert entries(canada_china, late)[-1] == (dt.date.max, "measure_in_force", Decimal("20"))
    assert TimelineEntry.objects.filter(dispute=canada_china, event__title="Last-day meeting").exists()
    # The summary's monthly series starts no earlier than the accepted range, however old a row is.
    assert DisputeSummary.objects.get(dispute=canada_china).data["series"][0]["month"] == "1900-01"

    # The next edit is refreshed too: the timeline is not stuck on the extreme rows.
    event = Event.objects.get(reference="F069")
    event.title = "Carney and Li Qiang speak by phone (edited)"
    event.save()
    refresh_dispute(dispute_id=canada_china.pk, today=TODAY)
    assert TimelineEntry.objects.get(event=event).title == "Carney and Li Qiang speak by phone (edited)"


@pytest.mark.parametrize(
    "periods",
    [
        [{"valid_from": dt.date(9999, 1, 1), "valid_to": dt.date.max, "rate_percent": Decimal(1), "state": "in_force"}],
        [
            {"valid_from": dt.date.min, "valid_to": dt.date.min, "rate_percent": Decimal(1), "state": "in_force"},
            {"valid_from": dt.date(1, 1, 2), "valid_to": dt.date.max, "rate_percent": Decimal(2), "state": "in_force"},
        ],
        [
            {
                "valid_from": dt.date(9999, 12, 1),
                "valid_to": dt.date(9999, 12, 30),
                "rate_percent": Decimal(1),
                "state": "in_force",
            },
            {"valid_from": dt.date.max, "valid_to": dt.date.max, "rate_percent": Decimal(1), "state": "suspended"},
        ],
    ],
)
def test_period_milestones_are_total_at_the_ends_of_the_calendar(periods):
    periods = [{"note": "", **p} for p in periods]
    milestones = list(_period_milestones(periods))
    assert milestones and all(day <= dt.date.max for day, *_ in milestones)
    assert "measure_ended" not in [kind for _, kind, *_ in milestones]


def test_the_monthly_series_reaches_today_from_a_dispute_that_started_on_the_first_accepted_day(canada_china):
    canada_china.started_on = DATE_MIN
    series = monthly_series(canada_china, [], TODAY)["rows"]
    assert (series[0]["month"], series[-1]["month"]) == ("1900-01", "2025-06")
    assert len(series) == (2025 - 1900) * 12 + 6


def test_the_monthly_series_is_total_on_the_last_day_of_the_calendar(legacy_database):
    series = monthly_series(DisputeFactory(started_on=dt.date(9999, 11, 15)), [], dt.date.max)["rows"]
    assert [row["month"] for row in series] == ["9999-11", "9999-12"]
