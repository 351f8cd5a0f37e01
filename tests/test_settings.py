"""Settings come from the environment, default to the embedded set-up, and fail loudly on bad values."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_settings(env_overrides: dict, expression: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_DEBUG")}
    env.update(env_overrides)
    env["DJANGO_SETTINGS_MODULE"] = "tradewatch.settings"
    code = f"import django; django.setup(); from django.conf import settings; print(repr(({expression})))"
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_with_no_environment_the_app_runs_on_sqlite_with_in_process_tasks():
    result = run_settings({}, "settings.DATABASES['default']['ENGINE'], settings.CELERY_TASK_ALWAYS_EAGER")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "('django.db.backends.sqlite3', True)"


def test_database_and_broker_urls_switch_to_postgresql_and_redis():
    result = run_settings(
        {"DATABASE_URL": "postgres://u@db.example:5432/tw", "CELERY_BROKER_URL": "redis://cache.example:6379/0"},
        "settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['HOST'], "
        "settings.CELERY_TASK_ALWAYS_EAGER",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "('django.db.backends.postgresql', 'db.example', False)"


@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        ({"DATABASE_URL": "mysql://u@h/db"}, "DATABASE_URL must point to PostgreSQL or SQLite"),
        ({"CELERY_BROKER_URL": "amqp://guest@localhost//"}, "CELERY_BROKER_URL must be a redis://"),
        ({"DJANGO_DEBUG": "perhaps"}, "perhaps"),
        ({"DJANGO_DEBUG": "false"}, "DJANGO_SECRET_KEY must be set"),
        ({"API_ANON_READ_RATE": "lots"}, "API_ANON_READ_RATE must be a rate such as 300/minute"),
        ({"API_WRITE_RATE": "0/minute"}, "API_WRITE_RATE must be a rate"),
        ({"TRUSTED_PROXY_COUNT": "-1"}, "TRUSTED_PROXY_COUNT must be 0"),
        ({"LOGIN_FAILURE_LIMIT": "0"}, "LOGIN_FAILURE_LIMIT must be a number"),
        ({"LOGIN_LOCKOUT_MINUTES": "0"}, "LOGIN_LOCKOUT_MINUTES must be a number"),
        ({"PREPARED_READS_CHECK": "sometimes"}, "PREPARED_READS_CHECK must be first, every or off"),
    ],
)
def test_malformed_values_stop_the_app_at_start_up(env, complaint):
    result = run_settings(env, "'started'")
    assert result.returncode != 0
    assert complaint in result.stderr


def test_throttle_rates_come_from_the_environment_and_off_turns_a_throttle_off():
    result = run_settings(
        {"API_ANON_READ_RATE": "off", "API_WRITE_RATE": "10/hour"}, "settings.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "{'anon_read': None, 'write': '10/hour'}"
