"""Refreshing the read models. A refresh runs in one transaction: readers see the old timeline or
the new one, never half; a refresh killed midway rolls back and leaves its requests for the next."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import logging
import time
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from core import data_version
from disputes.models import Case, Dispute, Event
from tariffs.models import Measure

from .builders import Scope, build_entries
from .choices import RecordType
from .models import DisputeSummary, RefreshRequest, RefreshState, TimelineEntry
from .signals import dispute_refreshed
from .summaries import build_summary, glance_of

logger = logging.getLogger(__name__)

# Beyond this many stale rows, dropping the whole scope is cheaper than deleting row by row.
BULK_REPLACE_THRESHOLD = 5000
# Namespace of the PostgreSQL advisory locks that serialise refreshes of one dispute.
LOCK_NAMESPACE = 7301


@dataclass(frozen=True)
class RefreshResult:
    dispute_id: int
    full: bool
    inserted: int
    deleted: int
    duration_ms: int

    @property
    def changes(self) -> int:
        return self.inserted + self.deleted


def refresh_dispute(*, dispute_id: int, today: dt.date, full: bool = False) -> RefreshResult | None:
    """Bring the timeline and summary of one dispute up to date (idempotent).

    Rebuilds the entries of the records edited since the last refresh (all of them when ``full``
    or when a full rebuild was requested), then the summary as of ``today``. None if the dispute
    no longer exists.
    """
    started = time.monotonic()
    RefreshState.objects.filter(dispute_id=dispute_id).update(queued_at=None, last_started_at=timezone.now())
    with transaction.atomic():
        _lock(dispute_id)
        dispute = Dispute.objects.filter(pk=dispute_id).first()
        if dispute is None:
            RefreshRequest.objects.filter(dispute_id=dispute_id).delete()
            RefreshState.objects.filter(dispute_id=dispute_id).delete()
            return None
        requests = list(
            RefreshRequest.objects.filter(dispute_id=dispute_id).values_list("id", "record_type", "record_id")
        )
        full = full or any(record_type == RecordType.ALL for _, record_type, _ in requests)
        # A day has passed since some entry was flagged: rebuild all, so none still reads as scheduled.
        full = full or _scheduled_flags_stale(dispute, today)
        scope = Scope.everything() if full else _scope(requests)
        inserted = deleted = 0
        if full or requests:
            inserted, deleted = _sync_entries(dispute, scope, today)
        RefreshRequest.objects.filter(id__in=[pk for pk, _, _ in requests]).delete()
        _save_summary(dispute, today)
        duration_ms = int((time.monotonic() - started) * 1000)
        RefreshState.objects.update_or_create(
            dispute_id=dispute_id,
            defaults={
                "last_finished_at": timezone.now(),
                "last_duration_ms": duration_ms,
                "last_changes": inserted + deleted,
            },
        )
    data_version.bump()
    transaction.on_commit(lambda: _announce_refresh(dispute_id))
    result = RefreshResult(dispute_id, full, inserted, deleted, duration_ms)
    logger.info("refreshed dispute %s: %s", dispute_id, result)
    return result


def _announce_refresh(dispute_id: int) -> None:
    """Tell the layers above that ``dispute_id`` was refreshed; what they do with it never fails a refresh."""
    for receiver, outcome in dispute_refreshed.send_robust(sender=refresh_dispute, dispute_id=dispute_id):
        if isinstance(outcome, Exception):
            logger.warning("after refreshing dispute %s, %s failed: %r", dispute_id, receiver, outcome)


def refresh_disputes(*, today: dt.date, slugs: list[str] | None = None) -> list[RefreshResult]:
    """Full refresh of every dispute (or of ``slugs``), synchronously."""
    disputes = Dispute.objects.all() if not slugs else Dispute.objects.filter(slug__in=slugs)
    return [
        r
        for pk in disputes.values_list("pk", flat=True)
        if (r := refresh_dispute(dispute_id=pk, today=today, full=True))
    ]


def _lock(dispute_id: int) -> None:
    """Serialise refreshes of one dispute (PostgreSQL; SQLite serialises all writers anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, dispute_id])


def _scope(requests) -> Scope:
    ids = {RecordType.EVENT: set(), RecordType.MEASURE: set(), RecordType.CASE: set()}
    for _, record_type, record_id in requests:
        if record_type in ids:  # "summary" requests need no entries rebuilt
            ids[record_type].add(record_id)
    return Scope(
        event_ids=frozenset(ids[RecordType.EVENT]),
        measure_ids=frozenset(ids[RecordType.MEASURE]),
        case_ids=frozenset(ids[RecordType.CASE]),
    )


