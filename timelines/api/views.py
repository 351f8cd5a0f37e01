"""The timeline and summary of one dispute (read models built by the refresh jobs)."""

import datetime as dt

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.settings import api_settings

from core.api.rendering import FastJSONRenderer
from core.api.viewsets import ConditionalGetMixin
from core.dates import validate_date_in_range
from disputes.models import Dispute
from tariffs.exposure import METHOD
from timelines import timelinejs
from timelines.filters import TimelineFilter
from timelines.models import DisputeSummary, RefreshState, TimelineEntry
from timelines.summaries import build_summary

from .serializers import DisputeSummarySerializer, TimelineEntrySerializer


class DisputeReadModelMixin(ConditionalGetMixin):
    """A read model of one dispute; its version is the end of the dispute's last refresh."""

    permission_classes = [AllowAny]

    def get_dispute(self):
        if not hasattr(self, "_dispute"):
            self._dispute = get_object_or_404(Dispute, slug=self.kwargs["slug"])
        return self._dispute

    def data_version(self):
        return (
            RefreshState.objects.filter(dispute_id=self.get_dispute().pk)
            .values_list("last_finished_at", flat=True)
            .first()
        )

    def get(self, request, *args, **kwargs):
        return self.conditional(request, lambda: super(DisputeReadModelMixin, self).get(request, *args, **kwargs))


class TimelineJSRenderer(FastJSONRenderer):
    """``?format=timelinejs``: JSON in Knight Lab's TimelineJS3 format (built by timelines.timelinejs)."""

    format = "timelinejs"


class DisputeTimelineView(DisputeReadModelMixin, generics.ListAPIView):
    """Every event, measure milestone and case step of a dispute, in date order.

    With `?format=timelinejs` the answer is one Knight Lab TimelineJS3 document (title slide, one
    slide per entry, eras for the escalation phases) holding the whole filtered timeline, without
    pagination: newsrooms can hand it to TimelineJS as is.
    """

    serializer_class = TimelineEntrySerializer
    filterset_class = TimelineFilter
    renderer_classes = [*api_settings.DEFAULT_RENDERER_CLASSES, TimelineJSRenderer]

    queryset = TimelineEntry.objects.none()

    def list(self, request, *args, **kwargs):
        if request.accepted_renderer.format == TimelineJSRenderer.format:
            entries = self.filter_queryset(self.get_queryset())
            document = timelinejs.dispute_document(self.get_dispute(), entries, absolute_url=request.build_absolute_uri)
            return Response(document)
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return TimelineEntry.objects.none()
        return TimelineEntry.objects.filter(dispute=self.get_dispute())


class SummaryDateSerializer(serializers.Serializer):
    on = serializers.DateField(required=False, validators=[validate_date_in_range])


ON_PARAMETER = OpenApiParameter(
    "on",
    OpenApiTypes.DATE,
    description="The state of play on this date (YYYY-MM-DD); today without it. Same shape both ways.",
)


@extend_schema(
    parameters=[ON_PARAMETER],
    description=(
        "The dispute at a glance on a date (`?on=YYYY-MM-DD`, today without it): per side, the measures in force "
        "with their rates and the trade they cover (`trade_covered`: totals per currency, each `up_to` when partial, "
        "and the figures counted); the open cases with their stage on that date (`open_cases`); the latest "
        "diplomacy on or before it (`latest_diplomacy`); the next scheduled changes to measures after it "
        "(`next_changes`); counts, latest developments, the monthly series and the generated text. "
        "Trade covered: " + str(METHOD)
    ),
)
class DisputeSummaryView(DisputeReadModelMixin, generics.RetrieveAPIView):
    """The dispute at a glance: in force per side, counts, latest developments, monthly series, text."""

    serializer_class = DisputeSummarySerializer

    def get_object(self):
        return get_object_or_404(DisputeSummary.objects.select_related("dispute"), dispute=self.get_dispute())

    def retrieve(self, request, *args, **kwargs):
        params = SummaryDateSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        on = params.validated_data.get("on")
        if on is None:
            return super().retrieve(request, *args, **kwargs)
        return Response(self.state_of_play(on))

    def state_of_play(self, on: dt.date) -> dict:
        """The summary computed for ``on`` from the current data, in the shape of the stored summary."""
        dispute = self.get_dispute()
        data = build_summary(dispute, on)
        refreshed = DisputeSummary.objects.filter(dispute=dispute).values_list("refreshed_at", flat=True).first()
        return {
            "dispute": dispute.slug,
            "as_of": on.isoformat(),
            "text": {"en": data.pop("text_en"), "fr": data.pop("text_fr")},
            "data": data,
            "refreshed_at": serializers.DateTimeField().to_representation(refreshed) if refreshed else None,
        }
