"""Serializers of the timeline and summary endpoints."""

from rest_framework import serializers

from core.permalinks import record_url
from disputes.api.fields import NormalizedDecimalField, TranslatedField
from disputes.api.serializers import API_PREFIX
from timelines.models import DisputeSummary, TimelineEntry


class TimelineSourceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    publisher = serializers.CharField()
    published_on = serializers.DateField(allow_null=True)
    document_url = serializers.CharField(source="url")
    field = serializers.CharField()
    locator = serializers.CharField()
    quote = serializers.CharField()


class TimelineEntrySerializer(serializers.ModelSerializer):
    rate_percent = NormalizedDecimalField(max_digits=7, decimal_places=3, allow_null=True)
    record = serializers.SerializerMethodField()
    sources = TimelineSourceSerializer(many=True)
    actors = serializers.ListField(child=serializers.CharField(), help_text="Slugs of the actors involved.")
    title = TranslatedField()
    subject = TranslatedField()
    text = TranslatedField()

    class Meta:
        model = TimelineEntry
        fields = [
            "key", "date", "date_precision", "end_date", "kind", "side", "title", "subject", "text", "rate_percent",
            "confidence", "scheduled", "record_type", "record", "actors", "sources",
        ]  # fmt: skip
        extra_kwargs = {
            "scheduled": {"help_text": "Dated after today: expected (inferred or announced), not yet happened."}
        }

    def get_record(self, entry) -> dict:
        """The underlying record: its id, API link and page."""
        plural = {"event": "events", "measure": "measures", "case": "cases"}[entry.record_type]
        request = self.context.get("request")
        api = f"{API_PREFIX}{plural}/{entry.record_id}/"
        return {
            "type": entry.record_type,
            "id": entry.record_id,
            "url": request.build_absolute_uri(api) if request else api,
            "html_url": record_url(entry.record_type, entry.record_id),
        }


class DisputeSummarySerializer(serializers.ModelSerializer):
    dispute = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    text = serializers.SerializerMethodField()

    class Meta:
        model = DisputeSummary
        fields = ["dispute", "as_of", "text", "data", "refreshed_at"]

    def get_text(self, summary) -> dict:
        return {"en": summary.text_en, "fr": summary.text_fr}
