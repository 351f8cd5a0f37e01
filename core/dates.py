"""The range of dates TradeWatch accepts, in one place, and date arithmetic that cannot overflow.

Every domain date (an event's day, a rate period's window, an announcement, a case's opening, a
source's publication) lies in ``DATE_MIN``..``DATE_MAX``: validation says so with a message, and a
named database constraint per field enforces it. The readers (timelines, calendars, feeds, the
timeline widget) still use :func:`shifted` for "the day after", so a row that escaped the range
(stored before the constraints existed) cannot break a page or a refresh.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

#: The first and last day a domain date may take (wide enough for any trade history or schedule).
DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2200, 12, 31)

OUT_OF_RANGE = _("%(value)s is out of range: enter a date between %(min)s and %(max)s.")


def validate_date_in_range(value: dt.date | None) -> None:
    """Field validator: ``value`` (if any) lies within ``DATE_MIN``..``DATE_MAX``."""
    if value is not None and not DATE_MIN <= value <= DATE_MAX:
        raise ValidationError(
            OUT_OF_RANGE,
            code="date_out_of_range",
            params={"value": value.isoformat(), "min": DATE_MIN.isoformat(), "max": DATE_MAX.isoformat()},
        )


def in_range(field: str, *, nullable: bool = False) -> Q:
    """The CheckConstraint condition of one date field (an empty value passes when ``nullable``)."""
    condition = Q(**{f"{field}__gte": DATE_MIN, f"{field}__lte": DATE_MAX})
    return Q(**{f"{field}__isnull": True}) | condition if nullable else condition


def ends_before_start(start: dt.date | None, end: dt.date | None) -> bool:
    """The one window rule: a window whose end is before its start is inverted (an open end never is)."""
    return start is not None and end is not None and end < start


def window_condition(start: str, end: str) -> Q:
    """The CheckConstraint condition of the same rule: no ``end``, or an ``end`` on or after ``start``."""
    return Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": F(start)})


def shifted(day: dt.date, days: int) -> dt.date:
    """``day`` moved by ``days``, held at the ends of the calendar (``date.min``, ``date.max``)."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min


def next_month_start(day: dt.date) -> dt.date:
    """The first day of the month after ``day``'s (``date.max`` in December 9999)."""
    return shifted(day.replace(day=28), 4).replace(day=1) if (day.year, day.month) != (9999, 12) else dt.date.max


def next_year_start(day: dt.date) -> dt.date:
    """1 January of the year after ``day``'s (``date.max`` in 9999)."""
    return dt.date(day.year + 1, 1, 1) if day.year < dt.MAXYEAR else dt.date.max
