"""The one place that notices edits: any committed change to a dispute's records queues a refresh.

Receivers only record *what* changed (dispute, record type, id); the work happens in the task.
Deletions are caught before the row goes, while its dispute can still be read.

And what this app tells the layers above it: ``dispute_refreshed``, once a refresh is committed.
"""

from django.db.models.signals import m2m_changed, post_save, pre_delete
from django.dispatch import Signal, receiver

from disputes.models import (
    Actor,
    Case,
    CaseCitation,
    Dispute,
    DisputeParty,
    Event,
    EventCitation,
    EventParticipant,
    Source,
)
from tariffs.models import ExposureFigure, Measure, MeasureCitation, MeasureLink, ProductLine, RatePeriod

from .choices import RecordType
from .queueing import request_refresh

#: Sent with ``dispute_id`` once a refresh of that dispute's timeline and summary is committed (the pages warm
#: what they keep under the refresh's version, so an analyst's first view does not compute it).
dispute_refreshed = Signal()

EVENT, MEASURE, CASE = RecordType.EVENT, RecordType.MEASURE, RecordType.CASE
SUMMARY, ALL = RecordType.SUMMARY, RecordType.ALL


def _event_target(event_id):
    dispute_id = Event.objects.filter(pk=event_id).values_list("dispute_id", flat=True).first()
    return [(dispute_id, EVENT, event_id)] if dispute_id else []


def _measure_target(measure_id):
    dispute_id = Measure.objects.filter(pk=measure_id).values_list("dispute_id", flat=True).first()
    return [(dispute_id, MEASURE, measure_id)] if dispute_id else []


def _case_target(case_id):
    dispute_id = Case.objects.filter(pk=case_id).values_list("dispute_id", flat=True).first()
    return [(dispute_id, CASE, case_id)] if dispute_id else []


def _case_targets(case):
    # A case's reference and title appear in its events' entries too.
    return [(case.dispute_id, CASE, case.pk)] + [
        (case.dispute_id, EVENT, pk) for pk in Event.objects.filter(case=case).values_list("pk", flat=True)
    ]


def _source_targets(source):
    cited = [(EventCitation, "event", EVENT), (MeasureCitation, "measure", MEASURE), (CaseCitation, "case", CASE)]
    return [
        (dispute_id, record_type, record_id)
        for model, field, record_type in cited
        for record_id, dispute_id in model.objects.filter(source=source).values_list(
            f"{field}_id", f"{field}__dispute_id"
        )
    ]


def _actor_targets(actor):
    disputes = {
        *Event.objects.filter(participations__actor=actor).values_list("dispute_id", flat=True),
        *Measure.objects.filter(imposed_by=actor).values_list("dispute_id", flat=True),
        *Measure.objects.filter(applies_to=actor).values_list("dispute_id", flat=True),
        *DisputeParty.objects.filter(actor=actor).values_list("dispute_id", flat=True),
    }
    return [(d, ALL, 0) for d in disputes]


TARGETS = {
    Event: lambda e: [(e.dispute_id, EVENT, e.pk)],
    EventParticipant: lambda p: _event_target(p.event_id),
    EventCitation: lambda c: _event_target(c.event_id),
    Case: _case_targets,
    CaseCitation: lambda c: _case_target(c.case_id),
    Measure: lambda m: [(m.dispute_id, MEASURE, m.pk)],
    RatePeriod: lambda p: _measure_target(p.measure_id),
    ProductLine: lambda p: _measure_target(p.measure_id),
    MeasureCitation: lambda c: _measure_target(c.measure_id),
    MeasureLink: lambda link: _measure_target(link.from_measure_id) + _measure_target(link.to_measure_id),
    ExposureFigure: lambda f: [(f.dispute_id, SUMMARY, 0)],
    Source: _source_targets,
    Actor: _actor_targets,
    DisputeParty: lambda p: [(p.dispute_id, ALL, 0)],
    Dispute: lambda d: [(d.pk, ALL, 0)],
}  # fmt: skip


def _changed(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return  # fixtures loading rows as they are
    request_refresh(TARGETS[sender](instance))


for model in TARGETS:
    post_save.connect(_changed, sender=model, dispatch_uid=f"timelines-save-{model._meta.label}")
    if model is not Dispute:  # a deleted dispute takes its timeline with it
        pre_delete.connect(_changed, sender=model, dispatch_uid=f"timelines-delete-{model._meta.label}")


@receiver(m2m_changed, sender=Measure.applies_to.through, dispatch_uid="timelines-measure-targets")
def _targets_changed(sender, instance, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, Measure):
        request_refresh([(instance.dispute_id, MEASURE, instance.pk)])
