"""Throttles key on the client's real address, and count exactly up to the rate even under concurrency."""

import pytest
from django.test import RequestFactory
from rest_framework.test import APIClient

from disputes.api.throttling import AnonReadThrottle
from disputes.client_address import client_address

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
