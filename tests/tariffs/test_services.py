"""The write rules of measures (tariffs/services.py): periods never overlap, every measure has a target
and a source, its status follows its periods, and a suspension splits the period it falls in."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tariffs.models import Measure
from tariffs.services import measure_refresh_status, measure_save, measure_suspend
from tests.factories import ActorFactory, DisputeFactory, MeasureFactory, RatePeriodFactory, SourceFactory

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = D(2025, 6, 1)


def _period(start, end=None, rate="25", state="in_force"):
    return {"valid_from": start, "valid_to": end, "rate_percent": Decimal(rate), "state": state}


def _save(measure=None, **overrides):
    values = {
        "measure": measure or Measure(dispute=DisputeFactory(), imposed_by=ActorFactory(), type="surtax",
                                      title="25% on pork", announced_on=D(2025, 3, 8)),
        "applies_to": [ActorFactory()],
        "rate_periods": [_period(D(2025, 3, 20))],
        "product_lines": [{"hs_code": "0203", "description": "pork"}],
        "citations": [{"source": SourceFactory()}],
        "today": TODAY,
    }  # fmt: skip
    values.update(overrides)
    return measure_save(**values)


def test_a_measure_whose_period_covers_today_is_saved_in_force():
    measure = _save()
    assert measure.pk and measure.status == "in_force"
    assert measure.rate_on(D(2025, 4, 1)) == 25
    assert list(measure.product_lines.values_list("hs_code", flat=True)) == ["0203"]


def test_overlapping_periods_are_refused_naming_both_and_nothing_is_written():
    before = Measure.objects.count()
    with pytest.raises(ValidationError) as error:
        _save(rate_periods=[_period(D(2025, 3, 20), D(2025, 12, 31)), _period(D(2025, 6, 1), rate="10")])
    (message,) = error.value.message_dict["rate_periods"]
    assert "2025-03-20 – 2025-12-31" in message and "2025-06-01" in message and "overlap" in message
    assert Measure.objects.count() == before


def test_a_period_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValidationError) as error:
        _save(rate_periods=[_period(D(2025, 3, 20), D(2025, 3, 1))])
    assert error.value.message_dict == {"rate_periods.0.valid_to": ["“Valid to” cannot be before “valid from”."]}


def test_a_measure_must_apply_to_someone_and_list_each_hs_code_once():
    with pytest.raises(ValidationError) as error:
        _save(applies_to=[], product_lines=[{"hs_code": "0203"}, {"hs_code": "0203"}])
    assert set(error.value.message_dict) == {"applies_to", "product_lines"}


def test_a_malformed_hs_code_is_refused_naming_its_row():
    with pytest.raises(ValidationError) as error:
        _save(product_lines=[{"hs_code": "0203"}, {"hs_code": "2O3"}])
    assert set(error.value.message_dict) == {"product_lines.1.hs_code"}


def test_a_measure_without_a_source_is_refused():
    with pytest.raises(ValidationError) as error:
        _save(citations=[])
    assert error.value.message_dict == {"sources": ["Give at least one source."]}


@pytest.mark.parametrize(
    ("periods", "status"),
    [
        ([], "announced"),
        ([_period(D(2025, 7, 1))], "announced"),  # not started yet
        ([_period(D(2025, 3, 20))], "in_force"),
        ([_period(D(2025, 3, 20), D(2025, 5, 31))], "ended"),
        ([_period(D(2025, 3, 20), D(2025, 4, 30)), _period(D(2025, 7, 1))], "suspended"),  # between two windows
        ([_period(D(2025, 3, 20), state="suspended")], "suspended"),
    ],
)
def test_the_status_follows_the_periods_on_today(periods, status):
    measure = MeasureFactory(status="in_force" if status != "in_force" else "announced")
    for period in periods:
        RatePeriodFactory(measure=measure, **period)
    assert measure_refresh_status(measure=measure, today=TODAY) is True
    measure.refresh_from_db()
    assert measure.status == status


def test_a_suspension_splits_the_period_and_the_measure_resumes_after_it():
    measure = MeasureFactory()
    RatePeriodFactory(measure=measure, valid_from=D(2025, 3, 20), rate_percent=25)
    measure_suspend(measure=measure, from_date=D(2026, 3, 1), until=D(2026, 12, 31), today=TODAY)
    windows = list(measure.rate_periods.order_by("valid_from").values_list("valid_from", "valid_to", "state"))
    assert windows == [
        (D(2025, 3, 20), D(2026, 2, 28), "in_force"),
        (D(2026, 3, 1), D(2026, 12, 31), "suspended"),
        (D(2027, 1, 1), None, "in_force"),
    ]
    assert measure.rate_on(D(2026, 6, 1)) is None and measure.rate_on(D(2027, 1, 1)) == 25


def test_a_suspension_must_start_while_the_measure_is_in_force_and_end_after_it_starts():
    measure = MeasureFactory()
    RatePeriodFactory(measure=measure, valid_from=D(2025, 3, 20))
    with pytest.raises(ValidationError) as error:
        measure_suspend(measure=measure, from_date=D(2025, 1, 1), until=None, today=TODAY)
    assert set(error.value.message_dict) == {"from_date"}
    with pytest.raises(ValidationError) as error:
        measure_suspend(measure=measure, from_date=D(2025, 6, 1), until=D(2025, 5, 1), today=TODAY)
    assert set(error.value.message_dict) == {"until"}
    assert measure.rate_periods.count() == 1
