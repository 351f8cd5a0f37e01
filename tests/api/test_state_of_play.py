"""GET /api/v1/disputes/{slug}/summary/?on=D: the state of play on any date, in the shape of today's summary."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from timelines.services import refresh_dispute

pytestmark = pytest.mark.django_db
URL = "/api/v1/disputes/canada-china/summary/"


@pytest.fixture
def refreshed(canada_china):
    refresh_dispute(dispute_id=canada_china.pk, today=dt.date(2026, 6, 1), full=True)
    return canada_china


def side(body, slug):
    return next(s for s in body["data"]["sides"] if s["side"] == slug)


def test_the_state_of_play_on_1_september_2025_counts_china_s_trade_once(client, refreshed):
    body = client.get(URL, {"on": "2025-09-01"}).json()
    assert body["as_of"] == "2025-09-01" and body["dispute"] == "canada-china"
    china = side(body, "china")
    assert {m["reference"]: m["rate_percent"] for m in china["measures_in_force"]}["M06"] == "75.8"
    assert china["trade_covered"]["totals"] == [{"currency": "CAD", "amount": "7016000000", "up_to": False}]
    assert body["text"]["en"].startswith("As of 1 September 2025, ")
    assert [c["reference"] for c in body["data"]["open_cases"]]
    assert all(e["date"] <= "2025-09-01" for e in body["data"]["latest_diplomacy"])
    assert body["data"]["next_changes"] and all(c["date"] > "2025-09-01" for c in body["data"]["next_changes"])


def test_the_state_of_play_on_1_april_2025_has_china_s_six_countermeasures_in_force(client, refreshed):
    china = side(client.get(URL, {"on": "2025-04-01"}).json(), "china")
    assert sorted(m["reference"] for m in china["measures_in_force"]) == [
        "M09-lobster-crab", "M09-meal", "M09-oil", "M09-peas", "M09-pork", "M09-seafood",
    ]  # fmt: skip
    assert china["trade_covered"]["totals"] == [{"currency": "CAD", "amount": "3016000000", "up_to": False}]


def test_the_state_of_play_on_1_june_2026_is_partial_and_says_up_to(client, refreshed):
    body = client.get(URL, {"on": "2026-06-01"}).json()
    china = side(body, "china")
    assert china["trade_covered"]["partial"] is True
    assert china["trade_covered"]["totals"] == [{"currency": "CAD", "amount": "5790000000", "up_to": True}]
    assert "up to CAD 5.8B" in body["text"]["en"]


def test_without_on_the_summary_has_the_same_shape_as_with_it(client, refreshed):
    today = client.get(URL).json()
    dated = client.get(URL, {"on": today["as_of"]}).json()
    assert set(today) == set(dated)
    assert set(today["data"]) == set(dated["data"])
    assert set(side(today, "china")) == set(side(dated, "china"))
    assert today["data"]["sides"] == dated["data"]["sides"]


@pytest.mark.parametrize("bad", ["yesterday", "2025-13-01", "0001-01-01"])
def test_a_bad_on_is_a_400_naming_on(client, refreshed, bad):
    response = client.get(URL, {"on": bad})
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "validation_error" and body["errors"][0]["attr"] == "on"


def test_the_state_of_play_takes_the_same_number_of_queries_on_any_date(client, refreshed):
    counts = []
    for day in ["2019-06-01", "2025-09-01", "2026-06-01"]:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, {"on": day}).status_code == 200
        counts.append(len(queries))
    assert len(set(counts)) == 1, counts


def test_the_on_parameter_and_the_method_are_in_the_openapi_schema(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/disputes/{slug}/summary/"]["get"]
    assert "on" in {p["name"] for p in operation["parameters"]}
    assert "at most once" in operation["description"]
