"""`make stack` runs the production processes (gunicorn, a Celery worker, beat) against the real
PostgreSQL and Redis: it serves a page, an API list and a hashed static file, and its worker
refreshes a timeline after an edit; the answers it keeps in the shared cache go stale at once on an edit."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psycopg2
import pytest
import redis
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.postgres, pytest.mark.redis]
DATABASE = "tw_stack_test"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def server_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}"


def cache_url() -> str:
    """A Redis database of its own for the stack's shared cache, emptied before each run."""
    return settings.CELERY_BROKER_URL.rsplit("/", 1)[0] + "/4"


def drop_database():
    db = connection.settings_dict
    admin = psycopg2.connect(host=db["HOST"], port=db["PORT"], user=db["USER"], dbname="postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    admin.close()


@pytest.fixture
def stack(tmp_path):
    drop_database()
    redis.Redis.from_url(cache_url()).flushdb()
    port = free_port()
    log = tmp_path / "stack.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    command = ["make", "stack", f"PORT={port}", f"STACK_DATABASE_URL={server_url()}/{DATABASE}",
               f"STACK_BROKER_URL={settings.CELERY_BROKER_URL}", f"STACK_CACHE_URL={cache_url()}"]  # fmt: skip
    with log.open("w") as out:
        process = subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        try:
            if get(f"{base}/readyz")[0] == 200 and "ready." in log.read_text():
                break
        except OSError:
            pass
        assert process.poll() is None, log.read_text()[-3000:]
        time.sleep(0.5)
    else:
        pytest.fail("the stack did not become ready:\n" + log.read_text()[-3000:])
    yield base
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
    drop_database()


def test_the_stack_serves_pages_the_api_and_static_files_and_its_worker_refreshes(stack):
    status, page = get(f"{stack}/en/disputes/canada-china/")
    assert status == 200 and "Canada–China trade dispute" in page
    status, events = get(f"{stack}/api/v1/events/?limit=5")
    assert status == 200 and '"count":' in events
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]+\.css)"', page).group(1)  # hashed by the manifest
    assert get(f"{stack}{stylesheet}")[0] == 200
    everything = f"{stack}/api/v1/events/?limit=500"
    assert "Edited while the stack runs" not in get(everything)[1]  # now kept in the shared cache

    edit = (
        "from disputes.models import Event\n"
        "event = Event.objects.get(dispute__slug='canada-china', reference='F069')\n"
        "event.title = 'Edited while the stack runs'\n"
        "event.save()\n"
    )
    env = {**os.environ, "DATABASE_URL": f"{server_url()}/{DATABASE}", "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
           "REDIS_CACHE_URL": cache_url()}  # fmt: skip
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", edit], cwd=ROOT, env=env, capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Edited while the stack runs" in get(everything)[1]  # the edit made the kept answer stale at once
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if "Edited while the stack runs" in get(f"{stack}/api/v1/disputes/canada-china/timeline/?kind=leader_call")[1]:
            break
        time.sleep(0.5)
    else:
        pytest.fail("the worker did not refresh the timeline")
