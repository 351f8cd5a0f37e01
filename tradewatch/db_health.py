"""A kept PostgreSQL connection is checked at the start of each request and task without a round trip.

Django's own check (``CONN_HEALTH_CHECKS``) runs ``SELECT 1`` before a request's first statement: one round trip
in three of a short API read. A server that closes a connection (a restart, ``pg_terminate_backend``, an idle
timeout) says so on the socket (a last error message, then the end of the stream), so a connection whose socket has
anything to read before the request has sent a statement, or that psycopg2 knows closed, is closed here and the
request opens a new one. A host that vanished without a word is caught as before, by the bounded waits of
``tradewatch/db_timeouts.py``; after a request's error Django still runs its ``SELECT 1`` before keeping the
connection.
"""

import select

from django.db import connections


def hung_up(raw) -> bool:
    """Whether the server closed the psycopg2 connection ``raw`` (or said something unasked) while it was idle."""
    if raw.closed:
        return True
    try:
        poller = select.poll()
        poller.register(raw.fileno(), select.POLLIN | select.POLLPRI)
        return bool(poller.poll(0))
    except (OSError, ValueError):
        return True


def close_if_server_hung_up(**kwargs) -> None:
    """Close each kept PostgreSQL connection of this thread that the server closed (a signal receiver)."""
    for connection in connections.all(initialized_only=True):
        raw = connection.connection
        if connection.vendor == "postgresql" and raw is not None and not connection.in_atomic_block and hung_up(raw):
            connection.close()
