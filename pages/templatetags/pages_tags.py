from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import get_language

from core import permalinks
from core.formatting import plain_decimal
from core.i18n import translated
from disputes.choices import CaseStage, EventKind
from tariffs.choices import MeasureStatus
from timelines.choices import Milestone, ScheduledChange

register = template.Library()
KIND_LABELS = {**dict(Milestone.choices), **dict(EventKind.choices)}


@register.filter
def kind_label(code: str) -> str:
    """The translated label of an event kind or measure milestone."""
    return KIND_LABELS.get(code, code)


@register.filter
def status_label(code: str | None) -> str:
    """The translated label of a measure status code (e.g. an annotated ``status_on_date``)."""
    return MeasureStatus(code).label if code in MeasureStatus.values else ""


@register.filter
def stage_label(code: str) -> str:
    """The translated label of a case stage code."""
    return CaseStage(code).label if code in CaseStage.values else code


@register.filter
def change_label(code: str) -> str:
    """The translated wording of a coming change to a measure (takes effect, ends, …)."""
    return ScheduledChange(code).label if code in ScheduledChange.values else code


@register.filter
def rate(value) -> str:
    """A rate as people write it: 100%, 75.8%, or a dash when there is none."""
    if value is None or value == "":
        return "—"
    number = number_format(plain_decimal(Decimal(value)))
    # French puts a (non-breaking) space before the percent sign.
    return f"{number}\u00a0%" if (get_language() or "").startswith("fr") else f"{number}%"


MONEY_SCALES = ((Decimal(10) ** 9, "billion", "milliard"), (Decimal(10) ** 6, "million", "million"))


@register.filter
def money(amount, currency: str) -> str:
    """An amount as people read it, every digit kept: "CAD 7.016 billion", "7,016 milliards CAD"."""
    if amount is None or amount == "":
        return "—"
    value = Decimal(str(amount))
    french = (get_language() or "").startswith("fr")
    for size, english_word, french_word in MONEY_SCALES:
        if abs(value) >= size:
            number = number_format(plain_decimal(value / size))
            if french:
                plural = "s" if abs(value) >= 2 * size else ""
                return f"{number}\u00a0{french_word}{plural} {currency}"
            return f"{currency} {number} {english_word}"
    number = number_format(plain_decimal(value), force_grouping=True)
    return f"{number}\u00a0{currency}" if french else f"{currency} {number}"


@register.filter
def shown(value) -> str:
    """A form value as text: lists joined with commas."""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


@register.simple_tag
def record_url(kind: str, key) -> str:
    """``{% record_url "event" e.pk %}``: the page of a record in the active language (core.permalinks)."""
    return permalinks.record_url(kind, key, in_language=True)


@register.filter
def tr(record, name: str):
    """``record``'s text field ``name`` in the reader's language (its ``name_fr`` on French pages when filled)."""
    if record is None or record == "":
        return ""
    return translated(record, name)


@register.filter
def tr_first(record, names: str):
    """The first filled of ``record``'s text fields ``names`` ("short_name,name"), in the reader's language."""
    if record is None or record == "":
        return ""
    return next((value for name in names.split(",") if (value := translated(record, name.strip()))), "")