def _existing(dispute, scope: Scope):
    queryset = TimelineEntry.objects.filter(dispute=dispute)
    if scope != Scope.everything():
        condition = Q(pk__in=[])
        for record_type, ids in (
            (RecordType.EVENT, scope.event_ids),
            (RecordType.MEASURE, scope.measure_ids),
            (RecordType.CASE, scope.case_ids),
        ):
            if ids:
                condition |= Q(record_type=record_type, record_id__in=ids)
        queryset = queryset.filter(condition)
    return queryset


@contextlib.contextmanager
def _collector_paused():
    """Building 100k small dicts triggers many useless garbage-collector passes; skip them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _scheduled_flags_stale(dispute, today: dt.date) -> bool:
    """Whether a stored entry is flagged scheduled though its date has come (or the reverse)."""
    entries = TimelineEntry.objects.filter(dispute=dispute)
    return entries.filter(Q(scheduled=True, date__lte=today) | Q(scheduled=False, date__gt=today)).exists()


def _sync_entries(dispute, scope: Scope, today: dt.date) -> tuple[int, int]:
    """Make the stored entries in ``scope`` equal the built ones; returns (inserted, deleted)."""
    with _collector_paused():
        return _sync_entries_now(dispute, scope, today)


def _sync_entries_now(dispute, scope: Scope, today: dt.date) -> tuple[int, int]:
    wanted = build_entries(dispute, scope, today=today)
    existing = _existing(dispute, scope)
    stored = {key: (pk, fingerprint) for pk, key, fingerprint in existing.values_list("pk", "key", "fingerprint")}
    stale = [pk for key, (pk, fingerprint) in stored.items() if wanted.get(key, {}).get("fingerprint") != fingerprint]
    fresh = [entry for key, entry in wanted.items() if stored.get(key, (None, None))[1] != entry["fingerprint"]]
    if len(stale) > BULK_REPLACE_THRESHOLD:
        deleted = existing.delete()[0]
        fresh = list(wanted.values())
    else:
        deleted = TimelineEntry.objects.filter(pk__in=stale).delete()[0] if stale else 0
    fresh = _of_records_still_stored(fresh)
    TimelineEntry.objects.bulk_create([TimelineEntry(**entry) for entry in fresh])
    return len(fresh), deleted


RECORD_FIELDS = (("event_id", Event), ("measure_id", Measure), ("case_id", Case))


def _of_records_still_stored(entries: list[dict]) -> list[dict]:
    """The entries whose records still exist, those records kept from deletion until the refresh commits.

    A record deleted after the builders listed it (an edit racing the refresh) is skipped: its
    deletion took its entries with it and asked for a refresh of its own.
    """
    stored = {
        field: _keep_from_deletion(model, {entry[field] for entry in entries if entry[field] is not None})
        for field, model in RECORD_FIELDS
    }
    return [
        entry
        for entry in entries
        if all(entry[field] is None or entry[field] in stored[field] for field, _ in RECORD_FIELDS)
    ]


def _keep_from_deletion(model, ids: set[int]) -> set[int]:
    """Those of ``ids`` still stored, locked against deletion (not against edits) until commit."""
    if not ids:
        return set()
    if connection.vendor != "postgresql":  # SQLite runs one writer at a time: nothing can race
        return set(model.objects.filter(pk__in=ids).values_list("pk", flat=True))
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(model._meta.db_table)  # a model's own table, not input
        cursor.execute(f"SELECT id FROM {table} WHERE id = ANY(%s) FOR KEY SHARE", [sorted(ids)])  # noqa: S608  # nosec B608
        return {row[0] for row in cursor.fetchall()}


def _save_summary(dispute, today: dt.date) -> DisputeSummary:
    data = build_summary(dispute, today)
    text_en, text_fr = data.pop("text_en"), data.pop("text_fr")
    summary = DisputeSummary.objects.filter(dispute=dispute).first()
    glance = glance_of(data)
    stored = (summary.as_of, summary.data, summary.glance, summary.text_en, summary.text_fr) if summary else None
    if stored == (today, data, glance, text_en, text_fr):
        return summary
    summary, _ = DisputeSummary.objects.update_or_create(
        dispute=dispute,
        defaults={
            "as_of": today,
            "data": data,
            "glance": glance,
            "text_en": text_en,
            "text_fr": text_fr,
            "refreshed_at": timezone.now(),
        },  # fmt: skip
    )
    return summary
