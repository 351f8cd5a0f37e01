"""The dataset loader reads the keys of issue #15: rates per exporter (``exporter``), stacking (``on_top_of``,
``base_rate``), ``exemptions`` with their sources and French text, and links to a measure of another dispute;
loading the file again writes nothing."""

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

from exchange.dataset_loader import DatasetError, load_dataset
from tariffs.models import (
    Measure,
    MeasureExemption,
    MeasureExemptionCitation,
    MeasureLink,
    RatePeriod,
)

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parent.parent / "data"
EXTRA = DATA / "extra-keys.yaml"
HISTORIES = (Measure, RatePeriod, MeasureExemption, MeasureExemptionCitation, MeasureLink)


def history_rows() -> int:
    return sum(model.history.count() for model in HISTORIES)


@pytest.fixture
def loaded(canada_china, tmp_path):
    # The French companion is read from beside the file.
    for name in ("extra-keys.yaml", "extra-keys.fr.yaml"):
        shutil.copy(DATA / name, tmp_path / name)
    path = str(tmp_path / "extra-keys.yaml")
    load_dataset(path, today=dt.date(2024, 7, 1))
    return path


def measure(reference) -> Measure:
    return Measure.objects.get(dispute__slug="extra-keys", reference=reference)


def edited(tmp_path, change) -> str:
    data = yaml.safe_load(EXTRA.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "edited.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


def test_each_exporter_gets_its_own_rate_and_everyone_else_the_residual_one(loaded):
    duty = measure("T1-ad")
    periods = {(p.exporter.slug if p.exporter else None, p.valid_from): p.rate_percent for p in duty.rate_periods.all()}
    assert periods[("cheese-co", dt.date(2024, 6, 1))] == 10
    assert periods[("other-cooperating", dt.date(2024, 6, 1))] == 15
    assert periods[(None, dt.date(2024, 6, 1))] == 25
    cheese = duty.rate_periods.filter(exporter__slug="cheese-co").first().exporter
    assert duty.rate_on(dt.date(2024, 7, 1), exporter=cheese) == 10
    assert duty.rate_on(dt.date(2024, 7, 1)) == 25


def test_stacking_on_the_mfn_tariff_and_on_a_measure_listed_later_in_the_file(loaded):
    provisional = measure("T1-ad").rate_periods.get(exporter__isnull=True, valid_from=dt.date(2024, 3, 1))
    assert (provisional.on_top_of, provisional.base_rate) == ("mfn", 10)
    cvd = measure("T2-cvd").rate_periods.get(exporter__isnull=True)
    assert cvd.on_top_of == "measure" and cvd.on_top_of_measure == measure("T1-ad")
    assert measure("T2-cvd").total_on(dt.date(2024, 7, 1)).rate == 25 + 5


def test_exemptions_are_loaded_with_their_sources_and_french_text(loaded):
    remission = MeasureExemption.objects.get(measure=measure("T1-ad"), kind="remission")
    assert (remission.valid_from, remission.valid_to, remission.instrument) == (
        dt.date(2024, 3, 1), dt.date(2024, 4, 30), "Remission Order 2",
    )  # fmt: skip
    assert remission.description_fr == "Les droits payés sur le fromage en transit sont remis"
    assert {(c.source.title, c.locator) for c in remission.citations.all()} == {
        ("Gazette no. 15", ""), ("Wire report on remissions", "para. 3"),
    }  # fmt: skip
    assert MeasureExemption.objects.get(kind="cusma_compliant").citations.count() == 1


def test_a_link_may_point_at_a_measure_of_another_dispute(loaded):
    link = MeasureLink.objects.get(from_measure=measure("T1-ad"), type="responds_to")
    assert (link.to_measure.dispute.slug, link.to_measure.reference, link.contested) == ("canada-china", "M10", True)


def test_loading_the_file_again_writes_nothing(loaded):
    before = history_rows()
    report = load_dataset(loaded, today=dt.date(2024, 7, 1))
    assert report.changes == 0, report.lines()
    assert history_rows() == before


def test_an_exemption_the_file_no_longer_has_is_removed(loaded, tmp_path):
    path = edited(tmp_path, lambda d: d["measures"][1]["exemptions"].pop())
    load_dataset(path, today=dt.date(2024, 7, 1))
    assert list(MeasureExemption.objects.filter(measure=measure("T1-ad")).values_list("kind", flat=True)) == [
        "cusma_compliant"
    ]


def test_a_link_to_a_dispute_not_loaded_yet_waits_and_the_report_says_so(canada_china, tmp_path):
    path = edited(tmp_path, lambda d: d["links"][1].update(to={"dispute": "later-case", "measure": "M10"}))
    report = load_dataset(path)
    assert any("later-case" in line for line in report.waiting)
    assert not MeasureLink.objects.filter(from_measure=measure("T1-ad")).exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["links"][1].update(to={"dispute": "canada-china", "measure": "M99"}), "no measure 'M99'"),
        (lambda d: d["links"].append({"from": {"dispute": "canada-china", "measure": "M10"}, "to": "T1-ad",
                                       "type": "responds_to", "source": "gazette"}), "that dispute's dataset"),
        (lambda d: d["measures"][1]["rate_periods"][2].update(base_rate="3", on_top_of=None), "base rate"),
        (lambda d: d["measures"][1]["rate_periods"][3].update(exporter="nobody"), "unknown actor 'nobody'"),
        (lambda d: d["measures"][1]["exemptions"][0].update(sources=[]), "at least one source"),
        (lambda d: d["measures"][1]["rate_periods"].append(
            {"from": "2024-07-01", "rate": "9", "exporter": "cheese-co"}), "overlap"),
        (lambda d: d["measures"][1]["rate_periods"][2].update(on_top_of="T2-cvd"), "circle"),
    ],
)  # fmt: skip
def test_a_bad_extra_key_is_refused_naming_it_and_nothing_is_written(canada_china, tmp_path, change, message):
    before = (Measure.objects.count(), MeasureExemption.objects.count(), history_rows())
    with pytest.raises(DatasetError, match=message):
        load_dataset(edited(tmp_path, change))
    assert (Measure.objects.count(), MeasureExemption.objects.count(), history_rows()) == before
