"""Admin for measures: rate periods, product lines, sources and links on one page.

Entering several measures from one announcement: open the announcing event and follow "Add a
measure announced by this event" (dispute, date and announcement are filled in), save the first
measure, then use "Save as new" for each further product group, changing only what differs.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.dates import validate_date_in_range
from core.formatting import plain_decimal
from disputes.admin import CitationInline, EventAdmin, ServiceAdmin
from disputes.models import Event, Source

from . import services
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
from .services import measure_suspend, rate_periods_validate


class SuspendForm(forms.Form):
    from_date = forms.DateField(
        label=_("Suspended from"),
        validators=[validate_date_in_range],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = forms.DateField(
        label=_("Suspended until (last day)"),
        required=False,
        validators=[validate_date_in_range],
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for “until further notice”."),
    )

    def clean(self):
        data = super().clean()
        if data.get("from_date") and data.get("until") and data["until"] < data["from_date"]:
            self.add_error("until", _("The suspension cannot end before it starts."))
        return data


class RatePeriodFormSet(forms.BaseInlineFormSet):
    """Checks the periods together: no two may share a day."""

    def clean(self):
        super().clean()
        periods = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("valid_from"):
                continue
            periods.append(
                RatePeriod(
                    valid_from=data["valid_from"],
                    valid_to=data.get("valid_to"),
                    rate_percent=data.get("rate_percent"),
                    state=data.get("state"),
                    exporter=data.get("exporter"),
                )
            )
        try:
            rate_periods_validate(periods)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["rate_periods"]) from exc


class RatePeriodInline(admin.StackedInline):
    """Stacked, three lines a period (its window and rate; whose rate and what it is added to; a note): ten fields in
    one table row would not fit a 1366-pixel window."""

    model = RatePeriod
    fk_name = "measure"
    formset = RatePeriodFormSet
    extra = 0
    min_num = 0
    fields = [("valid_from", "valid_to", "rate_percent", "kind", "state"),
              ("exporter", "on_top_of", "on_top_of_measure", "base_rate"), "note"]  # fmt: skip
    autocomplete_fields = ["exporter", "on_top_of_measure"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("exporter", "on_top_of_measure")


class ProductLineInline(admin.TabularInline):
    model = ProductLine
    extra = 0
    fields = ["hs_code", "description", "description_fr", "basis"]


class ExemptionForm(forms.ModelForm):
    """An exemption with the sources that state it (at least one), chosen in the same row."""

    sources = forms.ModelMultipleChoiceField(
        queryset=Source.objects.order_by("title", "id"), label=_("sources"), help_text=_("At least one.")
    )

    class Meta:
        model = MeasureExemption
        fields = ["kind", "description", "description_fr", "valid_from", "valid_to", "instrument", "sources"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["sources"].initial = [c.source_id for c in self.instance.citations.all()]


class ExemptionInline(admin.StackedInline):
    model = MeasureExemption
    form = ExemptionForm
    extra = 0
    verbose_name = _("exemption or remission")
    verbose_name_plural = _("exemptions and remissions")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("citations")


def exemption_rows(measure: Measure, rows: list[dict]) -> list[dict]:
    """The admin's exemption rows as ``measure_save`` takes them: each chosen source a citation, keeping the
    locator and quote a source already cited for that exemption has."""
    stored = {}
    if measure.pk is not None:
        for citation in MeasureExemptionCitation.objects.filter(exemption__measure=measure).select_related("exemption"):
            key = (citation.exemption.kind, citation.exemption.description, citation.source_id)
            stored[key] = {"field_name": citation.field_name, "locator": citation.locator, "quote": citation.quote}
    exemptions = []
    for row in rows:
        row = dict(row)
        sources = row.pop("sources", None) or []
        row["citations"] = [
            {"source": source, **stored.get((row.get("kind"), row.get("description"), source.pk), {})}
            for source in sources
        ]
        exemptions.append(row)
    return exemptions


class MeasureCitationInline(CitationInline):
    model = MeasureCitation


class MeasureLinkInline(admin.TabularInline):
    model = MeasureLink
    fk_name = "from_measure"
    extra = 0
    autocomplete_fields = ["to_measure", "source"]
    fields = ["type", "to_measure", "contested", "source", "locator", "quote", "note"]
    verbose_name = _("link to another measure")
    verbose_name_plural = _("links to other measures (this measure … that measure)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("to_measure", "source")


@admin.register(Measure)
class MeasureAdmin(ServiceAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = [
        "title",
        "reference",
        "imposed_by",
        "type",
        "status",
        "rate_today",
        "announced_on",
        "announcement_link",
    ]
    list_filter = ["dispute", "status", "type", ("imposed_by", admin.RelatedOnlyFieldListFilter), "confidence"]
    search_fields = ["title", "reference", "product_description", "legal_instrument_name", "product_lines__hs_code"]
    list_select_related = ["imposed_by", "announcement"]
    date_hierarchy = "announced_on"
    autocomplete_fields = ["imposed_by", "applies_to", "announcement", "related_events", "cases"]
    inlines = [RatePeriodInline, ProductLineInline, MeasureCitationInline, MeasureLinkInline, ExemptionInline]
    children = {
        RatePeriod: "rate_periods",
        ProductLine: "product_lines",
        MeasureCitation: "citations",
        MeasureLink: "links",
        MeasureExemption: "exemptions",
    }
    save_as = True
    save_as_continue = True
    actions = ["suspend_for_a_window"]
    ordering = ["-announced_on", "id"]
    readonly_fields = ["created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["dispute", "reference", "title", "type", "status", "confidence"]}),
        (_("Who and whom"), {"fields": ["imposed_by", "applies_to"]}),
        (_("Products"), {"fields": ["product_description"]}),
        (
            _("Announcement and legal basis"),
            {
                "fields": [
                    "announced_on",
                    "announced_on_precision",
                    "announcement",
                    "legal_instrument_name",
                    "legal_instrument_number",
                    "legal_instrument_url",
                ],
            },
        ),
        (_("Context"), {"fields": ["summary", "related_events", "cases", "created_at", "updated_at"]}),
        (_("In French"), {"fields": ["title_fr", "product_description_fr", "summary_fr"]}),
    ]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.resolver_match and request.resolver_match.url_name.endswith("changelist"):
            queryset = queryset.with_rate_on(timezone.localdate())
        return queryset

    @admin.display(description=_("rate today"))
    def rate_today(self, obj):
        rate = getattr(obj, "rate_on_date", None)
        return f"{plain_decimal(rate)}%" if rate is not None else "—"

    @admin.display(description=_("announcement"), ordering="announcement__date")
    def announcement_link(self, obj):
        if obj.announcement is None:
            return "—"
        url = reverse("admin:disputes_event_change", args=[obj.announcement_id])
        return format_html('<a href="{}">{}</a>', url, obj.announcement.date.isoformat())

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        announcement_id = request.GET.get("announcement")
        if announcement_id and announcement_id.isdigit():
            event = Event.objects.filter(pk=announcement_id).first()
            if event is not None:
                initial.setdefault("dispute", event.dispute_id)
                initial.setdefault("announced_on", event.date)
        return initial

    @admin.action(description=_("Suspend selected measures for a window"), permissions=["change"])
    def suspend_for_a_window(self, request, queryset):
        form = SuspendForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            done = []
            for measure in queryset.prefetch_related("rate_periods"):
                try:
                    measure_suspend(
                        measure=measure,
                        from_date=form.cleaned_data["from_date"],
                        until=form.cleaned_data["until"],
                        today=timezone.localdate(),
                    )
                except ValidationError as exc:
                    self.message_user(request, "; ".join(exc.messages), level="error")
                    continue
                self.log_change(request, measure, _("Suspended for a window."))
                done.append(measure)
            if done:
                self.message_user(request, _("Suspended %(count)d measure(s).") % {"count": len(done)})
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Suspend measures for a window"),
            "form": form,
            "measures": queryset,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/tariffs/measure/suspend.html", context)

    def save(self, record, values, **lists):
        if lists.get("exemptions") is not None:
            lists["exemptions"] = exemption_rows(record, lists["exemptions"])
        return services.measure_save(measure=record, values=values, today=timezone.localdate(), **lists)


@admin.register(ExposureFigure)
class ExposureFigureAdmin(ServiceAdmin):
    list_display = [
        "description",
        "year",
        "year_to",
        "basis",
        "flow",
        "amount",
        "currency",
        "quantity",
        "quantity_unit",
        "measure",
        "confidence",
    ]
    list_filter = ["dispute", "flow", "basis", "year", "confidence"]
    search_fields = ["description", "product", "reference", "hs_codes"]
    list_select_related = ["measure"]
    autocomplete_fields = ["measure", "measures", "source"]
    ordering = ["-year", "id"]

    def save(self, record, values, **lists):
        return services.exposure_figure_save(figure=record, values=values, **lists)


@admin.register(MeasureLink)
class MeasureLinkAdmin(ServiceAdmin):
    list_display = ["from_measure", "type", "to_measure", "contested", "source"]
    list_filter = ["type", "contested"]
    search_fields = ["from_measure__title", "to_measure__title", "note"]
    list_select_related = ["from_measure", "to_measure", "source"]
    autocomplete_fields = ["from_measure", "to_measure", "source"]

    def save(self, record, values, **lists):
        return services.measure_link_save(link=record, values=values)


class MeasureAnnouncedInline(admin.TabularInline):
    """The measures an announcement created, with a shortcut to add the next one."""

    model = Measure
    fk_name = "announcement"
    fields = ["title", "type", "imposed_by", "status"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name = _("measure announced by this event")
    verbose_name_plural = _("measures announced by this event")

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("imposed_by")


class EventWithMeasuresAdmin(EventAdmin):
    """The event admin, extended with the measures an announcement created (tariffs sits above disputes)."""

    inlines = [*EventAdmin.inlines, MeasureAnnouncedInline]
    search_fields = EventAdmin.search_fields
    readonly_fields = ["add_measure_link"]
    fieldsets = [*EventAdmin.fieldsets, (_("Measures"), {"fields": ["add_measure_link"]})]

    @admin.display(description=_("new measure"))
    def add_measure_link(self, obj):
        if obj is None or obj.pk is None:
            return _("Save the event first, then add the measures it announced.")
        url = reverse("admin:tariffs_measure_add") + f"?announcement={obj.pk}"
        return format_html('<a class="addlink" href="{}">{}</a>', url, _("Add a measure announced by this event"))


admin.site.unregister(Event)
admin.site.register(Event, EventWithMeasuresAdmin)
