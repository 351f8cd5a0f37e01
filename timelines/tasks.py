"""Celery tasks: thin wrappers that take ids and call the services."""

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from disputes.models import Dispute
from tariffs.services import measures_refresh_status

from . import services
from .choices import RecordType
from .queueing import request_refresh

RETRY = {
    "acks_late": True,
    "reject_on_worker_lost": True,  # a worker killed mid-refresh hands the message back
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 2,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(**RETRY)
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
