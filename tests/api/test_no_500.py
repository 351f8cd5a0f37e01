"""No input gives a 500: every documented parameter and write endpoint, fed odd values."""

import pytest
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db

ODD_VALUES = ["", "x", "-1", "0", "2025-02-30", "99999999999999999999", "%00", "é" * 300, "1,2", "null", "'; --"]


def list_parameters():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, item in schema["paths"].items():
        if "get" not in item or "{" in path.replace("{slug}", "canada-china"):
            continue
        url = path.replace("{slug}", "canada-china")
        for parameter in item["get"].get("parameters", []):
            if parameter["in"] == "query":
                yield url, parameter["name"]


@pytest.mark.parametrize(("url", "name"), list(list_parameters()))
def test_odd_query_values_never_cause_a_500(anonymous, url, name):
    for value in ODD_VALUES:
        response = anonymous.get(url, {name: value})
        assert response.status_code in (200, 400, 404), (url, name, value, response.status_code)
        if response.status_code == 400:
            assert response.json()["errors"]


@pytest.mark.parametrize("url", ["/api/v1/measures/", "/api/v1/events/", "/api/v1/actors/", "/api/v1/sources/",
                                 "/api/v1/cases/", "/api/v1/disputes/"])  # fmt: skip
@pytest.mark.parametrize(
    "payload",
    [
        [],
        "text",
        42,
        None,
        {"sources": "x"},
        {"rate_periods": {"a": 1}},
        {"applies_to": [None]},
        {"participants": [42]},
        {"title": "x" * 5000},
        {"dispute": ["canada-china"]},
    ],  # fmt: skip
)
def test_odd_bodies_never_cause_a_500(editor, url, payload):
    response = editor.post(url, payload, format="json")
    assert response.status_code == 400, (url, payload, response.status_code, response.content[:300])
