"""Forms of the pages that are not filters of a model."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import Lanes


class TimelineViewForm(forms.Form):
    """How the dispute page draws its timeline. These parameters choose a view, not the entries:
    a bad value falls back to the default view, and the page says so."""

    group_by = forms.ChoiceField(
        label=_("Lanes"),
        choices=Lanes.choices,
        required=False,
        # The message names the choices, never the value sent: a link must not put its words on the page.
        error_messages={"invalid_choice": _("Choose lanes by side or by kind.")},
    )

    def lanes(self) -> str:
        """The lanes asked for, or the default ones when the parameter is missing or invalid."""
        return (self.is_valid() and self.cleaned_data["group_by"]) or Lanes.SIDE.value


class MeasureDayForm(forms.Form):
    """The date a measure page is read on (``?on=YYYY-MM-DD``). A bad value falls back to today, and
    the page says so."""

    on = forms.DateField(
        label=_("Status on"),
        required=False,
        # The message never repeats the value sent: a link must not put its words on the page.
        error_messages={"invalid": _("“on” must be a date such as 2025-04-01; the page shows today’s status.")},
    )

    def day(self):
        """The date asked for, or None when the parameter is missing or invalid."""
        return self.cleaned_data["on"] if self.is_valid() else None
