"""API viewset of measures."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view

from core.api.viewsets import ApiViewSet
from disputes.api.history import HistoryMixin
from disputes.models import Actor, Case, Dispute, Source
from tariffs.filters import MeasureFilter
from tariffs.history import MEASURE_REVISIONS
from tariffs.models import (
    Measure,
    MeasureCitation,
    MeasureExemption,
    MeasureExemptionCitation,
    MeasureLink,
    ProductLine,
    RatePeriod,
)
from tariffs.selectors import exemptions, measures_for_display

from .rows import MEASURE_COLUMNS, measure_detail_rows, measure_rows
from .serializers import MeasureDetailSerializer, MeasureOnDateSerializer, MeasureSerializer, MeasureWriteSerializer

#: A measure's links by id, with the dispute of the far end (it may be another dispute).
LINKS_OUT = Prefetch("links_out", queryset=MeasureLink.objects.select_related("to_measure__dispute"))


@extend_schema_view(
    list=extend_schema(responses=MeasureOnDateSerializer), retrieve=extend_schema(responses=MeasureDetailSerializer)
)
class MeasureViewSet(HistoryMixin, ApiViewSet):
    """Tariffs, surtaxes, duties, quotas and suspensions, with their dated rates.

    With ``in_force_on=YYYY-MM-DD`` the list holds the measures in force that day; with ``on=YYYY-MM-DD``
    it filters nothing. Either way each result then carries ``status_on_date`` (its status that day:
    proposed, announced, in force, suspended, ended; null before its announcement), ``rate_on_date`` (the
    residual rate, or with ``exporter=<slug>`` that exporter's rate) and ``total_rate_on_date`` (with what the
    rate is added to, when the sources give it; else null and ``total_rate_reason``), while ``status`` stays
    today's status. One measure also lists its exemptions and remissions.
    """

    queryset = measures_for_display().prefetch_related(LINKS_OUT)
    serializer_class = MeasureSerializer
    write_serializer_class = MeasureWriteSerializer
    filterset_class = MeasureFilter
    history_models = (
        Measure, RatePeriod, ProductLine, MeasureCitation, MeasureLink, MeasureExemption, MeasureExemptionCitation,
        Source, Actor, Case, Dispute,
    )  # fmt: skip
    csv_name = "measures"
    list_columns = MEASURE_COLUMNS
    list_rows = staticmethod(measure_rows)
    detail_rows = staticmethod(measure_detail_rows)
    history_spec = MEASURE_REVISIONS
    page_kind = "measure"
    # The on-date annotations, when asked.
    annotated_columns = ("status_on_date", "rate_on_date", "rate_day", "rate_exporter_id")

    def get_queryset(self):
        queryset = super().get_queryset()
        return queryset.prefetch_related(*exemptions()) if self.action == "retrieve" else queryset

    def get_serializer_class(self):
        params = self.request.query_params
        if self.action == "list" and (params.get("in_force_on") or params.get("on")):
            return MeasureOnDateSerializer
        if self.action == "retrieve":
            return MeasureDetailSerializer
        return super().get_serializer_class()
