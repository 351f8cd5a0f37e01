"""A record's public history in the API: every edit, from the admin or the API, what it changed, and who
made it for staff only."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from disputes.models import Event
from tariffs.models import Measure
from tests.api.conftest import token_client
from tests.test_admin import _errors, _form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def oil():
    return Measure.objects.get(dispute__slug="canada-china", reference="M09-oil")


@pytest.fixture
def staff(django_user_model):
    """A TradeWatch editor who works in the admin: staff, with a token too."""
    user = django_user_model.objects.create_user("staffer", password="x" * 12, is_staff=True, first_name="Ada",
                                                 last_name="Lovelace")  # fmt: skip
    return token_client(user)


def admin_edit(admin_client, measure, **changes):
    url = reverse("admin:tariffs_measure_change", args=[measure.pk])
    data = _form_data(admin_client, url)
    data.update(changes)
    response = admin_client.post(url, data)
    assert response.status_code == 302, _errors(response)


def history(client, kind, pk, **params):
    response = client.get(f"/api/v1/{kind}/{pk}/history/", params)
    assert response.status_code == 200, response.content
    return response.json()


def change(revision, field):
    return next(c for c in revision["changes"] if c["field"] == field)


def test_an_admin_edit_and_an_api_edit_are_listed_with_what_they_changed(admin_client, editor, anonymous, oil):
    before = history(anonymous, "measures", oil.pk)["count"]
    corrected = {"title": "100% tariff on canola oil (corrected)", "rate_periods-0-rate_percent": "75.8"}
    admin_edit(admin_client, oil, **corrected)
    response = editor.patch(f"/api/v1/measures/{oil.pk}/", {"title": "100% tariff on canola oil"}, format="json")
    assert response.status_code == 200, response.content

    found = history(anonymous, "measures", oil.pk)
    assert found["count"] == before + 2 and found["results"][0]["number"] == 1
    assert [r["number"] for r in found["results"]] == list(range(1, before + 3))
    assert found["results"][0]["kind"] == "created" and found["results"][0]["changes"] == []
    in_admin, through_api = found["results"][-2:]
    assert in_admin["kind"] == through_api["kind"] == "changed"
    assert change(in_admin, "title") == {
        "field": "title",
        "old": "100% countermeasure tariff on Canadian canola (rapeseed) oil",
        "new": "100% tariff on canola oil (corrected)",
    }
    rates = change(in_admin, "rate_periods")
    assert [p["rate_percent"] for p in rates["old"]] == ["100"]
    assert [p["rate_percent"] for p in rates["new"]] == ["75.8"]
    # The API write replaced every child row with an identical one: only the title changed.
    assert through_api["changes"] == [
        {"field": "title", "old": "100% tariff on canola oil (corrected)", "new": "100% tariff on canola oil"}
    ]
    assert through_api["when"].endswith("Z")
    assert dt.datetime.fromisoformat(through_api["when"]) <= timezone.now()
    assert through_api["html_url"].endswith(f"/measures/{oil.pk}/?as_of_revision={before + 2}")


def test_foreign_keys_and_targets_read_as_in_the_api(editor, anonymous, oil):
    response = editor.patch(f"/api/v1/measures/{oil.pk}/", {"applies_to": ["CA", "CN"]}, format="json")
    assert response.status_code == 200, response.content
    latest = history(anonymous, "measures", oil.pk)["results"][-1]
    assert change(latest, "applies_to") == {"field": "applies_to", "old": ["canada"], "new": ["canada", "china"]}


def test_an_event_history_shows_a_new_participant(editor, anonymous):
    call = Event.objects.get(dispute__slug="canada-china", reference="F069")
    participants = [{"actor": p.actor.slug, "role": p.role} for p in call.participations.select_related("actor")]
    response = editor.patch(
        f"/api/v1/events/{call.pk}/", {"participants": [*participants, {"actor": "CA", "role": "host"}]}, format="json"
    )
    assert response.status_code == 200, response.content
    latest = history(anonymous, "events", call.pk)["results"][-1]
    added = change(latest, "participants")
    host = {"actor": "canada", "role": "host"}
    assert host in added["new"] and host not in added["old"]
    assert latest["html_url"].endswith(f"/events/{call.pk}/?as_of_revision={latest['number']}")


def test_the_editor_is_named_for_staff_only(admin_client, editor, outsider, anonymous, staff, oil):
    admin_edit(admin_client, oil, title="Edited by the owner")
    editor.patch(f"/api/v1/measures/{oil.pk}/", {"title": "Edited by the editor"}, format="json")

    for client in (anonymous, outsider, editor):
        assert {r["editor"] for r in history(client, "measures", oil.pk)["results"]} == {None}
    named = [r["editor"] for r in history(staff, "measures", oil.pk)["results"][-2:]]
    assert named == ["owner", "editor"]


def test_the_staff_answer_is_private_and_never_shares_the_public_etag(anonymous, staff, oil):
    public = anonymous.get(f"/api/v1/measures/{oil.pk}/history/")
    private = staff.get(f"/api/v1/measures/{oil.pk}/history/")
    assert public["ETag"] != private["ETag"]
    assert "private" in private["Cache-Control"] and "public" in public["Cache-Control"]
    assert "Authorization" in public["Vary"]
    # The public ETag does not unlock the staff answer.
    assert staff.get(f"/api/v1/measures/{oil.pk}/history/", HTTP_IF_NONE_MATCH=public["ETag"]).status_code == 200


def test_the_history_answers_304_until_the_record_changes(anonymous, editor, oil):
    first = anonymous.get(f"/api/v1/measures/{oil.pk}/history/")
    again = anonymous.get(f"/api/v1/measures/{oil.pk}/history/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    editor.patch(f"/api/v1/measures/{oil.pk}/", {"title": "Changed"}, format="json")
    after = anonymous.get(f"/api/v1/measures/{oil.pk}/history/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200


def test_bad_requests_are_answered_in_json(anonymous, oil):
    assert anonymous.get("/api/v1/measures/999999/history/").status_code == 404
    assert anonymous.get("/api/v1/measures/abc/history/").status_code == 404
    bad = anonymous.get(f"/api/v1/measures/{oil.pk}/history/", {"limit": "lots"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["attr"] == "limit"
    csv = anonymous.get(f"/api/v1/measures/{oil.pk}/history/", {"format": "csv"})
    assert csv.status_code == 200 and csv.content.decode().startswith("number,when,kind,editor,html_url,changes")


def test_the_history_is_paginated_like_every_list(anonymous, oil):
    page = history(anonymous, "measures", oil.pk, limit=1, offset=0)
    assert len(page["results"]) == 1 and page["results"][0]["number"] == 1
    assert page["previous"] is None and (page["count"] == 1 or "offset=1" in page["next"])


def test_queries_do_not_grow_with_revisions(anonymous, editor, staff, time_machine, oil):
    def queries(client):
        with CaptureQueriesContext(connection) as captured:
            history(client, "measures", oil.pk)
        return len(captured)

    queries(anonymous)  # the first read after a change also reads when the data last changed
    public, private = queries(anonymous), queries(staff)
    start = timezone.now()
    for hour in range(1, 5):
        time_machine.move_to(start + dt.timedelta(hours=hour))
        rate = str(100 - hour)
        payload = {"title": f"Edit {hour}", "rate_periods": [{"valid_from": "2025-03-20", "rate_percent": rate}]}
        assert editor.patch(f"/api/v1/measures/{oil.pk}/", payload, format="json").status_code == 200
    # The first read after a change also reads when the data last changed (kept until the next change).
    assert history(anonymous, "measures", oil.pk)["count"] >= 5
    assert (queries(anonymous), queries(staff)) == (public, private)


def test_two_quick_edits_by_one_person_are_two_revisions(editor, anonymous, time_machine, oil):
    """A revision is one write (its change set), however close in time the next one comes."""
    count = history(anonymous, "measures", oil.pk)["count"]
    start = timezone.now()
    time_machine.move_to(start + dt.timedelta(minutes=1), tick=False)
    editor.patch(f"/api/v1/measures/{oil.pk}/", {"title": "First"}, format="json")
    editor.patch(f"/api/v1/measures/{oil.pk}/", {"summary": "Second"}, format="json")  # the same instant
    found = history(anonymous, "measures", oil.pk)
    assert found["count"] == count + 2
    first, second = found["results"][-2:]
    assert [c["field"] for c in first["changes"]] == ["title"]
    assert [c["field"] for c in second["changes"]] == ["summary"]


def test_a_write_that_changes_nothing_makes_no_revision(editor, anonymous, oil):
    count = history(anonymous, "measures", oil.pk)["count"]
    body = editor.get(f"/api/v1/measures/{oil.pk}/").json()
    response = editor.patch(f"/api/v1/measures/{oil.pk}/", {"title": body["title"]}, format="json")
    assert response.status_code == 200
    assert history(anonymous, "measures", oil.pk)["count"] == count


def test_the_history_is_in_the_openapi_schema():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    for kind in ("measures", "events"):
        operation = schema["paths"][f"/api/v1/{kind}/{{id}}/history/"]["get"]
        assert {p["name"] for p in operation["parameters"]} >= {"id", "limit", "offset"}
        assert "PaginatedRevisionList" in str(operation["responses"]["200"])
    revision = schema["components"]["schemas"]["Revision"]["properties"]
    assert {"number", "when", "kind", "editor", "html_url", "changes"} <= set(revision)


def test_a_suspension_from_the_admin_is_one_revision_with_the_new_periods(admin_client, anonymous, time_machine, oil):
    """The suspension only rewrites rate periods (and the status they imply): still one revision."""
    before = history(anonymous, "measures", oil.pk)["count"]
    time_machine.move_to(timezone.now() + dt.timedelta(hours=1))
    response = admin_client.post(
        reverse("admin:tariffs_measure_changelist"),
        {"action": "suspend_for_a_window", "_selected_action": [oil.pk], "apply": "Suspend",
         "from_date": "2026-03-01", "until": "2026-12-31"},
    )  # fmt: skip
    assert response.status_code == 302
    found = history(anonymous, "measures", oil.pk)
    assert found["count"] == before + 1
    periods = change(found["results"][-1], "rate_periods")
    assert [(p["valid_from"], p["state"]) for p in periods["new"]] == [
        ("2025-03-20", "in_force"), ("2026-03-01", "suspended"), ("2027-01-01", "in_force"),
    ]  # fmt: skip
