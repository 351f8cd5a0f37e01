"""Serializers of the disputes API. Fields are listed; nested objects are small and prefetched."""

from collections.abc import Mapping

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.i18n import translated
from core.permalinks import record_url
from disputes import services
from disputes.choices import ParticipantRole, SourceKind
from disputes.models import Actor, Case, Dispute, DisputeParty, Event, Source

from .fields import ActorIdentifierField, TranslatedField

API_PREFIX = "/api/v1/"


@extend_schema_field(OpenApiTypes.URI)
class LinkField(serializers.Field):
    """An absolute link built from a path template, without a URL resolver call per row."""

    def __init__(self, template: str, key: str = "pk", **kwargs):
        self.template, self.key = template, key
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        request = self.context.get("request")
        path = self.template.format(getattr(obj, self.key))
        return request.build_absolute_uri(path) if request is not None else path


def api_link(resource: str, key: str = "pk") -> LinkField:
    return LinkField(API_PREFIX + resource + "/{}/", key, help_text="This object in the API.")


def page_link(kind: str, key: str = "pk") -> LinkField:
    return LinkField(record_url(kind, "{}"), key, help_text="This object's page.")


def raise_as_drf(error: DjangoValidationError, names: Mapping[str, str] | None = None):
    """Model validation errors become a 400 naming each field (``names``: model field → API name)."""
    detail = error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
    for field, name in (names or {}).items():
        if field in detail:
            detail[name] = detail.pop(field)
    raise serializers.ValidationError(detail) from error


class RejectUnknownFieldsMixin:
    """A write naming a field the resource does not have is a 400 naming it: a typo is never silently dropped.

    The serializer's read-only fields and ``ignored_fields`` (the resource's read shape: ``id``, ``url``,
    ``created_at``…) are accepted and ignored, so a body read with GET can be changed and sent back.
    """

    ignored_fields: tuple[str, ...] = ()

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            unknown = sorted(str(name) for name in data if name not in self.fields and name not in self.ignored_fields)
            if unknown:
                raise serializers.ValidationError({name: ["No such field."] for name in unknown}, code="unknown_field")
        return super().to_internal_value(data)


class TranslatedTextsMixin:
    """For a serializer that reads and writes: ``translated_texts`` answer in the language asked (``core.i18n``);
    their French siblings (``title_fr`` …) are read and written as they are."""

    translated_texts: tuple[str, ...] = ()

    def to_representation(self, instance):
        data = super().to_representation(instance)
        for name in self.translated_texts:
            if name in data:
                data[name] = translated(instance, name)
        return data


class ServiceWriteMixin:
    """Creates and updates go through the app's service, the one door for writes (``write`` names it).

    The service validates with the model's rules; its errors become a 400 naming the field the client sent
    (``error_names`` maps a model field to its API name).
    """

    error_names: dict[str, str] = {}

    def write(self, instance, values: dict):
        raise NotImplementedError

    def create(self, validated_data):
        return self._write(None, validated_data)

    def update(self, instance, validated_data):
        return self._write(instance, validated_data)

    def _write(self, instance, values):
        try:
            return self.write(instance, dict(values))
        except DjangoValidationError as error:
            raise_as_drf(error, self.error_names)


class ActorBriefSerializer(serializers.ModelSerializer):
    name = TranslatedField()

    class Meta:
        model = Actor
        fields = ["slug", "name", "code", "kind"]


class CitationSerializer(serializers.Serializer):
    """A cited source, as it appears inside an event, measure or case."""

    id = serializers.IntegerField(source="source.id")
    title = serializers.CharField(source="source.title")
    publisher = serializers.CharField(source="source.publisher")
    published_on = serializers.DateField(source="source.published_on", allow_null=True)
    kind = serializers.ChoiceField(source="source.kind", choices=SourceKind.choices)
    document_url = serializers.URLField(source="source.url", allow_blank=True, help_text="The document itself.")
    field = serializers.CharField(source="field_name", help_text="The one field it supports, if any.")
    locator = serializers.CharField()
    quote = serializers.CharField()


class ActorSerializer(RejectUnknownFieldsMixin, TranslatedTextsMixin, ServiceWriteMixin, serializers.ModelSerializer):
    url = api_link("actors", "slug")
    html_url = page_link("actor", "slug")
    parent = ActorIdentifierField(required=False, allow_null=True)

    class Meta:
        model = Actor
        fields = [
            "id", "url", "html_url", "slug", "name", "short_name", "kind", "code", "country", "office", "parent",
            "name_fr", "short_name_fr", "office_fr", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]

    translated_texts = ("name", "short_name", "office")

    def write(self, instance, values):
        return services.actor_save(actor=instance, values=values)


