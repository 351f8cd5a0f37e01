"""Writing through the API: who may, what a good body does, and how every bad body is refused."""

import copy
import io

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from disputes.models import Actor, Event, Source
from tariffs.models import Measure

pytestmark = pytest.mark.django_db

MEASURE = {
    "dispute": "canada-china",
    "imposed_by": "CN",
    "applies_to": ["CA"],
    "type": "tariff",
    "title": "100% on Canadian canola oil (API copy)",
    "announced_on": "2025-03-08",
    "rate_periods": [{"valid_from": "2025-03-20", "valid_to": None, "rate_percent": "100", "state": "in_force"}],
    "hs_codes": ["1514"],
    "sources": [{"url": "https://example.org/ctc-2025-03-08", "title": "Tariff Commission notice", "publisher": "MOF"}],
}
EVENT = {
    "dispute": "canada-china",
    "date": "2025-06-05",
    "kind": "leader_call",
    "level": "leader",
    "title": "Leaders speak again (API)",
    "participants": ["mark-carney", {"actor": "li-qiang", "role": "participant"}],
    "sources": [{"url": "https://example.org/readout", "title": "Readout", "publisher": "PMO"}],
}


def body(base, **changes):
    data = copy.deepcopy(base)
    data.update(changes)
    return data


def error_attrs(response):
    """The fields the errors name ("sources.non_field_errors" names "sources")."""
    attrs = set()
    for error in response.json()["errors"]:
        attr = error["attr"] or ""
        attrs.add(attr)
        attrs.add(attr.removesuffix(".non_field_errors"))
    return attrs


def test_anonymous_writes_are_refused_with_401(anonymous):
    response = anonymous.post("/api/v1/measures/", MEASURE, format="json")
    assert response.status_code == 401
    assert not Measure.objects.filter(title=MEASURE["title"]).exists()


def test_a_token_without_the_permission_is_refused_with_403(outsider):
    assert outsider.post("/api/v1/measures/", MEASURE, format="json").status_code == 403
    assert outsider.get("/api/v1/measures/", {"limit": 1}).status_code == 200


