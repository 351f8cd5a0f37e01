"""Reads of the disputes app that several layers need."""

from dataclasses import dataclass

from .models import Dispute, DisputeParty


@dataclass(frozen=True)
class Side:
    """One side of a dispute: its label, display name and the countries on it."""

    slug: str
    name: str
    countries: frozenset[str]
    actor_slugs: frozenset[str]


def dispute_sides(dispute: Dispute) -> list[Side]:
    """The sides of ``dispute`` in a stable order (principal parties first), one query."""
    parties = DisputeParty.objects.filter(dispute=dispute).select_related("actor").order_by("role", "side", "id")
    grouped: dict[str, list] = {}
    for party in parties:
        grouped.setdefault(party.side, []).append(party)
    sides = []
    for slug, members in grouped.items():
        sides.append(
            Side(
                slug=slug,
                name=members[0].actor.short_name or members[0].actor.name,
                countries=frozenset(str(p.actor.country) for p in members if p.actor.country),
                actor_slugs=frozenset(p.actor.slug for p in members),
            )
        )
    return sides


def side_of_country(sides: list[Side], country: str) -> str:
    """The side whose countries include ``country``, or "" when none does."""
    return next((side.slug for side in sides if country and country in side.countries), "")