class SourceSerializer(RejectUnknownFieldsMixin, ServiceWriteMixin, serializers.ModelSerializer):
    url = api_link("sources")
    html_url = page_link("source")
    document_url = serializers.URLField(source="url", required=False, allow_blank=True, max_length=500)

    class Meta:
        model = Source
        fields = [
            "id", "url", "html_url", "document_url", "title", "publisher", "published_on", "language", "kind",
            "notes", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]
        validators = []  # the conditional unique URL is checked by the model's validation

    error_names = {"url": "document_url"}

    def write(self, instance, values):
        return services.source_save(source=instance, values=values)


class DisputePartySerializer(serializers.ModelSerializer):
    actor = ActorBriefSerializer()

    class Meta:
        model = DisputeParty
        fields = ["actor", "side", "role"]


class DisputeSerializer(RejectUnknownFieldsMixin, TranslatedTextsMixin, ServiceWriteMixin, serializers.ModelSerializer):
    url = api_link("disputes", "slug")
    html_url = page_link("dispute", "slug")
    timeline_url = LinkField(API_PREFIX + "disputes/{}/timeline/", "slug")
    summary_url = LinkField(API_PREFIX + "disputes/{}/summary/", "slug")
    parties = DisputePartySerializer(many=True, read_only=True)

    class Meta:
        model = Dispute
        fields = [
            "id", "url", "html_url", "slug", "title", "summary", "status", "started_on", "ended_on", "parties",
            "timeline_url", "summary_url", "title_fr", "summary_fr", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]

    translated_texts = ("title", "summary")

    def write(self, instance, values):
        return services.dispute_save(dispute=instance, values=values)


class CaseBriefSerializer(serializers.ModelSerializer):
    url = api_link("cases")
    title = TranslatedField()

    class Meta:
        model = Case
        fields = ["id", "url", "reference", "title"]


