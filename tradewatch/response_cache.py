"""A shared cache of anonymous answers (API, pages, feeds), keyed by the data version.

Public reads are the same for every anonymous reader until the data changes, so their answers are
kept in the shared cache (Redis) and served from there without touching the database. Each key
holds the data version (``core.data_version``), today's date (what is "in force" depends on
it) and everything an answer varies on: scheme and host (answers carry absolute URLs), path and
query, ``Accept``, ``Accept-Language``, the language cookie, ``Origin``, ``HX-Request`` and
``HX-Target``. A host outside ``ALLOWED_HOSTS`` is refused (400) before the cache is consulted.
Editors (a session or a token) always get a fresh answer; so does everyone when the cache cannot
be reached.

Only complete 200 answers of at most ``MAX_KEPT_BYTES`` that set no cookie and allow shared caching
are kept, for ``RESPONSE_CACHE_SECONDS`` at most (the cache's Redis evicts least-recently-used keys
when full: see docker-compose.yml). A kept answer with an ETag still honours ``If-None-Match``.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe

from core import data_version
from core.api.throttling import anonymous_read_allowed

VARY_ON = ("HTTP_ACCEPT", "HTTP_ACCEPT_LANGUAGE", "HTTP_ORIGIN", "HTTP_HX_REQUEST", "HTTP_HX_TARGET")
API = "/api/v1/"
PRIVATE = ("private", "no-store", "no-cache")
MAX_KEPT_BYTES = 2_000_000


def shared_prefixes() -> tuple[str, ...]:
    """The API, the pages of every language, the feeds and calendars (also under /disputes/ and /actors/)."""
    return (API, "/feeds/", "/disputes/", "/actors/", *(f"/{code}/" for code, _ in settings.LANGUAGES))


def cache_key(request, version: str) -> str:
    parts = [
        request.scheme,
        request.get_host(),
        request.get_full_path(),
        *(request.META.get(name, "") for name in VARY_ON),
        request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, ""),
    ]
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"tradewatch:response:{version}:{timezone.localdate().isoformat()}:{digest}"


def is_shared_read(request, prefixes: tuple[str, ...]) -> bool:
    return (
        request.method == "GET"
        and request.path.startswith(prefixes)
        and "HTTP_AUTHORIZATION" not in request.META
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def is_keepable(response) -> bool:
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and len(response.content) <= MAX_KEPT_BYTES
        and not response.cookies
        and not any(word in cache_control for word in PRIVATE)
    )


class ResponseCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.prefixes = shared_prefixes()

    def __call__(self, request):
        seconds = settings.RESPONSE_CACHE_SECONDS
        if not seconds or not is_shared_read(request, self.prefixes):
            return self.get_response(request)
        # A host outside ALLOWED_HOSTS raises DisallowedHost here (400), before any lookup or store.
        request.get_host()
        version = data_version.current()
        if version is None:  # the cache is unreachable
            return self.get_response(request)
        key = cache_key(request, version)
        kept = cache.get(key)
        if kept is not None and (not request.path.startswith(API) or anonymous_read_allowed(request)):
            return self.replay(request, *kept)
        response = self.get_response(request)
        if is_keepable(response):
            cache.set(key, (response.content, list(response.items())), seconds)
        return response

    @staticmethod
    def replay(request, content: bytes, headers: list[tuple[str, str]]):
        response = HttpResponse(content, headers=headers)
        if not response.has_header("ETag"):
            return response
        last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
        not_modified = get_conditional_response(
            request, etag=response["ETag"], last_modified=last_modified, response=response
        )
        return not_modified or response
