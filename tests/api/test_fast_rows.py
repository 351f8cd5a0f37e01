"""The fast list path returns exactly what the serializers would, for the same page."""

import orjson
import pytest
from rest_framework.test import APIRequestFactory

from disputes.api.views import EventViewSet
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
