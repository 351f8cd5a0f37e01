"""Hostile client input is a 4xx in JSON naming what is wrong, never a 500.

PostgreSQL refuses text holding a NUL character (and Python cannot send it a lone surrogate): the
API decides once and refuses such text with a 400 naming the field or parameter, before any query.
"""

import copy
import json

import pytest
from drf_spectacular.generators import SchemaGenerator

from disputes.models import Actor, Case, Event, Source
from tariffs.models import Measure

pytestmark = pytest.mark.django_db

NUL = "a\x00b"
ODD_TEXT = [NUL, "\x00", "²", "٣", "１２", "\u202etxt", "𝔘𝔫𝔦", "\ufeff", "e\u0301", "\U0001f600"]

ACTOR = {"slug": "atlantis", "name": "Atlantis", "kind": "official", "office": "Head"}
SOURCE = {"title": "A notice", "publisher": "MOF", "document_url": "https://example.org/notice"}
CASE = {
    "dispute": "canada-china", "forum": "wto", "reference": "DS999", "title": "A case", "respondent": "CN",
    "stage": "consultations_requested", "initiated_on": "2025-01-01",
}  # fmt: skip
DISPUTE = {"slug": "x-y", "title": "X and Y", "status": "active", "started_on": "2025-01-01"}
EVENT = {
    "dispute": "canada-china", "date": "2025-06-05", "kind": "leader_call", "level": "leader", "title": "A call",
    "participants": ["mark-carney", {"actor": "li-qiang", "role": "participant"}],
    "sources": [{"url": "https://example.org/readout", "title": "Readout", "publisher": "PMO"}],
}  # fmt: skip
MEASURE = {
    "dispute": "canada-china", "imposed_by": "CN", "applies_to": ["CA"], "type": "tariff", "title": "A tariff",
    "announced_on": "2025-03-08", "hs_codes": ["1514"],
    "rate_periods": [{"valid_from": "2025-03-20", "valid_to": None, "rate_percent": "100", "state": "in_force"}],
    "sources": [{"url": "https://example.org/ctc", "title": "Notice", "publisher": "MOF"}],
}  # fmt: skip

# (endpoint, a valid body, the paths of its text values: top-level names and nested "a.0.b")
BODIES = [
    ("/api/v1/actors/", ACTOR, ["slug", "name", "office", "parent"]),
    ("/api/v1/sources/", SOURCE, ["title", "publisher", "document_url", "notes", "language"]),
    ("/api/v1/cases/", CASE, ["dispute", "reference", "title", "summary", "respondent", "complainant"]),
    ("/api/v1/events/", EVENT, ["dispute", "title", "summary", "location", "case", "participants.0",
                                "participants.1.actor", "sources.0.title", "sources.0.quote", "sources.0.url"]),
    ("/api/v1/measures/", MEASURE, ["dispute", "title", "imposed_by", "applies_to.0", "hs_codes.0",
                                    "product_description", "rate_periods.0.note", "sources.0.publisher"]),
]  # fmt: skip


def with_value(body: dict, path: str, value) -> dict:
    body = copy.deepcopy(body)
    *parents, last = path.split(".")
    target = body
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return body


def attrs(response) -> set[str]:
    return {error["attr"] for error in response.json()["errors"]}


@pytest.mark.parametrize(("url", "body", "path"), [(url, body, path) for url, body, paths in BODIES for path in paths])
def test_a_nul_character_in_any_text_of_a_body_is_a_400_naming_it(editor, url, body, path):
    response = editor.post(url, with_value(body, path, NUL), format="json")
    assert response.status_code == 400, (path, response.status_code, response.content[:300])
    named = attrs(response)
    assert path in named or path.rsplit(".", 1)[0] in named, (path, named)


def test_an_actor_named_with_a_nul_character_is_a_400_naming_the_field(editor):
    # json.dumps escapes it ("\\u0000"), as a client's JSON library would.
    raw = json.dumps({**ACTOR, "parent": "c\x00n"})
    response = editor.post("/api/v1/actors/", raw, content_type="application/json")
    assert response.status_code == 400 and attrs(response) == {"parent"}
    raw = json.dumps({**MEASURE, "imposed_by": "c\x00n"})
    assert attrs(editor.post("/api/v1/measures/", raw, content_type="application/json")) == {"imposed_by"}


