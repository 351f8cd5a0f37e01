"""The fast list path returns exactly what the serializers would, for the same page, field for field."""

import datetime as dt

import orjson
import pytest
from django.core.exceptions import ImproperlyConfigured
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from core.api.rows import RowShape
from disputes.api.rows import EVENT_SHAPE
from disputes.api.serializers import EventSerializer
from disputes.api.views import EventViewSet
from disputes.models import Event
from tariffs.api.serializers import MeasureOnDateSerializer, MeasureSerializer
from tariffs.api.views import MeasureViewSet
from tariffs.models import Measure

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


def detail(viewset_class, pk, query: dict | None = None, *, fast: bool = True) -> tuple[int, dict]:
    """A record's detail as the viewset answers it: from its list row (``detail_rows``), or by its serializer."""
    viewset_class = viewset_class if fast else type("Slow", (viewset_class,), {"detail_rows": None})
    view = viewset_class.as_view({"get": "retrieve"})
    response = view(APIRequestFactory().get(f"/api/v1/x/{pk}/", query or {}), pk=pk)
    response.render()
    return response.status_code, orjson.loads(response.content)


@pytest.mark.parametrize(
    ("viewset_class", "model", "query"),
    [(EventViewSet, Event, {}), (MeasureViewSet, Measure, {}), (MeasureViewSet, Measure, {"lang": "fr"})],
)
def test_every_fast_detail_equals_the_serializer_output(viewset_class, model, query):
    ids = list(model.objects.values_list("pk", flat=True))
    assert len(ids) > 10
    for pk in ids:
        assert detail(viewset_class, pk, query) == detail(viewset_class, pk, query, fast=False), pk


def test_a_fast_measure_detail_lists_its_exemptions_with_their_sources_as_the_serializer(canada_china):
    from tariffs.services import measure_save
    from tests.factories import SourceFactory

    sources = [SourceFactory(title="Remission order"), SourceFactory(title="Customs notice")]
    measure = Measure.objects.filter(dispute=canada_china).order_by("id").first()
    exemptions = [
        {"kind": "remission", "description": "Goods for a named project", "valid_from": dt.date(2024, 11, 1),
         "valid_to": None, "instrument": "Remission order", "citations": [{"source": s} for s in sources]},
        {"kind": "in_transit", "description": "Goods in transit", "valid_from": dt.date(2024, 10, 15),
         "valid_to": dt.date(2024, 11, 30), "instrument": "Notice", "citations": [{"source": sources[1]}],
         "description_fr": "Marchandises en transit"},
    ]  # fmt: skip
    measure_save(measure=measure, exemptions=exemptions, today=dt.date(2025, 1, 1))
    for query in ({}, {"lang": "fr"}):
        status, fast = detail(MeasureViewSet, measure.pk, query)
        assert (status, fast) == detail(MeasureViewSet, measure.pk, query, fast=False)
        assert [e["kind"] for e in fast["exemptions"]] == ["in_transit", "remission"]  # by start, as the model orders
        assert [len(e["sources"]) for e in fast["exemptions"]] == [1, 2]


@pytest.mark.parametrize(
    ("pk", "query"),
    [(10**9, {}), ("abc", {}), ("1.5", {}), (None, {"in_force_on": "1990-01-01"}), (None, {"in_force_on": "soon"})],
)
def test_a_fast_detail_refuses_what_the_serializer_path_refuses(canada_china, pk, query):
    """An unknown id, an id that is not one, a filter the record fails or a bad filter value: the same 404 or 400."""
    pk = pk if pk is not None else Measure.objects.filter(dispute=canada_china).order_by("id").first().pk
    status, body = detail(MeasureViewSet, pk, query)
    assert (status, body) == detail(MeasureViewSet, pk, query, fast=False)
    assert status in (400, 404) and body


def test_a_detail_is_built_by_its_serializer_when_a_permission_checks_the_object(canada_china, monkeypatch):
    from rest_framework.permissions import AllowAny

    class Checked(AllowAny):
        def has_object_permission(self, request, view, obj):
            return obj.pk % 2 == 0

    measures = list(Measure.objects.filter(dispute=canada_china).order_by("id")[:2])
    monkeypatch.setattr(MeasureViewSet, "permission_classes", [Checked])
    statuses = {measure.pk % 2: detail(MeasureViewSet, measure.pk)[0] for measure in measures}
    assert statuses == {0: 200, 1: 401}  # refused (to an anonymous reader: 401)
