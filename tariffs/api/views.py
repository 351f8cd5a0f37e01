"""API viewset of measures."""

from django.db.models import Prefetch

from disputes.api.history import HistoryMixin
from disputes.api.viewsets import ApiViewSet
from disputes.models import Actor, Case, Dispute, Source
from tariffs.filters import MeasureFilter
from tariffs.history import MEASURE_REVISIONS
from tariffs.models import Measure, MeasureCitation, MeasureLink, ProductLine, RatePeriod

from .rows import MEASURE_COLUMNS, measure_rows
from .serializers import MeasureInForceSerializer, MeasureSerializer, MeasureWriteSerializer


class MeasureViewSet(HistoryMixin, ApiViewSet):
    """Tariffs, surtaxes, duties, quotas and suspensions, with their dated rates.

    With ``in_force_on=YYYY-MM-DD`` the list holds the measures in force that day, each with
    ``rate_on_date``.
    """

    queryset = Measure.objects.select_related("dispute", "imposed_by").prefetch_related(
        "applies_to",
        "rate_periods",
        "product_lines",
        "cases",
        "links_out",
        Prefetch("citations", queryset=MeasureCitation.objects.select_related("source")),
    )
    serializer_class = MeasureSerializer
    write_serializer_class = MeasureWriteSerializer
    filterset_class = MeasureFilter
    history_models = (Measure, RatePeriod, ProductLine, MeasureCitation, MeasureLink, Source, Actor, Case, Dispute)
    csv_name = "measures"
    list_columns = MEASURE_COLUMNS
    list_rows = staticmethod(measure_rows)
    history_spec = MEASURE_REVISIONS
    page_kind = "measure"

    def get_serializer_class(self):
        if self.action == "list" and self.request.query_params.get("in_force_on"):
            return MeasureInForceSerializer
        return super().get_serializer_class()
