from decimal import Decimal

from django import template

from disputes.choices import EventKind
from timelines.choices import Milestone

register = template.Library()
KIND_LABELS = {**dict(Milestone.choices), **dict(EventKind.choices)}


@register.filter
def kind_label(code: str) -> str:
    """The translated label of an event kind or measure milestone."""
    return KIND_LABELS.get(code, code)


@register.filter
def rate(value) -> str:
    """A rate as people write it: 100%, 75.8%, or a dash when there is none."""
    if value is None or value == "":
        return "—"
    return f"{Decimal(value).normalize():f}%"
