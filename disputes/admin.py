"""Admin for the people who enter disputes, events and sources. Every change is kept (simple-history)."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import Actor, Case, CaseCitation, Dispute, DisputeParty, Event, EventCitation, EventParticipant, Source


def _require_id(field, value: str) -> None:
    """404 for a URL id that ``field`` (a primary key) could never hold, e.g. "abc" for a number."""
    try:
        field.to_python(unquote(value))
    except ValidationError:
        raise Http404(f"{value!r} is not an id.") from None


class HistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin whose history pages answer 404 for an id that is not one, as for an unknown one."""

    def history_view(self, request, object_id, extra_context=None):
        _require_id(self.model._meta.pk, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        _require_id(self.model._meta.pk, object_id)
        _require_id(getattr(self.model, self.model._meta.simple_history_manager_attribute).model._meta.pk, version_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


class ServiceRefused(Exception):
    """The service refused a save the admin's forms had accepted; ``errors`` says why, by field."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


class ServiceAdmin(HistoryAdmin):
    """An admin whose every save is one call of the app's service (the one door for writes), inlines included.

    ``save_model`` writes nothing; ``save_related`` gives the service the form's own values, its many-to-many
    values and each inline's rows under the service's parameter name (``children``: inline model → name).
    Should the service refuse what the forms accepted, nothing is written and the form shows its errors.
    """

    children: dict[type[models.Model], str] = {}

    def save(self, record, values: dict, **lists):
        """Call the service: ``record`` is the edited record (unsaved when new)."""
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        """Nothing yet: ``save_related`` writes the record with its inlines, in one service call.

        Reverting to an earlier version (the history page) has no inlines and no ``save_related``: it saves here.
        """
        if getattr(request, "reverting_history", False):
            self._save_through_service(form, [])

    def save_related(self, request, form, formsets, change):
        self._save_through_service(form, formsets)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        request.reverting_history = True
        try:
            return super().history_form_view(request, object_id, version_id, extra_context)
        except ServiceRefused as refused:
            texts = [f"{name}: {m}" if name else m for name, found in refused.errors.items() for m in found]
            self.message_user(request, "; ".join(texts), level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def _save_through_service(self, form, formsets):
        values, lists = {}, {}
        fields = {f.name: f for f in self.model._meta.get_fields()}
        for name, value in form.cleaned_data.items():
            f = fields.get(name)
            if f is not None and f.many_to_many:
                lists[name] = list(value)
            elif f is not None and f.concrete and not f.primary_key:
                values[name] = value
        for formset in formsets:
            # The admin's change message reads what a formset saved; the service did the saving.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            if formset.model in self.children:
                lists[self.children[formset.model]] = self._rows(formset)
        try:
            saved = self.save(form.instance, values, **lists)
        except ValidationError as exc:
            raise ServiceRefused(exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}) from exc
        form.instance.pk = saved.pk

    @staticmethod
    def _rows(formset) -> list[dict]:
        skip = {"id", "DELETE", "ORDER", formset.fk.name}
        names = [name for name in formset.form.base_fields if name not in skip]
        rows = []
        for form in formset.forms:
            data = getattr(form, "cleaned_data", None)
            if data and not data.get("DELETE"):
                rows.append({name: data[name] for name in names if name in data})
        return rows

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ServiceRefused as refused:
            request.service_errors = refused.errors  # the form shows them (``get_form``); nothing was written
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        errors = getattr(request, "service_errors", None)
        if not errors:
            return form

        class Refused(form):
            def clean(self):
                data = super().clean()
                for name, texts in errors.items():
                    if name in self.fields:
                        self.add_error(name, texts)
                    else:
                        self.add_error(None, [f"{name}: {text}" if name else text for text in texts])
                return data

        return Refused


class CitationInline(admin.TabularInline):
    """Sources for a record; at least one is required."""

    extra = 0
    min_num = 1
    autocomplete_fields = ["source"]
    fields = ["source", "field_name", "locator", "quote"]
    verbose_name = _("source")
    verbose_name_plural = _("sources (at least one)")

    def get_formset(self, request, obj=None, **kwargs):
        # The admin passes min_num to the formset but enforces it only in JavaScript.
        return super().get_formset(request, obj, validate_min=True, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source")


@admin.register(Actor)
class ActorAdmin(ServiceAdmin):
    list_display = ["name", "short_name", "kind", "code", "country", "office", "parent"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "short_name", "slug", "code", "office"]
    list_select_related = ["parent"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    ordering = ["name"]

    def save(self, record, values, **lists):
        return services.actor_save(actor=record, values=values)


@admin.register(Source)
class SourceAdmin(ServiceAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["title", "publisher", "published_on", "kind", "language", "url"]
    list_filter = ["kind", "language"]
    search_fields = ["title", "publisher", "url"]
    date_hierarchy = "published_on"
    ordering = ["-published_on", "title"]

    def save(self, record, values, **lists):
        return services.source_save(source=record, values=values)


class DisputePartyInline(admin.TabularInline):
    model = DisputeParty
    extra = 0
    autocomplete_fields = ["actor"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


@admin.register(Dispute)
class DisputeAdmin(ServiceAdmin):
    list_display = ["title", "slug", "status", "started_on", "ended_on", "event_count"]
    list_filter = ["status"]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["related_disputes"]
    inlines = [DisputePartyInline]
    children = {DisputeParty: "parties"}
    date_hierarchy = "started_on"

    def save(self, record, values, **lists):
        return services.dispute_save(dispute=record, values=values, **lists)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_event_count=Count("events"))

    @admin.display(description=_("events"), ordering="_event_count")
    def event_count(self, obj):
        return obj._event_count


class CaseCitationInline(CitationInline):
    model = CaseCitation


@admin.register(Case)
class CaseAdmin(ServiceAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["reference", "title", "forum", "stage", "complainant", "respondent", "initiated_on", "dispute"]
    list_filter = ["forum", "stage", "dispute"]
    search_fields = ["reference", "title", "summary"]
    list_select_related = ["complainant", "respondent", "dispute"]
    autocomplete_fields = ["complainant", "respondent"]
    date_hierarchy = "initiated_on"
    inlines = [CaseCitationInline]
    children = {CaseCitation: "citations"}
    ordering = ["-initiated_on", "reference"]

    def save(self, record, values, **lists):
        return services.case_save(case=record, values=values, **lists)


class EventParticipantInline(admin.TabularInline):
    model = EventParticipant
    extra = 0
    autocomplete_fields = ["actor"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class EventCitationInline(CitationInline):
    model = EventCitation


@admin.register(Event)
class EventAdmin(ServiceAdmin):
    list_display = ["date", "date_precision", "title", "kind", "level", "case", "confidence", "reference", "dispute"]
    list_display_links = ["date", "title"]
    list_filter = ["dispute", "kind", "level", "confidence", "date_precision", "case__forum"]
    search_fields = ["title", "summary", "reference", "location", "outcome"]
    list_select_related = ["case", "dispute"]
    date_hierarchy = "date"
    autocomplete_fields = ["case"]
    inlines = [EventParticipantInline, EventCitationInline]
    children = {EventParticipant: "participants", EventCitation: "citations"}
    ordering = ["-date", "-id"]
    fieldsets = [
        (None, {"fields": ["dispute", "reference", "title", "kind", "level", "confidence"]}),
        (_("When and where"), {"fields": ["date", "date_precision", "end_date", "location"]}),
        (_("What happened"), {"fields": ["summary", "outcome"]}),
        (_("Case step"), {"fields": ["case", "case_stage"], "classes": ["collapse"]}),
    ]

    def save(self, record, values, **lists):
        return services.event_save(event=record, values=values, **lists)
