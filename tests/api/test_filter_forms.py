"""The list endpoints build each FilterSet's form class once, and still validate every request on its own."""

import pytest

from core.api.viewsets import with_form_class_kept
from disputes.filters import EventFilter

pytestmark = pytest.mark.django_db


def test_the_events_filter_form_class_is_built_once_and_bad_values_are_still_a_400_naming_them(client):
    assert client.get("/api/v1/events/?kind=statement").status_code == 200
    kept = with_form_class_kept(EventFilter)._kept_form_class
    bad = client.get("/api/v1/events/?date_after=soon")
    assert bad.status_code == 400 and "date_after" in bad.content.decode()
    good = client.get("/api/v1/events/?date_after=2025-01-01&kind=statement")
    assert good.status_code == 200 and all(row["kind"] == "statement" for row in good.json()["results"])
    assert with_form_class_kept(EventFilter)._kept_form_class is kept
    assert with_form_class_kept(EventFilter).__name__ == "EventFilter"
