"""The database refuses bad measures data; validation names the bad field."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction

from tariffs.choices import LinkType, MeasureStatus, RateState
from tariffs.models import MeasureLink, ProductLine, RatePeriod
from tariffs.rate_periods import derive_status
from tariffs.services import measure_replace_rate_periods, rate_periods_validate
from tests.factories import MeasureFactory, RatePeriodFactory, SourceFactory

pytestmark = pytest.mark.django_db
D = dt.date


def refused_by_database(create):
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        create()


def test_a_rate_period_cannot_end_before_it_starts():
    measure = MeasureFactory()
    refused_by_database(
        lambda: RatePeriod.objects.create(measure=measure, valid_from=D(2025, 3, 20), valid_to=D(2025, 3, 19))
    )


def test_a_one_day_period_is_valid():
    period = RatePeriodFactory(valid_from=D(2025, 3, 20), valid_to=D(2025, 3, 20))
    assert period.measure.rate_on(D(2025, 3, 20)) == Decimal("100")


def test_a_negative_rate_is_refused_by_the_database_and_by_validation():
    measure = MeasureFactory()
    refused_by_database(
        lambda: RatePeriod.objects.create(measure=measure, valid_from=D(2025, 3, 20), rate_percent=Decimal("-1"))
    )
    with pytest.raises(ValidationError) as excinfo:
        RatePeriod(measure=measure, valid_from=D(2025, 3, 20), rate_percent=Decimal("-1")).full_clean()
    assert "rate_percent" in excinfo.value.message_dict


def test_rates_above_one_hundred_percent_are_allowed():
    period = RatePeriodFactory(rate_percent=Decimal("275.5"))
    period.full_clean()


def test_hs_codes_are_two_to_ten_digits_in_the_database():
    measure = MeasureFactory()
    for bad in ["1", "15.14", "12345678901", "ab"]:
        refused_by_database(lambda bad=bad: ProductLine.objects.create(measure=measure, hs_code=bad))
    ProductLine.objects.create(measure=measure, hs_code="1514")
    ProductLine.objects.create(measure=measure, hs_code="8703801000")


def test_hs_code_validation_explains_the_format():
    with pytest.raises(ValidationError) as excinfo:
        ProductLine(measure=MeasureFactory(), hs_code="15.14").full_clean()
    assert "2 to 10 digits" in str(excinfo.value.message_dict["hs_code"])


def test_a_measure_cannot_link_to_itself():
    measure = MeasureFactory()
    refused_by_database(
        lambda: MeasureLink.objects.create(
            from_measure=measure, to_measure=measure, type=LinkType.AMENDS, source=SourceFactory()
        )
    )


def test_the_same_link_cannot_be_recorded_twice():
    a, b = MeasureFactory(), MeasureFactory()
    source = SourceFactory()
    MeasureLink.objects.create(from_measure=a, to_measure=b, type=LinkType.RETALIATES_AGAINST, source=source)
    refused_by_database(
        lambda: MeasureLink.objects.create(
            from_measure=a, to_measure=b, type=LinkType.RETALIATES_AGAINST, source=source
        )
    )


def test_overlapping_periods_are_rejected_with_both_windows_named():
    measure = MeasureFactory()
    periods = [
        RatePeriod(measure=measure, valid_from=D(2025, 3, 20), valid_to=None, rate_percent=100),
        RatePeriod(measure=measure, valid_from=D(2026, 3, 1), valid_to=D(2026, 12, 31), state=RateState.SUSPENDED),
    ]
    with pytest.raises(ValidationError) as excinfo:
        rate_periods_validate(periods)
    message = str(excinfo.value.message_dict["rate_periods"])
    assert "2025-03-20" in message and "2026-03-01" in message and "overlap" in message


def test_adjacent_periods_do_not_overlap():
    measure = MeasureFactory()
    measure_replace_rate_periods(
        measure=measure,
        periods=[
            {"valid_from": D(2025, 3, 20), "valid_to": D(2026, 2, 28), "rate_percent": 100},
            {"valid_from": D(2026, 3, 1), "valid_to": D(2026, 12, 31), "rate_percent": 100, "state": "suspended"},
        ],
        today=D(2026, 6, 1),
    )
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.SUSPENDED
    assert measure.rate_on(D(2026, 2, 28)) == Decimal("100")
    assert measure.rate_on(D(2026, 3, 1)) is None


def test_a_rejected_replacement_keeps_the_old_periods():
    period = RatePeriodFactory(valid_from=D(2025, 3, 20))
    with pytest.raises(ValidationError):
        measure_replace_rate_periods(
            measure=period.measure,
            periods=[{"valid_from": D(2025, 1, 1)}, {"valid_from": D(2025, 6, 1), "valid_to": D(2025, 5, 1)}],
            today=D(2025, 6, 1),
        )
    assert list(period.measure.rate_periods.values_list("valid_from", flat=True)) == [D(2025, 3, 20)]


@pytest.mark.postgres
def test_postgresql_itself_refuses_overlapping_periods():
    measure = MeasureFactory()
    RatePeriod.objects.create(measure=measure, valid_from=D(2025, 3, 20), valid_to=None, rate_percent=100)
    refused_by_database(
        lambda: RatePeriod.objects.create(measure=measure, valid_from=D(2026, 3, 1), valid_to=D(2026, 12, 31))
    )
    # Another measure may use the same window.
    RatePeriod.objects.create(measure=MeasureFactory(), valid_from=D(2026, 3, 1), valid_to=D(2026, 12, 31))


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2025, 3, 19), MeasureStatus.ANNOUNCED),
        (D(2025, 3, 20), MeasureStatus.IN_FORCE),
        (D(2026, 3, 1), MeasureStatus.SUSPENDED),
        (D(2027, 1, 1), MeasureStatus.ENDED),
    ],
)
def test_status_follows_the_periods(today, expected):
    periods = [
        RatePeriod(valid_from=D(2025, 3, 20), valid_to=D(2026, 2, 28), state=RateState.IN_FORCE),
        RatePeriod(valid_from=D(2026, 3, 1), valid_to=D(2026, 12, 31), state=RateState.SUSPENDED),
    ]
    assert derive_status(periods, today, MeasureStatus.ANNOUNCED) == expected


def test_a_proposed_measure_without_periods_stays_proposed():
    assert derive_status([], D(2025, 1, 1), MeasureStatus.PROPOSED) == MeasureStatus.PROPOSED
    assert derive_status([], D(2025, 1, 1), MeasureStatus.IN_FORCE) == MeasureStatus.ANNOUNCED


def test_suspending_for_a_window_splits_the_period_and_resumes_after_it():
    measure = RatePeriodFactory(valid_from=D(2025, 3, 20), valid_to=None, rate_percent=100).measure
    from tariffs.services import measure_suspend

    measure_suspend(measure=measure, from_date=D(2026, 3, 1), until=D(2026, 12, 31), today=D(2026, 6, 1))
    windows = list(measure.rate_periods.order_by("valid_from").values_list("valid_from", "valid_to", "state"))
    assert windows == [
        (D(2025, 3, 20), D(2026, 2, 28), "in_force"),
        (D(2026, 3, 1), D(2026, 12, 31), "suspended"),
        (D(2027, 1, 1), None, "in_force"),
    ]
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.SUSPENDED
    assert measure.rate_on(D(2027, 1, 1)) == Decimal("100")


def test_a_measure_cannot_be_suspended_where_it_is_not_in_force():
    measure = RatePeriodFactory(valid_from=D(2025, 3, 20)).measure
    from tariffs.services import measure_suspend

    with pytest.raises(ValidationError) as excinfo:
        measure_suspend(measure=measure, from_date=D(2025, 1, 1), until=None, today=D(2025, 6, 1))
    assert "from_date" in excinfo.value.message_dict
