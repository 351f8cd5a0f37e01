"""Throttles key on the client's real address, and count exactly up to the rate even under concurrency."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from rest_framework.test import APIClient

from core.api.throttling import AnonReadThrottle, WriteThrottle, anonymous_read_allowed
from core.client_address import client_address

pytestmark = pytest.mark.django_db

ACTORS = "/api/v1/actors/?limit=1"


@pytest.fixture
def three_reads_a_minute(monkeypatch):
    monkeypatch.setattr(AnonReadThrottle, "THROTTLE_RATES", {"anon_read": "3/minute"})


def read_as(client, remote_addr, forwarded_for):
    return client.get(ACTORS, REMOTE_ADDR=remote_addr, HTTP_X_FORWARDED_FOR=forwarded_for).status_code


def address_of(remote_addr, forwarded_for=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for is not None else {}
    return client_address(RequestFactory().get("/", REMOTE_ADDR=remote_addr, **headers))


def test_without_a_trusted_proxy_a_new_forwarded_for_per_request_does_not_escape_the_throttle(
    settings, three_reads_a_minute
):
    settings.TRUSTED_PROXY_COUNT = 0
    client = APIClient()
    statuses = [read_as(client, "198.51.100.9", f"10.0.0.{n}") for n in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_behind_one_trusted_proxy_the_right_most_forwarded_address_is_the_client(settings, three_reads_a_minute):
    settings.TRUSTED_PROXY_COUNT = 1
    client = APIClient()
    proxy = "172.18.0.2"
    statuses = [read_as(client, proxy, f"10.0.0.{n}, 203.0.113.7") for n in range(4)]  # spoofed left entries
    assert statuses == [200, 200, 200, 429]
    assert read_as(client, proxy, "203.0.113.8") == 200  # another reader behind the same proxy has its own count


def test_without_a_trusted_proxy_the_connection_address_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert address_of("198.51.100.9", "203.0.113.7") == "198.51.100.9"


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "client"),
    [
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "1.2.3.4, 203.0.113.7", "203.0.113.7"),
        (2, "1.2.3.4, 203.0.113.7, 172.18.0.5", "203.0.113.7"),
        (2, "203.0.113.7", "203.0.113.7"),  # fewer entries than proxies: the closest guess
        (1, "2001:db8::1", "2001:db8::1"),
        (1, "1.2.3.4, not-an-address", "172.18.0.2"),  # a misconfigured proxy: the connection
        (1, None, "172.18.0.2"),  # no header: the connection
    ],
)
def test_behind_trusted_proxies_the_client_is_counted_from_the_right(settings, proxies, forwarded_for, client):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert address_of("172.18.0.2", forwarded_for) == client


# --- Counting in the shared Redis cache, as every web process does in production -----------------
def at_once(attempt, threads=16, each=10) -> list[bool]:
    """Runs ``attempt`` threads × each times, all threads released together."""
    start = threading.Barrier(threads)

    def worker():
        start.wait()
        return [attempt() for _ in range(each)]

    with ThreadPoolExecutor(threads) as pool:
        return [allowed for batch in pool.map(lambda _: worker(), range(threads)) for allowed in batch]


@pytest.mark.redis
def test_concurrent_anonymous_reads_from_one_address_let_exactly_the_rate_through(shared_redis_cache, monkeypatch):
    monkeypatch.setattr(AnonReadThrottle, "THROTTLE_RATES", {"anon_read": "50/minute"})
    request = RequestFactory().get("/api/v1/events/", REMOTE_ADDR="198.51.100.9")
    allowed = at_once(lambda: anonymous_read_allowed(request))
    assert allowed.count(True) == 50


@pytest.mark.redis
def test_concurrent_writes_by_one_editor_let_exactly_the_rate_through(shared_redis_cache, monkeypatch):
    monkeypatch.setattr(WriteThrottle, "THROTTLE_RATES", {"write": "30/minute"})
    write = SimpleNamespace(user=SimpleNamespace(is_authenticated=True, pk=7), method="POST", META={})
    allowed = at_once(lambda: WriteThrottle().allow_request(write, view=None))
    assert allowed.count(True) == 30


@pytest.mark.redis
def test_over_the_rate_the_wait_is_until_the_oldest_counted_read_leaves_the_window(shared_redis_cache, monkeypatch):
    monkeypatch.setattr(AnonReadThrottle, "THROTTLE_RATES", {"anon_read": "2/second"})
    request = SimpleNamespace(user=AnonymousUser(), method="GET", META={"REMOTE_ADDR": "198.51.100.9"})
    assert [AnonReadThrottle().allow_request(request, None) for _ in range(2)] == [True, True]
    refused = AnonReadThrottle()
    assert refused.allow_request(request, None) is False
    assert 0 < refused.wait() <= 1
    time.sleep(1.05)
    assert AnonReadThrottle().allow_request(request, None) is True


@pytest.mark.redis
def test_a_throttled_api_read_still_says_when_to_retry_with_the_shared_cache(shared_redis_cache, monkeypatch):
    monkeypatch.setattr(AnonReadThrottle, "THROTTLE_RATES", {"anon_read": "3/minute"})
    client = APIClient()
    statuses = [client.get(ACTORS).status_code for _ in range(3)]
    refused = client.get(ACTORS)
    assert statuses == [200, 200, 200] and refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60 and refused.json()["errors"][0]["code"] == "throttled"


def test_an_unreachable_cache_lets_reads_through(settings, monkeypatch):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }
    settings.DJANGO_REDIS_IGNORE_EXCEPTIONS = True
    monkeypatch.setattr(AnonReadThrottle, "THROTTLE_RATES", {"anon_read": "1/minute"})
    request = RequestFactory().get("/api/v1/events/", REMOTE_ADDR="198.51.100.9")
    assert [anonymous_read_allowed(request) for _ in range(3)] == [True, True, True]
