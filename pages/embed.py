"""The embeddable timeline: a dispute's timeline drawn by TimelineJS3, for newsrooms' iframes."""

from csp.decorators import csp_replace
from django.conf import settings
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.clickjacking import xframe_options_exempt

from core.permalinks import record_url
from disputes.models import Dispute
from timelines.filters import TimelineFilter
from timelines.models import TimelineEntry
from timelines.timelinejs import dispute_document

from .views import given

# The languages whose TimelineJS strings are vendored (scripts/vendor.mjs); English is built in.
TIMELINEJS_LOCALES = {"fr"}


@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})  # meant to be framed by any site; scripts stay same-origin
def timeline_embed(request, slug):
    """The dispute's timeline (with the timeline filters of the dispute page) as a TimelineJS3 slideshow."""
    dispute = get_object_or_404(Dispute, slug=slug)
    params = given(request.GET)
    filters = TimelineFilter(params, queryset=TimelineEntry.objects.filter(dispute=dispute))
    language = get_language() or settings.LANGUAGE_CODE
    strings = f"vendor/timelinejs/js/locale/{language}.json" if language in TIMELINEJS_LOCALES else None
    context = {
        "dispute": dispute,
        "filters": filters,
        "page_url": record_url("dispute", dispute.slug, in_language=True),
        "json_url": _with_query(reverse("api:dispute-timeline", args=[dispute.slug]), params, format="timelinejs"),
        "language_url": static(strings) if strings else "",
    }
    if not filters.is_valid():
        return render(request, "pages/timeline_embed.html", context, status=400)
    prefix = f"/{language}"
    context["document"] = dispute_document(
        dispute, filters.qs, absolute_url=lambda path: request.build_absolute_uri(prefix + path)
    )
    return render(request, "pages/timeline_embed.html", context)


def _with_query(path: str, params, **extra) -> str:
    query = params.copy()
    for key, value in extra.items():
        query[key] = value
    return f"{path}?{query.urlencode()}"
