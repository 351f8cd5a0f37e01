"""Asking for a refresh after an edit: record what changed, then queue one task per dispute.

The requests are written in the edit's own transaction. After commit, a conditional UPDATE claims
the dispute's "queued" flag; only the edit that wins it sends a task, so a burst of edits queues
one refresh (or a few, when a refresh starts mid-burst). Sending never fails nor holds up an edit:
it is one attempt on a connection of its own with sub-second timeouts, so a broker that is down or
frozen costs an edit half a second at most; the error is logged and the requests wait in the database.
``sweep_refresh_requests`` sends them again: when a worker starts, and every few minutes (beat).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from celery import current_app
from django.db.models import Q
from django.utils import timezone

from core.transactions import on_commit_once

from .models import RefreshRequest, RefreshState

logger = logging.getLogger(__name__)

# A flag older than this is taken to belong to a lost message and may be claimed again.
STALE_QUEUED_AFTER = dt.timedelta(minutes=15)
# Seconds a publish may wait on the broker (connecting, then each reply); Redis answers in well under that.
PUBLISH_TIMEOUT = 0.3
#: The task that refreshes one dispute (timelines.tasks registers it under this name). Sent by name, so this
#: module needs no import of the tasks, which import it.
REFRESH_TASK = "timelines.tasks.refresh_dispute_timeline"


def request_refresh(targets: Iterable[tuple[int, str, int]]) -> None:
    """Record that (dispute_id, record_type, record_id) changed, and queue a refresh on commit."""
    targets = set(targets)
    if not targets:
        return
    RefreshRequest.objects.bulk_create(
        [RefreshRequest(dispute_id=d, record_type=t, record_id=i) for d, t, i in sorted(targets)],
        ignore_conflicts=True,
    )
    for dispute_id in sorted({d for d, _, _ in targets}):
        # One refresh per dispute per transaction, however many rows the transaction touches.
        on_commit_once(("refresh", dispute_id), enqueue_refresh, dispute_id)


def enqueue_refresh(dispute_id: int) -> bool:
    """Send a refresh task for ``dispute_id`` unless one is already queued. Never raises."""
    try:
        now = timezone.now()
        RefreshState.objects.bulk_create([RefreshState(dispute_id=dispute_id)], ignore_conflicts=True)
        claimed = (
            RefreshState.objects.filter(dispute_id=dispute_id)
            .filter(Q(queued_at__isnull=True) | Q(queued_at__lt=now - STALE_QUEUED_AFTER))
            .update(queued_at=now)
        )
        if not claimed:
            return False
        _publish(REFRESH_TASK, dispute_id)
        return True
    except Exception:
        logger.exception(
            "could not queue a timeline refresh of dispute %s; the next edit or nightly run will", dispute_id
        )
        try:
            RefreshState.objects.filter(dispute_id=dispute_id).update(queued_at=None)
        except Exception:
            logger.exception("could not reset the queued flag of dispute %s", dispute_id)
        return False


def _publish(task_name: str, *args) -> None:
    """Send the task named ``task_name`` once, failing within about PUBLISH_TIMEOUT when the broker does not answer."""
    app = current_app
    if app.conf.task_always_eager:  # no broker: run in-process, after importing the task modules as a worker does
        app.loader.import_default_modules()
        app.tasks[task_name].delay(*args)
        return
    bounded = {"socket_connect_timeout": PUBLISH_TIMEOUT, "socket_timeout": PUBLISH_TIMEOUT, "max_retries": 0}
    with app.connection_for_write(connect_timeout=PUBLISH_TIMEOUT, transport_options=bounded) as connection:
        app.send_task(task_name, args, connection=connection, retry=False)


def sweep_refresh_requests() -> int:
    """Queue a refresh of every dispute with waiting requests and none queued; returns how many were sent.

    Catches up after a broker outage (the edits' own sends failed) or a lost message, with no further edit.
    """
    pending = RefreshRequest.objects.order_by().values_list("dispute_id", flat=True).distinct()
    return sum(enqueue_refresh(dispute_id) for dispute_id in sorted(pending))
