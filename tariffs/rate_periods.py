"""Rules about a measure's dated rate periods, in one place.

``valid_to`` is the last day a period applies (inclusive); ``None`` means open-ended. The SQL form
of "covers day D" is :func:`covering`; the Python form is :func:`covers`. They must agree. Likewise
"status on D" is :func:`status_on` here and ``MeasureQuerySet.with_status_on`` in SQL, and "rate on D for an
exporter" is :func:`rate_for` here and ``MeasureQuerySet.with_rate_on`` in SQL.

A measure may hold several rates at once, one per exporter or group (``exporter``) plus the residual rate for
everyone else (no exporter). Periods overlap only across those groups, never within one. The rate on D for a
named exporter is its own period covering D if it has one, otherwise the residual period covering D.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import NamedTuple, Protocol

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import MeasureStatus, RateState, StackedOn


class PeriodLike(Protocol):
    valid_from: dt.date
    valid_to: dt.date | None
    state: str


def group_of(period) -> int | None:
    """The group a period belongs to for the no-overlap rule: its exporter's id, None for the residual rate."""
    return getattr(period, "exporter_id", None)


def covering(day: dt.date, prefix: str = "") -> Q:
    """Q object for periods (reached through ``prefix``) whose window includes ``day``."""
    return Q(**{f"{prefix}valid_from__lte": day}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": day})
    )


def covers(period: PeriodLike, day: dt.date) -> bool:
    return period.valid_from <= day and (period.valid_to is None or day <= period.valid_to)


def overlap(a: PeriodLike, b: PeriodLike) -> bool:
    a_end = a.valid_to or dt.date.max
    b_end = b.valid_to or dt.date.max
    return a.valid_from <= b_end and b.valid_from <= a_end


def find_overlaps(periods: Sequence[PeriodLike]) -> list[tuple[int, int]]:
    """Index pairs (i, j), i < j, of periods of the same exporter (or both residual) that share at least one day."""
    ordered = sorted(range(len(periods)), key=lambda i: periods[i].valid_from)
    pairs = []
    for pos, i in enumerate(ordered):
        for j in ordered[pos + 1 :]:
            if periods[j].valid_from > (periods[i].valid_to or dt.date.max):
                break
            if group_of(periods[i]) == group_of(periods[j]) and overlap(periods[i], periods[j]):
                pairs.append((min(i, j), max(i, j)))
    return sorted(pairs)


def period_on(periods: Iterable[PeriodLike], day: dt.date):
    """The period covering ``day`` that decides the measure's state: one in force if any, else any, else None."""
    covering_day = [p for p in periods if covers(p, day)]
    return next((p for p in covering_day if p.state == RateState.IN_FORCE), None) or next(iter(covering_day), None)


def in_force_on(periods: Iterable[PeriodLike], day: dt.date) -> bool:
    """True if a period in state "in force" covers ``day``, whichever exporter it is for."""
    return any(p.state == RateState.IN_FORCE and covers(p, day) for p in periods)


def period_for(periods: Iterable[PeriodLike], day: dt.date, exporter_id: int | None = None):
    """The period that applies to ``exporter_id`` on ``day``: its own covering period, else the residual one.

    With no exporter named, the residual period. None if neither covers ``day``.
    """
    own = residual = None
    for period in periods:
        if not covers(period, day):
            continue
        group = group_of(period)
        if exporter_id is not None and group == exporter_id:
            own = period
        elif group is None:
            residual = period
    return own or residual


def rate_for(periods: Iterable[PeriodLike], day: dt.date, exporter_id: int | None = None) -> Decimal | None:
    """The rate in force on ``day`` for ``exporter_id`` (the residual rate if None): None if not in force."""
    period = period_for(periods, day, exporter_id)
    if period is None or period.state != RateState.IN_FORCE:
        return None
    return period.rate_percent


class Total(NamedTuple):
    """The total duty on a day (the rate plus what it is added to), or None and the reason it cannot be stated."""

    rate: Decimal | None
    reason: str = ""


def _prefetched_periods_of_base(period) -> Iterable:
    return period.on_top_of_measure.rate_periods.all()


