"""Links across disputes (issue #15): a measure of one dispute may answer or shape a measure of another (Canada's
2025 steel measures on China, shaped by the US tariffs). Nothing forbids such a link; the measure page, the API
and the dispute's retaliation graph name the other dispute."""

import datetime as dt
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tariffs.models import Measure, MeasureLink
from tariffs.services import measure_link_save, measure_save
from tests.factories import ActorFactory, DisputeFactory, SourceFactory

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = D(2025, 9, 1)


def new_measure(dispute, title, announced_on):
    return measure_save(
        measure=Measure(dispute=dispute, imposed_by=ActorFactory(), type="surtax", title=title,
                        announced_on=announced_on),
        applies_to=[ActorFactory()], rate_periods=[{"valid_from": announced_on, "rate_percent": 25}],
        citations=[{"source": SourceFactory()}], today=TODAY,
    )  # fmt: skip


@pytest.fixture
def two_disputes():
    first = DisputeFactory(slug="steel-first", title="Steel, first dispute")
    second = DisputeFactory(slug="steel-second", title="Steel, second dispute")
    us_tariff = new_measure(first, "50% on steel imports", D(2025, 6, 4))
    quotas = new_measure(second, "Steel quotas cut", D(2025, 11, 26))
    local = new_measure(second, "Steel surtax", D(2025, 6, 27))
    source = SourceFactory(title="Quota notice")
    measure_save(
        measure=quotas,
        links=[
            {"to_measure": us_tariff, "type": "responds_to", "source": source, "note": "Shaped by the US tariff"},
            {"to_measure": local, "type": "amends", "source": source},
        ],
        today=TODAY,
    )  # fmt: skip
    return {"first": first, "second": second, "us_tariff": us_tariff, "quotas": quotas, "local": local}


def script_json(html, element_id):
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_a_link_may_join_measures_of_two_disputes(two_disputes):
    link = MeasureLink.objects.get(from_measure=two_disputes["quotas"], type="responds_to")
    assert link.to_measure.dispute != link.from_measure.dispute
    # The single-link service accepts it too.
    measure_link_save(values={"from_measure": two_disputes["us_tariff"], "to_measure": two_disputes["local"],
                              "type": "retaliates_against", "source": SourceFactory()})  # fmt: skip
    assert MeasureLink.objects.filter(from_measure=two_disputes["us_tariff"]).count() == 1


def test_the_measure_pages_name_the_other_dispute_both_ways(client, two_disputes):
    quotas = client.get(f"/en/measures/{two_disputes['quotas'].pk}/").content.decode()
    assert "50% on steel imports" in quotas and "in Steel, first dispute" in quotas
    assert "in Steel, second dispute" not in quotas  # a link within the dispute is not marked
    us = client.get(f"/en/measures/{two_disputes['us_tariff'].pk}/").content.decode()
    assert "Steel quotas cut" in us and "in Steel, second dispute" in us


def test_the_api_names_the_dispute_of_each_linked_measure(client, two_disputes):
    links = client.get(f"/api/v1/measures/{two_disputes['quotas'].pk}/").json()["links"]
    assert {(link["type"], link["measure_dispute"]) for link in links} == {
        ("responds_to", "steel-first"), ("amends", "steel-second"),
    }  # fmt: skip
    listed = client.get("/api/v1/measures/", {"dispute": "steel-second"}).json()["results"]
    assert {(link["type"], link["measure_dispute"]) for m in listed for link in m["links"]} == {
        ("responds_to", "steel-first"), ("amends", "steel-second"),
    }  # fmt: skip


def test_each_disputes_graph_shows_the_other_disputes_measure_as_an_outside_node(client, two_disputes):
    for mine, other, outside in (("steel-second", "Steel, first dispute", "us_tariff"),
                                 ("steel-first", "Steel, second dispute", "quotas")):  # fmt: skip
        html = client.get(f"/en/disputes/{mine}/").content.decode()
        graph = script_json(html, "retaliation-data")
        (node,) = [n for n in graph["nodes"] if n.get("outside")]
        assert node["id"] == two_disputes[outside].pk and node["dispute_title"] == other and other in node["label"]
        table = html[html.index('id="retaliation-table"') :]
        assert f"in {other}" in table


def test_the_graph_costs_the_same_queries_with_more_links_from_other_disputes(client, two_disputes):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/en/disputes/steel-first/").status_code == 200
        return len(captured)

    few = queries()
    for n in range(3):
        answer = new_measure(DisputeFactory(), f"Answer {n}", D(2025, 7, 1))
        measure_save(measure=answer, links=[{"to_measure": two_disputes["us_tariff"], "type": "responds_to",
                                             "source": SourceFactory()}], today=TODAY)  # fmt: skip
    assert queries() == few
