"""The OpenAPI document, built once per process for each language and format it is asked in.

The document depends only on the code (every view, serializer and filter), never on the data, so the first
request of a process for a language and format builds and renders it (about a second) and later ones are
served from memory. The answer is the same as drf-spectacular's own view gives (same body, content type,
``Content-Disposition`` and ``Vary``), with an ``ETag`` so a client holding the document gets a 304.
"""

import hashlib
import threading

from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import get_conditional_response
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SCHEMA_KWARGS, SpectacularAPIView
from rest_framework.response import Response

_built: dict[tuple, tuple[bytes, dict[str, str]]] = {}
_lock = threading.Lock()


def forget_built_schemas() -> None:
    """Drop every document built so far (the next request builds again)."""
    with _lock:
        _built.clear()


class CachedSpectacularAPIView(SpectacularAPIView):
    """``/api/schema/``: drf-spectacular's schema view, each (language, format, version) built once per process."""

    def _key(self, request) -> tuple:
        version = self.api_version or request.version or self._get_version_parameter(request)
        return (translation.get_language(), request.accepted_media_type, version)

    @extend_schema(**SCHEMA_KWARGS)  # as drf-spectacular's own view: not part of the document
    def get(self, request, *args, **kwargs):
        # The language is active by now: the locale middleware (Accept-Language) or ``?lang=`` (checked by
        # core.api.language) picked it, exactly as drf-spectacular's own ``lang`` handling would.
        key = self._key(request)
        built = _built.get(key)
        if built is None:
            with _lock:
                built = _built.get(key)
                if built is None:
                    built = _built[key] = self._build(request, *args, **kwargs)
        content, headers = built
        not_modified = get_conditional_response(request, etag=headers["ETag"])
        if not_modified is not None:
            return not_modified
        response = HttpResponse(content, content_type=headers["Content-Type"])
        for name, value in headers.items():
            response[name] = value
        return response

    def _build(self, request, *args, **kwargs) -> tuple[bytes, dict[str, str]]:
        response = super().get(request, *args, **kwargs)
        if not isinstance(response, Response):  # drf-spectacular answers with a DRF Response
            raise TypeError(f"Expected a DRF Response, got {type(response).__name__}")
        # What DRF's finalize_response would attach, so the response renders here, once.
        response.accepted_renderer = request.accepted_renderer
        response.accepted_media_type = request.accepted_media_type
        response.renderer_context = self.get_renderer_context()
        response.render()
        content = bytes(response.content)
        headers = {
            "Content-Type": response["Content-Type"],
            "Content-Disposition": response["Content-Disposition"],
            "ETag": '"' + hashlib.sha256(content).hexdigest()[:32] + '"',
        }
        return content, headers
