"""Bounded waits on PostgreSQL, even against a server that accepts TCP but never answers.

libpq's ``connect_timeout`` bounds opening a connection and ``statement_timeout`` lets the server
cancel a long statement, but nothing bounds a statement on an open connection to a frozen server
(a stopped or hung postmaster and backends): its kernel still acknowledges every byte, so TCP
keepalives and ``tcp_user_timeout`` see a healthy peer, the server cannot enforce its own timeout,
and libpq waits forever. psycopg2 lets the application do the waiting (a "wait callback"); this one
waits like libpq, but

- gives up opening a connection after the connection's ``connect_timeout``;
- after ``answer_timeout`` seconds without an answer, checks that the server still answers a new
  connection (an SSLRequest, which needs no credentials); if it does not within a second, the
  statement fails with ``OperationalError`` (and psycopg2 closes the connection). A slow statement
  on a live server keeps waiting, until its ``statement_timeout``;
- inside ``bounded_waits(seconds)`` gives up on any wait after ``seconds`` (the readiness check).
"""

from __future__ import annotations

import contextlib
import contextvars
import select
import socket
import struct
import time

import psycopg2
from psycopg2 import extensions

# The first message of a PostgreSQL connection asking for TLS; a live server answers one byte.
SSL_REQUEST = struct.pack("!ii", 8, 80877103)
PROBE_TIMEOUT = 1.0

_answer_timeout = 2.0
_limit: contextvars.ContextVar[float | None] = contextvars.ContextVar("database_wait_limit", default=None)


def install(*, answer_timeout: float) -> None:
    """Make every psycopg2 connection of this process wait through ``wait_for_answer``."""
    global _answer_timeout
    _answer_timeout = answer_timeout
    extensions.set_wait_callback(wait_for_answer)


@contextlib.contextmanager
def bounded_waits(seconds: float):
    """Within this block, any wait for PostgreSQL (connecting included) fails after ``seconds``."""
    token = _limit.set(seconds)
    try:
        yield
    finally:
        _limit.reset(token)


def server_answers(host: str, port: int | str, timeout: float = PROBE_TIMEOUT) -> bool:
    """True when the PostgreSQL server at host:port answers the first message of a new connection."""
    try:
        if host.startswith("/"):  # a Unix socket directory
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(timeout)
            sock.connect(f"{host}/.s.PGSQL.{port}")
        else:
            sock = socket.create_connection((host, int(port)), timeout=timeout)
        with sock:
            sock.settimeout(timeout)
            sock.sendall(SSL_REQUEST)
            return sock.recv(1) != b""
    except OSError:
        return False


def wait_for_answer(conn) -> None:
    """psycopg2 wait callback: poll ``conn`` until its operation completes, within the bounds above."""
    started = time.monotonic()
    limit = _limit.get()
    if conn.status == extensions.STATUS_SETUP:  # still connecting: libpq leaves the timeout to us
        connect_timeout = float(conn.info.dsn_parameters.get("connect_timeout") or 0)
        if connect_timeout > 0:
            limit = connect_timeout if limit is None else min(limit, connect_timeout)
    check_at = started + _answer_timeout
    poller = select.poll()
    while True:
        state = conn.poll()
        if state == extensions.POLL_OK:
            return
        now = time.monotonic()
        if limit is not None and now - started >= limit:
            raise psycopg2.OperationalError(f"PostgreSQL did not answer within {limit:g} s")
        if now >= check_at:
            if not server_answers(conn.info.host, conn.info.port):
                raise psycopg2.OperationalError(
                    f"PostgreSQL has not answered for {now - started:.1f} s and does not answer new connections"
                )
            check_at = time.monotonic() + _answer_timeout
        wake_at = check_at if limit is None else min(check_at, started + limit)
        events = select.POLLIN if state == extensions.POLL_READ else select.POLLOUT
        poller.register(conn.fileno(), events)
        poller.poll(max(0.0, wake_at - time.monotonic()) * 1000)
        poller.unregister(conn.fileno())
