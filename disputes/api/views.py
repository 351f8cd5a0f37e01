"""API viewsets of the disputes app: actors, disputes, cases, events, sources."""

from django.db.models import Prefetch

from core.api.viewsets import ApiViewSet
from disputes.filters import ActorFilter, CaseFilter, DisputeFilter, EventFilter, SourceFilter
from disputes.history import EVENT_REVISIONS
from disputes.models import (
    Actor,
    Case,
    CaseCitation,
    Dispute,
    DisputeParty,
    Event,
    EventCitation,
    EventParticipant,
    Source,
)

from .history import HistoryMixin
from .rows import EVENT_COLUMNS, event_rows
from .serializers import (
    ActorSerializer,
    CaseSerializer,
    CaseWriteSerializer,
    DisputeSerializer,
    EventSerializer,
    EventWriteSerializer,
    SourceSerializer,
)

EVENT_HISTORY = (Event, EventParticipant, EventCitation, Source, Actor, Case, Dispute)


class ActorViewSet(ApiViewSet):
    """States, government bodies, officials, organisations, companies, associations."""

    queryset = Actor.objects.select_related("parent")
    serializer_class = ActorSerializer
    filterset_class = ActorFilter
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    history_models = (Actor,)
    csv_name = "actors"

    def get_object(self):
        """An actor by slug, or a state by its ISO code (``/actors/CN/``)."""
        from django.shortcuts import get_object_or_404

        actor = Actor.objects.identified_by(self.kwargs["slug"]).select_related("parent").first()
        if actor is None:
            get_object_or_404(Actor, slug=self.kwargs["slug"])
        self.check_object_permissions(self.request, actor)
        return actor


class SourceViewSet(ApiViewSet):
    """The documents facts come from."""

    queryset = Source.objects.all()
    serializer_class = SourceSerializer
    filterset_class = SourceFilter
    history_models = (Source,)
    csv_name = "sources"


class DisputeViewSet(ApiViewSet):
    """Trade disputes with their parties. Each links to its timeline and summary."""

    queryset = Dispute.objects.prefetch_related(
        Prefetch("parties", queryset=DisputeParty.objects.select_related("actor"))
    )
    serializer_class = DisputeSerializer
    filterset_class = DisputeFilter
    lookup_field = "slug"
    history_models = (Dispute, DisputeParty, Actor)
    csv_name = "disputes"


class CaseViewSet(ApiViewSet):
    """WTO disputes and trade-remedy investigations."""

    queryset = Case.objects.select_related("dispute", "complainant", "respondent").prefetch_related(
        Prefetch("citations", queryset=CaseCitation.objects.select_related("source"))
    )
    serializer_class = CaseSerializer
    write_serializer_class = CaseWriteSerializer
    filterset_class = CaseFilter
    history_models = (Case, CaseCitation, Source, Actor, Dispute)
    csv_name = "cases"


class EventViewSet(HistoryMixin, ApiViewSet):
    """Calls, meetings, announcements, legal instruments, WTO and trade-remedy steps."""

    queryset = Event.objects.select_related("dispute", "case").prefetch_related(
        Prefetch("participations", queryset=EventParticipant.objects.select_related("actor")),
        Prefetch("citations", queryset=EventCitation.objects.select_related("source")),
    )
    serializer_class = EventSerializer
    write_serializer_class = EventWriteSerializer
    filterset_class = EventFilter
    history_models = EVENT_HISTORY
    csv_name = "events"
    list_columns = EVENT_COLUMNS
    list_rows = staticmethod(event_rows)
    history_spec = EVENT_REVISIONS
    page_kind = "event"
