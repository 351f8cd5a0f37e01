"""Reads of the disputes app that several layers need: the query shapes the API and the pages share.

Each ``*_for_display`` function returns a queryset that already joins or prefetches everything a record's
API answer and its page show, so neither asks once per row. Callers may narrow or extend it.
"""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from .models import Actor, Case, CaseCitation, Dispute, DisputeParty, Event, EventCitation, EventParticipant, Source


def event_citations() -> Prefetch:
    """An event's citations, each with its source."""
    return Prefetch("citations", queryset=EventCitation.objects.select_related("source"))


def case_citations() -> Prefetch:
    """A case's citations, each with its source."""
    return Prefetch("citations", queryset=CaseCitation.objects.select_related("source"))


def event_participants() -> Prefetch:
    """An event's participations, each with its actor."""
    return Prefetch("participations", queryset=EventParticipant.objects.select_related("actor"))


def parties_with_actors() -> QuerySet[DisputeParty]:
    return DisputeParty.objects.select_related("actor")


def actors_for_display() -> QuerySet[Actor]:
    """Actors with their parent body."""
    return Actor.objects.select_related("parent")


def actor_identified_by(identifier: str) -> Actor | None:
    """The actor with this slug, or the state with this ISO code ("CN"), with its parent; None when none is."""
    return actors_for_display().identified_by(identifier).first()


def sources_for_display() -> QuerySet[Source]:
    return Source.objects.all()


def disputes_for_display() -> QuerySet[Dispute]:
    """Disputes with their parties and each party's actor."""
    return Dispute.objects.prefetch_related(Prefetch("parties", queryset=parties_with_actors()))


def cases_for_display() -> QuerySet[Case]:
    """Cases with their dispute, complainant, respondent and cited sources."""
    return Case.objects.select_related("dispute", "complainant", "respondent").prefetch_related(case_citations())


def events_for_display() -> QuerySet[Event]:
    """Events with their dispute, case, participants (and their actors) and cited sources."""
    return Event.objects.select_related("dispute", "case").prefetch_related(event_participants(), event_citations())


@dataclass(frozen=True)
class Side:
    """One side of a dispute: its label, display name and the countries on it."""

    slug: str
    name: str
    countries: frozenset[str]
    actor_slugs: frozenset[str]
    name_fr: str = ""  #: the French name, when it differs (``core.i18n``)


def dispute_sides(dispute: Dispute) -> list[Side]:
    """The sides of ``dispute`` in a stable order (principal parties first), one query."""
    parties = parties_with_actors().filter(dispute=dispute).order_by("role", "side", "id")
    return [side for side, _members in sides_of(parties)]


def sides_of(parties) -> list[tuple[Side, list]]:
    """The sides a dispute's ``parties`` (in the order of ``dispute_sides``, actors loaded) form, each with its
    parties: no query of its own, so a list of disputes with prefetched parties costs none per dispute."""
    grouped: dict[str, list] = {}
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


def side_of_country(sides: list[Side], country: str) -> str:
    """The side whose countries include ``country``, or "" when none does."""
    return next((side.slug for side in sides if country and country in side.countries), "")
