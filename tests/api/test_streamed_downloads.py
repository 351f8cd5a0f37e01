"""Whole-dispute downloads stream a page of rows at a time and still hold every row, in order, once."""

import csv
import io
import json
import zipfile

import pytest

import core.api.viewsets
import exchange.exports
from disputes.models import Event
from tariffs.models import Measure

pytestmark = pytest.mark.django_db


def body(response) -> bytes:
    assert response.status_code == 200 and response.streaming
    return b"".join(response.streaming_content)


@pytest.fixture
def pages_of_three(monkeypatch):
    """Pages far smaller than the first case, so every download spans many of them."""
    monkeypatch.setattr(exchange.exports, "EXPORT_CHUNK", 3)
    monkeypatch.setattr(core.api.viewsets, "CSV_PAGE", 3)


def test_the_json_export_lists_every_event_and_measure_once_in_order_across_pages(
    anonymous, canada_china, pages_of_three
):
    doc = json.loads(body(anonymous.get("/api/v1/export/canada-china.json")))
    events = list(Event.objects.filter(dispute=canada_china).order_by("date", "id").values_list("id", flat=True))
    measures = Measure.objects.filter(dispute=canada_china).order_by("announced_on", "id")
    assert len(events) > 3 * 3
    assert [event["id"] for event in doc["events"]] == events
    assert [measure["id"] for measure in doc["measures"]] == list(measures.values_list("id", flat=True))
    assert all(event["participants"] for event in doc["events"] if event["id"] == events[0])


def test_the_zip_export_streams_in_chunks_and_its_readme_counts_the_rows(anonymous, canada_china, pages_of_three):
    response = anonymous.get("/api/v1/export/canada-china.zip")
    chunks = list(response.streaming_content)
    assert len(chunks) > 3  # sent as written, not as one body
    archive = zipfile.ZipFile(io.BytesIO(b"".join(chunks)))
    rows = list(csv.DictReader(io.StringIO(archive.read("events.csv").decode("utf-8"))))
    expected = Event.objects.filter(dispute=canada_china).order_by("date", "id").values_list("id", flat=True)
    assert [int(row["id"]) for row in rows] == list(expected)
    assert f"Rows: {len(rows)}." in archive.read("README.md").decode("utf-8")


def test_a_whole_list_csv_holds_the_same_rows_as_its_pages(anonymous, canada_china, pages_of_three):
    whole = body(anonymous.get("/api/v1/events/", {"dispute": "canada-china", "format": "csv"})).decode("utf-8")
    paged = anonymous.get("/api/v1/events/", {"dispute": "canada-china", "format": "csv", "limit": 500})
    assert whole == paged.content.decode("utf-8")
    query = {"in_force_on": "2025-06-01", "format": "csv", "offset": 2}
    measures = body(anonymous.get("/api/v1/measures/", query)).decode("utf-8")
    assert measures == anonymous.get("/api/v1/measures/", {**query, "limit": 500}).content.decode("utf-8")
    assert measures.count("\n") > 3 and "rate_on_date" in measures.splitlines()[0]


@pytest.mark.parametrize(
    "query",
    [{"kind": "announcement"}, {"dispute": "canada-china", "offset": 3}, {"actor": "CN", "date_after": "2025-01-01"}],
)
def test_a_whole_list_csv_that_fits_one_page_holds_the_same_rows_as_its_page(anonymous, canada_china, query):
    """A list that fits one page is read by its prepared statement (core.api.prepared), a longer one through a
    cursor (above): the same rows either way."""
    whole = body(anonymous.get("/api/v1/events/", {**query, "format": "csv"})).decode("utf-8")
    paged = anonymous.get("/api/v1/events/", {**query, "format": "csv", "limit": 500}).content.decode("utf-8")
    assert whole == paged and whole.count("\n") > 2


def test_a_whole_list_csv_of_a_search_holds_every_match(anonymous, canada_china, settings):
    """A search's page holds its newest SEARCH_MATCH_LIMIT matches; its whole-list download holds them all."""
    settings.SEARCH_MATCH_LIMIT = 3
    rows = list(
        csv.DictReader(io.StringIO(body(anonymous.get("/api/v1/events/", {"q": "canola", "format": "csv"})).decode()))
    )
    assert len(rows) == Event.objects.search("canola").count() > 3
