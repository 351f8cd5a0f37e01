"""Trade covered on a day, counted once, on the real Canada–China dataset, and the summary's wording."""

import datetime as dt
import re

import pytest

from disputes.models import Dispute, Source
from tariffs.choices import ExposureBasis, TradeFlow
from tariffs.exposure import exposure_figures_with_measures, trade_covered
from tariffs.models import ExposureFigure, Measure
from timelines.summaries import FRENCH_PRODUCTS, build_summary

pytestmark = pytest.mark.django_db
D = dt.date


def china(summary):
    return next(side for side in summary["sides"] if side["side"] == "china")


def counted(side):
    return sorted(f["reference"] for f in side["trade_covered"]["figures"])


def test_on_1_april_2025_china_s_countermeasures_cover_3_016_billion_dollars_counted_once(canada_china):
    side = china(build_summary(canada_china, D(2025, 4, 1)))
    assert side["count"] == 6
    assert counted(side) == ["X01", "X02", "X03a", "X04a", "X04b"]
    assert side["trade_covered"]["totals"] == [{"currency": "CAD", "amount": "3016000000", "up_to": False}]


def test_on_1_september_2025_canola_products_are_not_added_on_top_of_seed_meal_and_oil(canada_china):
    summary = build_summary(canada_china, D(2025, 9, 1))
    side = china(summary)
    rates = {m["reference"]: m["rate_percent"] for m in side["measures_in_force"]}
    assert rates == {
        "M06": "75.8", "M09-oil": "100", "M09-meal": "100", "M09-peas": "100", "M09-pork": "25",
        "M09-seafood": "25", "M09-lobster-crab": "25",
    }  # fmt: skip
    # Seed (80% of C$5B) + meal + oil + peas (2024, not the five-year average) + seafood (once) + pork.
    assert counted(side) == ["X01", "X02", "X03a", "X04a", "X04b", "X05c"]
    assert side["trade_covered"]["totals"] == [{"currency": "CAD", "amount": "7016000000", "up_to": False}]
    assert side["trade_value"] == [{"currency": "CAD", "amount": "7016000000"}]
    assert "cover trade worth CAD 7B a year" in summary["text_en"]


def test_on_1_june_2026_seafood_counts_up_to_its_value_while_lobsters_and_crabs_are_suspended(canada_china):
    summary = build_summary(canada_china, D(2026, 6, 1))
    side = china(summary)
    assert {m["reference"]: m["rate_percent"] for m in side["measures_in_force"]} == {
        "M06": "5.9", "M09-oil": "100", "M09-pork": "25", "M09-seafood": "25",
    }  # fmt: skip
    seafood = next(f for f in side["trade_covered"]["figures"] if f["reference"] == "X04a")
    assert seafood["partial"] is True
    assert len(seafood["measures"]) == 2 and len(seafood["measures_in_force"]) == 1
    assert counted(side) == ["X02", "X04a", "X04b", "X05c"]
    assert side["trade_covered"]["totals"] == [{"currency": "CAD", "amount": "5790000000", "up_to": True}]
    assert side["trade_covered"]["partial"] is True
    assert "cover trade worth up to CAD 5.8B a year" in summary["text_en"]
    assert "d'au plus 5,8 milliards CAD par an" in summary["text_fr"]


def test_a_figure_whose_measures_are_all_out_of_force_counts_for_nothing(canada_china):
    figures = exposure_figures_with_measures(canada_china)
    meal = Measure.objects.get(reference="M09-meal").pk
    result = trade_covered(figures, in_force_ids=set(), side_measure_ids=set())
    assert result.figures == []
    only_meal = trade_covered(figures, in_force_ids={meal}, side_measure_ids={meal})
    assert [c.figure.reference for c in only_meal.figures] == ["X01"]


def test_a_multi_year_average_is_never_shown_as_one_year(canada_china):
    average = ExposureFigure.objects.get(reference="X03b")
    assert average.basis == ExposureBasis.MULTI_YEAR_AVERAGE
    assert average.period == "2020–2024"
    with pytest.raises(Exception, match="tariffs_exposure_average_has_period"):
        ExposureFigure.objects.filter(pk=average.pk).update(year_to=None)


def test_an_average_alone_is_counted_with_its_period(db):
    dispute = Dispute.objects.create(slug="x", title="X", started_on=D(2020, 1, 1))
    source = Source.objects.create(title="S", publisher="P")
    figure = ExposureFigure.objects.create(
        dispute=dispute, reference="A", flow=TradeFlow.EXPORTS, description="Average", year=2019, year_to=2023,
        basis=ExposureBasis.MULTI_YEAR_AVERAGE, amount=100, currency="CAD", source=source,
    )  # fmt: skip
    assert figure.period == "2019–2023"


def test_the_summary_calls_an_over_quota_rate_above_quota(canada_china):
    summary = build_summary(canada_china, D(2025, 9, 1))
    assert "50% above quota on steel goods" in summary["text_en"]
    assert "50\u00a0% hors contingent sur les marchandises en acier" in summary["text_fr"]


@pytest.mark.parametrize("day", [D(2025, 4, 1), D(2025, 9, 1), D(2026, 6, 1)])
def test_the_french_summary_names_no_product_in_english(canada_china, day):
    summary = build_summary(canada_china, day)
    text = summary["text_fr"]
    assert "contre la Chine" in text and "contre le Canada" in text
    english = [e for e in FRENCH_PRODUCTS if e not in FRENCH_PRODUCTS.values()]
    for word in ["canola seed", "rapeseed", "peas", "pork", "aquatic", "steel", "aluminium products", "vehicles"]:
        assert word not in text, word
    assert not [e for e in english if e in text]
    assert not re.search(r"\b(on|and|including|more)\b", text)
