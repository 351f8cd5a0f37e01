"""A kept PostgreSQL connection the server closed is replaced before a request uses it (tradewatch/db_health.py)."""

import time

import psycopg2
import pytest
from django.core.signals import request_started
from django.db import connection

from tradewatch import db_health

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

URL = "/api/v1/events/?limit=1"


def terminate(pid: int) -> None:
    """End the server process of connection ``pid`` from another connection, and wait until its client can tell."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    with psycopg2.connect(**params) as admin, admin.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    admin.close()
    deadline = time.monotonic() + 5
    while not db_health.hung_up(connection.connection) and time.monotonic() < deadline:
        time.sleep(0.01)


def test_a_connection_the_server_closed_is_replaced_and_the_request_answers(client):
    assert client.get(URL).status_code == 200
    pid = connection.connection.info.backend_pid
    assert client.get(URL).status_code == 200
    assert connection.connection.info.backend_pid == pid  # kept across requests, as in production
    assert not db_health.hung_up(connection.connection)  # a healthy idle connection is kept

    terminate(pid)
    assert db_health.hung_up(connection.connection)
    assert client.get(URL).status_code == 200
    assert connection.connection.info.backend_pid != pid


def test_without_the_check_the_first_request_on_a_closed_connection_fails(client):
    client.raise_request_exception = False  # the answer a reader gets, not the error behind it
    assert client.get(URL).status_code == 200
    request_started.disconnect(dispatch_uid="tradewatch.db_health")
    try:
        terminate(connection.connection.info.backend_pid)
        assert client.get(URL).status_code == 503  # what the check spares a reader after a database restart
    finally:
        request_started.connect(db_health.close_if_server_hung_up, dispatch_uid="tradewatch.db_health")
    assert client.get(URL).status_code == 200


def test_a_task_starting_on_a_closed_connection_opens_a_new_one(canada_china):
    from timelines.tasks import refresh_dispute_timeline

    assert connection.ensure_connection() is None and not connection.in_atomic_block
    pid = connection.connection.info.backend_pid
    terminate(pid)
    result = refresh_dispute_timeline.apply(args=[canada_china.pk])  # run here, with the task's signals
    assert result.successful(), result.traceback
    assert connection.connection.info.backend_pid != pid
