"""Admin for the people who enter disputes, events and sources. Every change is kept (simple-history)."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

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
class ActorAdmin(HistoryAdmin):
    list_display = ["name", "short_name", "kind", "code", "country", "office", "parent"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "short_name", "slug", "code", "office"]
    list_select_related = ["parent"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    ordering = ["name"]


@admin.register(Source)
class SourceAdmin(HistoryAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["title", "publisher", "published_on", "kind", "language", "url"]
    list_filter = ["kind", "language"]
    search_fields = ["title", "publisher", "url"]
    date_hierarchy = "published_on"
    ordering = ["-published_on", "title"]


class DisputePartyInline(admin.TabularInline):
    model = DisputeParty
    extra = 0
    autocomplete_fields = ["actor"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


@admin.register(Dispute)
class DisputeAdmin(HistoryAdmin):
    list_display = ["title", "slug", "status", "started_on", "ended_on", "event_count"]
    list_filter = ["status"]
    search_fields = ["title", "slug", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["related_disputes"]
    inlines = [DisputePartyInline]
    date_hierarchy = "started_on"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_event_count=Count("events"))

    @admin.display(description=_("events"), ordering="_event_count")
    def event_count(self, obj):
        return obj._event_count


class CaseCitationInline(CitationInline):
    model = CaseCitation


@admin.register(Case)
class CaseAdmin(HistoryAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["reference", "title", "forum", "stage", "complainant", "respondent", "initiated_on", "dispute"]
    list_filter = ["forum", "stage", "dispute"]
    search_fields = ["reference", "title", "summary"]
    list_select_related = ["complainant", "respondent", "dispute"]
    autocomplete_fields = ["complainant", "respondent"]
    date_hierarchy = "initiated_on"
    inlines = [CaseCitationInline]
    ordering = ["-initiated_on", "reference"]


class EventParticipantInline(admin.TabularInline):
    model = EventParticipant
    extra = 0
    autocomplete_fields = ["actor"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class EventCitationInline(CitationInline):
    model = EventCitation


@admin.register(Event)
class EventAdmin(HistoryAdmin):
    list_display = ["date", "date_precision", "title", "kind", "level", "case", "confidence", "reference", "dispute"]
    list_display_links = ["date", "title"]
    list_filter = ["dispute", "kind", "level", "confidence", "date_precision", "case__forum"]
    search_fields = ["title", "summary", "reference", "location", "outcome"]
    list_select_related = ["case", "dispute"]
    date_hierarchy = "date"
    autocomplete_fields = ["case"]
    inlines = [EventParticipantInline, EventCitationInline]
    ordering = ["-date", "-id"]
    fieldsets = [
        (None, {"fields": ["dispute", "reference", "title", "kind", "level", "confidence"]}),
        (_("When and where"), {"fields": ["date", "date_precision", "end_date", "location"]}),
        (_("What happened"), {"fields": ["summary", "outcome"]}),
        (_("Case step"), {"fields": ["case", "case_stage"], "classes": ["collapse"]}),
    ]
