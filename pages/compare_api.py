"""``GET /api/v1/compare/?d=<slug>&d=<slug>[&d=<slug>]&align=day0|calendar``: the compare page's data as JSON.

The same comparison as ``/compare/`` (``pages.compare``): per dispute its escalation steps with their day from
day 0, side, type, first rate and answers, and the median days to answer; then the aligned rows. Bad parameters
are a 400 naming ``d`` or ``align``.
"""

from __future__ import annotations

import hashlib

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.rendering import FastJSONRenderer
from core.api.viewsets import ConditionalGetMixin
from core.formatting import plain_decimal
from core.i18n import translated
from core.permalinks import record_url
from disputes.models import Actor, Dispute, DisputeParty
from tariffs.models import Measure, MeasureLink, RatePeriod

from .choices import Alignment
from .compare import MAX_DISPUTES, MIN_DISPUTES, comparison, every_dispute


class CompareParameters(serializers.Serializer):
    # Each slug is checked in validate_d, so that an error names the parameter ``d`` and not ``d.0``.
    d = serializers.ListField(min_length=MIN_DISPUTES, max_length=MAX_DISPUTES)
    align = serializers.ChoiceField(choices=Alignment.choices, default=Alignment.DAY0.value)

    def __init__(self, *args, known: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.known = known

    def validate_d(self, slugs):
        if len(set(slugs)) != len(slugs):
            raise serializers.ValidationError("Give each dispute once.")
        if any(slug not in self.known for slug in slugs):
            raise serializers.ValidationError("Each d must be the slug of a dispute (GET /api/v1/disputes/).")
        return slugs


class FirstRateSerializer(serializers.Serializer):
    rate_percent = serializers.CharField(
        allow_null=True, help_text="Ad valorem, as a decimal string; null without a rate."
    )
    valid_from = serializers.DateField()
    kind = serializers.CharField()


class AnswerSerializer(serializers.Serializer):
    measure = serializers.IntegerField(help_text="Id of the measure that answered.")
    reference = serializers.CharField()
    title = serializers.CharField()
    dispute = serializers.SlugField(
        help_text="The answering measure's dispute (another one for a link across disputes)."
    )
    type = serializers.CharField(help_text="retaliates_against or responds_to")
    contested = serializers.BooleanField()
    days = serializers.IntegerField(help_text="Days from the announcement of the measure answered to the answer's.")


class StepSerializer(serializers.Serializer):
    measure = serializers.IntegerField()
    url = serializers.CharField()
    html_url = serializers.CharField()
    reference = serializers.CharField()
    title = serializers.CharField()
    side = serializers.CharField(allow_null=True, help_text="The side of the imposing actor's country, if any.")
    imposed_by = serializers.SlugField()
    type = serializers.CharField()
    announced_on = serializers.DateField()
    day = serializers.IntegerField(help_text="Days since the dispute's first announcement (day 0).")
    first_rate = FirstRateSerializer(allow_null=True, help_text="The first rate period with a rate, else the first.")
    answers = AnswerSerializer(many=True)


class ComparedDisputeSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    url = serializers.CharField()
    html_url = serializers.CharField()
    day0 = serializers.DateField(allow_null=True, help_text="The first measure's announcement; null without measures.")
    answer_count = serializers.IntegerField()
    median_days_to_answer = serializers.FloatField(allow_null=True)
    steps = StepSerializer(many=True)


class RowSerializer(serializers.Serializer):
    day = serializers.IntegerField(allow_null=True, help_text="The day number (align=day0); null on calendar dates.")
    date = serializers.DateField(allow_null=True, help_text="The date (align=calendar); null on day numbers.")
    steps = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField()),
        help_text="Per dispute, in the order asked, the ids of its measures on this line.",
    )


class ComparisonSerializer(serializers.Serializer):
    align = serializers.ChoiceField(choices=Alignment.choices)
    disputes = ComparedDisputeSerializer(many=True)
    rows = RowSerializer(many=True)


