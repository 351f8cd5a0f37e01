"""A write naming a field the resource does not have is refused with a 400 naming it, at any depth."""

import copy

import pytest

from disputes.models import Actor, Case, Dispute, Event, Source
from tariffs.models import Measure
from tests.api.test_hostile_input import ACTOR, CASE, DISPUTE, EVENT, MEASURE, SOURCE

pytestmark = pytest.mark.django_db

# (endpoint, a valid body, the object an unknown key is slipped into, that key, the attr the error names)
TYPOS = [
    ("/api/v1/actors/", ACTOR, "", "nmae", "nmae"),
    ("/api/v1/sources/", SOURCE, "", "link", "link"),
    ("/api/v1/cases/", CASE, "", "stages", "stages"),
    ("/api/v1/disputes/", DISPUTE, "", "started", "started"),
    ("/api/v1/events/", EVENT, "", "participant", "participant"),
    ("/api/v1/events/", EVENT, "sources.0", "titel", "sources.0.titel"),
    ("/api/v1/events/", EVENT, "participants.1", "rol", "participants.1"),
    ("/api/v1/measures/", MEASURE, "", "hs_code", "hs_code"),
    ("/api/v1/measures/", MEASURE, "rate_periods.0", "rate", "rate_periods.0.rate"),
    ("/api/v1/measures/", {**MEASURE, "legal_instrument": {"name": "Order"}}, "legal_instrument", "nr",
     "legal_instrument.nr"),
    ("/api/v1/measures/", {**MEASURE, "product_lines": [{"hs_code": "1514"}]}, "product_lines.0", "code",
     "product_lines.0.code"),
]  # fmt: skip


def slipped_in(body: dict, where: str, key: str) -> dict:
    body = copy.deepcopy(body)
    target = body
    for part in filter(None, where.split(".")):
        target = target[int(part)] if isinstance(target, list) else target[part]
    target[key] = "typo"
    return body


@pytest.mark.parametrize(("url", "body", "where", "key", "attr"), TYPOS, ids=[typo[-1] for typo in TYPOS])
def test_an_unknown_field_in_a_write_is_a_400_naming_it_and_writes_nothing(editor, url, body, where, key, attr):
    counts = [model.objects.count() for model in (Actor, Source, Event, Measure, Case, Dispute)]
    response = editor.post(url, slipped_in(body, where, key), format="json")
    assert response.status_code == 400, response.content
    assert attr in {error["attr"] for error in response.json()["errors"]}
    assert [model.objects.count() for model in (Actor, Source, Event, Measure, Case, Dispute)] == counts
    good = editor.post(url, body, format="json")
    assert good.status_code == 201, good.content  # the body without the unknown key is good


def test_an_unknown_field_in_a_patch_is_a_400_and_changes_nothing(editor):
    event = Event.objects.order_by("pk").first()
    response = editor.patch(f"/api/v1/events/{event.pk}/", {"titel": "Renamed"}, format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["attr"] == "titel"
    assert Event.objects.get(pk=event.pk).title == event.title


@pytest.mark.parametrize("url", ["/api/v1/actors/mark-carney/", "/api/v1/sources/{source}/"])
def test_a_record_read_with_get_can_be_changed_and_sent_back(editor, url):
    url = url.format(source=Source.objects.order_by("pk").first().pk)
    record = editor.get(url).json()
    response = editor.put(url, {**record, "name" if "actors" in url else "title": "Sent back"}, format="json")
    assert response.status_code == 200, response.content


def test_read_only_fields_of_an_event_are_accepted_and_ignored(editor):
    event = Event.objects.order_by("pk").first()
    url = f"/api/v1/events/{event.pk}/"
    response = editor.patch(url, {"id": 1, "url": "x", "created_at": "x", "title": "Renamed"}, format="json")
    assert response.status_code == 200 and response.json()["id"] == event.pk
