""" "Status of a measure on D" on the real Canada–China data.

``measure.status_on(day)`` (Python) and ``Measure.objects.with_status_on(day)`` (SQL) must agree everywhere.
"""

import datetime as dt

import pytest
from django.utils import timezone

from tariffs.choices import MeasureStatus
from tariffs.models import Measure, RatePeriod

pytestmark = pytest.mark.django_db
D = dt.date
SUSPENDED_IN_2026 = ("M09-meal", "M09-peas", "M09-lobster-crab")


def measure(reference):
    return Measure.objects.prefetch_related("rate_periods").get(dispute__slug="canada-china", reference=reference)


def annotated(reference, day):
    return Measure.objects.with_status_on(day).get(dispute__slug="canada-china", reference=reference).status_on_date


@pytest.mark.parametrize("reference", SUSPENDED_IN_2026)
def test_china_march_2025_tariffs_carry_todays_status_and_were_in_force_on_1_april_2025(reference):
    # Suspended from 1 Mar 2026 to 31 Dec 2026, in force again from 1 Jan 2027: the stored status is today's.
    assert measure(reference).status == measure(reference).status_on(timezone.localdate())
    assert measure(reference).status_on(D(2025, 4, 1)) == MeasureStatus.IN_FORCE
    assert annotated(reference, D(2025, 4, 1)) == MeasureStatus.IN_FORCE


@pytest.mark.parametrize("reference", SUSPENDED_IN_2026)
def test_china_march_2025_tariffs_are_suspended_on_1_june_2026(reference):
    assert measure(reference).status_on(D(2026, 6, 1)) == MeasureStatus.SUSPENDED
    assert annotated(reference, D(2026, 6, 1)) == MeasureStatus.SUSPENDED


def test_a_measure_has_no_status_before_it_is_announced_and_is_announced_until_its_first_period():
    meal = measure("M09-meal")  # announced 8 Mar 2025, in force from 20 Mar 2025
    assert meal.status_on(D(2025, 3, 7)) is None
    assert annotated("M09-meal", D(2025, 3, 7)) is None
    assert meal.status_on(D(2025, 3, 8)) == MeasureStatus.ANNOUNCED
    assert annotated("M09-meal", D(2025, 3, 19)) == MeasureStatus.ANNOUNCED


def test_a_measure_whose_last_period_is_over_has_ended(canada_china):
    pork_ban = measure("M02-pork")  # lifted on 5 Nov 2019
    last_day = max(p.valid_to for p in pork_ban.rate_periods.all() if p.valid_to)
    assert not RatePeriod.objects.filter(measure=pork_ban, valid_from__gt=last_day).exists()
    assert pork_ban.status_on(last_day + dt.timedelta(days=1)) == MeasureStatus.ENDED
    assert annotated("M02-pork", last_day + dt.timedelta(days=1)) == MeasureStatus.ENDED


def test_a_gap_between_two_windows_reads_as_suspended(canada_china):
    meal = measure("M09-meal")
    RatePeriod.objects.filter(measure=meal, valid_from=D(2026, 3, 1)).delete()
    meal = measure("M09-meal")
    assert meal.status_on(D(2026, 6, 1)) == MeasureStatus.SUSPENDED
    assert annotated("M09-meal", D(2026, 6, 1)) == MeasureStatus.SUSPENDED


def test_a_proposed_measure_stays_proposed_on_any_day_after_its_announcement():
    proposed = Measure.objects.filter(dispute__slug="canada-china", status=MeasureStatus.PROPOSED)
    assert proposed.exists()
    for item in proposed.prefetch_related("rate_periods").with_status_on(D(2027, 1, 1)):
        assert item.status_on_date == item.status_on(D(2027, 1, 1)) == MeasureStatus.PROPOSED


@pytest.mark.parametrize(
    "day",
    [
        D(2019, 3, 1), D(2019, 7, 1), D(2022, 6, 1), D(2024, 10, 1), D(2025, 3, 8), D(2025, 3, 20), D(2025, 4, 1),
        D(2025, 8, 14), D(2026, 3, 1), D(2026, 6, 1), D(2026, 11, 29), D(2027, 1, 1), D(2030, 1, 1),
    ],
)  # fmt: skip
def test_sql_and_python_status_agree_on_every_measure(day):
    measures = Measure.objects.filter(dispute__slug="canada-china").prefetch_related("rate_periods")
    in_sql = {m.pk: m.status_on_date for m in measures.with_status_on(day)}
    in_python = {m.pk: m.status_on(day) for m in measures}
    assert in_sql == in_python
    assert len(in_sql) >= 20


def test_sql_and_python_status_agree_on_every_period_boundary_of_the_dataset():
    measures = list(Measure.objects.filter(dispute__slug="canada-china").prefetch_related("rate_periods"))
    days = {m.announced_on for m in measures}
    for period in RatePeriod.objects.filter(measure__dispute__slug="canada-china"):
        days |= {period.valid_from, period.valid_from - dt.timedelta(days=1)}
        if period.valid_to:
            days |= {period.valid_to, period.valid_to + dt.timedelta(days=1)}
    seen = set()
    for day in sorted(days):
        in_sql = dict(
            Measure.objects.filter(dispute__slug="canada-china").with_status_on(day).values_list("pk", "status_on_date")
        )
        assert in_sql == {m.pk: m.status_on(day) for m in measures}, day
        seen |= set(in_sql.values())
    assert seen == {None, *MeasureStatus.values}  # every branch of the rule is exercised
