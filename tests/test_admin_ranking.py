"""Autocomplete in the admin proposes what was typed first: exact matches, then prefix matches, then the rest."""

import datetime as dt

import factory
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disputes.models import Actor
from tests.factories import ActorFactory, CaseFactory, SourceFactory

pytestmark = pytest.mark.django_db

AUTOCOMPLETE = "/admin/autocomplete/"


def _proposals(client, term, *, app_label="tariffs", model_name="measure", field_name="applies_to"):
    params = {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": term}
    response = client.get(AUTOCOMPLETE, params)
    assert response.status_code == 200, response.content
    return [row["text"] for row in response.json()["results"]]


def test_typing_li_qiang_proposes_li_qiang_before_li_keqiang(admin_client, canada_china):
    assert Actor.objects.filter(name__in=["Li Qiang", "Li Keqiang"]).count() == 2

    proposals = _proposals(admin_client, "Li Qiang")

    assert proposals[0] == "Li Qiang"
    assert "Li Keqiang" in proposals[1:]


def test_the_exact_match_is_case_insensitive_and_counts_short_names_slugs_and_codes(admin_client, canada_china):
    assert _proposals(admin_client, "li qiang")[0] == "Li Qiang"
    assert _proposals(admin_client, "li-keqiang")[0] == "Li Keqiang"
    ActorFactory(name="Ministry of Commerce of Mexico", short_name="Commerce")
    ActorFactory(name="Commerce department of a province", slug="commerce-province")
    assert _proposals(admin_client, "COMMERCE")[0] == "Ministry of Commerce of Mexico"


def test_prefix_matches_come_before_matches_inside_a_name_each_in_name_order(admin_client, canada_china):
    ActorFactory(name="Zhou Lifeng", slug="zhou-lifeng")
    ActorFactory(name="Lin Jian", slug="lin-jian")

    proposals = _proposals(admin_client, "li")

    starts = [p.lower().startswith("li") for p in proposals]
    assert any(starts) and not all(starts)
    assert starts == sorted(starts, reverse=True), proposals  # every prefix match, then the rest
    prefix_matches = proposals[: starts.count(True)]
    assert prefix_matches == sorted(prefix_matches)
    assert proposals.index("Lin Jian") < proposals.index("Zhou Lifeng")


def test_cases_and_sources_rank_their_references_and_titles_the_same_way(admin_client):
    # Without ranking the newer record would come first (newest first in these lists).
    CaseFactory(reference="XT770", title="A later case", initiated_on=dt.date(2025, 6, 1))
    CaseFactory(reference="XT77", title="Canada — steel measures")
    event_case = {"app_label": "disputes", "model_name": "event", "field_name": "case"}
    assert _proposals(admin_client, "xt77", **event_case)[:2] == [
        "XT77: Canada — steel measures",
        "XT770: A later case",
    ]

    SourceFactory(title="Readout of the call, second part", publisher="PMO", published_on=dt.date(2025, 6, 1))
    SourceFactory(title="Readout of the call", publisher="PMO")
    source = {"app_label": "disputes", "model_name": "eventcitation", "field_name": "source"}
    assert _proposals(admin_client, "readout of the call", **source)[:2] == [
        "PMO: Readout of the call (2025-01-01)",
        "PMO: Readout of the call, second part (2025-06-01)",
    ]


def test_ranked_autocomplete_costs_the_same_queries_for_many_matches(admin_client, canada_china):
    def count():
        with CaptureQueriesContext(connection) as queries:
            _proposals(admin_client, "li")
        return len(queries)

    few = count()
    ActorFactory.create_batch(30, name=factory.Sequence(lambda n: f"Li Official {n}"))
    assert count() == few
