"""Statements PREPAREd once per PostgreSQL connection (core.api.prepared.ServerStatement) answer as the same
statement run directly, on every connection, and one PostgreSQL refuses to prepare still runs."""

import logging

import pytest
from django.db import connection

from core.api.prepared import ServerStatement, Slot, _prepared_on

pytestmark = pytest.mark.postgres

SQL = "SELECT %s || ' ' || slug || ' 100%%', id FROM disputes_actor WHERE id = ANY(%s) ORDER BY id"


def _direct(fixed: str, ids: list[int]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(SQL, [fixed, ids])
        return cursor.fetchall()


def _prepared_names() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db
def test_a_prepared_statement_answers_as_the_statement_run_directly(canada_china):
    fixed = "it's 'quoted' and 50%"  # a fixed value is written into the statement: quotes and percents stay text
    statement = ServerStatement(SQL, [fixed, Slot(0)], ("bigint[]",))
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM disputes_actor ORDER BY id LIMIT 4")
        ids = [row[0] for row in cursor.fetchall()]
    first = statement.rows(connection, [ids])
    assert first == _direct(fixed, ids) and len(first) == 4
    assert first[0][0].startswith("it's 'quoted' and 50% ") and first[0][0].endswith(" 100%")
    assert statement.rows(connection, [ids[:1]]) == _direct(fixed, ids[:1])
    assert statement.rows(connection, [[]]) == []
    assert statement.name in _prepared_names()


@pytest.mark.django_db(transaction=True)
def test_each_new_connection_prepares_again_and_a_refused_statement_runs_as_it_is(caplog):
    statement = ServerStatement("SELECT %s::int + 1", [Slot(0)], ("integer",))
    assert statement.rows(connection, [41]) == [(42,)]
    connection.close()  # as CONN_MAX_AGE ends a connection: the next one has no prepared statements
    assert statement.name not in _prepared_names()
    assert statement.rows(connection, [1]) == [(2,)]
    assert statement.name in _prepared_names()
    assert statement.name in _prepared_on[connection.connection]

    refused = ServerStatement("SELECT %s", [Slot(0)], ("no_such_type",))
    with caplog.at_level(logging.ERROR, logger="core.api.prepared"):
        assert refused.rows(connection, ["still answered"]) == [("still answered",)]
    assert "refused to prepare" in caplog.text
    assert refused.rows(connection, ["again"]) == [("again",)]
