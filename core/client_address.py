"""The client's address, the one thing every per-address limit keys on (throttles, login lockout).

A client can write any ``X-Forwarded-For`` it likes; only the entries appended by our own proxies
can be trusted. With ``TRUSTED_PROXY_COUNT = 0`` (no proxy in front of the app) the address is the
connection's ``REMOTE_ADDR`` and the header is ignored. Behind N proxies, each appends the address
it received the connection from, so the client is the N-th entry from the right; anything further
left was written by the client and is ignored.
"""

import ipaddress

from django.conf import settings


def client_address(request) -> str:
    """The address of the client that sent ``request`` (an HttpRequest or a DRF Request), as a string."""
    remote_addr = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies == 0 or not forwarded:
        return remote_addr
    entries = [entry.strip() for entry in forwarded.split(",")]
    # Fewer entries than proxies: the request skipped a proxy; the left-most entry is then the closest guess.
    candidate = entries[-min(proxies, len(entries))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:  # a proxy that writes something else is misconfigured: fall back to the connection
        return remote_addr
