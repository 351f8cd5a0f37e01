"""Bulk download of one dispute: ``/api/v1/export/{slug}.json`` and ``/api/v1/export/{slug}.zip``.

The JSON document nests the API's own serializers (same field names and shapes as the resource
endpoints); the zip holds one CSV file per table and a README (``exchange.exports``).
"""

from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from core.api.rendering import FastJSONRenderer
from core.api.viewsets import ConditionalGetMixin
from disputes.api.fields import NormalizedDecimalField
from disputes.api.serializers import (
    ActorSerializer,
    CaseSerializer,
    DisputeSerializer,
    EventSerializer,
    SourceSerializer,
)
from exchange.exports import EXPORT_HISTORY, DisputeExport, consistent_reads, export_zip
from tariffs.api.serializers import MeasureSerializer
from tariffs.models import ExposureFigure, MeasureLink


class ExposureFigureSerializer(serializers.ModelSerializer):
    dispute = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    measure = serializers.PrimaryKeyRelatedField(read_only=True, help_text="Id of the measure it concerns, if any.")
    source = serializers.PrimaryKeyRelatedField(read_only=True, help_text="Id of the source (in `sources`).")
    amount = NormalizedDecimalField(max_digits=16, decimal_places=2, allow_null=True, read_only=True)
    quantity = NormalizedDecimalField(max_digits=16, decimal_places=2, allow_null=True, read_only=True)
    measures = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="Ids of every measure whose products the figure covers."
    )
    hs_codes = serializers.ListField(
        source="hs_code_list", child=serializers.CharField(), read_only=True, help_text="The products covered."
    )

    class Meta:
        model = ExposureFigure
        fields = [
            "id", "dispute", "reference", "measure", "measures", "product", "hs_codes", "flow", "description", "year",
            "year_to", "basis", "amount", "currency", "quantity", "quantity_unit", "source", "confidence",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class ExportMeasureLinkSerializer(serializers.ModelSerializer):
    """A link between measures with its source (a measure's ``links`` list omits the source)."""

    from_measure = serializers.IntegerField(source="from_measure_id", help_text="Id of the measure the link starts at.")
    to_measure = serializers.IntegerField(source="to_measure_id", help_text="Id of the measure it points to.")
    source = serializers.IntegerField(source="source_id", help_text="Id of the source (in `sources`).")

    class Meta:
        model = MeasureLink
        fields = ["from_measure", "to_measure", "type", "contested", "note", "source", "locator", "quote"]
        read_only_fields = fields


class MeasureRelatedEventSerializer(serializers.Serializer):
    measure = serializers.IntegerField(help_text="Id of the measure.")
    event = serializers.IntegerField(help_text="Id of an event concerning it.")


class ListRowsField(serializers.ReadOnlyField):
    """Rows already in a serializer's shape (the list endpoints' fast rows), described as that serializer."""

    def __init__(self, serializer_class, **kwargs):
        super().__init__(**kwargs)
        extend_schema_field(serializer_class(many=True))(self)


class DisputeExportSerializer(serializers.Serializer):
    """Everything recorded about one dispute."""

    api_version = serializers.CharField(help_text="Version of the API whose shapes the document uses.")
    exported_at = serializers.DateTimeField(help_text="When this document was built.")
    data_changed_at = serializers.DateTimeField(
        allow_null=True,
        help_text="When a record of the kinds exported last changed, in any dispute (the response's Last-Modified).",
    )
    dispute = DisputeSerializer(read_only=True)
    related_disputes = serializers.SerializerMethodField(help_text="Slugs of related disputes.")
    actors = ActorSerializer(many=True, read_only=True, help_text="Actors involved, and their parents.")
    sources = SourceSerializer(many=True, read_only=True, help_text="Every source cited anywhere in the dispute.")
    cases = CaseSerializer(many=True, read_only=True, help_text="Cases; their steps are events with a `case`.")
    events = ListRowsField(EventSerializer)
    measures = ListRowsField(MeasureSerializer)
    measure_links = ExportMeasureLinkSerializer(
        many=True, read_only=True, help_text="Links starting or ending at one of the dispute's measures."
    )
    measure_related_events = MeasureRelatedEventSerializer(many=True, read_only=True)
    exposure_figures = ExposureFigureSerializer(many=True, read_only=True)

    def get_related_disputes(self, export) -> list[str]:
        return [dispute.slug for dispute in export.related_disputes]


JSON = FastJSONRenderer()


def _json(value) -> bytes:
    return b"null" if value is None else JSON.render(value)


def json_document(export, request):
    """The ``DisputeExportSerializer`` document, written as it is built: its events and measures a page
    at a time (``DisputeExport.event_pages``), every other field whole, all on one snapshot of the data."""
    streamed = {"events": export.event_pages, "measures": export.measure_pages}
    fields = DisputeExportSerializer(export, context={"request": request}).fields
    with consistent_reads():
        yield b"{"
        for position, (name, field) in enumerate(fields.items()):
            yield (b"," if position else b"") + _json(name) + b":"
            if name in streamed:
                yield b"["
                separator = b""
                for page in streamed[name]():
                    yield separator + _json(page)[1:-1]
                    separator = b","
                yield b"]"
            else:
                attribute = field.get_attribute(export)
                yield _json(None if attribute is None else field.to_representation(attribute))
        yield b"}"


class FixedFormatNegotiation(BaseContentNegotiation):
    """The address names the format, so ``Accept`` is not consulted (errors are JSON)."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


SLUG = OpenApiParameter(
    "slug", OpenApiTypes.STR, OpenApiParameter.PATH, description="The dispute's slug, e.g. `canada-china`."
)


class DisputeExportView(ConditionalGetMixin, APIView):
    """A bulk download of one dispute, answered with 304 while nothing exported has changed."""

    permission_classes = [AllowAny]
    renderer_classes = [FastJSONRenderer]
    content_negotiation_class = FixedFormatNegotiation
    history_models = EXPORT_HISTORY
    extension = ""

    def validators(self, request):
        # Weak: a rebuilt document differs in its export time, but not in its data.
        etag, changed = super().validators(request)
        # Last-Modified has whole seconds: compared with a fractional time, If-Modified-Since would never match.
        return "W/" + etag, changed.replace(microsecond=0) if changed else None

    def get(self, request, slug):
        with consistent_reads():
            export = DisputeExport.of(slug, request=request)
            if export is None:
                raise NotFound(f"No dispute has the slug “{slug}”.")
            return self.conditional(request, lambda: self.download(request, export))

    def data_version(self):
        self._changed_at = super().data_version()
        return self._changed_at

    def download(self, request, export):
        export.data_changed_at = self._changed_at
        response = self.build(request, export)
        day = timezone.localdate(export.exported_at).isoformat()
        response["Content-Disposition"] = (
            f'attachment; filename="tradewatch-{export.dispute.slug}-{day}.{self.extension}"'
        )
        return response

    def build(self, request, export):
        raise NotImplementedError


class DisputeExportJSONView(DisputeExportView):
    extension = "json"

    @extend_schema(
        operation_id="export_dispute_json",
        summary="Everything about one dispute, as one JSON document",
        description=(
            "The dispute with its parties, the actors involved, sources, cases, events (participants, sources), "
            "measures (rate periods, product lines, links, sources), measure links with their sources, and "
            "exposure figures, in the shapes of the resource endpoints. Conditional: send `If-None-Match` or "
            "`If-Modified-Since` to get 304 while nothing has changed."
        ),
        tags=["export"],
        parameters=[SLUG],
        responses={200: DisputeExportSerializer, 304: OpenApiResponse(description="Not modified.")},
    )
    def get(self, request, slug):
        return super().get(request, slug)

    def build(self, request, export):
        return StreamingHttpResponse(json_document(export, request), content_type=FastJSONRenderer.media_type)


class DisputeExportZipView(DisputeExportView):
    extension = "zip"

    @extend_schema(
        operation_id="export_dispute_zip",
        summary="Everything about one dispute, as a zip of CSV files",
        description=(
            "One CSV file per table (dispute, parties, actors, sources, cases, events, event participants, "
            "measures, the actors they apply to, rate periods, product lines, measure links, measure cases, "
            "related events, citations, exposure figures), joinable by id, and a README.md describing every "
            "file and column. Cells that a spreadsheet would run as a formula are prefixed with `'`. "
            "Conditional like the JSON export."
        ),
        tags=["export"],
        parameters=[SLUG],
        responses={
            (200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY, description="A zip archive."),
            304: OpenApiResponse(description="Not modified."),
        },
    )
    def get(self, request, slug):
        return super().get(request, slug)

    def build(self, request, export):
        base_url = request.build_absolute_uri("/")[:-1]

        def body():
            with consistent_reads():
                yield from export_zip(export, base_url=base_url)

        return StreamingHttpResponse(body(), content_type="application/zip")
