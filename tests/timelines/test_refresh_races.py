"""A refresh racing a deletion: a record deleted (and committed, by another connection) after the
refresh listed it is skipped cleanly; the refresh neither fails nor leaves an entry behind."""

import datetime as dt
import threading

import pytest
from django.db import connection, transaction

from disputes.models import Event
from tariffs.models import Measure
from tests.factories import DisputeFactory, EventFactory, MeasureFactory
from timelines.models import TimelineEntry
from timelines.services import refresh_dispute

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
TODAY = dt.date(2025, 6, 5)


def in_another_connection(work):
    """Run ``work`` in a transaction of its own, on a connection of its own, and wait until it commits."""
    failure = []

    def run():
        try:
            with transaction.atomic():
                work()
        except Exception as exc:  # reported to the test below
            failure.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive() and not failure, failure


def deleting_after_the_build(monkeypatch, work):
    """Run ``work`` (committed, on another connection) once the refresh has listed the records and
    built their entries, before it writes them: the race of an editor deleting a record meanwhile."""
    from timelines import services

    build = services.build_entries
    done = []

    def build_then_race(dispute, scope, **options):
        entries = build(dispute, scope, **options)
        if not done:
            done.append(True)
            in_another_connection(work)
        return entries

    monkeypatch.setattr(services, "build_entries", build_then_race)
    return done


def test_an_event_deleted_while_the_refresh_builds_is_skipped_and_the_rest_is_built(monkeypatch):
    dispute = DisputeFactory()
    kept, doomed = EventFactory(dispute=dispute, title="Kept"), EventFactory(dispute=dispute, title="Deleted")
    raced = deleting_after_the_build(monkeypatch, lambda: Event.objects.get(pk=doomed.pk).delete())
    result = refresh_dispute(dispute_id=dispute.pk, today=TODAY, full=True)
    assert raced and result is not None
    assert list(TimelineEntry.objects.filter(dispute=dispute).values_list("title", flat=True)) == ["Kept"]
    assert not Event.objects.filter(pk=doomed.pk).exists() and Event.objects.filter(pk=kept.pk).exists()


def test_a_measure_deleted_while_the_refresh_builds_is_skipped_and_the_rest_is_built(monkeypatch):
    dispute = DisputeFactory()
    kept, doomed = MeasureFactory(dispute=dispute, title="Kept"), MeasureFactory(dispute=dispute, title="Deleted")
    for measure in (kept, doomed):
        measure.rate_periods.create(valid_from=dt.date(2025, 3, 20), rate_percent=25)
    raced = deleting_after_the_build(monkeypatch, lambda: Measure.objects.get(pk=doomed.pk).delete())
    result = refresh_dispute(dispute_id=dispute.pk, today=TODAY, full=True)
    assert raced and result is not None
    entries = TimelineEntry.objects.filter(dispute=dispute)
    assert set(entries.values_list("measure_id", flat=True)) == {kept.pk}
    assert entries.count() == 2  # announced, in force


def test_after_a_raced_deletion_the_next_refresh_changes_nothing(monkeypatch):
    dispute = DisputeFactory()
    EventFactory(dispute=dispute, title="Kept")
    doomed = EventFactory(dispute=dispute, title="Deleted")
    deleting_after_the_build(monkeypatch, lambda: Event.objects.get(pk=doomed.pk).delete())
    refresh_dispute(dispute_id=dispute.pk, today=TODAY, full=True)
    again = refresh_dispute(dispute_id=dispute.pk, today=TODAY)  # the deletion's own request
    assert again is not None and again.changes == 0