def test_json_holding_a_lone_surrogate_is_a_400(editor):
    raw = json.dumps({**ACTOR, "parent": "\ud800"})  # "\\ud800": no UTF-8 text can hold it
    response = editor.post("/api/v1/actors/", raw, content_type="application/json")
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == "parse_error"
    assert not Actor.objects.filter(slug=ACTOR["slug"]).exists()


def documented_query_parameters():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, item in schema["paths"].items():
        if "get" in item and "{id}" not in path:
            for parameter in item["get"].get("parameters", []):
                if parameter["in"] == "query":
                    yield path.replace("{slug}", "canada-china"), parameter["name"]


@pytest.mark.parametrize(("url", "name"), list(documented_query_parameters()))
def test_odd_text_in_any_query_parameter_is_answered_and_a_nul_is_a_400_naming_it(anonymous, url, name):
    for value in ODD_TEXT:
        response = anonymous.get(url, {name: value})
        assert response.status_code in (200, 400), (url, name, value, response.status_code)
        if response.status_code == 400 or "\x00" in value:
            assert response.status_code == 400 and name in attrs(response), (url, name, value)


def test_a_case_given_as_a_superscript_digit_is_a_400_on_the_api_and_on_the_feed(anonymous, client):
    response = anonymous.get("/api/v1/events/", {"case": "²"})
    assert response.status_code == 400 and attrs(response) == {"case"}
    assert client.get("/feeds/events/", {"case": "²"}).status_code in (200, 400)
    by_id = anonymous.get("/api/v1/events/", {"case": str(Case.objects.get(reference="DS636").pk)})
    assert by_id.status_code == 200 and by_id.json()["count"] > 0


@pytest.mark.parametrize("q", ["\x00", "canola\x00", "\x00 \x00"])
def test_a_search_holding_a_nul_character_is_a_page_not_an_error(client, q):
    response = client.get("/en/search/", {"q": q})
    assert response.status_code == 200


def test_the_search_helper_ignores_nul_characters():
    found = Event.objects.search("canola\x00")
    assert found.exists() and set(found) == set(Event.objects.search("canola"))
    assert not Event.objects.search("\x00").exists()


def test_patching_a_measure_with_a_rate_period_lacking_its_start_is_a_400_naming_it(editor):
    measure = Measure.objects.order_by("pk").first()
    periods = list(measure.rate_periods.values_list("pk", flat=True))
    response = editor.patch(
        f"/api/v1/measures/{measure.pk}/",
        {"rate_periods": [{"valid_to": "2025-12-31", "rate_percent": "5"}]},
        format="json",
    )
    assert response.status_code == 400 and attrs(response) == {"rate_periods.0.valid_from"}
    assert list(measure.rate_periods.values_list("pk", flat=True)) == periods


@pytest.mark.parametrize("depth", [100, 900, 5000, 100_000])
def test_json_nested_deeply_is_a_400(editor, depth):
    raw = '{"title": ' + "[" * depth + "]" * depth + "}"
    response = editor.post("/api/v1/sources/", raw, content_type="application/json")
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == "parse_error"


def test_json_nested_a_few_levels_is_still_read(editor):
    body = {**SOURCE, "notes": "fine"}
    response = editor.post("/api/v1/sources/", json.dumps(body), content_type="application/json")
    assert response.status_code == 201 and response.json()["notes"] == "fine"


def test_a_body_over_the_upload_limit_is_a_413_in_json(editor, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    raw = json.dumps({**SOURCE, "notes": "x" * 20_000})
    response = editor.post("/api/v1/sources/", raw, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {
        "type": "client_error",
        "errors": [{"code": "request_too_large", "detail": response.json()["errors"][0]["detail"], "attr": None}],
    }
    assert not Source.objects.filter(title=SOURCE["title"]).exists()


def test_json_with_nan_is_a_400(editor):
    response = editor.post("/api/v1/sources/", '{"title": NaN}', content_type="application/json")
    assert response.status_code == 400


def test_the_actor_used_above_exists():
    assert Actor.objects.filter(slug="mark-carney").exists() and Case.objects.filter(reference="DS636").exists()