def _answer(answer) -> dict:
    measure = answer.measure
    return {
        "measure": measure.pk,
        "reference": measure.reference,
        "title": translated(measure, "title"),
        "dispute": measure.dispute.slug,
        "type": answer.type,
        "contested": answer.contested,
        "days": answer.days,
    }


def _step(step, absolute) -> dict:
    measure, period = step.measure, step.first_period
    return {
        "measure": measure.pk,
        "url": absolute(reverse("api:measure-detail", args=[measure.pk])),
        "html_url": absolute(record_url("measure", measure.pk)),
        "reference": measure.reference,
        "title": translated(measure, "title"),
        "side": step.side.slug if step.side else None,
        "imposed_by": measure.imposed_by.slug,
        "type": measure.type,
        "announced_on": measure.announced_on,
        "day": step.day,
        "first_rate": period
        and {
            "rate_percent": plain_decimal(period.rate_percent),
            "valid_from": period.valid_from,
            "kind": period.kind,
        },
        "answers": [_answer(answer) for answer in step.answers],
    }


def comparison_document(data: dict, absolute) -> dict:
    """The comparison (``pages.compare.comparison``) as the API answers it."""
    calendar = data["alignment"] == Alignment.CALENDAR
    return {
        "align": data["alignment"],
        "disputes": [
            {
                "slug": column.dispute.slug,
                "title": translated(column.dispute, "title"),
                "url": absolute(reverse("api:dispute-detail", args=[column.dispute.slug])),
                "html_url": absolute(record_url("dispute", column.dispute.slug)),
                "day0": column.day0,
                "answer_count": len(column.answer_days),
                "median_days_to_answer": column.median_days_to_answer,
                "steps": [_step(step, absolute) for step in column.steps],
            }
            for column in data["columns"]
        ],
        "rows": [
            {
                "day": None if calendar else row.key,
                "date": row.key if calendar else None,
                "steps": [[step.measure.pk for step in cell] for cell in row.cells],
            }
            for row in data["rows"]
        ],
    }


@extend_schema(
    parameters=[
        OpenApiParameter(
            "d",
            OpenApiTypes.STR,
            many=True,
            required=True,
            explode=True,
            description="A dispute slug, given two or three times (`?d=canada-china&d=eu-china-ev`), each once.",
        ),
        OpenApiParameter(
            "align",
            OpenApiTypes.STR,
            enum=Alignment.values,
            description="`day0` (the default): steps lined up on each dispute's first announcement; "
            "`calendar`: on dates.",
        ),
    ],
    responses={200: ComparisonSerializer},
)
class CompareView(ConditionalGetMixin, APIView):
    """Two or three disputes side by side: escalation steps, first rates, days from a measure to its answers (a
    measure that retaliates against it or responds to it) and their median per dispute."""

    permission_classes = [AllowAny]
    renderer_classes = [FastJSONRenderer]
    history_models = (Dispute, DisputeParty, Actor, Measure, RatePeriod, MeasureLink)

    def validators(self, request):
        """The shared validators, told apart by the order of ``d`` too (it orders the answer)."""
        etag, changed = super().validators(request)
        order = hashlib.sha256("\n".join(request.query_params.getlist("d")).encode()).hexdigest()[:8]
        return f'{etag[:-1]}-{order}"', changed

    def get(self, request):
        return self.conditional(request, lambda: self.comparison(request))

    def comparison(self, request):
        disputes = {dispute.slug: dispute for dispute in every_dispute()}
        params = CompareParameters(data=request.query_params, known=disputes)
        params.is_valid(raise_exception=True)
        picked = [disputes[slug] for slug in params.validated_data["d"]]
        data = comparison(picked, params.validated_data["align"])
        document = comparison_document(data, request.build_absolute_uri)
        return Response(ComparisonSerializer(document).data)
