"""The refresh path end to end: a real Celery worker process, the real Redis and PostgreSQL."""

import datetime as dt
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from io import StringIO
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from disputes.models import Actor, Dispute, Event, EventCitation, Source
from exchange.dataset_loader import load_dataset
from timelines.choices import RecordType
from timelines.models import RefreshRequest, RefreshState, TimelineEntry
from timelines.queueing import enqueue_refresh
from timelines.services import LOCK_NAMESPACE, refresh_dispute
from tradewatch.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def wait_for(predicate, timeout=30.0, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def worker_database_url(application_name: str) -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}?application_name={application_name}"


@pytest.fixture
def queue():
    """A queue of this test's own, so no message from elsewhere reaches its worker."""
    name = f"tw-test-{uuid.uuid4().hex[:8]}"
    previous = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = name
    yield name
    celery_app.conf.task_default_queue = previous
    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(name)


@pytest.fixture
def committed_dataset(queue):
    """The first case, committed (transactional tests flush the database after they run)."""
    load_dataset("canada-china")
    # Refreshes queued before this test went to another queue; none is pending for this one.
    RefreshState.objects.update(queued_at=None)
    return Dispute.objects.get(slug="canada-china")


def start_worker(*, queue: str, log: Path, broker_url: str | None = None, **env_vars) -> subprocess.Popen:
    """A real worker process consuming ``queue``, ready to take tasks; its output goes to ``log``."""
    env = {
        **os.environ,
        "DATABASE_URL": worker_database_url("tw-test-worker"),
        "CELERY_BROKER_URL": broker_url or settings.CELERY_BROKER_URL,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        **env_vars,
    }
    command = [
        sys.executable, "-m", "celery", "-A", "tradewatch", "worker", "--pool=solo", "--concurrency=1",
        "-Q", queue, "--without-heartbeat", "--without-mingle", "--without-gossip", "--loglevel=INFO",
        f"--hostname={queue}-{uuid.uuid4().hex[:4]}@%h",
    ]  # fmt: skip
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
    process.log = log
    if not wait_for(lambda: "ready." in log.read_text(), timeout=60):
        stop_worker(process)
        pytest.fail(f"the worker did not start:\n{log.read_text()}")
    return process


def stop_worker(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture
def worker(queue, tmp_path):
    process = start_worker(queue=queue, log=tmp_path / "worker.log")
    yield process
    stop_worker(process)


def test_a_committed_event_reaches_the_timeline_through_the_worker(committed_dataset, worker):
    with transaction.atomic():
        event = Event.objects.create(
            dispute=committed_dataset, date=timezone.localdate(), kind="statement", title="Ministers comment on canola"
        )
        EventCitation.objects.create(event=event, source=Source.objects.order_by("pk").first())

    # A refresh already running may read the citations before the commit and the event after it; the refresh
    # the event queued then builds the entry again with its source: what a reader sees once the queue is done.
    def built_with_its_source():
        entry = TimelineEntry.objects.filter(event=event).first()
        return entry is not None and bool(entry.sources)

    assert wait_for(built_with_its_source, timeout=30), worker.log.read_text()
    entry = TimelineEntry.objects.get(event=event)
    assert entry.title == "Ministers comment on canola" and entry.sources
    # A refresh already running when the event committed may build its entry without consuming its
    # request (it read the requests first); the refresh the event queued consumes it right after.
    pending = RefreshRequest.objects.filter(dispute_id=committed_dataset.pk, record_id=event.pk)
    assert wait_for(lambda: not pending.exists(), timeout=30), worker.log.read_text()


def test_a_burst_of_100_edits_queues_at_most_a_few_refreshes(committed_dataset, queue):
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    events = list(Event.objects.filter(dispute=committed_dataset).order_by("pk"))
    for i in range(100):
        event = events[i % len(events)]
        event.outcome = f"edit {i}"
        event.save()  # each save commits on its own
    assert 1 <= broker.llen(queue) <= 3
    assert RefreshRequest.objects.filter(dispute_id=committed_dataset.pk).count() >= len({e.pk for e in events[:100]})


def test_a_save_succeeds_while_the_broker_is_down(committed_dataset):
    script = (
        "from disputes.models import *; from django.db import transaction\n"
        "d = Dispute.objects.get(slug='canada-china')\n"
        "with transaction.atomic():\n"
        "    e = Event.objects.create(dispute=d, date='2025-06-06', kind='statement', title='Saved without broker')\n"
        "    EventCitation.objects.create(event=e, source=Source.objects.order_by('pk').first())\n"
        "print('saved', e.pk)\n"
    )
    env = {
        **os.environ,
        "DATABASE_URL": worker_database_url("tw-test-outage"),
        "CELERY_BROKER_URL": "redis://127.0.0.1:1/0",
    }
    started = time.monotonic()
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started < 30
    assert "could not queue a timeline refresh" in result.stdout + result.stderr
    event = Event.objects.get(title="Saved without broker")
    # The edit is kept and so is its refresh request, for the next edit or the nightly run.
    assert RefreshRequest.objects.filter(dispute_id=committed_dataset.pk, record_id=event.pk).exists()
    assert RefreshState.objects.get(dispute_id=committed_dataset.pk).queued_at is None


def _make_big_dispute(events: int) -> Dispute:
    china, canada = Actor.objects.get(code="CN"), Actor.objects.get(code="CA")
    dispute = Dispute.objects.create(
        slug=f"big-{uuid.uuid4().hex[:6]}", title="Big dispute", started_on=dt.date(2000, 1, 1)
    )
    dispute.parties.create(actor=china, side="china")
    dispute.parties.create(actor=canada, side="canada")
    source = Source.objects.order_by("pk").first()
    start = dt.date(2000, 1, 1)
    created = Event.objects.bulk_create(
        [
            Event(dispute=dispute, date=start + dt.timedelta(days=i % 9000), kind="statement", title=f"Old title {i}")
            for i in range(events)
        ],
        batch_size=5000,
    )
    EventCitation.objects.bulk_create([EventCitation(event=e, source=source) for e in created], batch_size=5000)
    return dispute


def _refresh_lock_held() -> bool:
    # In this test database only: other test runs on the same server take the same locks in theirs.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = %s AND granted"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            [LOCK_NAMESPACE],
        )
        return cursor.fetchone()[0] > 0


