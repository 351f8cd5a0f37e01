"""Exemptions and remissions written through the API, each with its sources, through the measure's one service."""

import copy

import pytest

from tariffs.models import Measure, MeasureExemption
from tests.api.test_writing import MEASURE, error_attrs

pytestmark = pytest.mark.django_db

REMISSION = {
    "kind": "remission_order",
    "description": "Steel for shipbuilding, by permit",
    "valid_from": "2025-04-01",
    "instrument": "Remission order (API copy)",
    "sources": [{"url": "https://example.org/remission-2025", "title": "Remission order notice", "publisher": "DOF"}],
}


def with_exemptions(*exemptions):
    return {**copy.deepcopy(MEASURE), "exemptions": [copy.deepcopy(e) for e in exemptions]}


def test_a_measure_is_written_with_its_exemptions_and_their_sources(editor, anonymous):
    response = editor.post("/api/v1/measures/", with_exemptions(REMISSION), format="json")
    assert response.status_code == 201, response.json()
    measure = Measure.objects.get(pk=response.json()["id"])
    exemption = measure.exemptions.get()
    assert (exemption.kind, exemption.description) == ("remission_order", REMISSION["description"])
    assert exemption.citations.get().source.url == "https://example.org/remission-2025"
    assert exemption.history.exists()  # recorded like every write
    read = anonymous.get(f"/api/v1/measures/{measure.pk}/").json()["exemptions"]
    assert [(e["kind"], e["instrument"]) for e in read] == [("remission_order", "Remission order (API copy)")]
    assert read[0]["sources"][0]["document_url"] == "https://example.org/remission-2025"


def test_left_out_exemptions_are_kept_even_by_a_put_and_an_empty_list_removes_them(editor):
    created = editor.post("/api/v1/measures/", with_exemptions(REMISSION), format="json").json()
    url = f"/api/v1/measures/{created['id']}/"
    assert editor.patch(url, {"title": "Renamed"}, format="json").status_code == 200
    assert editor.put(url, copy.deepcopy(MEASURE), format="json").status_code == 200  # a client unaware of them
    assert MeasureExemption.objects.filter(measure_id=created["id"]).count() == 1
    assert editor.patch(url, {"exemptions": []}, format="json").status_code == 200
    assert not MeasureExemption.objects.filter(measure_id=created["id"]).exists()


@pytest.mark.parametrize(
    ("change", "attr"),
    [
        ({"sources": []}, "exemptions.0.sources"),
        ({"kind": "loophole"}, "exemptions.0.kind"),
        ({"description": ""}, "exemptions.0.description"),
        ({"valid_from": "2025-05-01", "valid_to": "2025-04-01"}, "exemptions.0.valid_to"),
        ({"valid_from": "01/04/2025"}, "exemptions.0.valid_from"),
        ({"loophole": True}, "exemptions.0.loophole"),
    ],
)
def test_a_bad_exemption_is_a_400_naming_it_and_writes_nothing(editor, change, attr):
    response = editor.post("/api/v1/measures/", with_exemptions({**REMISSION, **change}), format="json")
    assert response.status_code == 400, response.content
    assert any(name.startswith(attr) for name in error_attrs(response)), response.json()
    assert not Measure.objects.filter(title=MEASURE["title"]).exists()


def test_the_same_exemption_twice_is_a_400(editor):
    response = editor.post("/api/v1/measures/", with_exemptions(REMISSION, REMISSION), format="json")
    assert response.status_code == 400
    assert "exemptions" in error_attrs(response)
    assert not Measure.objects.filter(title=MEASURE["title"]).exists()


def test_the_openapi_document_describes_writable_exemptions(client):
    schema = client.get("/api/schema/?format=json").json()["components"]["schemas"]
    written = next(v for k, v in schema.items() if k.startswith("MeasureWrite") and "exemptions" in v["properties"])
    assert "kept" in written["properties"]["exemptions"]["description"]
