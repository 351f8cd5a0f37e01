"""Anonymous answers are kept in the shared Redis cache and never outlive the data they show."""

import datetime as dt
import io

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.api.throttling import AnonReadThrottle
from disputes.models import Event
from tariffs.models import Measure
from timelines.services import refresh_dispute

pytestmark = [pytest.mark.redis, pytest.mark.django_db]

EVENTS = "/api/v1/events/?limit=500"


@pytest.fixture(autouse=True)
def shared_cache(shared_redis_cache, settings):
    settings.RESPONSE_CACHE_SECONDS = 60


def read(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    assert response.status_code in (200, 304), response.content[:500]
    return response, len(queries)


SHARED = [EVENTS, "/api/v1/measures/?in_force_on=2025-04-01", "/en/disputes/canada-china/", "/fr/measures/",
          "/api/v1/disputes/canada-china/timeline/", "/feeds/events/", "/disputes/canada-china/feed/",
          "/disputes/canada-china/calendar.ics", "/actors/china/feed/"]  # fmt: skip


@pytest.mark.parametrize("url", SHARED)
def test_a_repeated_anonymous_read_is_answered_without_the_database(client, canada_china, url):
    first, first_queries = read(client, url)
    again, again_queries = read(client, url)
    assert first_queries > 0 and again_queries == 0
    assert again.content == first.content
    assert again.get("ETag") == first.get("ETag") and again["Content-Type"] == first["Content-Type"]


def test_an_edit_is_visible_in_the_very_next_read(client, canada_china):
    assert "Corrected title" not in read(client, EVENTS)[0].content.decode()
    event = Event.objects.get(dispute=canada_china, reference="F069")
    event.title = "Corrected title"
    event.save()  # what the admin and the services do
    assert "Corrected title" in read(client, EVENTS)[0].content.decode()


def test_a_write_through_the_api_is_visible_in_the_next_anonymous_read(client, canada_china, django_user_model):
    measure = Measure.objects.filter(dispute=canada_china).order_by("pk").first()
    url = f"/api/v1/measures/{measure.pk}/"
    assert "Renamed through the API" not in read(client, url)[0].content.decode()
    editor = django_user_model.objects.create_user("editor", password="x" * 12)
    editor.user_permissions.set(Permission.objects.filter(codename="change_measure"))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=editor).key}")
    assert api.patch(url, {"title": "Renamed through the API"}, format="json").status_code == 200
    assert "Renamed through the API" in read(client, url)[0].content.decode()


def test_a_timeline_refresh_is_visible_in_the_next_read(client, canada_china):
    url = "/api/v1/disputes/canada-china/timeline/?kind=leader_call"
    read(client, url)
    Event.objects.filter(dispute=canada_china, reference="F069").update(title="Rebuilt by the refresh")  # no history
    assert "Rebuilt by the refresh" not in read(client, url)[0].content.decode()  # the read model is unchanged
    refresh_dispute(dispute_id=canada_china.pk, today=timezone.localdate(), full=True)
    assert "Rebuilt by the refresh" in read(client, url)[0].content.decode()


def test_editors_always_get_a_fresh_answer(client, admin_client, canada_china, django_user_model):
    read(client, EVENTS)  # kept for anonymous readers
    assert read(admin_client, EVENTS)[1] > 0  # a session
    token = Token.objects.create(user=django_user_model.objects.create_user("reader", password="x" * 12))
    assert read(client, EVENTS, authorization=f"Token {token.key}")[1] > 0


def test_kept_api_answers_still_count_against_the_anonymous_read_rate(client, canada_china, monkeypatch):
    monkeypatch.setattr(AnonReadThrottle, "THROTTLE_RATES", {"anon_read": "3/minute"})
    answers = [client.get(EVENTS) for _ in range(4)]  # the first builds the answer, the next two are kept ones
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert int(answers[-1]["Retry-After"]) > 0 and answers[-1].json()["errors"][0]["code"] == "throttled"


def test_a_kept_answer_still_honours_if_none_match(client, canada_china):
    first, _ = read(client, EVENTS)
    again, queries = read(client, EVENTS, if_none_match=first["ETag"])
    assert again.status_code == 304 and queries == 0 and again["ETag"] == first["ETag"]


def test_answers_vary_on_format_language_and_htmx_target(client, canada_china):
    json_body = read(client, EVENTS)[0].content
    csv_body = read(client, EVENTS, accept="text/csv")[0].content
    assert json_body.startswith(b"{") and not csv_body.startswith(b"{")
    full = read(client, "/en/disputes/canada-china/")[0].content
    partial = read(client, "/en/disputes/canada-china/", hx_request="true", hx_target="timeline")[0].content
    assert b"<html" in full and b"<html" not in partial


def test_bump_data_version_makes_kept_answers_stale_after_a_write_that_bypassed_the_orm(client, canada_china):
    read(client, EVENTS)
    Event.objects.filter(dispute=canada_china, reference="F069").update(title="Restored from a dump")  # no history
    assert "Restored from a dump" not in read(client, EVENTS)[0].content.decode()
    call_command("bump_data_version", stdout=io.StringIO())
    assert "Restored from a dump" in read(client, EVENTS)[0].content.decode()


def test_an_answer_over_the_size_limit_is_not_kept(client, canada_china, monkeypatch):
    monkeypatch.setattr("tradewatch.response_cache.MAX_KEPT_BYTES", 1000)
    read(client, EVENTS)
    assert read(client, EVENTS)[1] > 0


def test_a_new_day_builds_a_new_answer(client, canada_china, monkeypatch):
    read(client, EVENTS)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    monkeypatch.setattr("tradewatch.response_cache.timezone.localdate", lambda: tomorrow)
    assert read(client, EVENTS)[1] > 0  # "in force" and the summary depend on the date


def test_an_unreachable_cache_serves_fresh_answers(client, canada_china, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }
    first, first_queries = read(client, EVENTS)
    again, again_queries = read(client, EVENTS)
    assert first_queries > 0 and again_queries > 0 and again.content == first.content


def kept_answers() -> list[str]:
    return cache.keys("tradewatch:response:*")


def test_an_answer_built_for_one_host_is_never_served_to_another_host_or_over_https(client, canada_china):
    plain, _ = read(client, EVENTS)
    assert b'"http://testserver/api/v1/events/' in plain.content  # absolute URLs name the host and scheme
    other_host, queries = read(client, EVENTS, host="localhost")
    assert queries > 0 and b"http://testserver/" not in other_host.content
    assert b'"http://localhost/api/v1/events/' in other_host.content
    with CaptureQueriesContext(connection) as over_https:
        secure = client.get(EVENTS, secure=True)
    assert len(over_https) > 0 and b"http://testserver/" not in secure.content
    assert b'"https://testserver/api/v1/events/' in secure.content
    assert read(client, EVENTS)[0].content == plain.content  # each is kept for its own host and scheme


def test_a_disallowed_host_gets_400_and_nothing_is_kept_for_it(client, canada_china):
    read(client, EVENTS)  # kept for an allowed host
    kept = set(kept_answers())
    response = client.get(EVENTS, headers={"host": "evil.example"})
    assert response.status_code == 400
    assert set(kept_answers()) == kept
    cache.clear()
    assert client.get("/en/disputes/canada-china/", headers={"host": "evil.example"}).status_code == 400
    assert kept_answers() == []
