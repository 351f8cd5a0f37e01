"""FilterSet of measures, shared by the API and the pages."""

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from core.hs_codes import HS_CODE_PATTERN
from disputes.filters import ActorIdentifierFilter, DisputeSlugFilter, SearchFilter

from .choices import MeasureStatus, MeasureType
from .models import Measure


class MeasureFilterForm(forms.Form):
    def clean(self):
        data = super().clean()
        on, in_force_on = data.get("on"), data.get("in_force_on")
        if on and in_force_on and on != in_force_on:
            message = _("“on” and “in_force_on” must be the same date; give one of them.")
            self.add_error("on", forms.ValidationError(message, code="different_dates"))
        if data.get("exporter") and not (on or in_force_on):
            message = _("Give “in_force_on” or “on” with “exporter”: it names whose rate on that date to show.")
            self.add_error("exporter", forms.ValidationError(message, code="exporter_without_date"))
        return data


class MeasureFilter(django_filters.FilterSet):
    dispute = DisputeSlugFilter()
    imposed_by = ActorIdentifierFilter(
        method="filter_imposed_by", label=_("Imposed by"), help_text=_("Imposing actor: slug or ISO code.")
    )
    applies_to = ActorIdentifierFilter(
        method="filter_applies_to", label=_("Applies to"), help_text=_("Targeted actor: slug or ISO code.")
    )
    type = django_filters.MultipleChoiceFilter(choices=MeasureType.choices)
    status = django_filters.MultipleChoiceFilter(choices=MeasureStatus.choices)
    hs = django_filters.CharFilter(
        method="filter_hs",
        label=_("HS code starts with"),
        validators=[RegexValidator(HS_CODE_PATTERN, _("An HS code prefix is 2 to 10 digits."))],
        help_text=_("HS code prefix, e.g. 15 or 1514."),
    )
    in_force_on = django_filters.DateFilter(
        method="filter_in_force_on",
        label=_("In force on"),
        help_text=_("Measures in force on this date; each result then carries status_on_date and rate_on_date."),
    )
    on = django_filters.DateFilter(
        method="filter_on",
        label=_("On"),
        help_text=_(
            "Filters nothing: each result carries status_on_date and rate_on_date for this date. "
            "With in_force_on, give the same date or none."
        ),
    )
    exporter = ActorIdentifierFilter(
        method="filter_exporter",
        label=_("Exporter"),
        help_text=_(
            "With in_force_on or on: rate_on_date is this exporter's rate (its own, else the residual rate); "
            "slug or ISO code."
        ),
    )
    announced_after = django_filters.DateFilter(field_name="announced_on", lookup_expr="gte")
    announced_before = django_filters.DateFilter(field_name="announced_on", lookup_expr="lte")
    q = SearchFilter(
        label=_("Words"), help_text=_("Full-text search of titles, summaries, product descriptions and source titles.")
    )
    ordering = django_filters.OrderingFilter(fields=("announced_on", "id", "title", "type", "status"))

    class Meta:
        model = Measure
        fields = ["dispute", "imposed_by", "applies_to", "type", "status", "hs", "in_force_on", "on", "exporter", "q"]
        form = MeasureFilterForm

    def filter_imposed_by(self, queryset, name, actor):
        return queryset.imposed_by(actor) if actor else queryset

    def filter_applies_to(self, queryset, name, actor):
        return queryset.applies_to(actor) if actor else queryset

    def filter_hs(self, queryset, name, value):
        return queryset.with_hs_prefix(value) if value else queryset

    def filter_exporter(self, queryset, name, actor):
        return queryset  # it names whose rate the date filters annotate; it filters nothing

    def filter_in_force_on(self, queryset, name, day):
        if not day:
            return queryset
        return queryset.in_force(on=day).with_rate_on(day, exporter=self._exporter()).with_status_on(day)

    def filter_on(self, queryset, name, day):
        return queryset.with_rate_on(day, exporter=self._exporter()).with_status_on(day) if day else queryset

    def _exporter(self):
        return self.form.cleaned_data.get("exporter")
