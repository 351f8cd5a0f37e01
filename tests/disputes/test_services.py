"""The write rules of the disputes app (disputes/services.py): sources are matched, not duplicated, and an
event is never stored without a source."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from disputes.models import Event, EventCitation, Source
from disputes.services import event_save, source_match_or_create
from tests.factories import ActorFactory, DisputeFactory, SourceFactory

pytestmark = pytest.mark.django_db


def test_a_source_with_a_known_document_url_is_the_stored_one():
    stored = SourceFactory(url="https://example.org/gazette/2025-03-08", title="Gazette of 8 March")
    before = Source.objects.count()
    found = source_match_or_create(url="https://example.org/gazette/2025-03-08", title="Another title")
    assert found == stored
    assert Source.objects.count() == before
    assert found.title == "Gazette of 8 March"


def test_a_source_without_a_url_matches_on_title_publisher_and_date_only():
    first = source_match_or_create(title="Readout of the call", publisher="PMO", published_on=dt.date(2025, 3, 1))
    again = source_match_or_create(title="Readout of the call", publisher="PMO", published_on=dt.date(2025, 3, 1))
    other_day = source_match_or_create(title="Readout of the call", publisher="PMO", published_on=dt.date(2025, 3, 2))
    assert again == first
    assert other_day != first and other_day.url == ""


def test_a_new_source_with_a_malformed_url_is_refused_naming_the_url():
    with pytest.raises(ValidationError) as error:
        source_match_or_create(url="not a url", title="Broken")
    assert "url" in error.value.message_dict
    assert not Source.objects.filter(title="Broken").exists()


def _event(**values):
    return Event(dispute=DisputeFactory(), date=dt.date(2025, 3, 8), kind="announcement", title="Tariffs", **values)


def test_an_event_without_a_source_is_refused_and_nothing_is_written():
    event = _event()
    before = Event.objects.count()
    with pytest.raises(ValidationError) as error:
        event_save(event=event, participants=[{"actor": ActorFactory(), "role": "host"}], citations=[])
    assert error.value.message_dict == {"sources": ["Give at least one source."]}
    assert Event.objects.count() == before  # the event row itself was rolled back


def test_an_event_cites_a_source_once_even_when_given_twice():
    source = SourceFactory()
    event = event_save(event=_event(), participants=[], citations=[{"source": source}, {"source": source}])
    assert list(EventCitation.objects.filter(event=event).values_list("source_id", flat=True)) == [source.pk]


def test_an_event_names_each_participant_once_with_the_last_role_given():
    minister, premier = ActorFactory(), ActorFactory()
    event = event_save(
        event=_event(),
        participants=[
            {"actor": minister, "role": "participant"},
            {"actor": premier, "role": "host"},
            {"actor": minister, "role": "announcer"},
        ],
        citations=[{"source": SourceFactory()}],
    )
    roles = dict(event.participations.values_list("actor_id", "role"))
    assert roles == {minister.pk: "announcer", premier.pk: "host"}


def test_an_event_with_an_invalid_field_is_refused_naming_that_field():
    event = _event(date_precision="fortnight")
    with pytest.raises(ValidationError) as error:
        event_save(event=event, participants=[], citations=[{"source": SourceFactory()}])
    assert "date_precision" in error.value.message_dict


def test_a_state_with_a_code_that_is_no_country_is_refused_naming_the_code():
    from disputes.models import Actor
    from disputes.services import actor_save

    with pytest.raises(ValidationError) as error:
        actor_save(values={"slug": "atlantis", "name": "Atlantis", "kind": "state", "code": "AA"})
    assert set(error.value.message_dict) == {"code"}
    assert not Actor.objects.filter(slug="atlantis").exists()


def test_a_state_belongs_to_itself_without_being_told():
    from disputes.services import actor_save

    actor = actor_save(values={"slug": "iceland", "name": "Iceland", "kind": "state", "code": "IS"})
    assert actor.country == "IS"
