"""Writes to measures that carry business rules. Every write path (admin, API, loader) uses these."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.dates import ends_before_start, validate_date_in_range
from disputes.services import replace_citations

from . import rate_periods
from .choices import RateState
from .models import Measure, ProductLine, RatePeriod


def _period_label(period) -> str:
    end = period.valid_to.isoformat() if period.valid_to else _("open-ended")
    return f"{period.valid_from.isoformat()} – {end}"


def rate_periods_validate(periods: Sequence) -> None:
    """Raise ValidationError naming every pair of periods that overlap or window that is inverted."""
    messages = []
    for period in periods:
        if ends_before_start(period.valid_from, period.valid_to):
            messages.append(_("Period %(period)s ends before it starts.") % {"period": _period_label(period)})
        if period.rate_percent is not None and period.rate_percent < 0:
            messages.append(_("A rate cannot be negative (%(rate)s).") % {"rate": period.rate_percent})
    if not messages:
        for i, j in rate_periods.find_overlaps(periods):
            messages.append(
                _("Rate periods %(a)s and %(b)s overlap; periods of one measure cannot share a day.")
                % {"a": _period_label(periods[i]), "b": _period_label(periods[j])}
            )
    if messages:
        raise ValidationError({"rate_periods": messages})


def _checked_periods(measure: Measure, rows: Iterable[dict]) -> tuple[list[RatePeriod], dict]:
    """Unsaved periods of ``measure`` from ``rows``, and the errors of each (keyed ``rate_periods[i]``).

    The periods are first checked together (windows, overlaps), which raises at once.
    """
    periods = [RatePeriod(measure=measure, **values) for values in rows]
    rate_periods_validate(periods)
    errors = {}
    for index, period in enumerate(periods):
        try:
            period.full_clean(exclude=["measure"])
        except ValidationError as exc:
            errors[f"rate_periods[{index}]"] = _period_messages(exc)
    return periods, errors


def _period_messages(error: ValidationError) -> list[str]:
    """A period's errors as messages that name their field ("valid to: …"), for one list per period."""
    if not hasattr(error, "error_dict"):
        return error.messages
    messages = []
    for name, texts in error.message_dict.items():
        field = next((f for f in RatePeriod._meta.concrete_fields if f.name == name), None)
        messages += [f"{field.verbose_name}: {text}" if field else text for text in texts]
    return messages


def _store_periods(measure: Measure, periods: list[RatePeriod]) -> None:
    """Replace the stored periods of ``measure``, deleting first so no two ever overlap."""
    measure.rate_periods.all().delete()
    for period in sorted(periods, key=lambda p: p.valid_from):
        period.save()


@transaction.atomic
def measure_replace_rate_periods(*, measure: Measure, periods: Iterable[dict], today: dt.date) -> list[RatePeriod]:
    """Replace all rate periods of ``measure`` after validating them together, then refresh its status."""
    new, errors = _checked_periods(measure, periods)
    if errors:
        raise ValidationError(errors)
    _store_periods(measure, new)
    measure_refresh_status(measure=measure, today=today)
    return new


@transaction.atomic
def measure_save(
    *,
    measure: Measure,
    applies_to: list,
    rate_periods: list[dict],
    product_lines: list[dict],
    citations: list[dict],
    cases: list | None = None,
    today: dt.date,
) -> Measure:
    """Validate and save ``measure`` with exactly these targets, periods, product lines and sources.

    Either everything is written or nothing is; errors name the field (``rate_periods``, ``hs_codes`` …).
    """
    periods, errors = _checked_periods(measure, rate_periods)
    lines = [ProductLine(measure=measure, **values) for values in product_lines]
    for index, line in enumerate(lines):
        try:
            line.full_clean(exclude=["measure"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            errors[f"hs_codes[{index}]"] = exc.messages
    if len({line.hs_code for line in lines}) != len(lines):
        errors["hs_codes"] = [_("Each HS code may appear once.")]
    if not applies_to:
        errors["applies_to"] = [_("Name at least one actor the measure applies to.")]
    if errors:
        raise ValidationError(errors)
    measure.full_clean()
    measure.save()
    measure.applies_to.set(applies_to)
    if cases is not None:
        measure.cases.set(cases)
    measure.product_lines.all().delete()
    for line in lines:
        line.save()
    _store_periods(measure, periods)
    replace_citations(manager=measure.citations, cited=measure, citations=citations)
    measure_refresh_status(measure=measure, today=today)
    return measure


def measure_refresh_status(*, measure: Measure, today: dt.date) -> bool:
    """Set ``measure.status`` from its periods on ``today``; True if it changed."""
    status = rate_periods.derive_status(list(measure.rate_periods.all()), today, measure.status)
    if status == measure.status:
        return False
    measure.status = status
    measure.save(update_fields=["status", "updated_at"])
    return True


def measures_refresh_status(*, today: dt.date, measures=None) -> int:
    """Refresh the status of ``measures`` (all by default); returns how many changed."""
    queryset = (measures if measures is not None else Measure.objects.all()).prefetch_related("rate_periods")
    return sum(measure_refresh_status(measure=measure, today=today) for measure in queryset)


@transaction.atomic
def measure_suspend(*, measure: Measure, from_date: dt.date, until: dt.date | None, today: dt.date) -> Measure:
    """Suspend ``measure`` from ``from_date`` through ``until`` (inclusive; None: until further notice).

    The period in force on ``from_date`` is split: the suspended window keeps its rate and kind for
    the record, and what followed the window stays as it was (the measure resumes).
    """
    bounds = {}
    for name, day in (("from_date", from_date), ("until", until)):
        try:
            validate_date_in_range(day)
        except ValidationError as exc:
            bounds[name] = exc.messages
    if bounds:
        raise ValidationError(bounds)
    if until is not None and until < from_date:
        raise ValidationError({"until": _("The suspension cannot end before it starts.")})
    periods = sorted(measure.rate_periods.all(), key=lambda p: p.valid_from)
    current = rate_periods.period_on(periods, from_date)
    if current is None or current.state != RateState.IN_FORCE:
        raise ValidationError(
            {"from_date": _("%(measure)s is not in force on %(day)s.") % {"measure": measure, "day": from_date}}
        )
    window_end = until or dt.date.max
    rows = []
    for period in periods:
        values = {
            "valid_from": period.valid_from,
            "valid_to": period.valid_to,
            "rate_percent": period.rate_percent,
            "kind": period.kind,
            "state": period.state,
            "note": period.note,
        }
        end = period.valid_to or dt.date.max
        if end < from_date or period.valid_from > window_end:
            rows.append(values)
            continue
        if period.valid_from < from_date:
            rows.append({**values, "valid_to": from_date - dt.timedelta(days=1)})
        if until is not None and end > until:
            rows.append({**values, "valid_from": until + dt.timedelta(days=1)})
    rows.append(
        {
            "valid_from": from_date,
            "valid_to": until,
            "rate_percent": current.rate_percent,
            "kind": current.kind,
            "state": RateState.SUSPENDED,
            "note": _("Suspended"),
        }
    )
    measure_replace_rate_periods(measure=measure, periods=rows, today=today)
    return measure
