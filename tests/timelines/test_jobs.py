"""Nightly and on-demand refreshes: statuses move as dates pass."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from tariffs.models import Measure
from timelines.models import DisputeSummary, RefreshRequest, TimelineEntry
from timelines.services import refresh_dispute
from timelines.tasks import refresh_all_disputes
from tradewatch.celery import app as celery_app

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_the_nightly_refresh_is_scheduled_with_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["refresh-all-timelines-nightly"]
    assert entry["task"] == "timelines.tasks.refresh_all_disputes"
    assert entry["task"] in celery_app.tasks
    assert entry["schedule"].hour == {0}


def test_tasks_are_reliable_by_declaration():
    task = celery_app.tasks["timelines.tasks.refresh_dispute_timeline"]
    assert task.acks_late and task.reject_on_worker_lost and task.max_retries >= 5
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    assert settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT


def test_the_nightly_job_asks_for_a_full_refresh_of_every_dispute(canada_china):
    assert refresh_all_disputes() >= 1
    assert RefreshRequest.objects.filter(dispute_id=canada_china.pk, record_type="all").exists()


@pytest.mark.parametrize(("day", "in_force"), [(dt.date(2025, 3, 19), False), (dt.date(2025, 3, 20), True)])
def test_a_measure_whose_period_starts_today_shows_as_in_force_after_the_nightly_run(canada_china, day, in_force):
    with time_machine.travel(dt.datetime.combine(day, dt.time(0, 5), tzinfo=dt.UTC), tick=False):
        call_command("refresh_timelines", "--dispute", "canada-china", stdout=open(os.devnull, "w"))  # noqa: SIM115
    oil = Measure.objects.get(dispute=canada_china, reference="M09-oil")
    assert (oil.status == "in_force") is in_force
    summary = DisputeSummary.objects.get(dispute=canada_china)
    assert summary.as_of == day
    china = next(side for side in summary.data["sides"] if side["side"] == "china")
    assert ("M09-oil" in {m["reference"] for m in china["measures_in_force"]}) is in_force


def test_the_command_names_an_unknown_dispute():
    with pytest.raises(CommandError, match="Unknown dispute: atlantis"):
        call_command("refresh_timelines", "--dispute", "atlantis")


def test_with_no_broker_edits_refresh_the_timeline_in_process(tmp_path):
    """The embedded default: SQLite and no Redis, and the timeline is fresh right after a load."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'embedded.sqlite3'}"
    script = (
        "from django.core.management import call_command; call_command('migrate', verbosity=0);"
        "call_command('load_dataset', 'canada-china', stdout=open('/dev/null', 'w'));"
        "from timelines.models import TimelineEntry, DisputeSummary;"
        "print(TimelineEntry.objects.count(), DisputeSummary.objects.count())"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    entries, summaries = map(int, result.stdout.split())
    assert entries > 100 and summaries == 1


def test_the_admin_can_queue_a_full_rebuild(admin_client, canada_china):
    built = TimelineEntry.objects.filter(dispute=canada_china).count()
    TimelineEntry.objects.filter(dispute=canada_china).delete()  # a timeline lost, e.g. by a bad deploy
    summary = DisputeSummary.objects.get(dispute=canada_china)
    response = admin_client.post(
        "/admin/timelines/disputesummary/", {"action": "queue_full_refresh", "_selected_action": [summary.pk]}
    )
    assert response.status_code == 302
    assert RefreshRequest.objects.filter(dispute_id=canada_china.pk, record_type="all").exists()
    # The next run, asked for no more than the queue holds, rebuilds every entry.
    result = refresh_dispute(dispute_id=canada_china.pk, today=timezone.localdate())
    assert result.full and result.inserted == built > 0
    assert TimelineEntry.objects.filter(dispute=canada_china).count() == built