class CaseSerializer(serializers.ModelSerializer):
    url = api_link("cases")
    html_url = page_link("case")
    dispute = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    complainant = ActorBriefSerializer(read_only=True, allow_null=True)
    respondent = ActorBriefSerializer(read_only=True)
    document_url = serializers.URLField(source="url", read_only=True, allow_blank=True)
    sources = CitationSerializer(source="citations", many=True, read_only=True)
    title = TranslatedField()
    summary = TranslatedField()

    class Meta:
        model = Case
        fields = [
            "id", "url", "html_url", "dispute", "forum", "reference", "title", "summary", "complainant",
            "respondent", "stage", "initiated_on", "document_url", "sources", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class CaseWriteSerializer(RejectUnknownFieldsMixin, ServiceWriteMixin, serializers.ModelSerializer):
    """Creates or changes a case; actors are given by slug or ISO code. Answers with the case as read."""

    dispute = serializers.SlugRelatedField(slug_field="slug", queryset=Dispute.objects.all())
    complainant = ActorIdentifierField(required=False, allow_null=True)
    respondent = ActorIdentifierField()
    document_url = serializers.URLField(source="url", required=False, allow_blank=True)

    ignored_fields = tuple(CaseSerializer.Meta.fields)

    class Meta:
        model = Case
        fields = [
            "dispute", "forum", "reference", "title", "summary", "complainant", "respondent", "stage",
            "initiated_on", "document_url", "title_fr", "summary_fr",
        ]  # fmt: skip
        validators = []

    error_names = {"url": "document_url"}

    def write(self, instance, values):
        return services.case_save(case=instance, values=values)

    def to_representation(self, instance):
        return CaseSerializer(instance, context=self.context).data


class ParticipantSerializer(serializers.Serializer):
    actor = ActorBriefSerializer()
    role = serializers.ChoiceField(choices=ParticipantRole.choices)


class EventSerializer(serializers.ModelSerializer):
    url = api_link("events")
    html_url = page_link("event")
    dispute = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    case = CaseBriefSerializer(read_only=True, allow_null=True)
    participants = ParticipantSerializer(source="participations", many=True, read_only=True)
    sources = CitationSerializer(source="citations", many=True, read_only=True)
    title = TranslatedField()
    summary = TranslatedField()
    outcome = TranslatedField()

    class Meta:
        model = Event
        fields = [
            "id", "url", "html_url", "dispute", "reference", "date", "date_precision", "end_date", "kind", "level",
            "title", "summary", "location", "outcome", "case", "case_stage", "confidence", "participants",
            "sources", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class InlineSourceSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    """A source given inside a write: an existing one by ``id``, or a document matched by ``url`` or created."""

    ignored_fields = ("document_url",)  # as a citation reads; the ``id`` names the source

    id = serializers.IntegerField(required=False)
    url = serializers.URLField(required=False, allow_blank=True, max_length=500, help_text="The document address.")
    title = serializers.CharField(required=False, max_length=300)
    publisher = serializers.CharField(required=False, allow_blank=True, max_length=200)
    published_on = serializers.DateField(required=False, allow_null=True)
    language = serializers.CharField(required=False, allow_blank=True, max_length=8)
    kind = serializers.ChoiceField(choices=SourceKind.choices, required=False)
    field = serializers.CharField(required=False, allow_blank=True, max_length=60)
    locator = serializers.CharField(required=False, allow_blank=True, max_length=200)
    quote = serializers.CharField(required=False, allow_blank=True)

    def validate(self, attrs):
        if "id" in attrs:
            source = Source.objects.filter(pk=attrs["id"]).first()
            if source is None:
                raise serializers.ValidationError({"id": f"No source has id {attrs['id']}."})
        elif attrs.get("url") or attrs.get("title"):
            source = None
        else:
            raise serializers.ValidationError("Give a source id, or a document url and title.")
        attrs["source"] = source
        return attrs


def citations_from(items: list[dict]) -> list[dict]:
    """Resolve inline sources (matching by URL or creating them) into citation values."""
    citations = []
    for item in items:
        source = item["source"]
        if source is None:
            values = {k: item[k] for k in ("publisher", "published_on", "language", "kind") if k in item}
            try:
                source = services.source_match_or_create(url=item.get("url", ""), title=item.get("title", ""), **values)
            except DjangoValidationError as error:
                raise_as_drf(DjangoValidationError({"sources": error.messages}))
        citations.append(
            {
                "source": source,
                "field_name": item.get("field", ""),
                "locator": item.get("locator", ""),
                "quote": item.get("quote", ""),
            }
        )
    return citations


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "description": "Actor slug or ISO code."},
            {
                "type": "object",
                "properties": {
                    "actor": {"type": "string", "description": "Actor slug or ISO code."},
                    "role": {"type": "string", "enum": list(ParticipantRole.values)},
                },
                "required": ["actor"],
            },
        ]
    }
)
class ParticipantWriteField(serializers.Field):
    """A participant: an actor slug or ISO code, or ``{"actor": ..., "role": ...}``."""

    def to_internal_value(self, data):
        role = ParticipantRole.PARTICIPANT
        if isinstance(data, dict):
            unknown = sorted(set(data) - {"actor", "role"})
            if unknown:
                raise serializers.ValidationError(f"No such field: {', '.join(unknown)}.", code="unknown_field")
            role = data.get("role") or role
            if role not in ParticipantRole.values:
                raise serializers.ValidationError(f"Unknown role {role!r}.")
            data = data.get("actor")
        return ActorIdentifierField().to_internal_value(data), role

    def to_representation(self, value):
        return value


class EventWriteSerializer(RejectUnknownFieldsMixin, serializers.ModelSerializer):
    """Creates or replaces an event with its participants and sources (at least one)."""

    ignored_fields = tuple(EventSerializer.Meta.fields)

    dispute = serializers.SlugRelatedField(slug_field="slug", queryset=Dispute.objects.all())
    case = serializers.SlugRelatedField(
        slug_field="reference", queryset=Case.objects.all(), required=False, allow_null=True
    )
    participants = serializers.ListField(child=ParticipantWriteField(), required=False, default=list)
    sources = InlineSourceSerializer(many=True, allow_empty=False)

    class Meta:
        model = Event
        fields = [
            "dispute", "reference", "date", "date_precision", "end_date", "kind", "level", "title", "summary",
            "location", "outcome", "case", "case_stage", "confidence", "participants", "sources", "title_fr",
            "summary_fr", "outcome_fr",
        ]  # fmt: skip
        validators = []

    def save(self, **kwargs):
        """One call of ``event_save``: what a PATCH does not give is kept; PUT and POST give everything."""
        values = dict(self.validated_data)
        participants = values.pop("participants", None)
        if participants is not None:
            participants = [{"actor": actor, "role": role} for actor, role in dict(participants).items()]
        sources = values.pop("sources", None)
        try:
            with transaction.atomic():  # new sources too: nothing half-written stays behind
                citations = citations_from(sources) if sources is not None else None
                self.instance = services.event_save(
                    event=self.instance, values=values, participants=participants, citations=citations
                )
        except DjangoValidationError as error:
            raise_as_drf(error)
        return self.instance

    def to_representation(self, instance):
        return EventSerializer(instance, context=self.context).data
