"""The first case as every test finds it: loaded once per run (per worker), and put back after a test that
empties the database.

Tests that need committed data (``transaction=True``, the live server of the browser tests) end by emptying every
table. In one process pytest-django runs them after the others; with several workers (pytest-xdist) a worker may
run them before other tests, so after each one the first case is copied back (PostgreSQL COPY of the rows taken
after its first load: a fraction of a second) or, on SQLite, loaded again through the services.
"""

import contextlib
import io

#: The first case's rows, table by table, taken after its first full load in this process.
_ROWS: dict[str, bytes] = {}
APPS = ("disputes_", "tariffs_", "timelines_")


@contextlib.contextmanager
def _plain_wait():
    """psycopg2's COPY refuses the wait callback that bounds the app's waits (tradewatch/db_timeouts.py): lift it."""
    import psycopg2.extensions

    callback = psycopg2.extensions.get_wait_callback()
    psycopg2.extensions.set_wait_callback(None)
    try:
        yield
    finally:
        psycopg2.extensions.set_wait_callback(callback)


def load() -> None:
    """Load the first case through the services, build its timeline and, on PostgreSQL, keep a copy of its rows."""
    from django.db import connection
    from django.utils import timezone

    from exchange.dataset_loader import load_dataset
    from timelines.services import refresh_disputes

    load_dataset("canada-china")
    refresh_disputes(today=timezone.localdate())
    if connection.vendor == "postgresql":
        tables = [t for t in connection.introspection.django_table_names(only_existing=True) if t.startswith(APPS)]
        with _plain_wait(), connection.cursor() as cursor:
            for table in tables:
                buffer = io.BytesIO()
                cursor.copy_expert(f'COPY "{table}" TO STDOUT', buffer)
                _ROWS[table] = buffer.getvalue()


def ensure_loaded() -> None:
    """The first case in the database: left as it is when there, copied back (or loaded) when a test emptied it."""
    from django.db import connection, transaction

    from core import data_version
    from disputes.models import Dispute

    if Dispute.objects.filter(slug="canada-china").exists():
        return
    if connection.vendor != "postgresql" or not _ROWS:
        load()
        return
    # Foreign keys are checked at commit (Django makes them deferrable), so the tables may come back in any order.
    with _plain_wait(), transaction.atomic(), connection.cursor() as cursor:
        for table, rows in _ROWS.items():
            cursor.copy_expert(f'COPY "{table}" FROM STDIN', io.BytesIO(rows))
    data_version.bump()  # no history row was written: say the data changed, as a load would
