"""Celery tasks: thin wrappers that take ids and call the services."""

import logging

from celery import shared_task
from celery.signals import worker_ready
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from disputes.models import Dispute
from tariffs.services import measures_refresh_status

from . import queueing, services
from .choices import RecordType
from .queueing import request_refresh

logger = logging.getLogger(__name__)

RETRY = {
    "acks_late": True,
    "reject_on_worker_lost": True,  # a worker killed mid-refresh hands the message back
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 2,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(name=queueing.REFRESH_TASK, **RETRY)
def refresh_dispute_timeline(dispute_id: int, full: bool = False) -> dict | None:
    """Refresh the timeline entries and the summary of one dispute."""
    result = services.refresh_dispute(dispute_id=dispute_id, today=timezone.localdate(), full=full)
    return None if result is None else {"inserted": result.inserted, "deleted": result.deleted}


@shared_task(**RETRY)
def refresh_all_disputes() -> int:
    """Nightly: move measure statuses on as dates pass, then queue a full refresh of every dispute."""
    measures_refresh_status(today=timezone.localdate())
    ids = list(Dispute.objects.values_list("pk", flat=True))
    request_refresh((pk, RecordType.ALL, 0) for pk in ids)
    return len(ids)


@shared_task(ignore_result=True)
def sweep_refresh_requests() -> int:
    """Every few minutes (beat) and when a worker starts: send again the refreshes the queue lost."""
    return queueing.sweep_refresh_requests()


@worker_ready.connect(dispatch_uid="timelines-sweep-on-worker-start")
def _sweep_when_a_worker_starts(sender=None, **kwargs):
    # A worker back after an outage catches up on the edits made meanwhile, without waiting for beat.
    try:
        sweep_refresh_requests.delay()
    except Exception:
        logger.exception("could not queue the sweep of refresh requests; beat will")
