"""factory_boy factories for the domain."""

import datetime as dt

import factory

from disputes.choices import ActorKind, EventKind
from disputes.models import Actor, Dispute, Event, EventCitation, Source
from tariffs.choices import MeasureType
from tariffs.models import Measure, MeasureCitation, RatePeriod


class ActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Actor

    name = factory.Sequence(lambda n: f"Agency {n}")
    slug = factory.Sequence(lambda n: f"agency-{n}")
    kind = ActorKind.GOVERNMENT_BODY
    country = "CA"


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    title = factory.Sequence(lambda n: f"Readout {n}")
    url = factory.Sequence(lambda n: f"https://example.org/readout/{n}")
    publisher = "Example Gazette"
    published_on = dt.date(2025, 1, 1)


class DisputeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dispute

    slug = factory.Sequence(lambda n: f"dispute-{n}")
    title = factory.Sequence(lambda n: f"Dispute {n}")
    started_on = dt.date(2024, 1, 1)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event
        skip_postgeneration_save = True

    dispute = factory.SubFactory(DisputeFactory)
    date = dt.date(2025, 3, 8)
    kind = EventKind.ANNOUNCEMENT
    title = factory.Sequence(lambda n: f"Announcement {n}")

    @factory.post_generation
    def cited(self, create, extracted, **kwargs):
        if create:
            EventCitation.objects.create(event=self, source=SourceFactory())


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure
        skip_postgeneration_save = True

    dispute = factory.SubFactory(DisputeFactory)
    imposed_by = factory.SubFactory(ActorFactory)
    type = MeasureType.TARIFF
    title = factory.Sequence(lambda n: f"Tariff {n}")
    announced_on = dt.date(2025, 3, 8)

    @factory.post_generation
    def cited(self, create, extracted, **kwargs):
        if create:
            MeasureCitation.objects.create(measure=self, source=SourceFactory())


class RatePeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RatePeriod

    measure = factory.SubFactory(MeasureFactory)
    valid_from = dt.date(2025, 3, 20)
    rate_percent = 100
