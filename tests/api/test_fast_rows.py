"""The fast list path returns exactly what the serializers would, for the same page, field for field."""

import orjson
import pytest
from django.core.exceptions import ImproperlyConfigured
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from core.api.rows import RowShape
from disputes.api.rows import EVENT_SHAPE
from disputes.api.serializers import EventSerializer
from disputes.api.views import EventViewSet
from tariffs.api.serializers import MeasureOnDateSerializer, MeasureSerializer
from tariffs.api.views import MeasureViewSet

pytestmark = pytest.mark.django_db


def serializer_page(viewset_class, query: dict):
    """The page the DRF serializers produce (the slow path), rendered and parsed back."""
    slow = type("Slow", (viewset_class,), {"list_rows": None})
    response = slow.as_view({"get": "list"})(APIRequestFactory().get("/api/v1/x/", {**query, "limit": 500}))
    response.render()
    return orjson.loads(response.content)["results"]


@pytest.mark.parametrize(
    ("url", "viewset", "query"),
    [
        ("/api/v1/events/", EventViewSet, {}),
        ("/api/v1/events/", EventViewSet, {"q": "canola"}),
        ("/api/v1/measures/", MeasureViewSet, {}),
        ("/api/v1/measures/", MeasureViewSet, {"in_force_on": "2026-06-01"}),
    ],
)
def test_fast_rows_equal_the_serializer_output(client, url, viewset, query):
    fast = client.get(url, {**query, "limit": 500}).json()["results"]
    slow = serializer_page(viewset, query)
    assert len(fast) == len(slow) > 0
    assert fast == slow


@pytest.mark.parametrize(
    ("url", "viewset", "serializer_class", "query"),
    [
        ("/api/v1/events/", EventViewSet, EventSerializer, {}),
        ("/api/v1/measures/", MeasureViewSet, MeasureSerializer, {}),
        ("/api/v1/measures/", MeasureViewSet, MeasureOnDateSerializer, {"on": "2025-04-01"}),
    ],
)
def test_a_fast_row_has_every_field_of_the_serializer_and_no_other(client, url, viewset, serializer_class, query):
    """A field added to the serializer and not to the fast rows (or the reverse) fails here, naming it."""
    fast = client.get(url, {**query, "limit": 1}).json()["results"][0]
    slow = serializer_page(viewset, query)[0]
    assert fast["id"] == slow["id"]
    fields = set(serializer_class().fields)
    assert set(slow) == fields
    assert {"missing from the fast row": fields - set(fast), "not in the serializer": set(fast) - fields} == {
        "missing from the fast row": set(),
        "not in the serializer": set(),
    }


class EventWithFlagSerializer(EventSerializer):
    flagged = serializers.BooleanField(default=False)

    class Meta(EventSerializer.Meta):
        fields = [*EventSerializer.Meta.fields, "flagged"]


def test_fast_rows_refuse_a_serializer_field_they_have_no_builder_for():
    shape = RowShape(EventWithFlagSerializer, EVENT_SHAPE.builders)
    with pytest.raises(ImproperlyConfigured, match=r"lack \['flagged'\]"):
        shape.build({}, {})


def test_fast_rows_refuse_a_builder_for_a_field_the_serializer_lacks():
    shape = RowShape(EventSerializer, {**EVENT_SHAPE.builders, "flagged": lambda row, page: False})
    with pytest.raises(ImproperlyConfigured, match=r"have \['flagged'\]"):
        shape.build({}, {})


def test_the_fast_rows_follow_the_serializer_field_order(client):
    fast = client.get("/api/v1/events/", {"limit": 1}).json()["results"][0]
    assert list(fast) == list(EventSerializer().fields)
