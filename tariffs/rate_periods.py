"""Rules about a measure's dated rate periods, in one place.

``valid_to`` is the last day a period applies (inclusive); ``None`` means open-ended. The SQL form
of "covers day D" is :func:`covering`; the Python form is :func:`covers`. They must agree. Likewise
"status on D" is :func:`status_on` here and ``MeasureQuerySet.with_status_on`` in SQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Protocol

from django.db.models import Q

from .choices import MeasureStatus, RateState


class PeriodLike(Protocol):
    valid_from: dt.date
    valid_to: dt.date | None
    state: str


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
    """Index pairs (i, j), i < j, of periods that share at least one day."""
    ordered = sorted(range(len(periods)), key=lambda i: periods[i].valid_from)
    pairs = []
    for pos, i in enumerate(ordered):
        for j in ordered[pos + 1 :]:
            if overlap(periods[i], periods[j]):
                pairs.append((min(i, j), max(i, j)))
            elif periods[j].valid_from > (periods[i].valid_to or dt.date.max):
                break
    return pairs


def period_on(periods: Iterable[PeriodLike], day: dt.date):
    """The period covering ``day``, or None."""
    return next((p for p in periods if covers(p, day)), None)


def derive_status(periods: Sequence[PeriodLike], today: dt.date, current: str) -> str:
    """A measure's status on ``today``, from its periods.

    Without any period the measure keeps a proposed status and is otherwise announced.
    """
    if not periods:
        return MeasureStatus.PROPOSED if current == MeasureStatus.PROPOSED else MeasureStatus.ANNOUNCED
    period = period_on(periods, today)
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
