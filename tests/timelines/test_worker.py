"""The refresh path end to end: a real Celery worker process, the real Redis and PostgreSQL."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from disputes.models import Actor, Dispute, Event, EventCitation, Source
from tariffs.dataset_loader import load_dataset
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


@pytest.fixture
def worker(queue, tmp_path):
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": worker_database_url("tw-test-worker"),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
    }
    command = [
        sys.executable, "-m", "celery", "-A", "tradewatch", "worker", "--pool=solo", "--concurrency=1",
        "-Q", queue, "--without-heartbeat", "--without-mingle", "--without-gossip", "--loglevel=INFO",
        f"--hostname={queue}@%h",
    ]  # fmt: skip
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
    assert wait_for(lambda: "ready." in log.read_text(), timeout=60), log.read_text()
    process.log = log
    yield process
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def test_a_committed_event_reaches_the_timeline_through_the_worker(committed_dataset, worker):
    with transaction.atomic():
        event = Event.objects.create(
            dispute=committed_dataset, date=timezone.localdate(), kind="statement", title="Ministers comment on canola"
        )
        EventCitation.objects.create(event=event, source=Source.objects.order_by("pk").first())
    assert wait_for(lambda: TimelineEntry.objects.filter(event=event).exists(), timeout=30), worker.log.read_text()
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
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = %s AND granted",
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
