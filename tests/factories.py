"""factory_boy factories for the domain."""

import datetime as dt

import factory

from disputes.choices import ActorKind, CaseForum, CaseStage, EventKind
from disputes.models import Actor, Case, CaseCitation, Dispute, DisputeParty, Event, EventCitation, Source
from tariffs.choices import LinkType, MeasureType, RateState
from tariffs.models import Measure, MeasureCitation, MeasureLink, ProductLine, RatePeriod


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


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    dispute = factory.SubFactory(DisputeFactory)
    forum = CaseForum.WTO
    reference = factory.Sequence(lambda n: f"DS9{n:03d}")
    title = factory.Sequence(lambda n: f"Case {n}")
    respondent = factory.SubFactory(ActorFactory)
    stage = CaseStage.CONSULTATIONS_REQUESTED
    initiated_on = dt.date(2025, 2, 1)


def build_busy_world(disputes: int = 3, per_dispute: int = 6) -> dict:
    """Many disputes, each with parties, cases, events and measures, every relation filled several times
    over, so a page or endpoint that queries once per row (an N+1) costs visibly more queries.

    One ``hub`` actor takes part in everything and one ``source`` is cited by everything, so their pages
    list many rows too. Returns the records the budget tests open.
    """
    hub = ActorFactory(name="Hubland", slug="hubland", code="HB", country="HB", kind=ActorKind.STATE)
    source = SourceFactory(title="Shared gazette")
    built = {"hub": hub, "source": source, "disputes": [], "cases": [], "events": [], "measures": []}
    for d in range(disputes):
        dispute = DisputeFactory()
        side_a, side_b = ActorFactory(parent=hub), ActorFactory(country="CN", parent=hub)
        DisputeParty.objects.create(dispute=dispute, actor=side_a, side="alpha")
        DisputeParty.objects.create(dispute=dispute, actor=side_b, side="beta")
        DisputeParty.objects.create(dispute=dispute, actor=hub, side="alpha", role="ally")
        cases = []
        for _ in range(2):
            case = CaseFactory(dispute=dispute, complainant=side_a, respondent=side_b)
            CaseCitation.objects.create(case=case, source=source)
            CaseCitation.objects.create(case=case, source=SourceFactory())
            cases.append(case)
        events, measures = [], []
        for i in range(per_dispute):
            event = EventFactory(dispute=dispute, case=cases[i % 2], date=dt.date(2025, 1, 1) + dt.timedelta(days=i))
            event.participations.create(actor=hub)
            event.participations.create(actor=side_a if i % 2 else side_b, role="host")
            EventCitation.objects.create(event=event, source=source)
            events.append(event)
        for i in range(per_dispute):
            measure = MeasureFactory(
                dispute=dispute,
                reference=f"B{d}-{i}",
                imposed_by=side_b if i % 2 else hub,
                announcement=events[i],
                announced_on=dt.date(2025, 3, 1) + dt.timedelta(days=i),
            )
            measure.applies_to.set([side_a, hub])
            measure.cases.set(cases)
            measure.related_events.set(events[:2])
            MeasureCitation.objects.create(measure=measure, source=source)
            RatePeriod.objects.create(
                measure=measure, valid_from=dt.date(2025, 3, 20), valid_to=dt.date(2025, 6, 30), rate_percent=10 + i
            )
            RatePeriod.objects.create(
                measure=measure, valid_from=dt.date(2025, 7, 1), rate_percent=20 + i, state=RateState.SUSPENDED
            )
            ProductLine.objects.create(measure=measure, hs_code=f"15{i:02d}", description="oils")
            ProductLine.objects.create(measure=measure, hs_code=f"03{i:02d}", description="fish")
            for earlier in measures[-2:]:
                MeasureLink.objects.create(
                    from_measure=measure, to_measure=earlier, type=LinkType.RETALIATES_AGAINST, source=source
                )
            measures.append(measure)
        built["disputes"].append(dispute)
        built["cases"] += cases
        built["events"] += events
        built["measures"] += measures
    return built