def test_a_worker_killed_mid_refresh_leaves_the_old_timeline_and_the_next_run_completes_it(committed_dataset, worker):
    dispute = _make_big_dispute(30_000)
    refresh_dispute(dispute_id=dispute.pk, today=dt.date(2025, 1, 1), full=True)
    old_titles = set(TimelineEntry.objects.filter(dispute=dispute).values_list("title", flat=True))
    assert len(old_titles) == 30_000

    Event.objects.filter(dispute=dispute).update(title="New title")  # no signals: ask for a rebuild explicitly
    RefreshRequest.objects.create(dispute_id=dispute.pk, record_type=RecordType.ALL)
    assert enqueue_refresh(dispute.pk)

    assert wait_for(_refresh_lock_held, timeout=30, interval=0.02), worker.log.read_text()
    time.sleep(0.3)
    assert _refresh_lock_held(), "the refresh finished before it could be interrupted"
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)
    assert wait_for(lambda: not _refresh_lock_held(), timeout=30)  # PostgreSQL rolled the transaction back

    titles = set(TimelineEntry.objects.filter(dispute=dispute).values_list("title", flat=True))
    assert titles == old_titles  # the old timeline, whole
    assert RefreshRequest.objects.filter(dispute_id=dispute.pk, record_type=RecordType.ALL).exists()

    refresh_dispute(dispute_id=dispute.pk, today=dt.date(2025, 1, 1))  # the next run
    entries = TimelineEntry.objects.filter(dispute=dispute)
    assert entries.count() == 30_000
    assert set(entries.values_list("title", flat=True)) == {"New title"}
    assert not RefreshRequest.objects.filter(dispute_id=dispute.pk).exists()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateRedis:
    """A redis-server of the test's own on a free port, to stop or freeze (never the shared one)."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603
            [shutil.which("redis-server") or "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        assert wait_for(lambda: self._answers(), timeout=10)

    def _answers(self) -> bool:
        try:
            return redis.Redis.from_url(self.url, socket_timeout=0.5).ping()
        except redis.RedisError:
            return False

    def freeze(self):
        os.killpg(self.process.pid, signal.SIGSTOP)

    def thaw(self):
        os.killpg(self.process.pid, signal.SIGCONT)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.thaw()
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


@pytest.fixture
def private_redis():
    server = PrivateRedis()
    yield server
    server.stop()


EDITS_SCRIPT = """
import time
from django.db import transaction
from disputes.models import Dispute, Event, EventCitation, Source
dispute, source = Dispute.objects.get(slug="canada-china"), Source.objects.order_by("pk").first()
for i in range(20):
    started = time.monotonic()
    with transaction.atomic():
        event = Event.objects.create(dispute=dispute, date="2025-06-06", kind="statement", title=f"Outage edit {i}")
        EventCitation.objects.create(event=event, source=source)
    print("took", time.monotonic() - started, flush=True)
