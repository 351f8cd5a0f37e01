"""Throttles: anonymous reads and all writes, with rates from settings (DEFAULT_THROTTLE_RATES).

Readers are told apart by ``core.client_address`` (the address our own proxies report, never a
header the client wrote), the same address the login lockout counts on.

DRF counts by reading the request history from the cache, appending and writing it back: with many
processes at once, concurrent requests overwrite each other's entries and more than the rate gets
through. With the shared Redis cache, the check and the record are one Lua script instead, run
atomically by Redis: exactly the rate is let through in any window of the rate's duration.
"""

import logging
import uuid
from types import SimpleNamespace

from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django_redis.cache import RedisCache
from redis.exceptions import RedisError
from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from core.client_address import client_address

logger = logging.getLogger(__name__)

# A sliding log of the requests counted in the window (a sorted set scored by Redis' own clock, so
# every web process agrees). Returns 0 when this request is counted, otherwise the microseconds
# until the oldest counted request leaves the window.
SLIDING_WINDOW = """
local now = redis.call('TIME')
local now_us = tonumber(now[1]) * 1000000 + tonumber(now[2])
local window_us = tonumber(ARGV[2]) * 1000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now_us - window_us)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now_us, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window_us - now_us)
"""


class ClientAddressMixin:
    def get_ident(self, request):
        return client_address(request)


class AtomicCountMixin:
    """Counts in one atomic step when the cache is the shared Redis; as DRF does otherwise (one process)."""

    retry_after = None

    def allow_request(self, request, view):
        shared = caches["default"]
        if self.rate is None or not isinstance(shared, RedisCache):
            return super().allow_request(request, view)
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        try:
            count = shared.client.get_client(write=True).register_script(SLIDING_WINDOW)
            wait_us = count(
                keys=[shared.make_key(f"{self.key}:log")],
                args=[self.num_requests, int(self.duration * 1000), uuid.uuid4().hex],
            )
        except RedisError as error:
            # Like the cache, the throttle fails open: an outage slows nothing and refuses no one.
            logger.warning("throttle %s not counted: the cache is unreachable (%s)", self.scope, error)
            return True
        if wait_us == 0:
            return True
        self.retry_after = wait_us / 1_000_000
        return False

    def wait(self):
        if self.retry_after is not None:
            return self.retry_after
        return super().wait()


class AnonReadThrottle(ClientAddressMixin, AtomicCountMixin, AnonRateThrottle):
    scope = "anon_read"

    def allow_request(self, request, view):
        if request.method not in SAFE_METHODS:
            return True
        return super().allow_request(request, view)


class WriteThrottle(ClientAddressMixin, AtomicCountMixin, UserRateThrottle):
    scope = "write"

    def allow_request(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)


def anonymous_read_allowed(request) -> bool:
    """Counts an anonymous read answered outside the API views (from the shared response cache).

    True: counted, within the rate. False: over the rate and not counted; the view then answers 429.
    """
    anonymous = SimpleNamespace(user=AnonymousUser(), META=request.META, headers=request.headers, method=request.method)
    return AnonReadThrottle().allow_request(anonymous, view=None)
