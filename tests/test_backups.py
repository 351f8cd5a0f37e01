"""`make backup` dumps the database and `make restore` brings every row back into an empty one."""

import os
import subprocess
from pathlib import Path

import psycopg2
import pytest
from django.apps import apps
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
TARGET = "tw_restore_test"


def url(name: str) -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{name}"


def admin(sql: str):
    db = connection.settings_dict
    conn = psycopg2.connect(host=db["HOST"], port=db["PORT"], user=db["USER"], dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(sql)
    conn.close()


def row_counts(database: str) -> dict[str, int]:
    db = connection.settings_dict
    conn = psycopg2.connect(host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=database)
    counts = {}
    with conn.cursor() as cursor:
        for model in apps.get_models():
            cursor.execute(f'SELECT count(*) FROM "{model._meta.db_table}"')  # noqa: S608
            counts[model._meta.db_table] = cursor.fetchone()[0]
    conn.close()
    return counts


def make(target: str, database: str, **variables) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url(database)}
    arguments = [f"{k}={v}" for k, v in variables.items()]
    return subprocess.run(  # noqa: S603
        ["make", "-s", target, *arguments], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_a_dump_restores_into_an_empty_database_with_every_row(tmp_path):
    from django.utils import timezone

    from exchange.dataset_loader import load_dataset
    from timelines.services import refresh_disputes

    load_dataset("canada-china")  # committed: transactional test
    refresh_disputes(today=timezone.localdate())
    source = connection.settings_dict["NAME"]
    expected = row_counts(source)
    assert expected["disputes_event"] > 90 and expected["timelines_timelineentry"] > 100

    dump = tmp_path / "tradewatch.dump"
    backup = make("backup", source, FILE=dump)
    assert backup.returncode == 0, backup.stderr
    assert dump.stat().st_size > 10_000

    admin(f"DROP DATABASE IF EXISTS {TARGET}")
    admin(f"CREATE DATABASE {TARGET}")
    try:
        restore = make("restore", TARGET, FILE=dump)
        assert restore.returncode == 0, restore.stderr
        assert row_counts(TARGET) == expected
    finally:
        admin(f"DROP DATABASE IF EXISTS {TARGET} WITH (FORCE)")


def test_restore_refuses_a_missing_file():
    result = make("restore", connection.settings_dict["NAME"], FILE="/nonexistent.dump")
    assert result.returncode != 0 and "no such dump" in result.stderr
