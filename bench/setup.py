"""What every benchmark does around Django: choose the database, start Django, tidy up.

Call :func:`start_django` before importing anything that needs Django. Without ``DATABASE_URL`` the
benchmarks use a dedicated database, ``tradewatch_bench`` (created if missing), which they may empty.
"""

from __future__ import annotations

import json
import os
import platform
import secrets
from pathlib import Path

BENCH_DB = "tradewatch_bench"
SERVER_URL = os.environ.get("BENCH_SERVER_URL", "postgres://postgres@127.0.0.1:5432/")
BENCH_APPS = ("disputes", "tariffs", "timelines")
GENERATED_SLUG = r"^bench-[0-9]+-[0-9a-f]{6}$"


def _ensure_database(server_url: str, name: str) -> None:
    """Create database ``name`` on the server if it does not exist yet."""
    import psycopg2
    from psycopg2 import sql

    conn = psycopg2.connect(server_url + "postgres")
    try:
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        conn.close()


def start_django(**defaults: str) -> None:
    """Set the benchmark environment (plus ``defaults`` where unset) and start Django."""
    # No broker: any task would run in-process (none should be sent: generation uses bulk_create).
    os.environ["CELERY_BROKER_URL"] = ""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tradewatch.settings")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")  # keep log lines out of the tables
    # Production-like: without DEBUG, Django does not record every statement (CaptureQueriesContext still does).
    os.environ.setdefault("DJANGO_DEBUG", "false")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-" + secrets.token_urlsafe(40))
    for name, value in defaults.items():
        os.environ.setdefault(name, value)
    if not os.environ.get("DATABASE_URL"):
        _ensure_database(SERVER_URL, BENCH_DB)
        os.environ["DATABASE_URL"] = SERVER_URL + BENCH_DB

    import django

    django.setup()


def checked_database(allow_any_db: bool) -> bool | None:
    """Whether the connected database is the dedicated bench one; None, having said why, when a benchmark must not
    run on it (it is not PostgreSQL, or it is another database and ``--allow-any-db`` was not given)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        print("The benchmark needs PostgreSQL: unset DATABASE_URL (to use tradewatch_bench) or point it at PostgreSQL.")
        return None
    name = connection.settings_dict["NAME"]
    dedicated = name == BENCH_DB
    if not dedicated and not allow_any_db:
        print(f"Refusing to run on database {name!r}: use {BENCH_DB} (unset DATABASE_URL) or pass --allow-any-db.")
        return None
    return dedicated


def truncate_bench_tables() -> None:
    """Empty every table of the domain apps (dedicated bench database only)."""
    from django.apps import apps
    from django.db import connection

    tables = sorted(
        {
            model._meta.db_table
            for label in BENCH_APPS
            for model in apps.get_app_config(label).get_models(include_auto_created=True)
        }
    )
    names = ", ".join(connection.ops.quote_name(t) for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


def clean_start(dedicated: bool) -> None:
    from bench.generate import delete_generated
    from disputes.models import Dispute

    if dedicated:
        truncate_bench_tables()
    else:  # someone else's database: remove only what an earlier bench run left behind
        delete_generated(Dispute.objects.filter(slug__regex=GENERATED_SLUG).values_list("pk", flat=True))


def vacuum(*models) -> None:
    """VACUUM ANALYZE the tables of ``models``: fresh statistics, visibility map set."""
    from django.db import connection

    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def environment(**extra) -> dict:
    """Versions and machine, recorded beside the figures."""
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    return {
        "python": platform.python_version(),
        "django": django.get_version(),
        **extra,
        "postgresql": server,
        "database": connection.settings_dict["NAME"],
        "machine": platform.platform(),
        "cpu_count": os.cpu_count(),
    }


def event_sizes(text: str) -> list[int]:
    """The event counts of ``--sizes`` ("10000,100_000"), in order, each once."""
    return sorted({int(s.replace("_", "")) for s in text.split(",") if s.strip()})


def allow_host(host: str) -> None:
    """Let in-process requests name ``host`` (the test client's) under production settings."""
    from django.conf import settings

    if host not in settings.ALLOWED_HOSTS and "*" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, host]


def write_results(path: Path, report: dict) -> None:
    """Write a benchmark's ``report`` as JSON to ``path`` and say where."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"results written to {path}")
