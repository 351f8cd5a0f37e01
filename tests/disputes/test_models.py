"""The database refuses bad disputes data, and validation explains why in words."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from disputes.choices import ActorKind, CaseForum, CaseStage, DatePrecision
from disputes.models import Actor, Case, Dispute, Event, EventCitation, Source
from tests.factories import ActorFactory, DisputeFactory, EventFactory, SourceFactory

pytestmark = pytest.mark.django_db


def refused_by_database(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_a_state_without_an_iso_code_is_refused_by_the_database():
    refused_by_database(lambda: Actor.objects.create(slug="atlantis", name="Atlantis", kind=ActorKind.STATE))


def test_only_states_carry_an_iso_code_in_the_database():
    refused_by_database(
        lambda: Actor.objects.create(slug="mofcom-x", name="MOFCOM X", kind=ActorKind.GOVERNMENT_BODY, code="CN")
    )


def test_two_actors_cannot_share_an_iso_code():
    refused_by_database(
        lambda: Actor.objects.create(
            slug="canada-2", name="Canada again", kind=ActorKind.STATE, code="CA", country="CA"
        )
    )


def test_actor_slugs_are_unique():
    refused_by_database(lambda: Actor.objects.create(slug="canada", name="Other", kind=ActorKind.COMPANY))


def test_state_validation_names_the_missing_code():
    actor = Actor(slug="atlantis", name="Atlantis", kind=ActorKind.STATE)
    with pytest.raises(ValidationError) as excinfo:
        actor.full_clean()
    assert "code" in excinfo.value.message_dict


def test_a_dispute_cannot_end_before_it_starts():
    refused_by_database(
        lambda: Dispute.objects.create(
            slug="backwards", title="Backwards", started_on=dt.date(2025, 1, 2), ended_on=dt.date(2025, 1, 1)
        )
    )
    dispute = Dispute(slug="backwards", title="Backwards", started_on=dt.date(2025, 1, 2), ended_on=dt.date(2025, 1, 1))
    with pytest.raises(ValidationError) as excinfo:
        dispute.full_clean()
    assert "ended_on" in excinfo.value.message_dict


def test_an_event_cannot_end_before_it_starts():
    dispute = DisputeFactory()
    refused_by_database(
        lambda: Event.objects.create(
            dispute=dispute, date=dt.date(2025, 9, 9), end_date=dt.date(2025, 9, 6), kind="visit", title="Mission"
        )
    )


def test_event_references_are_unique_within_a_dispute(canada_china):
    refused_by_database(
        lambda: Event.objects.create(
            dispute=canada_china, reference="F069", date=dt.date(2025, 6, 5), kind="leader_call", title="Copy"
        )
    )


def test_a_month_precise_event_must_be_dated_on_the_first():
    event = Event(
        dispute=DisputeFactory(),
        date=dt.date(2019, 3, 15),
        date_precision=DatePrecision.MONTH,
        kind="announcement",
        title="Early March",
    )
    with pytest.raises(ValidationError) as excinfo:
        event.full_clean()
    assert "first day of the month" in str(excinfo.value.message_dict["date"])


def test_a_case_stage_needs_a_case_in_the_database():
    dispute = DisputeFactory()
    refused_by_database(
        lambda: Event.objects.create(
            dispute=dispute, date=dt.date(2025, 6, 23), kind="wto_step", title="Panel", case_stage="panel_established"
        )
    )


def test_a_case_cannot_oppose_a_party_to_itself():
    canada = Actor.objects.get(code="CA")
    refused_by_database(
        lambda: Case.objects.create(
            dispute=DisputeFactory(),
            forum=CaseForum.WTO,
            reference="DS999",
            title="Self",
            complainant=canada,
            respondent=canada,
            stage=CaseStage.CONSULTATIONS_REQUESTED,
            initiated_on=dt.date(2025, 1, 1),
        )
    )


def test_case_references_are_unique(canada_china):
    china, canada = Actor.objects.get(code="CN"), Actor.objects.get(code="CA")
    refused_by_database(
        lambda: Case.objects.create(
            dispute=canada_china,
            forum=CaseForum.WTO,
            reference="DS627",
            title="Copy",
            complainant=china,
            respondent=canada,
            stage=CaseStage.CONSULTATIONS_REQUESTED,
            initiated_on=dt.date(2024, 9, 6),
        )
    )


def test_source_urls_are_unique_but_many_sources_may_have_none():
    SourceFactory(url="https://example.org/a")
    refused_by_database(lambda: Source.objects.create(url="https://example.org/a", title="Again"))
    Source.objects.create(url="", title="Untitled wire copy one")
    Source.objects.create(url="", title="Untitled wire copy two")


def test_a_source_is_cited_once_per_field_of_an_event():
    event = EventFactory()
    source = SourceFactory()
    EventCitation.objects.create(event=event, source=source, field_name="date")
    refused_by_database(lambda: EventCitation.objects.create(event=event, source=source, field_name="date"))


def test_a_citation_must_name_a_real_field():
    citation = EventCitation(event=EventFactory(), source=SourceFactory(), field_name="colour")
    with pytest.raises(ValidationError) as excinfo:
        citation.full_clean()
    assert "no field named" in str(excinfo.value.message_dict["field_name"])


def test_a_source_in_use_cannot_be_deleted():
    event = EventFactory()
    source = event.citations.get().source
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        source.delete()


def test_actor_lookup_accepts_a_slug_or_an_iso_code():
    assert Actor.objects.identified_by("cn").get().slug == Actor.objects.identified_by("china").get().slug
    assert not Actor.objects.identified_by("").exists()


def test_a_new_actor_is_not_a_state_by_default():
    actor = ActorFactory()
    assert actor.kind == ActorKind.GOVERNMENT_BODY and actor.code == ""
