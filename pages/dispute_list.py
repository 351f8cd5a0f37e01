"""``/disputes/``: every dispute with its parties by side, its span, and the measures each side has in force on
a day (today unless ``?on=D``). Three queries, whatever the number of disputes, parties or measures."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Prefetch
from django.shortcuts import render

from disputes.models import Dispute, DisputeParty
from disputes.selectors import Side, side_of_country, sides_of
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
        sides = sides_of(dispute.parties.all())
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
