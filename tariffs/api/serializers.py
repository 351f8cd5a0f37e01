"""Serializers of the measures API."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.dates import ends_before_start
from core.hs_codes import HS_CODE_PATTERN
from disputes.api.fields import ActorIdentifierField, NormalizedDecimalField
from disputes.api.serializers import (
    ActorBriefSerializer,
    CitationSerializer,
    InlineSourceSerializer,
    RejectUnknownFieldsMixin,
    api_link,
    citations_from,
    page_link,
    raise_as_drf,
)
from disputes.models import Case, Dispute, Event, Source
from tariffs.choices import HsCodeBasis, MeasureStatus
from tariffs.models import Measure, MeasureLink, ProductLine, RatePeriod


class RatePeriodSerializer(RejectUnknownFieldsMixin, serializers.ModelSerializer):
    rate_percent = NormalizedDecimalField(max_digits=7, decimal_places=3, allow_null=True, required=False, min_value=0)

    scheduled = serializers.SerializerMethodField(
        help_text="True while the period has not started yet (a coming change, not something that happened)."
    )

    class Meta:
        model = RatePeriod
        fields = ["valid_from", "valid_to", "rate_percent", "kind", "state", "note", "scheduled"]

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_scheduled(self, period) -> bool:
        return period.valid_from > timezone.localdate()

    def validate(self, attrs):
        if "valid_from" not in attrs:  # a PATCH replaces the periods as a whole: each must be complete
            raise serializers.ValidationError({"valid_from": [self.fields["valid_from"].error_messages["required"]]})
        if ends_before_start(attrs["valid_from"], attrs.get("valid_to")):
            raise serializers.ValidationError({"valid_to": "“valid_to” cannot be before “valid_from”."})
        return attrs


class ProductLineSerializer(RejectUnknownFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = ProductLine
        fields = ["hs_code", "description", "basis"]


class LegalInstrumentSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    name = serializers.CharField(source="legal_instrument_name", allow_blank=True, required=False, max_length=300)
    number = serializers.CharField(source="legal_instrument_number", allow_blank=True, required=False, max_length=80)
    url = serializers.URLField(source="legal_instrument_url", allow_blank=True, required=False, max_length=500)


class MeasureLinkSerializer(serializers.ModelSerializer):
    measure = serializers.IntegerField(source="to_measure_id", help_text="The measure this one points to.")
    measure_url = api_link("measures", "to_measure_id")

    class Meta:
        model = MeasureLink
        fields = ["type", "measure", "measure_url", "contested", "note"]


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

    class Meta(MeasureSerializer.Meta):
        fields = [*MeasureSerializer.Meta.fields, "status_on_date", "rate_on_date"]
        read_only_fields = MeasureSerializer.Meta.fields


class HsCodeField(serializers.RegexField):
    def __init__(self, **kwargs):
        super().__init__(HS_CODE_PATTERN, error_messages={"invalid": "An HS code is 2 to 10 digits."}, **kwargs)


class MeasureWriteSerializer(RejectUnknownFieldsMixin, serializers.ModelSerializer):
    """Creates or replaces a measure with its rate periods, product lines and sources (at least one)."""

    ignored_fields = tuple(MeasureSerializer.Meta.fields)

    dispute = serializers.SlugRelatedField(slug_field="slug", queryset=Dispute.objects.all())
    imposed_by = ActorIdentifierField()
    applies_to = serializers.ListField(child=ActorIdentifierField(), allow_empty=False)
    legal_instrument = LegalInstrumentSerializer(source="*", required=False)
    announcement = serializers.PrimaryKeyRelatedField(queryset=Event.objects.all(), required=False, allow_null=True)
    rate_periods = RatePeriodSerializer(many=True, required=False, default=list)
    hs_codes = serializers.ListField(child=HsCodeField(), required=False, default=list)
    product_lines = ProductLineSerializer(many=True, required=False, default=list)
    cases = serializers.SlugRelatedField(slug_field="reference", queryset=Case.objects.all(), many=True, required=False)
    status = serializers.ChoiceField(
        choices=[MeasureStatus.PROPOSED, MeasureStatus.ANNOUNCED], required=False,
        help_text="Only “proposed” is set by hand; every other status follows the rate periods.",
    )  # fmt: skip
    sources = InlineSourceSerializer(many=True, allow_empty=False)

    class Meta:
        model = Measure
        fields = [
            "dispute", "reference", "imposed_by", "applies_to", "type", "title", "product_description", "summary",
            "legal_instrument", "announced_on", "announced_on_precision", "status", "announcement", "rate_periods",
            "hs_codes", "product_lines", "cases", "confidence", "sources",
        ]  # fmt: skip
        validators = []

    def save(self, **kwargs):
        from tariffs.services import measure_save

        data = dict(self.validated_data)
        given = set(self.initial_data) if isinstance(self.initial_data, dict) else set()
        current = self.instance
        keep = self.partial and current is not None  # PATCH: what is not given stays as it is
        applies_to = data.pop("applies_to") if "applies_to" in data else list(current.applies_to.all())
        if keep and "rate_periods" not in given:
            periods = list(
                current.rate_periods.values("valid_from", "valid_to", "rate_percent", "kind", "state", "note")
            )
        else:
            periods = data.pop("rate_periods", [])
        data.pop("rate_periods", None)
        if keep and not given & {"product_lines", "hs_codes"}:
            lines = list(current.product_lines.values("hs_code", "description", "basis"))
        else:
            lines = data.pop("product_lines", [])
            for code in data.pop("hs_codes", []):
                if code not in {line["hs_code"] for line in lines}:
                    lines.append({"hs_code": code, "basis": HsCodeBasis.OFFICIAL})
        data.pop("product_lines", None)
        data.pop("hs_codes", None)
        cases = data.pop("cases", None)
        if keep and "sources" not in given:
            citations = list(current.citations.values("source", "field_name", "locator", "quote"))
            sources = None
        else:
            sources = data.pop("sources")
        data.pop("sources", None)
        measure = self.instance or Measure()
        for name, value in data.items():
            setattr(measure, name, value)
        try:
            with transaction.atomic():  # new sources too: nothing half-written stays behind
                if sources is not None:
                    citations = citations_from(sources)
                else:
                    citations = [{**c, "source": Source.objects.get(pk=c["source"])} for c in citations]
                self.instance = measure_save(
                    measure=measure, applies_to=applies_to, rate_periods=periods, product_lines=lines,
                    citations=citations, cases=cases, today=timezone.localdate(),
                )  # fmt: skip
        except DjangoValidationError as error:
            raise_as_drf(error)
        return self.instance

    def to_representation(self, instance):
        return MeasureSerializer(instance, context=self.context).data
