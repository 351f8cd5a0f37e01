"""Throttles: anonymous reads and all writes, with rates from settings (DEFAULT_THROTTLE_RATES).

Readers are told apart by ``disputes.client_address`` (the address our own proxies report, never a
header the client wrote), the same address the login lockout counts on.
"""

from types import SimpleNamespace

from django.contrib.auth.models import AnonymousUser
from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from disputes.client_address import client_address


class ClientAddressMixin:
    def get_ident(self, request):
        return client_address(request)


class AnonReadThrottle(ClientAddressMixin, AnonRateThrottle):
    scope = "anon_read"

    def allow_request(self, request, view):
        if request.method not in SAFE_METHODS:
            return True
        return super().allow_request(request, view)


class WriteThrottle(ClientAddressMixin, UserRateThrottle):
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
