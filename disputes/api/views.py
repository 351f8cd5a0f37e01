"""API viewsets of the disputes app: actors, disputes, cases, events, sources."""

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
from disputes.selectors import (
    actor_identified_by,
    actors_for_display,
    cases_for_display,
    disputes_for_display,
    events_for_display,
    sources_for_display,
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

    queryset = actors_for_display()
    serializer_class = ActorSerializer
    filterset_class = ActorFilter
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    history_models = (Actor,)
    csv_name = "actors"

    def get_object(self):
        """An actor by slug, or a state by its ISO code (``/actors/CN/``)."""
        from django.shortcuts import get_object_or_404

        actor = actor_identified_by(self.kwargs["slug"])
        if actor is None:
            get_object_or_404(Actor, slug=self.kwargs["slug"])
        self.check_object_permissions(self.request, actor)
        return actor


class SourceViewSet(ApiViewSet):
    """The documents facts come from."""

    queryset = sources_for_display()
    serializer_class = SourceSerializer
    filterset_class = SourceFilter
    history_models = (Source,)
    csv_name = "sources"


class DisputeViewSet(ApiViewSet):
    """Trade disputes with their parties. Each links to its timeline and summary."""

    queryset = disputes_for_display()
    serializer_class = DisputeSerializer
    filterset_class = DisputeFilter
    lookup_field = "slug"
    history_models = (Dispute, DisputeParty, Actor)
    csv_name = "disputes"


class CaseViewSet(ApiViewSet):
    """WTO disputes and trade-remedy investigations."""

    queryset = cases_for_display()
    serializer_class = CaseSerializer
    write_serializer_class = CaseWriteSerializer
    filterset_class = CaseFilter
    history_models = (Case, CaseCitation, Source, Actor, Dispute)
    csv_name = "cases"


class EventViewSet(HistoryMixin, ApiViewSet):
    """Calls, meetings, announcements, legal instruments, WTO and trade-remedy steps."""

    queryset = events_for_display()
    serializer_class = EventSerializer
    write_serializer_class = EventWriteSerializer
    filterset_class = EventFilter
    history_models = EVENT_HISTORY
    csv_name = "events"
    list_columns = EVENT_COLUMNS
    list_rows = staticmethod(event_rows)
    detail_rows = staticmethod(event_rows)  # an event's detail is its list row
    history_spec = EVENT_REVISIONS
    page_kind = "event"
