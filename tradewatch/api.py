"""The REST API under /api/v1/: one router for every resource, schema and docs."""

from django.conf import settings
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, include, path, re_path, resolve
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from disputes.api.views import ActorViewSet, CaseViewSet, DisputeViewSet, EventViewSet, SourceViewSet
from exchange.api.export import DisputeExportJSONView, DisputeExportZipView
from pages.compare_api import CompareView
from tariffs.api.views import MeasureViewSet
from timelines.api.views import DisputeSummaryView, DisputeTimelineView

from .api_schema import CachedSpectacularAPIView

router = DefaultRouter()
router.register("actors", ActorViewSet, basename="actor")
router.register("disputes", DisputeViewSet, basename="dispute")
router.register("cases", CaseViewSet, basename="case")
router.register("events", EventViewSet, basename="event")
router.register("measures", MeasureViewSet, basename="measure")
router.register("sources", SourceViewSet, basename="source")


@csrf_exempt  # it changes nothing, and a DELETE to an unknown path is a 404, not an HTML CSRF failure
def not_found(request, rest=""):
    """Any other path under /api/: a JSON 404 like the API's own (``/api/v1/actors`` still redirects to its slash)."""
    if settings.APPEND_SLASH and not request.path_info.endswith("/"):
        try:
            match = resolve(request.path_info + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not not_found:
            return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
    error = {"code": "not_found", "detail": "Not found.", "attr": None}
    return JsonResponse({"type": "client_error", "errors": [error]}, status=404)


v1 = [
    # Fixed paths before the router's <slug> routes.
    path("disputes/<slug:slug>/timeline/", DisputeTimelineView.as_view(), name="dispute-timeline"),
    path("disputes/<slug:slug>/summary/", DisputeSummaryView.as_view(), name="dispute-summary"),
    path("export/<slug:slug>.json", DisputeExportJSONView.as_view(), name="dispute-export-json"),
    path("export/<slug:slug>.zip", DisputeExportZipView.as_view(), name="dispute-export-zip"),
    path("compare/", CompareView.as_view(), name="compare"),
    path("", include(router.urls)),
]

urlpatterns = [
    path("api/v1/", include((v1, "api"), namespace="api")),
    path("api/schema/", CachedSpectacularAPIView.as_view(), name="api-schema"),  # built once per process
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    re_path(r"^api/(?P<rest>[\s\S]*)\Z", not_found, name="api-not-found"),  # last: only what nothing above answers
]
