"""Values remembered per data version (core.data_version.remembered): an actor a filter names is looked up once,
and a change to the actors is seen by the next read."""

import pytest
from django.db import transaction

from core import data_version
from disputes.services import actor_save


def test_nothing_is_remembered_inside_a_transaction(db):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    with transaction.atomic():
        assert data_version.remembered(("test", "inside"), compute) == 1  # a transaction may see uncommitted rows
        assert data_version.remembered(("test", "inside"), compute) == 2


@pytest.mark.django_db(transaction=True)
def test_a_value_is_computed_once_per_data_version_and_an_actor_filter_sees_changes_at_once(client):
    calls = []

    def compute():
        calls.append(1)
        return "value"

    assert data_version.remembered(("test", "outside"), compute) == "value"
    assert data_version.remembered(("test", "outside"), compute) == "value"
    assert len(calls) == 1
    data_version.bump()
    assert data_version.remembered(("test", "outside"), compute) == "value"
    assert len(calls) == 2

    unknown = client.get("/api/v1/events/", {"actor": "kelp-board"}, HTTP_COOKIE="sessionid=nobody-at-all")
    assert unknown.status_code == 400 and "actor" in unknown.json()["errors"][0]["attr"]
    board = actor_save(values={"name": "Kelp Board", "slug": "kelp-board", "kind": "government_body", "country": "CA"})
    known = client.get("/api/v1/events/", {"actor": "kelp-board"}, HTTP_COOKIE="sessionid=nobody-at-all")
    assert known.status_code == 200 and known.json()["count"] == 0
    actor_save(actor=board, values={"slug": "seaweed-board"})
    renamed = client.get("/api/v1/events/", {"actor": "kelp-board"}, HTTP_COOKIE="sessionid=nobody-at-all")
    assert renamed.status_code == 400
    assert client.get("/api/v1/events/", {"actor": "seaweed-board"}).status_code == 200
