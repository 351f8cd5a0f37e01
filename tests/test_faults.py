"""Faults: a frozen PostgreSQL (it accepts TCP but never answers) makes the app answer 503 within seconds.

The server is a private one, started for this module on a free port and frozen with SIGSTOP (the
postmaster and every backend); the shared test server is never touched. The app runs behind gunicorn
and keeps its connection open across requests, as in production.
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.postgres


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_bin(name: str) -> str:
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if found:
        return str(found[-1])
    if shutil.which(name):
        return shutil.which(name)
    pytest.fail(f"{name} not found (PostgreSQL server binaries are needed to start a private server)")


def as_postgres_user(command: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: run them as the postgres user then."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def process_tree(root_pid: int) -> list[int]:
    """The process and all its descendants (PostgreSQL backends are session leaders: no process group)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            pid, rest = stat.read_text().split(" (", 1)
            ppid = int(rest.rsplit(") ", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(pid))
    tree, todo = [], [root_pid]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


class PrivatePostgres:
    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="tw-faults-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def start(self):
        subprocess.run(
            as_postgres_user([postgres_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres"]),
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            as_postgres_user([postgres_bin("pg_ctl"), "-D", str(self.data), "-o", options,
                              "-l", str(self.dir / "log"), "-w", "start"]),
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip

    @property
    def postmaster_pid(self) -> int:
        return int((self.data / "postmaster.pid").read_text().splitlines()[0])

    def signal_all(self, signum: int):
        for pid in process_tree(self.postmaster_pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signum)

    def stop(self):
        if (self.data / "postmaster.pid").exists():
            self.signal_all(signal.SIGCONT)
            subprocess.run(
                as_postgres_user([postgres_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"]),
                capture_output=True, timeout=60,
            )  # fmt: skip
        shutil.rmtree(self.dir, ignore_errors=True)


def app_env(database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "CELERY_", "REDIS_"))}
    env.update(DATABASE_URL=database_url, DJANGO_LOG_LEVEL="ERROR")
    return env


class App:
    """The app behind gunicorn (one worker, production's request cycle), as a load balancer sees it."""

    def __init__(self, database_url: str, log: Path):
        self.port = free_port()
        self.log = log
        with log.open("w") as out:
            self.process = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "gunicorn", "tradewatch.wsgi:application", "--bind",
                 f"127.0.0.1:{self.port}", "--workers", "1", "--timeout", "30"],
                cwd=ROOT, env=app_env(database_url), stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if self.request("/healthz")["status"] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise AssertionError(log.read_text())

    def request(self, path: str) -> dict:
        started = time.monotonic()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=40) as response:  # noqa: S310
                status, headers, body = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, headers, body = error.code, error.headers, error.read()
        return {
            "status": status,
            "seconds": time.monotonic() - started,
            "type": headers.get("Content-Type", ""),
            "retry_after": headers.get("Retry-After"),
            "body": body.decode(errors="replace")[:1000],
        }

    def close(self):
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def private_postgres():
    server = PrivatePostgres()
    try:
        server.start()
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v", "0"],
            cwd=ROOT, env=app_env(server.url), check=True, capture_output=True, timeout=180,
        )  # fmt: skip
        yield server
    finally:
        server.stop()


@pytest.fixture
def app(private_postgres, tmp_path):
    app = App(private_postgres.url, tmp_path / "gunicorn.log")
    yield app
    private_postgres.signal_all(signal.SIGCONT)
    app.close()


READS = {"readiness": "/readyz", "api": "/api/v1/events/", "page": "/en/"}


def test_a_frozen_database_gives_503_within_seconds_and_the_app_recovers_when_it_thaws(private_postgres, app):
    for name, path in READS.items():
        assert app.request(path)["status"] == 200, name  # the connection is open and kept

    private_postgres.signal_all(signal.SIGSTOP)
    try:
        ready, api, page = (app.request(path) for path in READS.values())
    finally:
        private_postgres.signal_all(signal.SIGCONT)

    assert ready["status"] == 503 and ready["seconds"] < 2, ready
    assert json.loads(ready["body"])["down"] == ["database"]
    assert api["status"] == 503 and api["seconds"] < 8 and api["retry_after"], api
    error = json.loads(api["body"])
    assert error["type"] == "server_error" and error["errors"][0]["code"] == "database_unavailable"
    assert page["status"] == 503 and page["seconds"] < 8 and page["type"].startswith("text/html"), page
    assert "Temporarily unavailable" in page["body"]

    for name, path in READS.items():
        answer = app.request(path)
        assert answer["status"] == 200 and answer["seconds"] < 5, (name, answer)