def test_a_permitted_token_creates_a_measure_with_its_periods_codes_and_sources(editor):
    response = editor.post("/api/v1/measures/", MEASURE, format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["imposed_by"]["code"] == "CN" and [a["code"] for a in created["applies_to"]] == ["CA"]
    assert created["rate_periods"][0]["rate_percent"] == "100" and created["hs_codes"] == ["1514"]
    assert created["sources"][0]["document_url"] == "https://example.org/ctc-2025-03-08"
    measure = Measure.objects.get(pk=created["id"])
    assert measure.status == "in_force" and measure.history.exists()
    # A second write citing the same document reuses the source.
    assert editor.post("/api/v1/measures/", body(MEASURE, title="Another"), format="json").status_code == 201
    assert Source.objects.filter(url="https://example.org/ctc-2025-03-08").count() == 1


@pytest.mark.parametrize(
    ("change", "attr"),
    [
        ({"sources": []}, "sources"),
        (
            {
                "rate_periods": [
                    {"valid_from": "2025-03-20", "valid_to": None, "rate_percent": "100"},
                    {"valid_from": "2026-03-01", "valid_to": "2026-12-31", "rate_percent": "100", "state": "suspended"},
                ]
            },
            "rate_periods",
        ),
        ({"rate_periods": [{"valid_from": "2025-03-20", "valid_to": "2025-03-01"}]}, "rate_periods.0.valid_to"),
        ({"rate_periods": [{"valid_from": "2025-03-20", "rate_percent": "-5"}]}, "rate_periods.0.rate_percent"),
        ({"imposed_by": "atlantis"}, "imposed_by"),
        ({"applies_to": ["XX"]}, "applies_to.0"),
        ({"applies_to": []}, "applies_to"),
        ({"hs_codes": ["15.14"]}, "hs_codes.0"),
        ({"hs_codes": ["1"]}, "hs_codes.0"),
        ({"type": "embargo"}, "type"),
        ({"dispute": "nowhere"}, "dispute"),
        ({"announced_on": "08/03/2025"}, "announced_on"),
        ({"status": "in_force"}, "status"),
        ({"title": ""}, "title"),
    ],
)
def test_a_bad_measure_is_a_400_naming_the_field_and_writes_nothing(editor, change, attr):
    sources_before = Source.objects.count()
    response = editor.post("/api/v1/measures/", body(MEASURE, **change), format="json")
    assert response.status_code == 400, response.content
    assert attr in error_attrs(response)
    assert not Measure.objects.filter(title=MEASURE["title"]).exists()
    assert Source.objects.count() == sources_before  # the inline source was not left behind


def test_a_measure_can_be_replaced_patched_and_deleted(editor):
    created = editor.post("/api/v1/measures/", MEASURE, format="json").json()
    url = f"/api/v1/measures/{created['id']}/"
    periods = [
        {"valid_from": "2025-03-20", "valid_to": "2026-02-28", "rate_percent": "100"},
        {"valid_from": "2026-03-01", "valid_to": "2026-12-31", "rate_percent": "100", "state": "suspended"},
    ]
    replaced = editor.put(url, body(MEASURE, rate_periods=periods), format="json")
    assert replaced.status_code == 200 and len(replaced.json()["rate_periods"]) == 2
    patched = editor.patch(url, {"title": "Renamed"}, format="json")
    assert patched.status_code == 200
    assert patched.json()["title"] == "Renamed" and len(patched.json()["rate_periods"]) == 2
    assert patched.json()["sources"]
    bad = editor.patch(
        url, {"rate_periods": [{"valid_from": "2025-01-01"}, {"valid_from": "2025-02-01"}]}, format="json"
    )
    assert bad.status_code == 400 and Measure.objects.get(pk=created["id"]).rate_periods.count() == 2
    assert editor.delete(url).status_code == 204
    assert not Measure.objects.filter(pk=created["id"]).exists()


def test_a_permitted_token_creates_an_event_with_participants_and_sources(editor):
    response = editor.post("/api/v1/events/", EVENT, format="json")
    assert response.status_code == 201, response.json()
    event = response.json()
    assert {p["actor"]["slug"] for p in event["participants"]} == {"mark-carney", "li-qiang"}
    assert event["sources"][0]["title"] == "Readout"


@pytest.mark.parametrize(
    ("change", "attr"),
    [
        ({"sources": []}, "sources"),
        ({"participants": ["nobody"]}, "participants.0"),
        ({"end_date": "2025-06-01"}, "end_date"),
        ({"kind": "picnic"}, "kind"),
        ({"case": "DS999"}, "case"),
        ({"case_stage": "panel_established"}, "case_stage"),
    ],
)
def test_a_bad_event_is_a_400_naming_the_field(editor, change, attr):
    response = editor.post("/api/v1/events/", body(EVENT, **change), format="json")
    assert response.status_code == 400, response.content
    assert attr in error_attrs(response)
    assert not Event.objects.filter(title=EVENT["title"]).exists()


def test_actors_and_sources_are_validated_like_in_admin(editor):
    state = editor.post("/api/v1/actors/", {"slug": "atlantis", "name": "Atlantis", "kind": "state"}, format="json")
    assert state.status_code == 400 and "code" in error_attrs(state)
    ok = editor.post(
        "/api/v1/actors/", {"slug": "norway", "name": "Norway", "kind": "state", "code": "NO"}, format="json"
    )
    assert ok.status_code == 201 and ok.json()["country"] == "NO"
    twin = editor.post(
        "/api/v1/actors/", {"slug": "norway-2", "name": "N", "kind": "state", "code": "NO"}, format="json"
    )
    assert twin.status_code == 400
    source = Source.objects.exclude(url="").first()
    again = editor.post("/api/v1/sources/", {"title": "Copy", "document_url": source.url}, format="json")
    assert again.status_code == 400 and "document_url" in error_attrs(again)


def test_deleting_a_record_others_refer_to_is_a_409(editor):
    response = editor.delete("/api/v1/actors/china/")
    assert response.status_code == 409
    assert Actor.objects.filter(slug="china").exists()


def test_a_token_is_created_with_drf_create_token(django_user_model):
    user = django_user_model.objects.create_user("newsroom", password="x" * 12)
    out = io.StringIO()
    call_command("drf_create_token", "newsroom", stdout=out)
    key = out.getvalue().split()[2]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.post("/api/v1/measures/", MEASURE, format="json").status_code == 403
    assert user.auth_token.key == key


def test_anonymous_reads_are_throttled_with_retry_after(anonymous, monkeypatch):
    from core.api.throttling import AnonReadThrottle

    monkeypatch.setattr(AnonReadThrottle, "THROTTLE_RATES", {"anon_read": "3/minute"})
    statuses = [anonymous.get("/api/v1/actors/", {"limit": 1}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = anonymous.get("/api/v1/actors/", {"limit": 1})
    assert int(response["Retry-After"]) > 0 and response.json()["errors"][0]["code"] == "throttled"


def test_writes_are_throttled(editor, monkeypatch):
    from core.api.throttling import WriteThrottle

    monkeypatch.setattr(WriteThrottle, "THROTTLE_RATES", {"write": "1/minute"})
    assert editor.post("/api/v1/events/", EVENT, format="json").status_code == 201
    assert editor.post("/api/v1/events/", body(EVENT, title="Again"), format="json").status_code == 429