def total_for(
    periods: Iterable[PeriodLike],
    day: dt.date,
    exporter_id: int | None = None,
    *,
    periods_of_base: Callable[[PeriodLike], Iterable] = _prefetched_periods_of_base,
) -> Total:
    """The total on ``day`` for ``exporter_id``: the MFN base rate plus the rate when the sources give the base;
    the other measure's rate on ``day`` (for the same exporter) plus the rate when stacked on a measure.

    Never guessed: without a stated base, the total is None with the reason. ``periods_of_base(period)`` gives
    the periods of the measure ``period`` is stacked on (by default its prefetched ``on_top_of_measure``'s).
    """
    period = period_for(periods, day, exporter_id)
    if period is None or period.state != RateState.IN_FORCE:
        return Total(None, str(_("Not in force on this date.")))
    if period.rate_percent is None:
        return Total(None, str(_("No rate recorded for this period.")))
    if period.on_top_of == StackedOn.MFN:
        if period.base_rate is None:
            return Total(None, str(_("Added to the MFN tariff, whose rate the sources do not give.")))
        return Total(period.base_rate + period.rate_percent)
    if period.on_top_of == StackedOn.MEASURE:
        base = rate_for(periods_of_base(period), day, exporter_id)
        if base is None:
            return Total(None, str(_("Added to another measure that has no rate in force on this date.")))
        return Total(base + period.rate_percent)
    return Total(None, str(_("The sources do not say what this rate is added to.")))


def derive_status(periods: Sequence[PeriodLike], today: dt.date, current: str) -> str:
    """A measure's status on ``today``, from its periods.

    Without any period the measure keeps a proposed status and is otherwise announced.
    """
    if not periods:
        return MeasureStatus.PROPOSED if current == MeasureStatus.PROPOSED else MeasureStatus.ANNOUNCED
    period = period_on(periods, today)  # in force if any period in force covers the day
    if period is not None:
        return MeasureStatus.IN_FORCE if period.state == RateState.IN_FORCE else MeasureStatus.SUSPENDED
    if any(p.valid_from > today for p in periods):
        # Between announcement and entry into force, or between two windows.
        has_past = any(p.valid_from <= today for p in periods)
        return MeasureStatus.SUSPENDED if has_past else MeasureStatus.ANNOUNCED
    return MeasureStatus.ENDED


def status_on(periods: Sequence[PeriodLike], day: dt.date, *, announced_on: dt.date, current: str) -> str | None:
    """A measure's status on ``day`` (a ``MeasureStatus`` value), or None before it was announced.

    None means "not yet announced": the measure did not exist for readers on that day, so no status
    choice fits it. From ``announced_on`` on, the periods decide (:func:`derive_status`): announced until
    a period starts, in force or suspended as the period covering ``day`` says, suspended between two
    windows, ended after the last one. A period without an end is taken as open-ended: the model cannot
    yet say "end unknown", so a deposit whose end no source gives reads as in force until one is recorded.
    """
    if day < announced_on:
        return None
    return derive_status(periods, day, current)


class RateRow(NamedTuple):
    """One line of a measure's rate table: a period, whether it applies on the day asked, and the total then."""

    period: PeriodLike
    covers_day: bool
    total: Total | None


def rate_table(periods: Iterable[PeriodLike], day: dt.date | None = None, **options) -> list[RateRow]:
    """A measure's periods grouped by exporter (each exporter's, in the order first named, then the residual
    rate's), in date order; with ``day``, the periods covering it are marked and carry their total that day."""
    periods = list(periods)
    first_seen = {}
    for period in sorted(periods, key=lambda p: p.valid_from):
        first_seen.setdefault(group_of(period), len(first_seen))
    ordered = sorted(periods, key=lambda p: (group_of(p) is None, first_seen[group_of(p)], p.valid_from))
    rows = []
    for period in ordered:
        covering = day is not None and covers(period, day)
        total = total_for(periods, day, group_of(period), **options) if covering else None
        rows.append(RateRow(period, covering, total))
    return rows


def headline_periods(periods: Iterable[dict]) -> list[dict]:
    """The periods that tell a measure's story as one line (timeline milestones), as ``values()`` dicts with
    ``exporter_id``: every residual period, and an exporter's period only where no period kept so far covers its
    first day (one per day), without a rate, since the rates then differ by exporter. In date order; a measure
    without exporters keeps all its periods as they are."""
    periods = list(periods)
    kept = [p for p in periods if p.get("exporter_id") is None]
    for period in sorted(periods, key=lambda p: p["valid_from"]):
        if period.get("exporter_id") is None:
            continue
        start = period["valid_from"]
        if not any(p["valid_from"] <= start and (p["valid_to"] is None or start <= p["valid_to"]) for p in kept):
            kept.append({**period, "rate_percent": None})
    return sorted(kept, key=lambda p: p["valid_from"])
