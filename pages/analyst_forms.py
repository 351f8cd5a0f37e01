"""Forms of the analysts' pages (products, coming up, changes since, disputes): GET forms whose bad values are
shown on the page as form errors. The messages never repeat the value sent: a link must not put its words on
the page."""

from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.hs_codes import HS_CODE_PATTERN


class DayField(forms.DateField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("error_messages", {"invalid": _("Give a date such as 2025-09-01.")})
        super().__init__(**kwargs)


class ProductsForm(forms.Form):
    """``?hs=1205&on=2025-09-01``: the HS code asked about and the day (today when not given)."""

    hs = forms.CharField(
        label=_("HS code"),
        required=False,
        validators=[RegexValidator(HS_CODE_PATTERN, _("An HS code is 2 to 10 digits, e.g. 1205 or 120510."))],
    )
    on = DayField(label=_("On"))

    def hs_code(self) -> str:
        return self.cleaned_data["hs"] if self.is_valid() else ""

    def day(self):
        return (self.is_valid() and self.cleaned_data["on"]) or timezone.localdate()


class FromDayForm(forms.Form):
    """``?from=2026-01-01``: the first day of what is coming (today when not given)."""

    start = DayField(label=_("From"))

    def __init__(self, data=None, **kwargs):
        # "from" is a Python keyword: the field is named "start" and reads the "from" parameter.
        if data is not None:
            data = {"start": data.get("from", "")}
        super().__init__(data, **kwargs)

    def day(self):
        return (self.is_valid() and self.cleaned_data["start"]) or timezone.localdate()


class SinceForm(forms.Form):
    """``?since=2026-01-01``: records created or edited on or after that day."""

    since = DayField(label=_("Since"))

    def day(self):
        return self.cleaned_data["since"] if self.is_valid() else None


class OnDayForm(forms.Form):
    """``?on=2025-09-01``: the day the disputes' measures in force are counted on (today when not given)."""

    on = DayField(label=_("In force on"))

    def day(self):
        return (self.is_valid() and self.cleaned_data["on"]) or timezone.localdate()
