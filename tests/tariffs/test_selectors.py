"""The shared reads of measures (tariffs/selectors.py): the API and the pages read measures through them,
and each measure comes with what both show, at a fixed number of queries whatever the number of rows."""

import pytest

from pages import selectors as page_selectors
from tariffs import selectors
from tariffs.api.views import MeasureViewSet
from tariffs.models import Measure
from tests.factories import build_busy_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_busy_world(disputes=2)


def _ids(world):
    return [measure.pk for measure in world["measures"]]


def test_a_list_of_measures_comes_with_imposer_dispute_and_targets_in_two_queries(world, django_assert_num_queries):
    with django_assert_num_queries(2):
        measures = list(selectors.measures_listed(Measure.objects.filter(pk__in=_ids(world))))
    with django_assert_num_queries(0):
        shown = [(m.imposed_by.slug, m.dispute.slug, {a.slug for a in m.applies_to.all()}) for m in measures]
    assert len(shown) == len(_ids(world)) and all(world["hub"].slug in targets for *_, targets in shown)


def test_measures_for_display_add_periods_lines_cases_and_sources_in_six_queries(world, django_assert_num_queries):
    with django_assert_num_queries(6):
        measures = list(selectors.measures_for_display(Measure.objects.filter(pk__in=_ids(world))))
    with django_assert_num_queries(0):
        shown = [
            (len(m.rate_periods.all()), len(m.product_lines.all()), len(m.cases.all()),
             "Shared gazette" in {c.source.title for c in m.citations.all()})
            for m in measures
        ]  # fmt: skip
    assert shown == [(2, 2, 2, True)] * len(_ids(world))


def test_without_a_queryset_the_shapes_read_every_measure(world):
    assert selectors.measures_for_display().count() == Measure.objects.count() >= len(_ids(world))


def test_the_api_and_the_measure_page_read_measures_through_the_same_shape(world):
    def lookups(queryset):
        # A nested lookup (the periods of the measure a rate is stacked on) is cached under its first step.
        return {getattr(lookup, "prefetch_to", lookup).split("__")[0] for lookup in queryset._prefetch_related_lookups}

    shape = selectors.measures_for_display()
    api = MeasureViewSet.queryset
    assert api.query.select_related == shape.query.select_related
    assert lookups(api) == lookups(shape) | {"links_out"}
    measure = page_selectors.measure_detail(world["measures"][3].pk)
    in_full = selectors.measure_in_full()  # one measure: the shape plus its exemptions
    assert lookups(in_full) == lookups(shape) | {"exemptions"}
    assert lookups(in_full) | {"links_in", "links_out", "related_events"} == set(measure._prefetched_objects_cache)
