"""The one door for writes to measures and exposure figures: the API, the admin, imports and dataset loads call these.

See ``disputes.services`` for what every write guarantees (partial, only what differs, one change set).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.change_sets import in_change_set
from core.dates import ends_before_start, validate_date_in_range
from core.writes import ChildPlan, sync_related, write
from disputes.services import apply_plans, citation_plan, stored

from . import rate_periods
from .choices import RateState
from .models import (
    ExposureFigure,
    Measure,
    MeasureCitation,
    MeasureExemption,
    MeasureExemptionCitation,
    MeasureLink,
    ProductLine,
    RatePeriod,
)


def _period_label(period) -> str:
    end = period.valid_to.isoformat() if period.valid_to else _("open-ended")
    label = f"{period.valid_from.isoformat()} – {end}"
    exporter = getattr(period, "exporter", None) if period.exporter_id else None
    return f"{label} ({exporter})" if exporter is not None else label


def rate_periods_validate(periods: Sequence) -> None:
    """Raise ValidationError naming every pair of periods that overlap or window that is inverted.

    Periods overlap only within one group: the same exporter, or the residual rate. Besides the list under
    ``rate_periods``, the later period of each overlapping pair is named by its index
    (``rate_periods.3.valid_from``), as the API names a nested field.
    """
    messages = []
    for period in periods:
        if ends_before_start(period.valid_from, period.valid_to):
            messages.append(_("Period %(period)s ends before it starts.") % {"period": _period_label(period)})
        if period.rate_percent is not None and period.rate_percent < 0:
            messages.append(_("A rate cannot be negative (%(rate)s).") % {"rate": period.rate_percent})
    errors = {}
    if not messages:
        for i, j in rate_periods.find_overlaps(periods):
            text = _(
                "Rate periods %(a)s and %(b)s overlap; periods of one measure for the same exporter cannot share a day."
            ) % {"a": _period_label(periods[i]), "b": _period_label(periods[j])}
            messages.append(text)
            errors.setdefault(f"rate_periods.{j}.valid_from", []).append(text)
    if messages:
        raise ValidationError({"rate_periods": messages, **errors})


PERIOD_KEY = ("exporter", "valid_from")
PERIOD_FIELDS = (
    "valid_from", "valid_to", "rate_percent", "kind", "state", "note", "exporter", "on_top_of", "on_top_of_measure",
    "base_rate",
)  # fmt: skip
PERIOD_DEFAULTS = {"rate_percent": None, "note": "", "exporter": None, "on_top_of": "", "on_top_of_measure": None,
                   "base_rate": None}  # fmt: skip


def _period_plan(measure: Measure, rows: Iterable[Mapping]) -> ChildPlan:
    """The plan making ``measure``'s periods exactly ``rows``: each checked, then all together (overlaps)."""
    rows = [{**PERIOD_DEFAULTS, **values} for values in rows]
    plan = ChildPlan.build(measure, RatePeriod, "measure", PERIOD_KEY, rows, error_key="rate_periods")
    if not plan.errors:
        rate_periods_validate([RatePeriod(**values) for values in rows])
        stacked_on_itself = [
            index for index, row in enumerate(rows)
            if measure.pk is not None and getattr(row["on_top_of_measure"], "pk", None) == measure.pk
        ]  # fmt: skip
        for index in stacked_on_itself:
            plan.errors[f"rate_periods.{index}.on_top_of_measure"] = [_("A rate cannot be stacked on its own measure.")]
    return plan


EXEMPTION_KEY = ("kind", "description")
EXEMPTION_DEFAULTS = {"description_fr": "", "valid_from": None, "valid_to": None, "instrument": ""}


@dataclass
class _ExemptionsPlan:
    """The exemptions of a measure and, for each, its citations: written together, checked before any write."""

    exemptions: ChildPlan
    citations: list[tuple[tuple, ChildPlan]] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)

    def apply(self, measure: Measure) -> bool:
        changed = self.exemptions.apply(measure)
        stored_exemptions = {(e.kind, e.description): e for e in MeasureExemption.objects.filter(measure=measure)}
        for key, plan in self.citations:
            changed = plan.apply(stored_exemptions[key]) or changed
        return changed


