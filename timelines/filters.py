"""The timeline FilterSet, shared by the API and the dispute page."""

import django_filters
from django.utils.translation import gettext_lazy as _

from disputes.choices import EventKind
from disputes.filters import ActorIdentifierFilter

from .choices import Milestone, RecordType
from .models import TimelineEntry

# Event kinds, then the measure and case milestones (one code per meaning).
KIND_CHOICES = [*EventKind.choices, *[c for c in Milestone.choices if c[0] not in EventKind.values]]


class TimelineFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=KIND_CHOICES, label=_("Kind"))
    side = django_filters.CharFilter(label=_("Side"))
    record_type = django_filters.MultipleChoiceFilter(choices=RecordType.choices[:3], label=_("Record type"))
    date_after = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("From"))
    date_before = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("To"))
    actor = ActorIdentifierFilter(
        method="filter_actor", label=_("Actor"), help_text=_("An actor involved, by slug or ISO code.")
    )

    class Meta:
        model = TimelineEntry
        fields = ["kind", "side", "record_type", "date_after", "date_before", "actor"]

    def filter_actor(self, queryset, name, actor):
        if actor is None:
            return queryset
        ids = [entry.pk for entry in queryset.only("pk", "actors") if actor.slug in entry.actors]
        return queryset.filter(pk__in=ids)
