"""The timeline and summary of the Canada–China dispute, built from the real dataset."""

import datetime as dt
import re
from decimal import Decimal

import pytest

from disputes.models import Actor, Event
from tariffs.models import Measure
from tests.factories import CaseFactory, EventFactory
from timelines.models import DisputeSummary, RefreshRequest, TimelineEntry
from timelines.services import refresh_dispute

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def timeline(canada_china):
    refresh_dispute(dispute_id=canada_china.pk, today=D(2025, 6, 5), full=True)
    return TimelineEntry.objects.filter(dispute=canada_china)


def entries_of(timeline, reference):
    return list(timeline.filter(measure__reference=reference).values_list("date", "kind", "rate_percent"))


def test_the_20_march_2025_countermeasures_enter_into_force_together(timeline):
    in_force = timeline.filter(date=D(2025, 3, 20), kind="measure_in_force", record_type="measure")
    assert set(in_force.values_list("measure__reference", flat=True)) == {
        "M09-oil", "M09-meal", "M09-peas", "M09-pork", "M09-seafood", "M09-lobster-crab",
    }  # fmt: skip
    assert sorted(in_force.values_list("rate_percent", flat=True)) == [25, 25, 25, 100, 100, 100]
    assert set(in_force.values_list("side", flat=True)) == {"china"}
    assert timeline.filter(date=D(2025, 3, 20), event__reference="F059").exists()


def test_the_2026_suspension_window_is_a_suspension_then_a_resumption(timeline):
    assert entries_of(timeline, "M09-meal") == [
        (D(2025, 3, 8), "measure_announced", None),
        (D(2025, 3, 20), "measure_in_force", Decimal("100")),
        (D(2026, 3, 1), "measure_suspended", Decimal("100")),
        (D(2027, 1, 1), "measure_resumed", Decimal("100")),
    ]
    # Canola oil, pork and other seafood were not suspended.
    assert [kind for _, kind, _ in entries_of(timeline, "M09-oil")] == ["measure_announced", "measure_in_force"]


def test_canola_seed_moves_from_the_preliminary_75_8_to_the_final_5_9_percent(timeline):
    change = timeline.get(measure__reference="M06", kind="rate_change")
    assert change.date == D(2026, 3, 1) and change.rate_percent == Decimal("5.9")
    assert "75.8% → 5.9%" in change.text


def test_every_event_is_on_the_timeline_with_its_sources_in_stable_date_order(timeline, canada_china):
    events = timeline.filter(record_type="event")
    assert events.count() == Event.objects.filter(dispute=canada_china).count()
    assert not [e for e in timeline if not e.sources]
    rows = list(timeline.values_list("date", "record_type", "record_id", "key"))
    assert rows == sorted(rows)
    assert rows == list(timeline.values_list("date", "record_type", "record_id", "key"))
    call = timeline.get(event__reference="F069")
    assert call.kind == "leader_call" and "mark-carney" in call.actors and call.side == ""


def test_cases_opened_without_an_event_get_an_entry_of_their_own(timeline, canada_china):
    china, canada = Actor.objects.get(code="CN"), Actor.objects.get(code="CA")
    quiet = CaseFactory(dispute=canada_china, complainant=canada, respondent=china, initiated_on=D(2025, 5, 2))
    announced = CaseFactory(dispute=canada_china, complainant=china, respondent=canada, initiated_on=D(2025, 5, 9))
    EventFactory(dispute=canada_china, case=announced, date=D(2025, 5, 9), kind="wto_step")
    refresh_dispute(dispute_id=canada_china.pk, today=D(2025, 6, 5), full=True)

    opened = timeline.filter(kind="case_opened")
    assert list(opened.values_list("case__reference", "date", "side")) == [(quiet.reference, D(2025, 5, 2), "canada")]
    # In the first case every case, DS627 included, was opened by an event of its own: no second entry.
    assert timeline.filter(case__reference="DS627", kind="wto_step").exists()


