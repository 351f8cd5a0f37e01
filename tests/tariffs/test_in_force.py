""" "What was in force on day D, at which rate" on the real Canada–China data.

``Measure.objects.in_force(on=)`` (SQL) and ``measure.rate_on()`` (Python) must agree everywhere.
"""

import datetime as dt
from decimal import Decimal

import pytest

from disputes.models import Actor
from tariffs.models import Measure

pytestmark = pytest.mark.django_db
D = dt.date


def in_force_refs(day, imposer_code):
    imposer = Actor.objects.get(code=imposer_code)
    return set(
        Measure.objects.filter(dispute__slug="canada-china")
        .in_force(on=day)
        .imposed_by(imposer)
        .values_list("reference", flat=True)
    )


def rate(reference, day):
    return Measure.objects.get(dispute__slug="canada-china", reference=reference).rate_on(day)


@pytest.mark.parametrize(
    ("reference", "day", "expected"),
    [
        ("M03", D(2024, 9, 30), None),  # the day before the EV surtax
        ("M03", D(2024, 10, 1), Decimal("100")),
        ("M04-steel", D(2024, 10, 21), None),  # first announced for 15 Oct, in force 22 Oct
        ("M04-steel", D(2024, 10, 22), Decimal("25")),
        ("M09-oil", D(2025, 3, 19), None),  # announced 8 Mar, in force 20 Mar
        ("M09-oil", D(2025, 3, 20), Decimal("100")),
        ("M09-pork", D(2025, 3, 20), Decimal("25")),
        ("M06", D(2025, 8, 13), None),
        ("M06", D(2025, 8, 14), Decimal("75.8")),  # preliminary deposits
        ("M06", D(2026, 2, 28), Decimal("75.8")),
        ("M06", D(2026, 3, 1), Decimal("5.9")),  # final duty
        ("M09-meal", D(2026, 2, 28), Decimal("100")),
        ("M09-meal", D(2026, 3, 1), None),  # suspended 1 Mar – 31 Dec 2026
        ("M09-lobster-crab", D(2026, 12, 31), None),
        ("M09-oil", D(2026, 6, 1), Decimal("100")),  # canola oil is not in the suspension
        ("M09-seafood", D(2026, 6, 1), Decimal("25")),
    ],
)
def test_rate_on_a_day(reference, day, expected):
    assert rate(reference, day) == expected


def test_what_china_had_in_force_against_canada_on_1_april_2025():
    assert in_force_refs(D(2025, 4, 1), "CN") == {
        "M09-oil",
        "M09-meal",
        "M09-peas",
        "M09-pork",
        "M09-seafood",
        "M09-lobster-crab",
    }


def test_what_china_had_in_force_against_canada_on_1_june_2026():
    refs = in_force_refs(D(2026, 6, 1), "CN")
    assert {"M06", "M09-oil", "M09-pork", "M09-seafood"} <= refs
    assert not refs & {"M09-meal", "M09-peas", "M09-lobster-crab"}


def test_what_canada_had_in_force_against_china_on_1_september_2025():
    assert {"M03", "M04-steel", "M04-aluminium", "M10", "M11-steel", "M11-aluminium"} <= in_force_refs(
        D(2025, 9, 1), "CA"
    )


def test_nothing_canadian_was_in_force_before_the_ev_surtax():
    assert in_force_refs(D(2024, 9, 30), "CA") == set()


def test_a_measure_without_a_rate_is_in_force_but_has_no_rate():
    pork_ban = Measure.objects.get(dispute__slug="canada-china", reference="M02-pork")
    assert pork_ban.is_in_force_on(D(2019, 7, 1))
    assert pork_ban.rate_on(D(2019, 7, 1)) is None
    assert not pork_ban.is_in_force_on(D(2019, 11, 5))  # lifted on 5 Nov 2019


def test_proposed_measures_are_never_in_force():
    proposed = Measure.objects.filter(dispute__slug="canada-china", status="proposed")
    assert proposed.exists()
    assert not proposed.in_force(on=D(2025, 1, 1)).exists()


@pytest.mark.parametrize(
    "day",
    [D(2019, 7, 1), D(2022, 6, 1), D(2024, 10, 1), D(2025, 3, 20), D(2025, 8, 14), D(2026, 3, 1), D(2027, 1, 1)],
)
def test_sql_and_python_agree_on_every_measure(day):
    measures = Measure.objects.filter(dispute__slug="canada-china").prefetch_related("rate_periods")
    in_sql = set(measures.in_force(on=day).values_list("pk", flat=True))
    in_python = {m.pk for m in measures if m.is_in_force_on(day)}
    assert in_sql == in_python
    annotated = {m.pk: m.rate_on_date for m in measures.with_rate_on(day)}
    assert annotated == {m.pk: m.rate_on(day) for m in measures}
