"""``/disputes/``: every dispute with its parties by side, its span, and the measures each side has in force on
a day (today unless ``?on=D``). Three queries, whatever the number of disputes, parties or measures."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Prefetch
from django.shortcuts import render

from disputes.models import Dispute, DisputeParty
from disputes.selectors import Side, side_of_country
from tariffs.models import Measure

from .analyst_forms import OnDayForm


@dataclass(frozen=True)
class SideRow:
    side: Side
    parties: list[DisputeParty]
    in_force: int


@dataclass(frozen=True)
class DisputeRow:
    dispute: Dispute
    sides: list[SideRow]


def _sides(parties: list[DisputeParty]) -> list[tuple[Side, list[DisputeParty]]]:
    """The sides of a dispute from its parties, as ``disputes.selectors.dispute_sides`` builds them, without
    a query of its own (the parties come prefetched in the same order)."""
    grouped: dict[str, list[DisputeParty]] = {}
    for party in parties:
        grouped.setdefault(party.side, []).append(party)
    return [
        (
            Side(
                slug=slug,
                name=members[0].actor.short_name or members[0].actor.name,
                countries=frozenset(str(p.actor.country) for p in members if p.actor.country),
                actor_slugs=frozenset(p.actor.slug for p in members),
                name_fr=members[0].actor.short_name_fr or members[0].actor.name_fr,
            ),
            members,
        )
        for slug, members in grouped.items()
    ]


def disputes_with_sides(day: dt.date) -> list[DisputeRow]:
    """Every dispute (latest started first) with its sides and how many measures each side has in force on ``day``:
    a measure counts for the side of its imposing actor's country, as in the dispute summaries."""
    parties = DisputeParty.objects.select_related("actor").order_by("role", "side", "id")
    disputes = list(
        Dispute.objects.prefetch_related(Prefetch("parties", queryset=parties)).order_by("-started_on", "slug")
    )
    in_force = Measure.objects.in_force(on=day).values_list("dispute_id", "imposed_by__country")
    per_country = Counter((dispute_id, str(country)) for dispute_id, country in in_force)
    rows = []
    for dispute in disputes:
        sides = _sides(list(dispute.parties.all()))
        plain_sides = [side for side, _members in sides]
        counts = Counter()
        for (dispute_id, country), count in per_country.items():
            if dispute_id == dispute.pk:
                counts[side_of_country(plain_sides, country)] += count
        rows.append(DisputeRow(dispute, [SideRow(side, members, counts[side.slug]) for side, members in sides]))
    return rows


def dispute_list(request):
    form = OnDayForm(request.GET)
    day = form.day()
    return render(request, "pages/dispute_list.html", {"form": form, "day": day, "rows": disputes_with_sides(day)})
