"""The OpenAPI document is built once per process for each language and format, and served unchanged after."""

import json

import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.views import SpectacularAPIView
from rest_framework.test import APIRequestFactory

from tradewatch.api_schema import forget_built_schemas

pytestmark = pytest.mark.django_db


@pytest.fixture
def builds(monkeypatch):
    """How many times the schema generator builds a document, per language active at the time."""
    from django.utils import translation

    forget_built_schemas()
    counted = []
    real_get_schema = SchemaGenerator.get_schema

    def counting_get_schema(self, *args, **kwargs):
        counted.append(translation.get_language())
        return real_get_schema(self, *args, **kwargs)

    monkeypatch.setattr(SchemaGenerator, "get_schema", counting_get_schema)
    yield counted
    forget_built_schemas()


def test_the_second_request_builds_nothing_and_gets_the_same_document(client, builds):
    first = client.get("/api/schema/")
    second = client.get("/api/schema/")
    assert first.status_code == second.status_code == 200
    assert builds == ["en"]
    assert second.content == first.content and b"openapi: 3" in first.content
    for header in ("Content-Type", "Content-Disposition", "ETag", "Content-Language"):
        assert second[header] == first[header]
    assert "Accept-Language" in second["Vary"] and "Accept" in second["Vary"]


def test_the_document_is_the_one_drf_spectacular_builds():
    forget_built_schemas()
    from django.test import Client

    cached = Client().get("/api/schema/")
    reference = SpectacularAPIView.as_view()(APIRequestFactory().get("/api/schema/"))
    reference.render()
    assert cached.content == reference.content
    assert cached["Content-Type"] == reference["Content-Type"]


def test_each_language_gets_its_own_document_built_once(client, builds):
    english = client.get("/api/schema/")
    by_parameter = client.get("/api/schema/?lang=fr")
    by_header = client.get("/api/schema/", HTTP_ACCEPT_LANGUAGE="fr")
    assert builds == ["en", "fr"]
    assert by_parameter.content == by_header.content != english.content
    assert by_parameter["Content-Language"] == by_header["Content-Language"] == "fr"
    assert by_parameter["ETag"] != english["ETag"]
    assert client.get("/api/schema/?lang=xx").status_code == 400


def test_json_is_its_own_document(client, builds):
    yaml = client.get("/api/schema/")
    as_json = client.get("/api/schema/?format=json")
    again = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert len(builds) == 2
    assert as_json["Content-Type"].startswith("application/vnd.oai.openapi+json")
    assert json.loads(as_json.content)["openapi"].startswith("3.") and yaml.content.startswith(b"openapi: 3")
    assert again.content == as_json.content


def test_a_client_holding_the_document_gets_a_304(client, builds):
    first = client.get("/api/schema/")
    unchanged = client.get("/api/schema/", HTTP_IF_NONE_MATCH=first["ETag"])
    stale = client.get("/api/schema/", HTTP_IF_NONE_MATCH='"something-else"')
    assert unchanged.status_code == 304 and unchanged.content == b""
    assert stale.status_code == 200 and stale.content == first.content
    assert builds == ["en"]


def test_the_docs_page_points_at_the_schema_and_builds_nothing(client, builds):
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and "/api/schema/" in docs.content.decode()
    assert builds == []
