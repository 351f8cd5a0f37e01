"""The timeline and summary of one dispute (read models built by the refresh jobs)."""

from django.shortcuts import get_object_or_404
from rest_framework import generics
from rest_framework.permissions import AllowAny

from disputes.api.viewsets import ConditionalGetMixin
from disputes.models import Dispute
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


class DisputeTimelineView(DisputeReadModelMixin, generics.ListAPIView):
    """Every event, measure milestone and case step of a dispute, in date order."""

    serializer_class = TimelineEntrySerializer
    filterset_class = TimelineFilter

    queryset = TimelineEntry.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return TimelineEntry.objects.none()
        return TimelineEntry.objects.filter(dispute=self.get_dispute())


class DisputeSummaryView(DisputeReadModelMixin, generics.RetrieveAPIView):
    """The dispute at a glance: in force per side, counts, latest developments, monthly series, text."""

    serializer_class = DisputeSummarySerializer

    def get_object(self):
        return get_object_or_404(DisputeSummary.objects.select_related("dispute"), dispute=self.get_dispute())