def _exemption_plan(measure: Measure, rows: Iterable[Mapping]) -> _ExemptionsPlan:
    """The plan making ``measure``'s exemptions exactly ``rows`` (each with ``citations``, at least one)."""
    rows = [{**EXEMPTION_DEFAULTS, **values} for values in rows]
    own = [{k: v for k, v in row.items() if k != "citations"} for row in rows]
    plan = _ExemptionsPlan(
        ChildPlan.build(measure, MeasureExemption, "measure", EXEMPTION_KEY, own, error_key="exemptions")
    )
    plan.errors.update(plan.exemptions.errors)
    stored_exemptions = (
        {(e.kind, e.description): e for e in MeasureExemption.objects.filter(measure=measure)} if measure.pk else {}
    )
    keys = [(row.get("kind"), row.get("description")) for row in own]
    if len(set(keys)) != len(keys):
        plan.errors["exemptions"] = [_("Each exemption (kind and description) may appear once.")]
    for index, (key, row) in enumerate(zip(keys, rows, strict=True)):
        citations = [{"field_name": "", "locator": "", "quote": "", **c} for c in row.get("citations") or []]
        if not citations:
            plan.errors[f"exemptions.{index}.sources"] = [_("Give at least one source.")]
            continue
        exemption = stored_exemptions.get(key) or MeasureExemption()
        citation_plan = ChildPlan.build(
            exemption, MeasureExemptionCitation, "exemption", ("source", "field_name"), citations,
            error_key=f"exemptions.{index}.sources",
        )  # fmt: skip
        plan.errors.update(citation_plan.errors)
        plan.citations.append((key, citation_plan))
    return plan


def _product_plan(measure: Measure, rows: Iterable[Mapping]) -> ChildPlan:
    rows = [{"description": "", **values} for values in rows]
    plan = ChildPlan.build(measure, ProductLine, "measure", ("hs_code",), rows, error_key="product_lines")
    if len({str(row.get("hs_code")) for row in rows}) != len(rows):
        plan.errors["product_lines"] = [_("Each HS code may appear once.")]
    return plan


def _link_plan(measure: Measure, rows: Iterable[Mapping]) -> ChildPlan:
    rows = [{"contested": False, "note": "", "locator": "", "quote": "", **values} for values in rows]
    return ChildPlan.build(measure, MeasureLink, "from_measure", ("to_measure", "type"), rows, error_key="links")


@transaction.atomic
@in_change_set
def measure_replace_rate_periods(*, measure: Measure, periods: Iterable[dict], today: dt.date) -> Measure:
    """Make the rate periods of ``measure`` exactly ``periods`` (checked together), then refresh its status."""
    return measure_save(measure=measure, rate_periods=periods, today=today)


