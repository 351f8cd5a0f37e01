"""FilterSets of the disputes app: one per model, shared by the API and the pages."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .api.fields import ActorIdentifierFormField
from .choices import ActorKind, CaseForum, CaseStage, DisputeStatus, EventKind, EventLevel, SourceKind
from .models import Actor, Case, Dispute, Event, Source


class ActorIdentifierFilter(django_filters.CharFilter):
    """An actor given by slug or ISO code; an unknown one is a 400 naming the parameter."""

    field_class = ActorIdentifierFormField


class SearchFilter(django_filters.CharFilter):
    """``q``: full-text search through the model's ``search()`` queryset method, ranked."""

    def filter(self, qs, value):
        if not value or not value.strip():
            return qs
        # Best matches first; an explicit ``ordering`` parameter still wins (it is applied later).
        return qs.search(value).order_by("-search_rank", *qs.model._meta.ordering)


class CaseIdentifierField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        # isdecimal() alone accepts other scripts' digits ("٣"); int() of them is not an id anyone typed.
        case = Case.objects.filter(pk=int(value)).first() if value.isascii() and value.isdecimal() else None
        case = case or Case.objects.filter(reference__iexact=value).first()
        if case is None:
            raise forms.ValidationError(
                _("No case has the id or reference “%(value)s”."), code="unknown_case", params={"value": value}
            )
        return case


class CaseIdentifierFilter(django_filters.CharFilter):
    field_class = CaseIdentifierField


class DisputeSlugFilter(django_filters.ModelChoiceFilter):
    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Dispute.objects.all())
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("help_text", _("Dispute slug, e.g. canada-china."))
        super().__init__(**kwargs)


class ActorFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=ActorKind.choices)
    country = django_filters.CharFilter(field_name="country", lookup_expr="iexact", help_text=_("ISO code"))
    q = django_filters.CharFilter(method="search", help_text=_("Name, short name, slug or code contains."))
    ordering = django_filters.OrderingFilter(fields=("name", "slug", "kind", "id"))

    class Meta:
        model = Actor
        fields = ["kind", "country", "q"]

    def search(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(
            Q(name__icontains=value) | Q(short_name__icontains=value) | Q(slug__icontains=value) | Q(code__iexact=value)
        )


class DisputeFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=DisputeStatus.choices)
    actor = ActorIdentifierFilter(field_name="parties__actor", help_text=_("A party, by slug or ISO code."))
    ordering = django_filters.OrderingFilter(fields=("started_on", "slug", "title", "id"))

    class Meta:
        model = Dispute
        fields = ["status", "actor"]


class CaseFilter(django_filters.FilterSet):
    dispute = DisputeSlugFilter()
    forum = django_filters.MultipleChoiceFilter(choices=CaseForum.choices)
    stage = django_filters.MultipleChoiceFilter(choices=CaseStage.choices)
    actor = ActorIdentifierFilter(method="party", help_text=_("Complainant or respondent, by slug or ISO code."))
    q = django_filters.CharFilter(method="search", help_text=_("Reference or title contains."))
    ordering = django_filters.OrderingFilter(fields=("initiated_on", "reference", "id"))

    class Meta:
        model = Case
        fields = ["dispute", "forum", "stage", "actor", "q"]

    def party(self, queryset, name, actor):
        from django.db.models import Q

        return queryset.filter(Q(complainant=actor) | Q(respondent=actor)) if actor else queryset

    def search(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(reference__icontains=value) | Q(title__icontains=value))


class EventFilter(django_filters.FilterSet):
    dispute = DisputeSlugFilter()
    actor = ActorIdentifierFilter(method="participant", help_text=_("A participant, by slug or ISO code."))
    kind = django_filters.MultipleChoiceFilter(choices=EventKind.choices)
    level = django_filters.MultipleChoiceFilter(choices=EventLevel.choices)
    date_after = django_filters.DateFilter(
        field_name="date", lookup_expr="gte", help_text=_("On or after (inclusive).")
    )
    date_before = django_filters.DateFilter(
        field_name="date", lookup_expr="lte", help_text=_("On or before (inclusive).")
    )
    case = CaseIdentifierFilter(field_name="case", help_text=_("Case id or reference, e.g. DS636."))
    q = SearchFilter(help_text=_("Full-text search of titles, summaries and source titles."))
    ordering = django_filters.OrderingFilter(fields=("date", "id", "title", "kind"))

    class Meta:
        model = Event
        fields = ["dispute", "actor", "kind", "level", "date_after", "date_before", "case", "q"]

    def participant(self, queryset, name, actor):
        return queryset.involving(actor) if actor else queryset


class SourceFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=SourceKind.choices)
    publisher = django_filters.CharFilter(lookup_expr="icontains")
    published_after = django_filters.DateFilter(field_name="published_on", lookup_expr="gte")
    published_before = django_filters.DateFilter(field_name="published_on", lookup_expr="lte")
    link = django_filters.CharFilter(field_name="url", help_text=_("The document address, exactly."))
    q = django_filters.CharFilter(method="search", help_text=_("Title or publisher contains."))
    ordering = django_filters.OrderingFilter(fields=("published_on", "title", "id"))

    class Meta:
        model = Source
        fields = ["kind", "publisher", "published_after", "published_before", "link", "q"]

    def search(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(title__icontains=value) | Q(publisher__icontains=value))
