"""FilterSets of the disputes app: one per model, shared by the API and the pages."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from core.search import searchable

from .api.fields import ActorIdentifierFormField
from .choices import ActorKind, CaseForum, CaseStage, DisputeStatus, EventKind, EventLevel, SourceKind
from .models import Actor, Case, Citation, Dispute, DisputeParty, Event, EventParticipant, Source


class ActorIdentifierFilter(django_filters.CharFilter):
    """An actor given by slug or ISO code; an unknown one is a 400 naming the parameter."""

    field_class = ActorIdentifierFormField


class SearchFilter(django_filters.CharFilter):
    """``q``: full-text search through the model's ``search()`` queryset method, ranked.

    A prepared read (``core.api.prepared``) gives the filter a placeholder standing for ``prepared_value(value)``.
    """

    #: The value a prepared read binds for ``value``: the text the search reads (``core.search.search``).
    prepared_value = staticmethod(searchable)

    def filter(self, qs, value):
        if not value or (isinstance(value, str) and not value.strip()):
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
    dispute = DisputeSlugFilter(
        method="in_dispute", help_text=_("Dispute slug: its parties and the participants in its events.")
    )
    kind = django_filters.MultipleChoiceFilter(choices=ActorKind.choices)
    country = django_filters.CharFilter(field_name="country", lookup_expr="iexact", help_text=_("ISO code"))
    q = django_filters.CharFilter(method="search", help_text=_("Name, short name, slug or code contains."))
    ordering = django_filters.OrderingFilter(fields=("name", "slug", "kind", "id"))

    class Meta:
        model = Actor
        fields = ["dispute", "kind", "country", "q"]

    @extend_schema_field(OpenApiTypes.STR)  # a slug, like every ``dispute`` parameter
    def in_dispute(self, queryset, name, dispute):
        from django.db.models import Exists, OuterRef

        if dispute is None:
            return queryset
        party = DisputeParty.objects.filter(actor=OuterRef("pk"), dispute=dispute)
        participant = EventParticipant.objects.filter(actor=OuterRef("pk"), event__dispute=dispute)
        return queryset.filter(Exists(party) | Exists(participant))

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
    dispute = DisputeSlugFilter(method="cited_in", help_text=_("Dispute slug: sources cited by its records."))
    kind = django_filters.MultipleChoiceFilter(choices=SourceKind.choices)
    publisher = django_filters.CharFilter(lookup_expr="icontains")
    published_after = django_filters.DateFilter(field_name="published_on", lookup_expr="gte")
    published_before = django_filters.DateFilter(field_name="published_on", lookup_expr="lte")
    link = django_filters.CharFilter(field_name="url", help_text=_("The document address, exactly."))
    q = django_filters.CharFilter(method="search", help_text=_("Title or publisher contains."))
    ordering = django_filters.OrderingFilter(fields=("published_on", "title", "id"))

    class Meta:
        model = Source
        fields = ["dispute", "kind", "publisher", "published_after", "published_before", "link", "q"]

    @extend_schema_field(OpenApiTypes.STR)
    def cited_in(self, queryset, name, dispute):
        """Sources cited by a record of ``dispute``: every kind of citation, those of the apps above included
        (found through the relations to ``Source``, so this app imports none of them)."""
        from django.db.models import Exists, OuterRef, Q

        if dispute is None:
            return queryset
        cited = Q()
        for relation in Source._meta.related_objects:
            model = relation.related_model
            path = _dispute_path(model, model.cited_field) if issubclass(model, Citation) else None
            if path:
                cited |= Exists(model.objects.filter(source=OuterRef("pk"), **{path: dispute}))
        return queryset.filter(cited)

    def search(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(title__icontains=value) | Q(publisher__icontains=value))


def _dispute_path(model, field_name: str, depth: int = 3) -> str | None:
    """The lookup from ``model`` through its foreign key ``field_name`` to a dispute ("event__dispute",
    "exemption__measure__dispute"), following at most ``depth`` foreign keys; None when there is none."""
    if not field_name or depth == 0:
        return None
    target = model._meta.get_field(field_name).related_model
    if target is Dispute:
        return field_name
    for candidate in target._meta.get_fields():
        if candidate.many_to_one and candidate.concrete:
            found = _dispute_path(target, candidate.name, depth - 1)
            if found:
                return f"{field_name}__{found}"
    return None