def test_the_summary_of_5_june_2025_says_what_was_in_force_on_each_side(timeline, canada_china):
    summary = DisputeSummary.objects.get(dispute=canada_china)
    sides = {side["side"]: side for side in summary.data["sides"]}
    assert sides["china"]["count"] == 6
    assert {m["reference"] for m in sides["china"]["measures_in_force"]} >= {"M09-oil", "M09-pork"}
    assert sides["canada"]["count"] == len(sides["canada"]["measures_in_force"]) >= 3
    assert summary.text_en.startswith("As of 5 June 2025, ")
    assert "China has 6 measures in force against Canada, including 100% on " in summary.text_en
    # The numbers in the text are the numbers in the data.
    stated = {name: int(n) for name, n in re.findall(r"(Canada|China) has (\d+) measures? in force", summary.text_en)}
    assert stated == {"Canada": sides["canada"]["count"], "China": sides["china"]["count"]}
    assert summary.data["counts"]["events"] == Event.objects.filter(dispute=canada_china).count()
    assert summary.text_fr.startswith("Au 5 juin 2025 — ")
    assert f"Chine\u00a0: {sides['china']['count']} mesures en vigueur contre le Canada" in summary.text_fr
    assert "100\u00a0% sur" in summary.text_fr
    assert summary.data["counts_by_kind"]["leader_call"] >= 1


def test_the_monthly_series_counts_measures_in_force_per_side(timeline, canada_china):
    series = {row["month"]: row for row in DisputeSummary.objects.get(dispute=canada_china).data["series"]}
    assert series["2024-09"]["canada"] == 0
    assert series["2024-10"]["canada"] == 3  # EVs from 1 Oct, steel and aluminium from 22 Oct
    assert series["2025-04"]["china"] == 6
    assert max(series) == "2025-06"


def test_refreshing_twice_gives_the_same_rows(timeline, canada_china):
    before = list(timeline.values_list("pk", "key", "fingerprint"))
    result = refresh_dispute(dispute_id=canada_china.pk, today=D(2025, 6, 5), full=True)
    assert result.changes == 0
    assert list(timeline.values_list("pk", "key", "fingerprint")) == before


def test_an_edit_rebuilds_only_the_entries_of_the_edited_record(timeline, canada_china):
    event = Event.objects.get(dispute=canada_china, reference="F069")
    event.title = "Carney and Li Qiang speak by phone (corrected)"
    event.save()
    assert RefreshRequest.objects.filter(dispute_id=canada_china.pk, record_type="event", record_id=event.pk).exists()
    result = refresh_dispute(dispute_id=canada_china.pk, today=D(2025, 6, 5))
    assert (result.full, result.inserted, result.deleted) == (False, 1, 1)
    assert timeline.get(event=event).title.endswith("(corrected)")
    assert not RefreshRequest.objects.filter(dispute_id=canada_china.pk).exists()


def test_a_new_rate_period_adds_its_milestones(timeline, canada_china):
    pork = Measure.objects.get(dispute=canada_china, reference="M09-pork")
    from tariffs.services import measure_suspend

    measure_suspend(measure=pork, from_date=D(2026, 7, 1), until=D(2026, 9, 30), today=D(2025, 6, 5))
    refresh_dispute(dispute_id=canada_china.pk, today=D(2025, 6, 5))
    assert [kind for _, kind, _ in entries_of(timeline, "M09-pork")] == [
        "measure_announced", "measure_in_force", "measure_suspended", "measure_resumed",
    ]  # fmt: skip


def test_a_deleted_record_leaves_the_timeline(timeline, canada_china):
    event = Event.objects.get(dispute=canada_china, reference="F079")
    count = timeline.count()
    event.delete()
    assert timeline.count() == count - 1
    refresh_dispute(dispute_id=canada_china.pk, today=D(2025, 6, 5))
    assert timeline.count() == count - 1
    summary = DisputeSummary.objects.get(dispute=canada_china)
    assert summary.data["counts"]["events"] == Event.objects.filter(dispute=canada_china).count()


def test_the_summary_moves_as_dates_pass(timeline, canada_china):
    refresh_dispute(dispute_id=canada_china.pk, today=D(2026, 3, 1))
    sides = {s["side"]: s for s in DisputeSummary.objects.get(dispute=canada_china).data["sides"]}
    china = {m["reference"]: m["rate_percent"] for m in sides["china"]["measures_in_force"]}
    assert china["M06"] == "5.9"
    assert "M09-meal" not in china


def test_many_edits_in_one_transaction_queue_one_refresh(canada_china, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        for event in Event.objects.filter(dispute=canada_china):
            event.outcome = "edited"
            event.save()
    refreshes = [c for c in callbacks if getattr(c, "once_key", None) == ("refresh", canada_china.pk)]
    assert len(refreshes) == 1
    assert len(callbacks) == 2  # the refresh, and the one change of the data version (core/data_version.py)
    edited = Event.objects.filter(dispute=canada_china).count()
    assert RefreshRequest.objects.filter(dispute_id=canada_china.pk, record_type="event").count() == edited
