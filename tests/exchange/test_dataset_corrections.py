"""``load_dataset canada-china`` on a database loaded from the previous version of the file applies the
corrections of issue #12 with their history, and a second run changes nothing."""

import datetime as dt
import gzip
from pathlib import Path

import pytest

from disputes.models import Case, Event
from exchange.dataset_loader import load_dataset
from tariffs.models import Measure, MeasureLink, ProductLine, RatePeriod

pytestmark = pytest.mark.django_db

#: The dataset file as it was before the corrections (dates, products, wording, F096–F099), kept beside
#: the tests so the check needs no git history.
PREVIOUS_DATASET = Path(__file__).resolve().parent.parent / "data" / "canada-china-before-issue-12.yaml.gz"
HISTORIED = (Event, Case, Measure, ProductLine, RatePeriod, MeasureLink)


def previous_dataset(tmp_path):
    path = tmp_path / "canada-china.yaml"
    path.write_bytes(gzip.decompress(PREVIOUS_DATASET.read_bytes()))
    return str(path)


def history_rows():
    return sum(model.history.count() for model in HISTORIED)


def measure(reference):
    return Measure.objects.get(dispute__slug="canada-china", reference=reference)


def event(reference):
    return Event.objects.get(dispute__slug="canada-china", reference=reference)


def hs_codes(reference):
    return set(measure(reference).product_lines.values_list("hs_code", flat=True))


@pytest.fixture
def loaded_from_the_previous_file(canada_china, tmp_path):
    load_dataset(previous_dataset(tmp_path))
    # The database now says what the previous file said.
    assert measure("M06").announced_on == dt.date(2024, 9, 9)
    assert hs_codes("M09-seafood") == {"03"}
    return canada_china


def test_loading_the_corrected_file_applies_every_correction_and_keeps_the_history(loaded_from_the_previous_file):
    history = history_rows()
    m06_versions = measure("M06").history.count()

    report = load_dataset("canada-china")

    assert report.changes > 0
    # Trade-remedy duties are announced by their rulings, not by the openings of the investigations.
    m06, m07 = measure("M06"), measure("M07")
    assert (m06.announced_on, m06.announcement.reference) == (dt.date(2025, 8, 12), "F078")
    assert (m07.announced_on, m07.announcement.reference) == (dt.date(2025, 8, 12), "R01")
    # The rubber deposit's window is unknown: no period, so never in force, least of all for ever.
    assert not m07.rate_periods.exists()
    assert not Measure.objects.in_force(on=dt.date(2030, 1, 1)).filter(pk=m07.pk).exists()
    # Seafood leaves out the lobster and crab lines suspended separately; pork is not all of chapter 02.
    seafood, lobster_crab, pork = hs_codes("M09-seafood"), hs_codes("M09-lobster-crab"), hs_codes("M09-pork")
    assert "03" not in seafood and not seafood & lobster_crab
    assert {"030612", "030614", "030632", "030633"} <= lobster_crab
    assert not any(lobster.startswith(code) for code in seafood for lobster in lobster_crab)
    assert "02" not in pork and "0203" in pork
    assert set(measure("M09-pork").product_lines.values_list("basis", flat=True)) == {"inferred"}
    # Month precision where no source gives the day.
    ds641 = event("F082")
    assert (ds641.date, ds641.date_precision) == (dt.date(2025, 8, 1), "month")
    assert Case.objects.get(reference="DS641").initiated_on == dt.date(2025, 8, 1)
    # Wording and links.
    assert "South Korea" in event("F091").location and "Gyeongju, South Korea" in event("F002").summary
    assert MeasureLink.objects.filter(
        from_measure__reference="M03-quota", to_measure__reference="M03", type="amends"
    ).exists()
    # The June 2025 report's facts, sourced to the report.
    for reference in ("F096", "F097", "F098", "F099"):
        assert event(reference).citations.filter(source__publisher="The Globe and Mail").exists(), reference
    assert event("F096").date_precision == "month" and event("F096").confidence == "medium"
    # Every change left its history.
    assert history_rows() > history
    assert measure("M06").history.count() == m06_versions + 1
    assert ProductLine.history.filter(hs_code="03", history_type="-").exists()
    assert RatePeriod.history.filter(measure_id=m07.pk, history_type="-").exists()


def test_loading_the_corrected_file_a_second_time_changes_nothing(loaded_from_the_previous_file):
    load_dataset("canada-china")
    history = history_rows()

    report = load_dataset("canada-china")

    assert report.changes == 0, report.lines()
    assert history_rows() == history
