"""The timeline and summary of one dispute (read models built by the refresh jobs)."""

from django.shortcuts import get_object_or_404
from rest_framework import generics
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.settings import api_settings

from disputes.api.rendering import FastJSONRenderer
from disputes.api.viewsets import ConditionalGetMixin
from disputes.models import Dispute
from timelines import timelinejs
from timelines.filters import TimelineFilter
from timelines.models import DisputeSummary, RefreshState, TimelineEntry

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


class DisputeSummaryView(DisputeReadModelMixin, generics.RetrieveAPIView):
    """The dispute at a glance: in force per side, counts, latest developments, monthly series, text."""

    serializer_class = DisputeSummarySerializer

    def get_object(self):
        return get_object_or_404(DisputeSummary.objects.select_related("dispute"), dispute=self.get_dispute())
