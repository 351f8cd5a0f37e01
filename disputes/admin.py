"""Admin for the people who enter disputes, events and sources. Every change is kept (simple-history)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q, Value, When
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
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

    class Media:
        css = {"all": ["admin-overrides/forms.css"]}  # the forms and their inlines fit a 1366-px window

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


class RankedSearch:
    """Search results (autocomplete included) with exact matches first, then prefix matches, then the rest.

    Typing "Li Qiang" proposes Li Qiang before Li Keqiang. ``rank_fields`` are compared case-insensitively
    with the whole term; within a rank the queryset's own order stays.
    """

    rank_fields: tuple[str, ...] = ()

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if not term or not self.rank_fields:
            return queryset, may_have_duplicates
        exact, prefix = Q(), Q()
        for name in self.rank_fields:
            exact |= Q(**{f"{name}__iexact": term})
            prefix |= Q(**{f"{name}__istartswith": term})
        rank = models.Case(When(exact, then=Value(0)), When(prefix, then=Value(1)), default=Value(2))
        order = list(queryset.query.order_by or self.model._meta.ordering) or ["pk"]
        queryset = queryset.annotate(_search_rank=rank).order_by("_search_rank", *order)
        return queryset, may_have_duplicates


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
class ActorAdmin(RankedSearch, ServiceAdmin):
    list_display = ["name", "short_name", "kind", "code", "country", "office", "parent"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "short_name", "slug", "code", "office"]
    rank_fields = ("name", "short_name", "slug", "code")
    list_select_related = ["parent"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    ordering = ["name"]

    def save(self, record, values, **lists):
        return services.actor_save(actor=record, values=values)


@admin.register(Source)
class SourceAdmin(RankedSearch, ServiceAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["title", "publisher", "published_on", "kind", "language", "url"]
    list_filter = ["kind", "language"]
    search_fields = ["title", "publisher", "url"]
    rank_fields = ("title", "publisher", "url")
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
class CaseAdmin(RankedSearch, ServiceAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["reference", "title", "forum", "stage", "complainant", "respondent", "initiated_on", "dispute"]
    list_filter = ["forum", "stage", "dispute"]
    search_fields = ["reference", "title", "summary"]
    rank_fields = ("reference", "title")
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


class EventAdminForm(forms.ModelForm):
    save_anyway = forms.BooleanField(
        label=_("Save anyway"),
        required=False,
        help_text=_("Tick if this event is not the same as the one(s) listed above."),
    )


@admin.register(Event)
class EventAdmin(RankedSearch, ServiceAdmin):
    list_display = ["date", "date_precision", "title", "kind", "level", "case", "confidence", "reference", "dispute"]
    list_display_links = ["date", "title"]
    list_filter = ["dispute", "kind", "level", "confidence", "date_precision", "case__forum"]
    search_fields = ["title", "summary", "reference", "location", "outcome"]
    rank_fields = ("title", "reference")
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
        (_("In French"), {"fields": ["title_fr", "summary_fr", "outcome_fr"]}),
        (_("Case step"), {"fields": ["case", "case_stage"], "classes": ["collapse"]}),
    ]

    form = EventAdminForm

    def save(self, record, values, **lists):
        return services.event_save(event=record, values=values, **lists)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        # The confirmation shows only once an event like this one was found (or was just confirmed).
        if getattr(request, "possible_duplicates", None) or request.POST.get("save_anyway"):
            fieldsets = [(_("Possible duplicate"), {"fields": ["save_anyway"]}), *fieldsets]
        return fieldsets

    def save_related(self, request, form, formsets, change):
        if not form.cleaned_data.get("save_anyway"):
            others = self._events_like(form, formsets, change)
            if others:
                request.possible_duplicates = others
                raise ServiceRefused({"": [self._duplicate_message(others)]})
        super().save_related(request, form, formsets, change)

    @staticmethod
    def _events_like(form, formsets, change) -> list[Event]:
        """Other events with this one's date, kind and set of participants (when any of these is new)."""
        participants = next(fs for fs in formsets if fs.model is EventParticipant)
        if change and not participants.has_changed() and not {"date", "kind"} & set(form.changed_data):
            return []
        actors = {row["actor"].pk for row in ServiceAdmin._rows(participants) if row.get("actor")}
        same_day = (
            Event.objects.filter(date=form.cleaned_data["date"], kind=form.cleaned_data["kind"])
            .exclude(pk=form.instance.pk)
            .prefetch_related("participations")
            .order_by("id")
        )
        return [event for event in same_day if {p.actor_id for p in event.participations.all()} == actors]

    def _duplicate_message(self, others):
        links = format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            ((reverse(f"{self.admin_site.name}:disputes_event_change", args=[e.pk]), e.title) for e in others),
        )
        return format_html(
            "{} {}. {}",
            _("An event with the same date, kind and participants already exists:"),
            links,
            _("Tick “Save anyway” below if this one is different."),
        )
