"""The shared reads of the disputes app (disputes/selectors.py): the API and the pages read each record
kind through one of them, and every row comes with what both show, at a fixed number of queries."""

import pytest

from disputes import selectors
from disputes.api.views import CaseViewSet, DisputeViewSet, EventViewSet
from pages import selectors as page_selectors
from tests.factories import build_busy_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_busy_world(disputes=2)


def test_events_come_with_dispute_case_participants_and_sources_in_three_queries(world, django_assert_num_queries):
    ids = [event.pk for event in world["events"]]
    with django_assert_num_queries(3):
        events = list(selectors.events_for_display().filter(pk__in=ids))
    with django_assert_num_queries(0):
        shown = [
            (e.dispute.slug, e.case.reference, {p.actor.slug for p in e.participations.all()},
             {c.source.title for c in e.citations.all()})
            for e in events
        ]  # fmt: skip
    assert len(shown) == len(ids)
    assert all(world["hub"].slug in actors and "Shared gazette" in titles for _, _, actors, titles in shown)


def test_cases_come_with_dispute_parties_and_sources_in_two_queries(world, django_assert_num_queries):
    ids = [case.pk for case in world["cases"]]
    with django_assert_num_queries(2):
        cases = list(selectors.cases_for_display().filter(pk__in=ids))
    with django_assert_num_queries(0):
        shown = [
            (c.dispute.slug, c.complainant.name, c.respondent.name, [x.source.title for x in c.citations.all()])
            for c in cases
        ]
    assert len(shown) == len(ids) and all(len(titles) == 2 for *_, titles in shown)


def test_disputes_come_with_their_parties_and_actors_in_two_queries(world, django_assert_num_queries):
    slugs = [dispute.slug for dispute in world["disputes"]]
    with django_assert_num_queries(2):
        disputes = list(selectors.disputes_for_display().filter(slug__in=slugs))
    with django_assert_num_queries(0):
        parties = [{(p.side, p.actor.slug) for p in d.parties.all()} for d in disputes]
    assert len(parties) == 2 and all(("alpha", world["hub"].slug) in found for found in parties)


def test_an_actor_is_found_by_slug_or_by_a_states_iso_code_in_any_case_with_its_parent(
    world, django_assert_num_queries
):
    child = world["disputes"][0].parties.exclude(actor=world["hub"]).first().actor
    with django_assert_num_queries(1):
        found = selectors.actor_identified_by(child.slug)
        assert found.parent.slug == world["hub"].slug
    assert selectors.actor_identified_by("hb") == world["hub"] == selectors.actor_identified_by("hubland")
    assert selectors.actor_identified_by("no-such-actor") is None


def test_the_dispute_sides_group_the_parties_by_side(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        sides = selectors.dispute_sides(world["disputes"][0])
    assert [side.slug for side in sides] == ["alpha", "beta"]
    assert world["hub"].slug in sides[0].actor_slugs and len(sides[0].actor_slugs) == 2


def _lookups(queryset) -> set[str]:
    return {getattr(lookup, "prefetch_to", lookup) for lookup in queryset._prefetch_related_lookups}


@pytest.mark.parametrize(
    ("viewset", "shape"),
    [
        (EventViewSet, selectors.events_for_display),
        (CaseViewSet, selectors.cases_for_display),
        (DisputeViewSet, selectors.disputes_for_display),
    ],
)
def test_the_api_reads_each_record_kind_through_its_selector(viewset, shape):
    queryset = viewset.queryset
    assert queryset.query.select_related == shape().query.select_related
    assert _lookups(queryset) == _lookups(shape())


def test_the_event_and_case_pages_extend_the_api_shape(world):
    """A page shows everything the API answer does, from the same joins and prefetches, plus its own."""
    event = page_selectors.event_detail(world["events"][0].pk)
    case = page_selectors.case_detail(world["cases"][0].pk)
    assert _lookups(selectors.events_for_display()) <= set(event._prefetched_objects_cache)
    assert _lookups(selectors.cases_for_display()) <= set(case._prefetched_objects_cache)
