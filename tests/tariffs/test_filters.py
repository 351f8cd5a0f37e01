"""MeasureFilter (tariffs/filters.py), the one filter of measures behind the API and the pages: its choices,
its actor and HS lookups, and bad values as errors that name the parameter."""

import datetime as dt
from urllib.parse import urlencode

import pytest
from django.http import QueryDict

from tariffs.filters import MeasureFilter
from tariffs.models import Measure
from tests.factories import ActorFactory, MeasureFactory, RatePeriodFactory

pytestmark = pytest.mark.django_db


def _query(params) -> QueryDict:
    """The parameters as a request's query string carries them (a repeated key is a list)."""
    return QueryDict(urlencode(params, doseq=True))


def measures(**params):
    filterset = MeasureFilter(_query(params), queryset=Measure.objects.all())
    assert filterset.is_valid(), filterset.errors
    return filterset.qs


def errors(**params):
    filterset = MeasureFilter(_query(params), queryset=Measure.objects.all())
    assert not filterset.is_valid()
    return {name: [e.code for e in errs.as_data()] for name, errs in filterset.errors.items()}


def refs(queryset):
    return set(queryset.values_list("reference", flat=True))


def test_an_actor_is_named_by_slug_or_by_iso_code_alike(canada_china):
    by_code, by_slug = measures(imposed_by="CN", dispute="canada-china"), measures(imposed_by="china")
    assert refs(by_code) == refs(by_slug) and "M09-oil" in refs(by_code)
    assert not refs(by_code) & refs(measures(imposed_by="CA"))


def test_an_hs_prefix_finds_the_measures_with_a_product_line_under_it(canada_china):
    assert refs(measures(hs="15", dispute="canada-china")) == {"M09-oil"}
    assert refs(measures(hs="1205", dispute="canada-china")) == {"M01", "M06"}


def test_in_force_on_keeps_the_measures_in_force_that_day_and_gives_their_rate():
    target = ActorFactory()
    live, over = MeasureFactory(reference="LIVE"), MeasureFactory(reference="OVER")
    for measure in (live, over):
        measure.applies_to.add(target)
    RatePeriodFactory(measure=live, valid_from=dt.date(2025, 3, 20), rate_percent=25)
    RatePeriodFactory(measure=over, valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2025, 3, 1))
    found = measures(in_force_on="2025-04-01", applies_to=target.slug)
    assert [(m.reference, m.rate_on_date) for m in found] == [("LIVE", 25)]


def test_on_filters_nothing_but_gives_each_measure_its_status_that_day():
    target = ActorFactory()
    later = MeasureFactory(reference="LATER")
    later.applies_to.add(target)
    RatePeriodFactory(measure=later, valid_from=dt.date(2025, 7, 1))
    (found,) = measures(on="2025-04-01", applies_to=target.slug)
    assert (found.reference, found.status_on_date, found.rate_on_date) == ("LATER", "announced", None)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"hs": "1"}, {"hs": ["invalid"]}),
        ({"hs": "15O"}, {"hs": ["invalid"]}),
        ({"type": "embargo"}, {"type": ["invalid_choice"]}),
        ({"status": "cancelled"}, {"status": ["invalid_choice"]}),
        ({"in_force_on": "2025-02-30"}, {"in_force_on": ["invalid"]}),
        ({"on": "2025-04-01", "in_force_on": "2025-04-02"}, {"on": ["different_dates"]}),
        ({"imposed_by": "atlantis"}, {"imposed_by": ["unknown_actor"]}),
        ({"dispute": "atlantis"}, {"dispute": ["invalid_choice"]}),
    ],
)
def test_a_bad_value_is_an_error_naming_its_parameter(params, expected):
    assert errors(**params) == expected


def test_on_and_in_force_on_may_name_the_same_day():
    assert measures(on="2025-04-01", in_force_on="2025-04-01") is not None


def test_several_types_are_any_of_them(canada_china):
    both = refs(measures(type=["anti_dumping", "surtax"], dispute="canada-china"))
    assert both == refs(measures(type="anti_dumping", dispute="canada-china")) | refs(
        measures(type="surtax", dispute="canada-china")
    )
    assert {"M06", "M07"} <= both


def test_every_type_and_status_offered_is_a_choice_of_the_model():
    form = MeasureFilter().form
    assert {v for v, _ in form.fields["type"].choices} == {v for v, _ in Measure._meta.get_field("type").choices}
    assert {v for v, _ in form.fields["status"].choices} == {v for v, _ in Measure._meta.get_field("status").choices}
