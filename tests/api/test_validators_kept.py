"""A list's validators (ETag, Last-Modified) are kept until the data changes, and change as soon as it does."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def get(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    asked = any("MAX(history_date)" in q["sql"] for q in captured.captured_queries)
    return response, asked


def test_the_last_change_is_read_once_per_data_version_and_an_edit_gives_new_validators(client):
    event = EventFactory(title="Talks")
    first, asked_first = get(client, "/api/v1/events/?kind=statement")
    again, asked_again = get(client, "/api/v1/events/?kind=leader_call")
    assert asked_first and not asked_again
    assert again["Last-Modified"] == first["Last-Modified"]
    assert client.get("/api/v1/events/?kind=statement", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304

    event.title = "Talks resumed"
    event.save()
    edited, asked_edited = get(client, "/api/v1/events/?kind=statement")
    assert asked_edited and edited["ETag"] != first["ETag"]
    assert client.get("/api/v1/events/?kind=statement", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200
