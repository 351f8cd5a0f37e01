"""The timeline FilterSet, shared by the API and the dispute page."""

import django_filters

from disputes.choices import EventKind
from disputes.filters import ActorIdentifierFilter

from .choices import Milestone, RecordType
from .models import TimelineEntry

# Event kinds, then the measure and case milestones (one code per meaning).
KIND_CHOICES = [*EventKind.choices, *[c for c in Milestone.choices if c[0] not in EventKind.values]]


class TimelineFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=KIND_CHOICES)
    side = django_filters.CharFilter()
    record_type = django_filters.MultipleChoiceFilter(choices=RecordType.choices[:3])
    date_after = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_before = django_filters.DateFilter(field_name="date", lookup_expr="lte")
    actor = ActorIdentifierFilter(method="filter_actor", help_text="An actor involved, by slug or ISO code.")

    class Meta:
        model = TimelineEntry
        fields = ["kind", "side", "record_type", "date_after", "date_before", "actor"]

    def filter_actor(self, queryset, name, actor):
        if actor is None:
            return queryset
        ids = [entry.pk for entry in queryset.only("pk", "actors") if actor.slug in entry.actors]
        return queryset.filter(pk__in=ids)
