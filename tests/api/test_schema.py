"""The OpenAPI description validates, describes every filter, and the docs are served locally."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def test_the_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert "openapi: 3" in (tmp_path / "schema.yaml").read_text()


def parameters(schema, path):
    return {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}


def test_every_measure_filter_is_described(schema):
    found = parameters(schema, "/api/v1/measures/")
    expected = {"dispute", "imposed_by", "applies_to", "type", "status", "hs", "in_force_on", "announced_after",
                "announced_before", "q", "ordering", "limit", "offset"}  # fmt: skip
    assert expected <= set(found)
    assert found["in_force_on"]["schema"]["format"] == "date"
    assert all(found[name].get("description") for name in ("hs", "in_force_on", "q", "imposed_by"))


def test_every_event_filter_is_described(schema):
    found = parameters(schema, "/api/v1/events/")
    assert {"dispute", "actor", "kind", "date_after", "date_before", "case", "q", "ordering"} <= set(found)
    kinds = found["kind"]["schema"]["items"]["enum"]
    assert "leader_call" in kinds and "commission_meeting" in kinds


def test_enums_and_write_bodies_are_described(schema):
    components = schema["components"]["schemas"]
    assert "anti_dumping" in components["MeasureTypeEnum"]["enum"]
    write = components["MeasureWriteRequest"]
    assert {"rate_periods", "hs_codes", "sources", "applies_to"} <= set(write["properties"])


def test_the_schema_and_docs_are_served_from_the_app(client):
    assert client.get("/api/schema/").status_code == 200
    docs = client.get("/api/docs/")
    html = docs.content.decode()
    assert docs.status_code == 200 and "/static/drf_spectacular_sidecar/" in html
    assert "cdn." not in html and "unpkg" not in html
    asset = client.get("/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    assert asset.status_code == 200
