"""The filters of the disputes app (disputes/filters.py), shared by the API and the pages: what each
parameter keeps, and bad values as errors that name the parameter."""

import datetime as dt
from urllib.parse import urlencode

import pytest
from django.http import QueryDict

from disputes.filters import ActorFilter, CaseFilter, DisputeFilter, EventFilter, SourceFilter
from disputes.models import Case
from tests.factories import ActorFactory, CaseFactory, DisputeFactory, EventFactory, SourceFactory

pytestmark = pytest.mark.django_db


def filtered(filter_class, **params):
    filterset = filter_class(QueryDict(urlencode(params, doseq=True)), queryset=filter_class.Meta.model.objects.all())
    assert filterset.is_valid(), filterset.errors
    return filterset.qs


def errors(filter_class, **params):
    filterset = filter_class(QueryDict(urlencode(params, doseq=True)), queryset=filter_class.Meta.model.objects.all())
    assert not filterset.is_valid()
    return {name: [e.code for e in errs.as_data()] for name, errs in filterset.errors.items()}


def test_a_case_is_named_by_id_or_by_reference_in_any_case(canada_china):
    ds627 = Case.objects.get(reference="DS627")
    by_id = set(filtered(EventFilter, case=str(ds627.pk)))
    assert by_id and by_id == set(filtered(EventFilter, case="ds627"))
    assert all(event.case_id == ds627.pk for event in by_id)


@pytest.mark.parametrize("value", ["DS000", "٣", "1.5"])
def test_an_unknown_case_is_an_error_naming_the_case_parameter(value):
    assert errors(EventFilter, case=value) == {"case": ["unknown_case"]}


def test_event_dates_are_inclusive_at_both_ends():
    dispute = DisputeFactory()
    days = [dt.date(2025, 3, d) for d in (7, 8, 9, 10)]
    for day in days:
        EventFactory(dispute=dispute, date=day)
    found = filtered(EventFilter, dispute=dispute.slug, date_after="2025-03-08", date_before="2025-03-09")
    assert sorted(e.date for e in found) == days[1:3]


def test_an_event_actor_is_any_participant_in_any_role():
    minister, other = ActorFactory(), ActorFactory()
    hosted, attended, without = EventFactory(), EventFactory(), EventFactory()
    hosted.participations.create(actor=minister, role="host")
    attended.participations.create(actor=minister)
    without.participations.create(actor=other)
    assert set(filtered(EventFilter, actor=minister.slug)) == {hosted, attended}


def test_a_case_actor_is_the_complainant_or_the_respondent():
    canada, china, eu = ActorFactory(), ActorFactory(), ActorFactory()
    brought = CaseFactory(complainant=canada, respondent=china)
    faced = CaseFactory(complainant=china, respondent=canada)
    CaseFactory(complainant=eu, respondent=china)
    assert set(filtered(CaseFilter, actor=canada.slug)) == {brought, faced}


def test_an_actor_is_found_by_its_exact_iso_code_or_part_of_its_name(canada_china):
    assert list(filtered(ActorFilter, q="cn").values_list("code", flat=True)) == ["CN"]
    assert "china" in set(filtered(ActorFilter, q="Chin").values_list("slug", flat=True))


def test_a_dispute_is_found_by_a_party_given_by_iso_code(canada_china):
    assert list(filtered(DisputeFilter, actor="CA")) == [canada_china]


def test_a_source_link_matches_the_document_address_exactly():
    gazette = SourceFactory(url="https://example.org/gazette/1")
    SourceFactory(url="https://example.org/gazette/10")
    assert list(filtered(SourceFilter, link="https://example.org/gazette/1")) == [gazette]


@pytest.mark.parametrize(
    ("filter_class", "params", "expected"),
    [
        (EventFilter, {"kind": "coup"}, {"kind": ["invalid_choice"]}),
        (EventFilter, {"level": "emperor"}, {"level": ["invalid_choice"]}),
        (EventFilter, {"date_after": "2025-13-01"}, {"date_after": ["invalid"]}),
        (EventFilter, {"actor": "atlantis"}, {"actor": ["unknown_actor"]}),
        (EventFilter, {"dispute": "atlantis"}, {"dispute": ["invalid_choice"]}),
        (CaseFilter, {"stage": "won"}, {"stage": ["invalid_choice"]}),
        (CaseFilter, {"forum": "arena"}, {"forum": ["invalid_choice"]}),
        (ActorFilter, {"kind": "planet"}, {"kind": ["invalid_choice"]}),
        (DisputeFilter, {"status": "won"}, {"status": ["invalid_choice"]}),
        (SourceFilter, {"published_after": "yesterday"}, {"published_after": ["invalid"]}),
    ],
)
def test_a_bad_value_is_an_error_naming_its_parameter(filter_class, params, expected):
    assert errors(filter_class, **params) == expected