@transaction.atomic
@in_change_set
def measure_save(
    *,
    measure: Measure | None = None,
    values: Mapping | None = None,
    applies_to: Iterable | None = None,
    rate_periods: Iterable[Mapping] | None = None,
    product_lines: Iterable[Mapping] | None = None,
    citations: Iterable[Mapping] | None = None,
    cases: Iterable | None = None,
    related_events: Iterable | None = None,
    links: Iterable[Mapping] | None = None,
    exemptions: Iterable[Mapping] | None = None,
    today: dt.date,
) -> Measure:
    """Create or change a measure: its own ``values`` and, for each list given, exactly those children.

    A list not given is kept as it is (a new measure needs its targets and at least one source). Children
    are matched by natural key (a period by its exporter and first day, a product line by its HS code, a citation
    by source and field, a link by target and type, an exemption by kind and description, with its own
    ``citations``), so only what differs is written. Either everything is
    written or nothing is; errors name the field (``rate_periods.0.valid_to``, ``product_lines``, ``applies_to`` …).
    """
    measure = stored(Measure, measure)
    creating = measure.pk is None
    errors = {}
    plans = []
    for rows, plan_of in (
        (rate_periods, _period_plan),
        (product_lines, _product_plan),
        (links, _link_plan),
        (exemptions, _exemption_plan),
    ):
        if rows is not None:
            try:
                plans.append(plan_of(measure, rows))
            except ValidationError as exc:
                errors.update(exc.message_dict)
    if citations is not None or creating:
        try:
            plans.append(citation_plan(measure, MeasureCitation, citations or []))
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if applies_to is not None:
        applies_to = list(applies_to)
    if (applies_to is not None and not applies_to) or (applies_to is None and creating):
        errors["applies_to"] = [_("Name at least one actor the measure applies to.")]
    for plan in plans:
        errors.update(plan.errors)
    if errors:
        raise ValidationError(errors)
    apply_plans(measure, values or {}, plans)
    for name, wanted in (("applies_to", applies_to), ("cases", cases), ("related_events", related_events)):
        if wanted is not None:
            sync_related(measure, name, wanted)
    measure_refresh_status(measure=measure, today=today)
    return measure


@in_change_set
def measure_refresh_status(*, measure: Measure, today: dt.date) -> bool:
    """Set ``measure.status`` from its periods on ``today``; True if it changed."""
    status = rate_periods.derive_status(list(measure.rate_periods.all()), today, measure.status)
    if status == measure.status:
        return False
    measure.status = status
    measure.save(update_fields=["status", "updated_at"])
    return True


@in_change_set
def measures_refresh_status(*, today: dt.date, measures=None) -> int:
    """Refresh the status of ``measures`` (all by default); returns how many changed."""
    queryset = (measures if measures is not None else Measure.objects.all()).prefetch_related("rate_periods")
    return sum(measure_refresh_status(measure=measure, today=today) for measure in queryset)


@transaction.atomic
@in_change_set
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
    # Every rate in force on ``from_date`` (the residual one and each exporter's) is suspended for the window.
    in_force = [p for p in periods if p.state == RateState.IN_FORCE and rate_periods.covers(p, from_date)]
    current = {rate_periods.group_of(p): p for p in in_force}
    if not current:
        raise ValidationError(
            {"from_date": _("%(measure)s is not in force on %(day)s.") % {"measure": measure, "day": from_date}}
        )
    window_end = until or dt.date.max
    rows = []
    for period in periods:
        values = {name: getattr(period, name) for name in PERIOD_FIELDS}
        end = period.valid_to or dt.date.max
        if end < from_date or period.valid_from > window_end or rate_periods.group_of(period) not in current:
            rows.append(values)
            continue
        if period.valid_from < from_date:
            rows.append({**values, "valid_to": from_date - dt.timedelta(days=1)})
        if until is not None and end > until:
            rows.append({**values, "valid_from": until + dt.timedelta(days=1)})
    for period in current.values():
        rows.append(
            {
                **{name: getattr(period, name) for name in PERIOD_FIELDS},
                "valid_from": from_date,
                "valid_to": until,
                "state": RateState.SUSPENDED,
                "note": _("Suspended"),
            }
        )
    measure_replace_rate_periods(measure=measure, periods=rows, today=today)
    return measure


@transaction.atomic
@in_change_set
def exposure_figure_save(
    *, figure: ExposureFigure | None = None, values: Mapping | None = None, measures: Iterable[Measure] | None = None
) -> ExposureFigure:
    """Create or change a figure of trade exposure and, if given, the measures it covers."""
    figure = stored(ExposureFigure, figure)
    write(figure, values or {})
    if measures is not None:
        sync_related(figure, "measures", measures)
    return figure


@transaction.atomic
@in_change_set
def measure_link_save(*, link: MeasureLink | None = None, values: Mapping | None = None) -> MeasureLink:
    """Create or change one link between two measures (a measure's own links are saved with it by ``measure_save``)."""
    link = stored(MeasureLink, link)
    write(link, values or {})
    return link
