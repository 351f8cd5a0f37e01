"""Operations: health endpoints, production settings, the compose file."""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from django.test import override_settings

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db


def test_healthz_says_the_process_is_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_checks_the_database_and_the_broker(client):
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json()["checks"]["database"] == "up"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.redis
def test_readyz_reports_a_stopped_redis(client):
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [
            shutil.which("redis-server") or "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],  # fmt: skip
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with override_settings(CELERY_BROKER_URL=f"redis://127.0.0.1:{port}/0"):
            deadline = time.monotonic() + 10
            while client.get("/readyz").status_code != 200 and time.monotonic() < deadline:
                time.sleep(0.1)
            assert client.get("/readyz").json()["checks"]["broker"] == "up"
            server.terminate()
            server.wait(timeout=10)
            response = client.get("/readyz")
    finally:
        if server.poll() is None:
            server.kill()
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "up", "broker": "down"},
        "down": ["broker"],
    }


def production_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "CELERY_"))}
    env.update(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="a-long-production-secret-key-with-enough-entropy-0123456789abcdef",
        DJANGO_ALLOWED_HOSTS="tradewatch.example.org",
        **extra,
    )
    return env


def test_the_deployment_checklist_is_clean_in_production():
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=production_env(), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_logs_are_json_lines():
    script = "import logging; logging.getLogger('tradewatch').warning('hello %s', 'world')"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", script],
        cwd=ROOT, env=production_env(), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    import json

    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert line["level"] == "WARNING" and line["message"] == "hello world" and line["logger"] == "tradewatch"


def test_pages_carry_a_content_security_policy(client):
    policy = client.get("/en/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "unsafe-eval" not in policy


def test_the_compose_file_runs_the_five_services_with_healthchecks():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)
    for name in ("postgres", "redis", "web", "worker", "beat"):
        assert "healthcheck" in services[name] or "healthcheck" in compose.get("x-django", {}), name
    assert services["web"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert "pgdata" in compose["volumes"]
    # One shared cache: an edit in any process makes every kept answer stale (tradewatch/response_cache.py).
    caches = {services[name]["environment"].get("REDIS_CACHE_URL") for name in ("migrate", "web", "worker", "beat")}
    assert len(caches) == 1 and caches.pop().startswith("redis://cache:")
    # …in a Redis of its own that evicts old keys when full, never the task queue's.
    assert "allkeys-lru" in services["cache"]["command"] and "healthcheck" in services["cache"]
    assert "allkeys-lru" not in str(services["redis"].get("command", ""))


def test_the_env_example_lists_every_variable_the_settings_read():
    settings_source = (ROOT / "tradewatch" / "settings.py").read_text()
    read = set(re.findall(r"""env(?:\.\w+|_bool)\(\s*["']([A-Z_]+)["']""", settings_source))
    listed = set(re.findall(r"^#?\s*([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    assert len(read) > 20
    assert read <= listed, sorted(read - listed)
