"""The reads behind the pages (pages/selectors.py): the shape each returns, and that a page can use
every row and its related records without one more query."""

import datetime as dt

import pytest

from disputes.models import Source
from pages import selectors
from tariffs.models import Measure
from tests.factories import build_busy_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_busy_world(disputes=2)


def test_home_lists_every_dispute_with_its_summary_and_the_ten_latest_past_events(
    canada_china, world, django_assert_num_queries
):
    today = dt.date(2025, 6, 5)
    with django_assert_num_queries(2):
        found = selectors.home(today)
    with django_assert_num_queries(0):
        slugs = [d.slug for d in found["disputes"]]
        assert canada_china.slug in slugs and len(slugs) == 1 + len(world["disputes"])
        assert any(hasattr(d, "dispute_summary") for d in found["disputes"])
        latest = [(entry.date, entry.dispute.slug) for entry in found["latest"]]
    assert len(latest) == 10 and all(day <= today for day, _ in latest)
    assert [day for day, _ in latest] == sorted((day for day, _ in latest), reverse=True)


def test_the_measure_page_reads_every_collection_from_its_prefetches(world, django_assert_num_queries):
    pk = world["measures"][3].pk
    with django_assert_num_queries(10):  # the exemptions (their sources only when there are some)
        measure = selectors.measure_detail(pk)
    with django_assert_num_queries(0):
        parts = {name: list(rows) for name, rows in selectors.measure_parts(measure).items()}
        sources = [citation.source.title for citation in parts["citations"]]
        links = [(link.to_measure.title, link.source.title) for link in parts["links_out"]]
        links += [(link.from_measure.title, link.source.title) for link in parts["links_in"]]
        head = (measure.imposed_by.name, measure.dispute.slug, measure.announcement.title)
    assert set(parts) == {
        "applies_to", "rate_periods", "product_lines", "citations", "links_out", "links_in", "cases", "exemptions",
    }  # fmt: skip
    assert [len(parts[n]) for n in ("applies_to", "rate_periods", "product_lines", "links_out", "links_in")] == [
        2, 2, 2, 2, 2,
    ]  # fmt: skip
    assert len(parts["cases"]) == 2 and "Shared gazette" in sources and len(links) == 4 and all(head)


def test_the_event_page_reads_participants_and_sources_from_its_prefetches(world, django_assert_num_queries):
    with django_assert_num_queries(5):
        event = selectors.event_detail(world["events"][0].pk)
    with django_assert_num_queries(0):
        parts = {name: list(rows) for name, rows in selectors.event_parts(event).items()}
        actors = {p.actor.slug for p in parts["participations"]}
        sources = {c.source.title for c in parts["citations"]}
        case = event.case.reference
    assert world["hub"].slug in actors and len(actors) == 2
    assert "Shared gazette" in sources and len(sources) == 2
    assert [m.reference for m in parts["measures_announced"]] == [world["measures"][0].reference]
    assert case == world["cases"][0].reference


def test_the_case_page_reads_steps_their_sources_and_measures_from_its_prefetches(world, django_assert_num_queries):
    with django_assert_num_queries(5):
        case = selectors.case_detail(world["cases"][0].pk)
    with django_assert_num_queries(0):
        steps = [(e.date, [c.source.title for c in e.citations.all()]) for e in case.events.all()]
        measures = [(m.reference, m.imposed_by.name) for m in case.measures.all()]
        parties = (case.complainant.name, case.respondent.name, case.dispute.slug)
    assert len(steps) == 3 and [day for day, _ in steps] == sorted(day for day, _ in steps)
    assert all("Shared gazette" in titles for _, titles in steps)
    assert len(measures) == 6 and all(parties)


def test_a_source_page_lists_each_record_citing_it_once(world, django_assert_num_queries):
    source = Source.objects.get(pk=world["source"].pk)
    with django_assert_num_queries(3):
        found = selectors.citing(source)
    assert [len(found[k]) for k in ("events", "measures", "cases")] == [
        len(world["events"]), len(world["measures"]), len(world["cases"]),
    ]  # fmt: skip


def test_search_finds_each_kind_and_ignores_empty_or_nul_text(canada_china, django_assert_num_queries):
    with django_assert_num_queries(4):
        found = selectors.search("canola")
    assert set(found) == {"events", "measures", "actors", "cases"}
    assert found["events"] and "M09-oil" in {m.reference for m in found["measures"]}
    with django_assert_num_queries(0):
        assert selectors.search("   ") == {} and selectors.search("\x00") == {}


def test_a_measure_on_no_day_has_no_status_or_period_and_on_a_day_has_both():
    measure = Measure.objects.get(dispute__slug="canada-china", reference="M09-oil")
    periods = list(measure.rate_periods.all())
    no_day = selectors.measure_on_day(measure, periods, None)
    assert {name: no_day[name] for name in ("day", "status_on_day", "period_on_day")} == {
        "day": None,
        "status_on_day": None,
        "period_on_day": None,
    }
    assert not any(row.covers_day for row in no_day["rate_rows"]) and no_day["has_exporters"] is False
    on_day = selectors.measure_on_day(measure, periods, dt.date(2025, 4, 1))
    assert on_day["status_on_day"] == "in_force" and on_day["period_on_day"].rate_percent == 100
