"""API viewset of measures."""

from drf_spectacular.utils import extend_schema, extend_schema_view

from core.api.viewsets import ApiViewSet
from disputes.api.history import HistoryMixin
from disputes.models import Actor, Case, Dispute, Source
from tariffs.filters import MeasureFilter
from tariffs.history import MEASURE_REVISIONS
from tariffs.models import Measure, MeasureCitation, MeasureLink, ProductLine, RatePeriod
from tariffs.selectors import measures_for_display

from .rows import MEASURE_COLUMNS, measure_rows
from .serializers import MeasureOnDateSerializer, MeasureSerializer, MeasureWriteSerializer


@extend_schema_view(list=extend_schema(responses=MeasureOnDateSerializer))
class MeasureViewSet(HistoryMixin, ApiViewSet):
    """Tariffs, surtaxes, duties, quotas and suspensions, with their dated rates.

    With ``in_force_on=YYYY-MM-DD`` the list holds the measures in force that day; with ``on=YYYY-MM-DD``
    it filters nothing. Either way each result then carries ``status_on_date`` (its status that day:
    proposed, announced, in force, suspended, ended; null before its announcement) and ``rate_on_date``,
    while ``status`` stays today's status.
    """

    queryset = measures_for_display().prefetch_related("links_out")  # the links by id: no far end needed
    serializer_class = MeasureSerializer
    write_serializer_class = MeasureWriteSerializer
    filterset_class = MeasureFilter
    history_models = (Measure, RatePeriod, ProductLine, MeasureCitation, MeasureLink, Source, Actor, Case, Dispute)
    csv_name = "measures"
    list_columns = MEASURE_COLUMNS
    list_rows = staticmethod(measure_rows)
    history_spec = MEASURE_REVISIONS
    page_kind = "measure"
    annotated_columns = ("status_on_date", "rate_on_date")  # the on-date annotations, when asked

    def get_serializer_class(self):
        params = self.request.query_params
        if self.action == "list" and (params.get("in_force_on") or params.get("on")):
            return MeasureOnDateSerializer
        return super().get_serializer_class()
