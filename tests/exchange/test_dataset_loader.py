"""``load_dataset`` loads a case completely, changes nothing the second time, and writes nothing
from a bad file."""

import datetime as dt
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from disputes.models import Actor, Case, Event, EventCitation, Source
from exchange.dataset_loader import DatasetError, load_dataset
from tariffs.models import ExposureFigure, Measure, MeasureLink

pytestmark = pytest.mark.django_db
MINI = Path(__file__).resolve().parent.parent / "data" / "mini.yaml"


def history_rows():
    return sum(m.history.count() for m in (Event, Measure, Source, Actor, Case))


def write(tmp_path, data):
    path = tmp_path / "dataset.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


def mini():
    return yaml.safe_load(MINI.read_text(encoding="utf-8"))


def test_loading_the_first_case_again_changes_nothing(canada_china):
    counts = (Event.objects.count(), Measure.objects.count(), Source.objects.count(), Actor.objects.count())
    history = history_rows()
    report = load_dataset("canada-china")
    assert report.changes == 0, report.lines()
    assert (Event.objects.count(), Measure.objects.count(), Source.objects.count(), Actor.objects.count()) == counts
    assert history_rows() == history


def test_the_first_case_has_every_dated_fact_and_a_source_for_each(canada_china):
    references = set(Event.objects.filter(dispute=canada_china).values_list("reference", flat=True))
    figures = set(ExposureFigure.objects.filter(dispute=canada_china).values_list("reference", flat=True))
    figure_facts = {ref[:4] for ref in figures}  # a split row is F009a, F009b, …
    missing = [f"F{n:03d}" for n in range(1, 100) if f"F{n:03d}" not in references | figure_facts]
    assert missing == []
    assert not Event.objects.filter(dispute=canada_china, citations__isnull=True).exists()
    assert not Measure.objects.filter(dispute=canada_china, citations__isnull=True).exists()
    assert {f"X{n:02d}" for n in range(1, 13)} <= {ref[:3] for ref in figures}


def test_the_first_case_has_its_cases_links_and_the_contested_canola_link(canada_china):
    assert {"DS589", "DS627", "DS636", "DS641"} <= set(Case.objects.values_list("reference", flat=True))
    canola = MeasureLink.objects.get(from_measure__reference="M06", to_measure__reference="M03")
    assert canola.contested is True
    assert MeasureLink.objects.filter(from_measure__reference="M09-oil", type="retaliates_against").exists()


def test_the_countermeasures_are_grouped_by_their_announcement(canada_china):
    announcement = Event.objects.get(dispute=canada_china, reference="F057")
    grouped = set(announcement.measures_announced.values_list("reference", flat=True))
    assert {"M09-oil", "M09-meal", "M09-peas", "M09-pork", "M09-seafood"} <= grouped


def test_inferred_hs_codes_and_confidence_are_kept(canada_china):
    oil = Measure.objects.get(dispute=canada_china, reference="M09-oil")
    assert oil.product_lines.get(hs_code="1514").basis == "inferred"
    assert Event.objects.get(dispute=canada_china, reference="F004").confidence in ("medium", "high")
    assert Event.objects.filter(dispute=canada_china, confidence="low").exists()


def test_a_small_dataset_loads_then_reloads_without_changes():
    first = load_dataset(str(MINI), today=dt.date(2024, 6, 1))
    assert first.created["Measure"] == 2 and first.created["RatePeriod"] == 3
    history = history_rows()
    second = load_dataset(str(MINI), today=dt.date(2024, 6, 1))
    assert second.changes == 0
    assert history_rows() == history
    cheese = Measure.objects.get(reference="T1")
    assert cheese.status == "in_force" and cheese.rate_on(dt.date(2025, 1, 1)) == 25


def test_a_changed_value_updates_only_that_record(tmp_path):
    load_dataset(str(MINI))
    data = mini()
    data["measures"][0]["rate_periods"][1]["rate"] = "30"
    report = load_dataset(write(tmp_path, data))
    # Only the changed period is written: the other is neither deleted nor re-created.
    assert report.updated["RatePeriod"] == 1 and report.created["RatePeriod"] == report.deleted["RatePeriod"] == 0
    assert report.updated["Event"] == 0 and report.updated["Measure"] == 0
    assert Measure.objects.get(reference="T1").rate_on(dt.date(2025, 1, 1)) == 30


@pytest.mark.parametrize(
    ("break_it", "complaint"),
    [
        (lambda d: d["events"][0]["participants"].append({"actor": "nobody"}), "unknown actor 'nobody'"),
        (lambda d: d["measures"][0]["rate_periods"].append({"from": "2024-06-01", "rate": "5"}), "overlap"),
        (lambda d: d["measures"][1].update(sources=[]), "at least one source"),
        (lambda d: d["measures"][0]["products"].append({"hs": "04.06"}), "2 to 10 digits"),
        (lambda d: d["measures"][0]["rate_periods"][0].update(rate="-5"), "greater than or equal to 0"),
        (lambda d: d["events"][1].update(case="NOPE"), "unknown case"),
    ],
)
def test_a_bad_file_is_refused_and_writes_nothing(tmp_path, break_it, complaint):
    data = mini()
    break_it(data)
    before = (Event.objects.count(), Measure.objects.count(), Actor.objects.count(), Source.objects.count())
    with pytest.raises(DatasetError, match=complaint):
        load_dataset(write(tmp_path, data))
    assert (Event.objects.count(), Measure.objects.count(), Actor.objects.count(), Source.objects.count()) == before


def test_the_command_reports_an_unknown_dataset_clearly():
    with pytest.raises(CommandError, match="No dataset named 'atlantis'. Available: canada-china"):
        call_command("load_dataset", "atlantis")


def test_an_address_found_later_links_the_same_source_instead_of_adding_one(tmp_path):
    data = mini()
    unlinked = next(row for row in data["sources"] if not row.get("url"))
    load_dataset(write(tmp_path, data))
    source = Source.objects.get(title=unlinked["title"], url="")
    cited_by = set(EventCitation.objects.filter(source=source).values_list("pk", flat=True))
    count = Source.objects.count()

    unlinked["url"] = "https://example.org/found-later"
    report = load_dataset(write(tmp_path, data))
    source.refresh_from_db()
    assert source.url == "https://example.org/found-later" and Source.objects.count() == count
    assert set(EventCitation.objects.filter(source=source).values_list("pk", flat=True)) == cited_by
    assert source.history.first().url == "https://example.org/found-later"  # the correction is kept in history
    assert load_dataset(write(tmp_path, data)).changes == 0, report.lines()
