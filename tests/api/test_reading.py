"""Reading the API: the contract of DESIGN.md section 6 on the real Canada–China data."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import build_busy_world

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/v1/actors/", "/api/v1/disputes/", "/api/v1/cases/", "/api/v1/events/", "/api/v1/measures/",
    "/api/v1/sources/", "/api/v1/disputes/canada-china/timeline/",
    "/api/v1/measures/?in_force_on=2025-04-01", "/api/v1/events/?q=canola",
]  # fmt: skip


def refs(response):
    return {item["reference"] for item in response.json()["results"]}


def test_the_root_lists_every_resource(anonymous):
    body = anonymous.get("/api/v1/").json()
    assert set(body) == {"actors", "disputes", "cases", "events", "measures", "sources"}


@pytest.mark.parametrize("url", LISTS)
def test_lists_are_paginated_objects_with_links(anonymous, url):
    body = anonymous.get(url, {"limit": 2}).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert len(body["results"]) <= 2
    first = body["results"][0]
    if "record" not in first:
        assert first["id"] and first["url"].startswith("http://testserver/api/v1/") and first["html_url"]


@pytest.mark.parametrize("url", LISTS)
def test_query_count_does_not_grow_with_page_size(anonymous, url):
    build_busy_world()  # several disputes, many cases, actors, events and measures: one row or many per page

    def queries(limit):
        with CaptureQueriesContext(connection) as captured:
            response = anonymous.get(url, {"limit": limit})
        assert response.status_code == 200
        return len(captured), len(response.json()["results"])

    queries(1)  # the first read after a change also reads when the data last changed (kept until the next change)
    (one, one_row), (many, rows) = queries(1), queries(500)
    assert one_row == 1 and rows >= 4  # the pages differ, so a query per row would show
    assert many <= one  # one fewer when the page holds the end of the list: then nothing is left to count


@pytest.mark.parametrize("url", ["/api/v1/events/", "/api/v1/measures/"])
def test_the_count_is_the_whole_lists_whether_or_not_the_page_reaches_its_end(anonymous, url):
    total = len(anonymous.get(url, {"limit": 500}).json()["results"])
    assert total >= 3
    for params in ({"limit": 500}, {"limit": 2}, {"limit": 2, "offset": total - 1}, {"offset": total + 5}):
        assert anonymous.get(url, params).json()["count"] == total, params


def test_what_china_had_in_force_against_canada_on_1_april_2025(anonymous):
    response = anonymous.get(
        "/api/v1/measures/", {"imposed_by": "CN", "applies_to": "canada", "in_force_on": "2025-04-01"}
    )
    assert refs(response) == {"M09-oil", "M09-meal", "M09-peas", "M09-pork", "M09-seafood", "M09-lobster-crab"}
    rates = {m["reference"]: m["rate_on_date"] for m in response.json()["results"]}
    assert rates["M09-oil"] == "100" and rates["M09-pork"] == "25"


def test_what_china_had_in_force_against_canada_on_1_june_2026(anonymous):
    response = anonymous.get("/api/v1/measures/", {"imposed_by": "china", "in_force_on": "2026-06-01", "limit": 500})
    found = refs(response)
    assert {"M06", "M09-oil", "M09-pork", "M09-seafood"} <= found
    assert not found & {"M09-meal", "M09-peas", "M09-lobster-crab"}
    assert {m["reference"]: m["rate_on_date"] for m in response.json()["results"]}["M06"] == "5.9"


def test_rate_on_date_appears_only_with_in_force_on(anonymous):
    assert "rate_on_date" not in anonymous.get("/api/v1/measures/", {"limit": 1}).json()["results"][0]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"hs": "15"}, {"M09-oil"}),
        ({"hs": "1205"}, {"M01", "M06"}),
        ({"type": "anti_dumping", "dispute": "canada-china"}, {"M06", "M07"}),
        ({"status": "proposed"}, None),
        ({"announced_after": "2025-03-08", "announced_before": "2025-03-08"}, None),
    ],
)
def test_measure_filters(anonymous, params, expected):
    response = anonymous.get("/api/v1/measures/", {**params, "limit": 500})
    assert response.status_code == 200
    found = refs(response)
    if expected is not None:
        assert expected <= found
    if "announced_after" in params:
        assert {"M09-oil", "M09-pork"} <= found and all(
            m["announced_on"] == "2025-03-08" for m in response.json()["results"]
        )
    if params.get("status") == "proposed":
        assert found and all(m["status"] == "proposed" for m in response.json()["results"])


def test_event_filters_by_actor_kind_dates_and_case(anonymous):
    calls = anonymous.get("/api/v1/events/", {"actor": "mark-carney", "kind": "leader_call", "limit": 500}).json()
    assert "F069" in {e["reference"] for e in calls["results"]}
    window = anonymous.get("/api/v1/events/", {"date_after": "2025-03-08", "date_before": "2025-03-20"}).json()
    dates = [e["date"] for e in window["results"]]
    assert "2025-03-08" in dates and "2025-03-20" in dates  # both ends inclusive
    assert all("2025-03-08" <= d <= "2025-03-20" for d in dates)
    ds636 = anonymous.get("/api/v1/events/", {"case": "DS636"}).json()
    assert ds636["count"] >= 3 and all(e["case"]["reference"] == "DS636" for e in ds636["results"])
    by_code = anonymous.get("/api/v1/events/", {"actor": "CA", "limit": 1}).json()["count"]
    assert by_code > 0


def test_default_order_is_date_then_id_and_ordering_can_reverse_it(anonymous):
    results = anonymous.get("/api/v1/events/", {"limit": 500}).json()["results"]
    assert [(e["date"], e["id"]) for e in results] == sorted((e["date"], e["id"]) for e in results)
    latest = anonymous.get("/api/v1/events/", {"ordering": "-date", "limit": 1}).json()["results"][0]
    assert latest["date"] == max(e["date"] for e in results)


def test_search_ranks_matching_events(anonymous):
    results = anonymous.get("/api/v1/events/", {"q": "canola anti-dumping", "limit": 500}).json()["results"]
    assert results and {"F044", "F078"} & {e["reference"] for e in results}


def test_search_finds_measures_by_product_description(anonymous):
    assert "M09-peas" in refs(anonymous.get("/api/v1/measures/", {"q": "peas"}))


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/v1/events/?date_after=2025-13-01", "date_after"),
        ("/api/v1/measures/?in_force_on=soon", "in_force_on"),
        ("/api/v1/measures/?imposed_by=atlantis", "imposed_by"),
        ("/api/v1/measures/?hs=15.14", "hs"),
        ("/api/v1/measures/?type=embargo", "type"),
        ("/api/v1/events/?dispute=nowhere", "dispute"),
        ("/api/v1/events/?limit=501", "limit"),
        ("/api/v1/events/?offset=-1", "offset"),
        ("/api/v1/events/?ordering=colour", "ordering"),
        ("/api/v1/events/?case=DS999", "case"),
    ],
)
def test_invalid_parameters_are_a_400_naming_the_parameter(anonymous, url, parameter):
    for target in (url, url + "&format=csv"):
        response = anonymous.get(target)
        assert response.status_code == 400
        assert response["Content-Type"].startswith("application/json")
        assert parameter in {error["attr"] for error in response.json()["errors"]}


def test_unknown_ids_are_a_404_in_json(anonymous):
    for url in ("/api/v1/events/999999/", "/api/v1/actors/atlantis/", "/api/v1/disputes/nowhere/summary/"):
        response = anonymous.get(url)
        assert response.status_code == 404 and response.json()["errors"][0]["code"] == "not_found"


def test_an_actor_is_found_by_slug_or_iso_code(anonymous):
    assert anonymous.get("/api/v1/actors/CN/").json()["slug"] == anonymous.get("/api/v1/actors/china/").json()["slug"]


def test_csv_has_a_header_and_one_row_per_result_with_readable_cells(anonymous):
    response = anonymous.get("/api/v1/measures/", {"imposed_by": "CN", "in_force_on": "2025-04-01", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 6
    oil = next(r for r in rows if r["reference"] == "M09-oil")
    assert oil["imposed_by"] == "china" and oil["applies_to"] == "canada" and oil["rate_on_date"] == "100"
    assert oil["rate_periods"].startswith("2025-03-20–: 100% in_force")


def test_csv_with_a_limit_is_one_page(anonymous):
    response = anonymous.get("/api/v1/events/", {"format": "csv", "limit": 5})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert len(rows) == 6 and rows[0][:3] == ["id", "url", "html_url"]


def test_csv_without_a_limit_streams_the_whole_filtered_set(anonymous, canada_china):
    response = anonymous.get("/api/v1/events/", {"format": "csv", "dispute": "canada-china"})
    assert response.streaming
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) - 1 == canada_china.events.count() > 50


def test_csv_cells_cannot_become_spreadsheet_formulas(anonymous, canada_china):
    from disputes.models import Source

    Source.objects.create(title='=HYPERLINK("http://evil")', publisher="+cmd")
    response = anonymous.get("/api/v1/sources/", {"format": "csv", "q": "HYPERLINK"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0]["title"].startswith("'=") and rows[0]["publisher"] == "'+cmd"


@pytest.mark.parametrize("url", ["/api/v1/events/", "/api/v1/measures/{measure}/", "/api/v1/events/?kind=leader_call"])
def test_conditional_get_answers_304_without_building_the_body(anonymous, url, canada_china):
    url = url.format(measure=canada_china.measures.order_by("pk").first().pk)
    first = anonymous.get(url)
    etag = first["ETag"]
    assert first["Last-Modified"]
    with CaptureQueriesContext(connection) as captured:
        again = anonymous.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert len(captured) == 0  # not even "what changed last": kept since the first request, until the data changes


def test_if_modified_since_with_the_last_modified_date_answers_304(anonymous, canada_china):
    first = anonymous.get("/api/v1/events/")
    again = anonymous.get("/api/v1/events/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 304


def test_an_edit_changes_the_etag(anonymous, canada_china):
    first = anonymous.get("/api/v1/events/", {"limit": 1})
    event = canada_china.events.first()
    event.title += " (edited)"
    event.save()
    assert anonymous.get("/api/v1/events/", {"limit": 1}, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_the_timeline_and_summary_of_a_dispute(anonymous):
    timeline = anonymous.get("/api/v1/disputes/canada-china/timeline/", {"kind": "measure_suspended", "limit": 500})
    entries = timeline.json()["results"]
    assert {e["record"]["type"] for e in entries} == {"measure"} and entries[0]["sources"]
    summary = anonymous.get("/api/v1/disputes/canada-china/summary/").json()
    assert summary["text"]["en"].startswith("As of ") and summary["data"]["sides"]
    dispute = anonymous.get("/api/v1/disputes/canada-china/").json()
    assert dispute["timeline_url"].endswith("/api/v1/disputes/canada-china/timeline/")
    assert {p["side"] for p in dispute["parties"]} >= {"canada", "china"}