"""


def make_edits(broker_url: str) -> list[float]:
    """20 edits, each committed on its own, by a process whose broker is ``broker_url``; their durations."""
    env = {**os.environ, "DATABASE_URL": worker_database_url("tw-test-edits"), "CELERY_BROKER_URL": broker_url}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", EDITS_SCRIPT],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return [float(line.split()[1]) for line in result.stdout.splitlines() if line.startswith("took ")]


@pytest.mark.parametrize("outage", ["frozen", "down"])
def test_edits_made_during_a_broker_outage_save_at_once_and_reach_the_timeline_when_it_returns(
    committed_dataset, queue, private_redis, tmp_path, outage
):
    if outage == "frozen":  # accepts connections, never answers (SIGSTOP)
        private_redis.start()
        private_redis.freeze()
    durations = make_edits(private_redis.url)  # "down": nothing listens on the port yet
    assert len(durations) == 20 and max(durations) < 1.0, durations
    edits = Event.objects.filter(title__startswith="Outage edit")
    assert edits.count() == 20 and not TimelineEntry.objects.filter(event__in=edits).exists()

    if outage == "frozen":
        private_redis.thaw()
    else:
        private_redis.start()
    worker = start_worker(queue=queue, log=tmp_path / "worker.log", broker_url=private_redis.url)
    try:
        # No further edit: the worker's start-up sweep sends the refresh the edits could not.
        caught_up = wait_for(lambda: TimelineEntry.objects.filter(event__in=edits).count() == 20, timeout=60)
        assert caught_up, worker.log.read_text()
    finally:
        stop_worker(worker)


def test_the_sweep_command_sends_a_refresh_for_each_dispute_with_waiting_edits(committed_dataset, queue):
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    RefreshRequest.objects.get_or_create(dispute_id=committed_dataset.pk, record_type=RecordType.SUMMARY)
    before = broker.llen(queue)
    call_command("sweep_refresh_requests", stdout=StringIO())
    assert broker.llen(queue) == before + 1
    call_command("sweep_refresh_requests", stdout=StringIO())  # already queued: not sent twice
    assert broker.llen(queue) == before + 1
    assert RefreshState.objects.get(dispute_id=committed_dataset.pk).queued_at is not None


def test_a_refresh_whose_worker_was_killed_is_redelivered_and_completes(committed_dataset, queue, tmp_path):
    dispute = _make_big_dispute(30_000)  # creating the dispute asked for its full build
    assert RefreshRequest.objects.filter(dispute_id=dispute.pk, record_type=RecordType.ALL).exists()
    short = {"CELERY_VISIBILITY_TIMEOUT": "5"}  # production: a little above the task time limit
    first = start_worker(queue=queue, log=tmp_path / "first.log", **short)  # takes the refresh the dispute queued
    try:
        assert wait_for(_refresh_lock_held, timeout=30, interval=0.02), first.log.read_text()
        task_id = re.findall(r"refresh_dispute_timeline\[([0-9a-f-]+)\] received", first.log.read_text())[-1]
        os.kill(first.pid, signal.SIGKILL)  # mid-refresh: the message was never acknowledged
        first.wait(timeout=10)
    finally:
        stop_worker(first)
    assert wait_for(lambda: not _refresh_lock_held(), timeout=30)
    assert not TimelineEntry.objects.filter(dispute=dispute).exists()

    second = start_worker(queue=queue, log=tmp_path / "second.log", **short)
    try:
        assert wait_for(lambda: f"[{task_id}] succeeded" in second.log.read_text(), timeout=60), second.log.read_text()
    finally:
        stop_worker(second)
    assert TimelineEntry.objects.filter(dispute=dispute).count() == 30_000
    assert not RefreshRequest.objects.filter(dispute_id=dispute.pk).exists()
