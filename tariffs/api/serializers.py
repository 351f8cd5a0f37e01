"""Serializers of the measures API."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.formatting import plain_decimal
from core.hs_codes import HS_CODE_PATTERN
from disputes.api.fields import ActorIdentifierField, NormalizedDecimalField, TranslatedField
from disputes.api.serializers import (
    ActorBriefSerializer,
    CitationSerializer,
    InlineSourceSerializer,
    RejectUnknownFieldsMixin,
    TranslatedTextsMixin,
    api_link,
    citations_from,
    page_link,
    raise_as_drf,
)
from disputes.models import Case, Dispute, Event
from tariffs import services
from tariffs.choices import HsCodeBasis, MeasureStatus
from tariffs.models import Measure, MeasureExemption, MeasureLink, ProductLine, RatePeriod


class StackedOnMeasureSerializer(serializers.Serializer):
    """The measure a rate is added to (possibly of another dispute)."""

    id = serializers.IntegerField()
    url = api_link("measures")
    reference = serializers.CharField()
    dispute = serializers.CharField(source="dispute.slug")


class RatePeriodSerializer(RejectUnknownFieldsMixin, serializers.ModelSerializer):
    rate_percent = NormalizedDecimalField(max_digits=7, decimal_places=3, allow_null=True, required=False, min_value=0)
    exporter = ActorBriefSerializer(
        read_only=True, allow_null=True, help_text="The exporter or group this rate is for; null: the residual rate."
    )
    on_top_of_measure = StackedOnMeasureSerializer(read_only=True, allow_null=True)
    base_rate = NormalizedDecimalField(
        max_digits=7, decimal_places=3, allow_null=True, required=False, min_value=0,
        help_text="The MFN rate the sources give, for a rate on top of the MFN tariff; null if they do not.",
    )  # fmt: skip

    scheduled = serializers.SerializerMethodField(
        help_text="True while the period has not started yet (a coming change, not something that happened)."
    )

    class Meta:
        model = RatePeriod
        fields = [
            "valid_from", "valid_to", "rate_percent", "kind", "state", "note", "scheduled", "exporter", "on_top_of",
            "on_top_of_measure", "base_rate",
        ]  # fmt: skip

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_scheduled(self, period) -> bool:
        return period.valid_from > timezone.localdate()


class ExporterField(ActorIdentifierField):
    """An exporter by slug or ISO code, or as a period reads (``{"slug": …}``), so a period read can be written back."""

    def to_internal_value(self, data):
        return super().to_internal_value(data.get("slug") if isinstance(data, dict) else data)


class StackedOnMeasureField(serializers.PrimaryKeyRelatedField):
    """The measure a rate is added to, by id or as a period reads it (``{"id": …}``)."""

    def to_internal_value(self, data):
        return super().to_internal_value(data.get("id") if isinstance(data, dict) else data)


class RatePeriodWriteSerializer(RatePeriodSerializer):
    """A rate period as written: the exporter by slug or ISO code, the measure it is stacked on by id."""

    exporter = ExporterField(required=False, allow_null=True)
    on_top_of_measure = StackedOnMeasureField(queryset=Measure.objects.all(), required=False, allow_null=True)


class ExemptionSerializer(TranslatedTextsMixin, serializers.ModelSerializer):
    translated_texts = ("description",)
    sources = CitationSerializer(source="citations", many=True, read_only=True)

    class Meta:
        model = MeasureExemption
        fields = ["kind", "description", "description_fr", "valid_from", "valid_to", "instrument", "sources"]


class ExemptionWriteSerializer(RejectUnknownFieldsMixin, serializers.ModelSerializer):
    """An exemption or remission as written, with its sources (at least one)."""

    sources = InlineSourceSerializer(many=True, allow_empty=False)

    class Meta:
        model = MeasureExemption
        fields = ["kind", "description", "description_fr", "valid_from", "valid_to", "instrument", "sources"]
        validators = []  # (measure, kind, description) is checked by the service, which knows the measure


def exemption_values(row: dict) -> dict:
    """An exemption as the service takes it: its inline sources resolved into citations."""
    values = {name: value for name, value in row.items() if name != "sources"}
    return {**values, "citations": citations_from(row["sources"])}


class ProductLineSerializer(RejectUnknownFieldsMixin, TranslatedTextsMixin, serializers.ModelSerializer):
    translated_texts = ("description",)

    class Meta:
        model = ProductLine
        fields = ["hs_code", "description", "basis", "description_fr"]


class LegalInstrumentSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    name = serializers.CharField(source="legal_instrument_name", allow_blank=True, required=False, max_length=300)
    number = serializers.CharField(source="legal_instrument_number", allow_blank=True, required=False, max_length=80)
    url = serializers.URLField(source="legal_instrument_url", allow_blank=True, required=False, max_length=500)


class MeasureLinkSerializer(serializers.ModelSerializer):
    measure = serializers.IntegerField(source="to_measure_id", help_text="The measure this one points to.")
    measure_url = api_link("measures", "to_measure_id")
    measure_dispute = serializers.CharField(
        source="to_measure.dispute.slug", help_text="The dispute of the measure pointed to (it may be another one)."
    )

    class Meta:
        model = MeasureLink
        fields = ["type", "measure", "measure_url", "measure_dispute", "contested", "note"]


class MeasureSerializer(serializers.ModelSerializer):
    url = api_link("measures")
    html_url = page_link("measure")
    dispute = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    imposed_by = ActorBriefSerializer(read_only=True)
    applies_to = ActorBriefSerializer(many=True, read_only=True)
    legal_instrument = LegalInstrumentSerializer(source="*", read_only=True)
    announcement = serializers.PrimaryKeyRelatedField(read_only=True, help_text="Id of the announcing event.")
    rate_periods = RatePeriodSerializer(many=True, read_only=True)
    hs_codes = serializers.SerializerMethodField()
    product_lines = ProductLineSerializer(many=True, read_only=True)
    cases = serializers.SlugRelatedField(slug_field="reference", many=True, read_only=True)
    links = MeasureLinkSerializer(source="links_out", many=True, read_only=True)
    sources = CitationSerializer(source="citations", many=True, read_only=True)
    title = TranslatedField()
    product_description = TranslatedField()
    summary = TranslatedField()

    class Meta:
        model = Measure
        fields = [
            "id", "url", "html_url", "dispute", "reference", "imposed_by", "applies_to", "type", "title",
            "product_description", "summary", "legal_instrument", "announced_on", "announced_on_precision", "status",
            "announcement", "rate_periods", "hs_codes", "product_lines", "cases", "links", "sources", "confidence",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_hs_codes(self, measure) -> list[str]:
        return [line.hs_code for line in measure.product_lines.all()]


class MeasureDetailSerializer(MeasureSerializer):
    """One measure: as listed, plus its exemptions and remissions with their sources."""

    exemptions = ExemptionSerializer(many=True, read_only=True)

    class Meta(MeasureSerializer.Meta):
        fields = [*MeasureSerializer.Meta.fields, "exemptions"]
        read_only_fields = fields


class MeasureOnDateSerializer(MeasureSerializer):
    """A measure listed with ``in_force_on`` or ``on``: it also carries its status and rate on that date."""

    # Not read-only, so the schema does not mark them required: they are present only with a date.
    status_on_date = serializers.ChoiceField(
        choices=MeasureStatus.choices, required=False, allow_null=True,
        help_text="Status on the date asked (``in_force_on`` or ``on``); null if not yet announced that day. "
        "``status`` stays today's status.",
    )  # fmt: skip
    rate_on_date = NormalizedDecimalField(
        max_digits=7, decimal_places=3, required=False, allow_null=True,
        help_text="Ad valorem rate in force on the date asked; null if none. Only with ``in_force_on`` or ``on``.",
    )  # fmt: skip

    total_rate_on_date = NormalizedDecimalField(
        max_digits=7, decimal_places=3, required=False, allow_null=True,
        help_text="The rate plus what it is added to (the MFN rate the sources give, or the rate of the measure it "
        "is stacked on), on the date asked and for ``exporter`` if given; null when it cannot be stated.",
    )  # fmt: skip
    total_rate_reason = serializers.CharField(
        required=False, allow_blank=True, help_text="Why ``total_rate_on_date`` is null (empty when it is given)."
    )

    class Meta(MeasureSerializer.Meta):
        fields = [
            *MeasureSerializer.Meta.fields, "status_on_date", "rate_on_date", "total_rate_on_date", "total_rate_reason",
        ]  # fmt: skip
        read_only_fields = MeasureSerializer.Meta.fields

    def to_representation(self, measure):
        data = super().to_representation(measure)
        day = getattr(measure, "rate_day", None)
        total = measure.total_on(day, exporter=measure.rate_exporter_id) if day else None
        data["total_rate_on_date"] = plain_decimal(total.rate) if total is not None else None
        data["total_rate_reason"] = total.reason if total is not None else ""
        return data


class HsCodeField(serializers.RegexField):
    def __init__(self, **kwargs):
        super().__init__(HS_CODE_PATTERN, error_messages={"invalid": "An HS code is 2 to 10 digits."}, **kwargs)


class MeasureWriteSerializer(RejectUnknownFieldsMixin, serializers.ModelSerializer):
    """Creates or replaces a measure with its rate periods, product lines, exemptions and sources (at least one).

    ``exemptions`` left out keeps the stored ones, even in a PUT (a client that never sent them does not erase
    them); an empty list removes them.
    """

    ignored_fields = tuple(name for name in MeasureDetailSerializer.Meta.fields if name != "exemptions")

    dispute = serializers.SlugRelatedField(slug_field="slug", queryset=Dispute.objects.all())
    imposed_by = ActorIdentifierField()
    applies_to = serializers.ListField(child=ActorIdentifierField(), allow_empty=False)
    legal_instrument = LegalInstrumentSerializer(source="*", required=False)
    announcement = serializers.PrimaryKeyRelatedField(queryset=Event.objects.all(), required=False, allow_null=True)
    rate_periods = RatePeriodWriteSerializer(many=True, required=False, default=list)
    hs_codes = serializers.ListField(child=HsCodeField(), required=False, default=list)
    product_lines = ProductLineSerializer(many=True, required=False, default=list)
    cases = serializers.SlugRelatedField(slug_field="reference", queryset=Case.objects.all(), many=True, required=False)
    status = serializers.ChoiceField(
        choices=[MeasureStatus.PROPOSED, MeasureStatus.ANNOUNCED], required=False,
        help_text="Only “proposed” is set by hand; every other status follows the rate periods.",
    )  # fmt: skip
    sources = InlineSourceSerializer(many=True, allow_empty=False)
    exemptions = ExemptionWriteSerializer(
        many=True, required=False,
        help_text="Exemptions and remissions, each with its sources. Left out: the stored ones are kept; "
        "[] removes them.",
    )  # fmt: skip

    class Meta:
        model = Measure
        fields = [
            "dispute", "reference", "imposed_by", "applies_to", "type", "title", "product_description", "summary",
            "legal_instrument", "announced_on", "announced_on_precision", "status", "announcement", "rate_periods",
            "hs_codes", "product_lines", "cases", "confidence", "sources", "title_fr", "product_description_fr",
            "summary_fr", "exemptions",
        ]  # fmt: skip
        validators = []

    def save(self, **kwargs):
        """One call of ``measure_save``: what a PATCH does not give is kept; PUT and POST give everything."""
        values = dict(self.validated_data)
        lists = {name: values.pop(name, None) for name in ("applies_to", "rate_periods", "cases")}
        product_lines, hs_codes, sources = (values.pop(name, None) for name in ("product_lines", "hs_codes", "sources"))
        exemptions = values.pop("exemptions", None)
        if product_lines is not None or hs_codes is not None:
            product_lines = list(product_lines or [])
            listed = {line["hs_code"] for line in product_lines}
            product_lines += [
                {"hs_code": code, "basis": HsCodeBasis.OFFICIAL} for code in hs_codes or [] if code not in listed
            ]
        try:
            with transaction.atomic():  # new sources too: nothing half-written stays behind
                citations = citations_from(sources) if sources is not None else None
                if exemptions is not None:
                    exemptions = [exemption_values(row) for row in exemptions]
                self.instance = services.measure_save(
                    measure=self.instance, values=values, product_lines=product_lines, citations=citations,
                    exemptions=exemptions, today=timezone.localdate(), **lists,
                )  # fmt: skip
        except DjangoValidationError as error:
            raise_as_drf(error)
        return self.instance

    def to_representation(self, instance):
        return MeasureSerializer(instance, context=self.context).data
