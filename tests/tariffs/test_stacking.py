"""Stacking (issue #15): a rate added to the MFN tariff or to another measure. The total on D is stated only
where the sources give the base; otherwise it is null and the reason is said, never guessed."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction

from disputes.choices import ActorKind
from tariffs.models import Measure, RatePeriod
from tariffs.services import measure_save
from tests.factories import ActorFactory, DisputeFactory, MeasureFactory, SourceFactory

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = D(2025, 9, 1)


def period(start, rate, **more):
    return {"valid_from": start, "valid_to": None, "rate_percent": Decimal(rate), **more}


def new_measure(dispute, title, periods):
    return measure_save(
        measure=Measure(dispute=dispute, imposed_by=ActorFactory(), type="anti_dumping", title=title,
                        announced_on=D(2025, 7, 1)),
        applies_to=[ActorFactory()], rate_periods=periods, citations=[{"source": SourceFactory()}], today=TODAY,
    )  # fmt: skip


@pytest.fixture
def lumber():
    """Softwood lumber: an AD duty on top of the MFN tariff (no base given) and a CVD on top of the AD duty,
    each with a rate for one named exporter."""
    dispute = DisputeFactory(slug="lumber-case")
    canfor = ActorFactory(slug="lumber-canfor", name="Canfor", kind=ActorKind.COMPANY)
    ad = new_measure(dispute, "AD duty on softwood lumber", [
        period(D(2025, 7, 29), "20.56", on_top_of="mfn"),
        period(D(2025, 7, 29), "35.53", on_top_of="mfn", exporter=canfor),
    ])  # fmt: skip
    cvd = new_measure(dispute, "CVD on softwood lumber", [
        period(D(2025, 8, 12), "14.63", on_top_of="measure", on_top_of_measure=ad),
        period(D(2025, 8, 12), "12.12", on_top_of="measure", on_top_of_measure=ad, exporter=canfor),
    ])  # fmt: skip
    return {"ad": ad, "cvd": cvd, "canfor": canfor}


def fresh(measure):
    return Measure.objects.prefetch_related("rate_periods__on_top_of_measure__rate_periods").get(pk=measure.pk)


def test_a_rate_on_the_mfn_tariff_with_a_stated_base_totals_both():
    duty = new_measure(DisputeFactory(), "EV duty", [period(D(2024, 10, 30), "35.3", on_top_of="mfn", base_rate="10")])
    assert fresh(duty).total_on(D(2024, 11, 1)).rate == Decimal("45.3")


def test_a_rate_on_the_mfn_tariff_without_a_stated_base_has_no_total_and_says_why(lumber):
    total = fresh(lumber["ad"]).total_on(D(2025, 9, 1))
    assert total.rate is None and "MFN" in total.reason


def test_a_rate_on_another_measure_adds_that_measures_rate_for_the_same_exporter(lumber):
    cvd = fresh(lumber["cvd"])
    assert cvd.total_on(D(2025, 9, 1)).rate == Decimal("35.19")  # 20.56 + 14.63, as the sources combine them
    assert cvd.total_on(D(2025, 9, 1), exporter=lumber["canfor"]).rate == Decimal("47.65")  # 35.53 + 12.12


def test_no_total_before_the_rate_applies_or_while_the_other_measure_has_no_rate(lumber):
    cvd = fresh(lumber["cvd"])
    assert cvd.total_on(D(2025, 8, 1)).rate is None and cvd.total_on(D(2025, 8, 1)).reason
    unstated = new_measure(DisputeFactory(), "Surtax", [period(D(2025, 1, 1), "25")])
    assert "do not say" in fresh(unstated).total_on(D(2025, 2, 1)).reason


@pytest.mark.parametrize(
    ("row", "key"),
    [
        (period(D(2025, 1, 1), "5", base_rate="10"), "rate_periods.0.base_rate"),  # a base only on the MFN tariff
        (period(D(2025, 1, 1), "5", on_top_of="measure"), "rate_periods.0.on_top_of_measure"),  # which measure?
        (period(D(2025, 1, 1), "5", base_rate="-1", on_top_of="mfn"), "rate_periods.0.base_rate"),
    ],
)
def test_an_incomplete_or_contradictory_stacking_is_refused_naming_the_field(row, key):
    with pytest.raises(ValidationError) as error:
        new_measure(DisputeFactory(), "Duty", [row])
    assert key in error.value.message_dict


def test_a_rate_cannot_be_stacked_on_its_own_measure(lumber):
    ad = lumber["ad"]
    with pytest.raises(ValidationError) as error:
        measure_save(measure=ad, rate_periods=[period(D(2025, 7, 29), "1", on_top_of="measure", on_top_of_measure=ad)],
                     today=TODAY)  # fmt: skip
    assert "rate_periods.0.on_top_of_measure" in error.value.message_dict


@pytest.mark.parametrize(
    "values",
    [
        {"base_rate": 10},
        {"on_top_of": "measure"},
        {"on_top_of": "mfn", "base_rate": -1},
    ],
)
def test_the_database_guards_the_stacking_rules_too(values):
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        RatePeriod.objects.create(measure=MeasureFactory(), valid_from=D(2025, 1, 1), rate_percent=5, **values)


def test_the_api_states_the_total_on_a_day_or_null_with_the_reason(client, lumber):
    def results(**query):
        answer = client.get("/api/v1/measures/", {"dispute": "lumber-case", **query})
        return {m["title"]: (m["total_rate_on_date"], m["total_rate_reason"]) for m in answer.json()["results"]}

    on_day = results(in_force_on="2025-09-01")
    assert on_day["CVD on softwood lumber"] == ("35.19", "")
    assert on_day["AD duty on softwood lumber"][0] is None and "MFN" in on_day["AD duty on softwood lumber"][1]
    assert results(on="2025-09-01", exporter="lumber-canfor")["CVD on softwood lumber"] == ("47.65", "")
    detail = client.get(f"/api/v1/measures/{lumber['cvd'].pk}/").json()["rate_periods"][0]
    assert detail["on_top_of"] == "measure"
    assert detail["on_top_of_measure"]["id"] == lumber["ad"].pk
    assert detail["on_top_of_measure"]["dispute"] == "lumber-case"


def test_the_csv_list_on_a_day_carries_the_same_total(client, lumber):
    csv = client.get("/api/v1/measures/", {"dispute": "lumber-case", "on": "2025-09-01", "format": "csv"})
    text = b"".join(csv.streaming_content).decode() if csv.streaming else csv.content.decode()
    assert "total_rate_on_date" in text.splitlines()[0] and "35.19" in text


def test_the_measure_page_shows_the_total_on_the_day_or_why_not(client, lumber):
    cvd = client.get(f"/en/measures/{lumber['cvd'].pk}/", {"on": "2025-09-01"}).content.decode()
    assert "35.19%" in cvd and "47.65%" in cvd and "AD duty on softwood lumber" in cvd
    ad = client.get(f"/en/measures/{lumber['ad'].pk}/", {"on": "2025-09-01"}).content.decode()
    assert "whose rate the sources do not give" in ad
