"""``/actors/<slug>/``: an actor across every dispute: the measures it imposed and those targeting it, its events
(the latest ``EVENTS_SHOWN`` of each dispute, with the full count) and its cases, grouped by dispute, with counts.

Six queries, whatever the number of disputes, measures or events: each list is read once for every dispute and
grouped here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q, Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404, render

from disputes.models import Actor, Case, Dispute, DisputeParty, Event
from tariffs.models import Measure

from . import selectors

#: The latest events of each dispute the page lists; the count says how many there are in all.
EVENTS_SHOWN = 20


@dataclass
class DisputeBlock:
    """What ``actor`` did and underwent in one dispute."""

    dispute: Dispute
    party: DisputeParty | None = None  #: the actor's place among the dispute's parties, if it is one
    imposed: list[Measure] = field(default_factory=list)
    targeted: list[Measure] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    event_count: int = 0
    cases: list[Case] = field(default_factory=list)

    @property
    def more_events(self) -> bool:
        return self.event_count > len(self.events)


def measures_of(actor: Actor):
    """Measures ``actor`` imposed or that apply to it, each marked ``targets_it``, with dispute and imposer."""
    targeting = Measure.applies_to.through.objects.filter(measure=OuterRef("pk"), actor=actor)
    return (
        Measure.objects.filter(Q(imposed_by=actor) | Exists(targeting))
        .annotate(targets_it=Exists(targeting))
        .select_related("dispute", "imposed_by")
        .order_by("announced_on", "id")
    )


def latest_events_per_dispute(actor: Actor, shown: int = EVENTS_SHOWN):
    """The ``shown`` latest events ``actor`` took part in, per dispute, each with ``in_dispute``: how many events
    with the actor that dispute has in all (one query: window functions)."""
    per_dispute = {"partition_by": [F("dispute_id")]}
    return (
        Event.objects.involving(actor)
        .annotate(
            position=Window(RowNumber(), order_by=[F("date").desc(), F("id").desc()], **per_dispute),
            in_dispute=Window(Count("id"), **per_dispute),
        )
        .filter(position__lte=shown)
        .select_related("dispute")
        .order_by("-date", "-id")
    )


def actor_across_disputes(actor: Actor) -> dict:
    """The actor's page: ``blocks`` (one per dispute it appears in, latest dispute first), its child bodies."""
    blocks: dict[int, DisputeBlock] = {}

    def block(dispute: Dispute) -> DisputeBlock:
        return blocks.setdefault(dispute.pk, DisputeBlock(dispute))

    for party in DisputeParty.objects.filter(actor=actor).select_related("dispute"):
        block(party.dispute).party = party
    for measure in measures_of(actor):
        if measure.imposed_by_id == actor.pk:
            block(measure.dispute).imposed.append(measure)
        if measure.targets_it:
            block(measure.dispute).targeted.append(measure)
    for event in latest_events_per_dispute(actor):
        found = block(event.dispute)
        found.events.append(event)
        found.event_count = event.in_dispute
    cases = Case.objects.filter(Q(complainant=actor) | Q(respondent=actor)).select_related("dispute")
    for case in cases.order_by("initiated_on", "id"):
        block(case.dispute).cases.append(case)
    ordered = sorted(blocks.values(), key=lambda b: b.dispute.slug)
    ordered.sort(key=lambda b: b.dispute.started_on, reverse=True)
    return {"blocks": ordered, "children": list(actor.children.order_by("name"))}


def actor_detail(request, slug):
    actor = selectors.actor(slug) or get_object_or_404(Actor, slug=slug)
    return render(request, "disputes/actor_detail.html", {"actor": actor, **actor_across_disputes(actor)})
