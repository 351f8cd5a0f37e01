"""The two disputes of 2025 beside the first case: ``eu-china-ev`` and ``us-canada-2025`` load completely from
``datasets/``, with their French text, change nothing when loaded again, and link to the first case both ways;
``load_dataset --all`` loads every dataset, each after the ones it needs."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from disputes.models import Event
from exchange.dataset_loader import load_dataset
from tariffs.models import Measure, MeasureExemption, MeasureLink, ProductLine, RatePeriod

pytestmark = pytest.mark.django_db
NEW = ("eu-china-ev", "us-canada-2025")


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """Both datasets loaded once for this module beside the first case (then canada-china again, whose links to
    us-canada-2025 waited for it); everything is rolled back after the module."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            reports = {name: load_dataset(name) for name in (*NEW, "canada-china")}
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield reports
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.mark.parametrize("slug", NEW)
def test_each_new_dispute_has_forty_events_and_fifteen_measures_with_rates_products_cases_and_links(loaded, slug):
    measures = Measure.objects.filter(dispute__slug=slug)
    assert Event.objects.filter(dispute__slug=slug).count() >= 40
    assert measures.count() >= 15
    assert RatePeriod.objects.filter(measure__dispute__slug=slug).count() >= 15
    assert ProductLine.objects.filter(measure__dispute__slug=slug).count() >= 15
    assert measures.filter(cases__isnull=False).distinct().count() >= 5
    assert MeasureLink.objects.filter(from_measure__dispute__slug=slug).count() >= 10


def test_the_eu_duty_on_chinese_evs_keeps_one_rate_per_exporter_group_and_a_residual_rate(loaded):
    duty = Measure.objects.get(dispute__slug="eu-china-ev", reference="M03-ev-cvd")
    definitive = {
        (period.exporter.slug if period.exporter else None): str(period.rate_percent.normalize())
        for period in duty.rate_periods.filter(kind="definitive").select_related("exporter")
    }
    assert definitive == {"byd": "17", "geely": "18.8", "saic": "35.3", "tesla": "7.8",
                          "china-bev-other-cooperating": "20.7", None: "35.3"}  # fmt: skip


def test_every_new_record_has_its_french_text(loaded):
    for slug in NEW:
        assert not Event.objects.filter(dispute__slug=slug, title_fr="").exists(), slug
        assert not Measure.objects.filter(dispute__slug=slug, title_fr="").exists(), slug
        assert not ProductLine.objects.filter(measure__dispute__slug=slug, description_fr="").exists(), slug
        assert not MeasureExemption.objects.filter(measure__dispute__slug=slug, description_fr="").exists(), slug
    assert Measure.objects.get(reference="US-232-steel").title_fr.startswith("Droit de l'article 232 sur l'acier")


def test_canada_china_loaded_again_writes_only_the_two_links_that_waited_for_us_canada(loaded):
    again = loaded["canada-china"]
    assert again.changes == 2 and again.created["MeasureLink"] == 2, again.lines()
    answers = MeasureLink.objects.filter(
        from_measure__dispute__slug="canada-china", to_measure__dispute__slug="us-canada-2025"
    )
    assert {(link.from_measure.reference, link.type, link.to_measure.reference) for link in answers} == {
        ("M10", "responds_to", "US-232-steel"),
        ("M11-steel", "responds_to", "US-232-steel"),
    }


def test_loading_every_dataset_again_changes_nothing(loaded):
    out = io.StringIO()
    call_command("load_dataset", "--all", stdout=out)
    lines = out.getvalue().splitlines()
    for slug in ("canada-china", *NEW):
        assert f"Loaded {slug}: 0 change(s)." in lines, lines
    assert lines[-1] == "Loaded 3 dataset(s): 0 change(s).", lines
    assert not any(line.startswith("Waiting") for line in lines), lines


def small_dataset(slug, actors, imposed_by, applies_to, link_to):
    """A one-measure dispute listing ``actors`` (YAML rows), whose measure links to ``link_to`` of another one."""
    return f"""
dispute: {{slug: {slug}, title: {slug}, status: active, started_on: 2024-01-01,
          parties: [{{actor: {imposed_by}, side: {imposed_by}}}, {{actor: {applies_to}, side: {applies_to}}}]}}
actors: [{actors}]
sources:
  - {{key: wire, title: Wire report on {slug}, publisher: Example Wire, published_on: 2024-02-02}}
events:
  - {{reference: E1, date: 2024-02-01, kind: announcement, title: Tariff announced, sources: [wire]}}
measures:
  - {{reference: T1, imposed_by: {imposed_by}, applies_to: [{applies_to}], type: tariff, title: Tariff of {slug},
     announced_on: 2024-02-01, rate_periods: [{{from: 2024-02-15, rate: "10"}}], sources: [wire]}}
links:
  - {{from: T1, to: {link_to}, type: retaliates_against, source: wire}}
"""


def test_load_all_loads_a_dataset_after_the_one_it_needs_and_writes_links_both_ways(settings, tmp_path):
    # alpha comes first by name but its ministry's parent is an actor of beta; beta links to alpha, not loaded yet.
    (tmp_path / "alpha-spat.yaml").write_text(
        small_dataset("alpha-spat", "{slug: alpha-ministry, name: Alpha ministry, kind: organisation, parent: alpha}",
                      "alpha-ministry", "beta", "{dispute: beta-spat, measure: T1}"),
        encoding="utf-8",
    )  # fmt: skip
    (tmp_path / "beta-spat.yaml").write_text(
        small_dataset("beta-spat", "{slug: alpha, name: Alpha, kind: organisation}, "
                      "{slug: beta, name: Beta, kind: organisation}",
                      "beta", "alpha", "{dispute: alpha-spat, measure: T1}"),
        encoding="utf-8",
    )  # fmt: skip
    settings.DATASETS_DIR = tmp_path
    out = io.StringIO()
    call_command("load_dataset", "--all", stdout=out)
    lines = out.getvalue().splitlines()
    loads = [line.split(":")[0] for line in lines if line.startswith("Loaded ")]
    assert loads == ["Loaded beta-spat", "Loaded alpha-spat", "Loaded beta-spat", "Loaded 2 dataset(s)"], lines
    assert "Loaded beta-spat: 1 change(s)." in lines  # the second time, only its link to alpha
    pairs = {(link.from_measure.dispute.slug, link.to_measure.dispute.slug) for link in MeasureLink.objects.all()}
    assert {("alpha-spat", "beta-spat"), ("beta-spat", "alpha-spat")} <= pairs

    again = io.StringIO()
    call_command("load_dataset", "--all", stdout=again)
    assert again.getvalue().splitlines()[-1] == "Loaded 2 dataset(s): 0 change(s).", again.getvalue()


def test_load_all_names_every_dataset_it_cannot_load(settings, tmp_path):
    (tmp_path / "gamma-spat.yaml").write_text(
        small_dataset("gamma-spat", "{slug: gamma, name: Gamma, kind: organisation}", "gamma", "nowhere",
                      "{dispute: gamma-spat, measure: T1}"),
        encoding="utf-8",
    )  # fmt: skip
    settings.DATASETS_DIR = tmp_path
    with pytest.raises(CommandError, match="gamma-spat: .*unknown actor 'nowhere'"):
        call_command("load_dataset", "--all", stdout=io.StringIO())


def test_the_command_wants_one_dataset_or_all():
    with pytest.raises(CommandError, match="Name one dataset, or give --all"):
        call_command("load_dataset")
    with pytest.raises(CommandError, match="Name one dataset, or give --all"):
        call_command("load_dataset", "canada-china", "--all")
