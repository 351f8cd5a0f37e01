"""Atom feeds: what a newsroom's feed reader gets for new events, a dispute and an actor."""

import datetime as dt

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disputes.models import Actor, Event
from tariffs.models import Measure
from tests.factories import DisputeFactory, EventFactory, MeasureFactory, SourceFactory
from timelines.models import TimelineEntry
from timelines.services import refresh_dispute

pytestmark = pytest.mark.django_db

SITE = "http://testserver"


def feed(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/atom+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.bozo_exception
    return parsed


def by_link(parsed):
    return {entry.link: entry for entry in parsed.entries}


def event_url(event):
    return f"{SITE}/en/events/{event.pk}/"


def test_the_events_feed_shows_a_known_event_with_its_link_id_dates_and_sources(client):
    call = Event.objects.get(reference="F069")
    parsed = feed(client, "/feeds/events/", kind="leader_call")
    assert parsed.feed.title == "TradeWatch: new events" and parsed.feed.language == "en"
    entry = by_link(parsed)[event_url(call)]
    assert entry.title == "2025-06-05 · Carney and Li Qiang speak by phone"
    assert entry.id == event_url(call)
    assert entry.published_parsed and entry.updated_parsed
    content = entry.content[0].value
    assert "Prime Minister Carney speaks with Premier of China Li Qiang" in content  # its source
    assert "Mark Carney" in content and "5 June 2025" in content
    assert {tag.term for tag in entry.tags} == {"Leaders' call", "Canada–China trade dispute"}


def test_the_events_feed_lists_the_newest_recorded_first_within_a_limit(client, canada_china):
    latest = EventFactory(dispute=canada_china, date=dt.date(2019, 1, 1), title="An old fact, recorded today")
    parsed = feed(client, "/feeds/events/")
    assert parsed.entries[0].link == event_url(latest)
    assert len(parsed.entries) == 50 < Event.objects.count()
    assert len({entry.id for entry in parsed.entries}) == 50


def test_an_entry_names_its_sources_with_their_addresses(client, canada_china):
    source = SourceFactory(title="Gazette notice of the surtax", url="https://example.org/gazette/surtax")
    event = EventFactory(dispute=canada_china, title="Surtax gazetted")
    event.citations.create(source=source)
    refresh_dispute(dispute_id=canada_china.pk, today=dt.date(2025, 6, 5))
    for url in ("/feeds/events/", "/disputes/canada-china/feed/"):
        content = by_link(feed(client, url))[event_url(event)].content[0].value
        assert '<a href="https://example.org/gazette/surtax">Gazette notice of the surtax</a>' in content, url


def test_the_events_feed_takes_the_event_list_parameters(client):
    parsed = feed(client, "/feeds/events/", kind="leader_call", date_after="2025-01-01")
    expected = Event.objects.filter(kind="leader_call", date__gte="2025-01-01")
    assert set(by_link(parsed)) == {event_url(e) for e in expected} and expected.exists()


def test_a_dispute_feed_has_its_events_and_measure_milestones_and_nothing_from_another_dispute(client, canada_china):
    other = DisputeFactory(title="Another dispute")
    stranger = EventFactory(dispute=other, date=dt.date(2025, 6, 1), title="Something elsewhere")
    refresh_dispute(dispute_id=other.pk, today=dt.date(2025, 6, 5))
    parsed = feed(client, "/disputes/canada-china/feed/")
    assert parsed.feed.title == "TradeWatch: Canada–China trade dispute"
    assert parsed.feed.link == f"{SITE}/en/disputes/canada-china/"
    links = by_link(parsed)
    assert event_url(stranger) not in links
    meal = Measure.objects.get(reference="M09-meal")
    suspended = [e for e in parsed.entries if e.id == f"{SITE}/en/measures/{meal.pk}/#measure_suspended-2026-03-01"]
    assert suspended and suspended[0].title.startswith("2026-03-01 · Measure suspended: 100% countermeasure tariff")
    assert suspended[0].link == f"{SITE}/en/measures/{meal.pk}/"
    assert len({entry.id for entry in parsed.entries}) == len(parsed.entries) == 100
    assert event_url(stranger) in by_link(feed(client, f"/disputes/{other.slug}/feed/"))


def test_a_dispute_feed_takes_the_dispute_page_parameters(client, canada_china):
    parsed = feed(client, "/disputes/canada-china/feed/", kind="leader_call", actor="mark-carney")
    expected = [
        entry for entry in TimelineEntry.objects.filter(dispute=canada_china, kind="leader_call")
        if "mark-carney" in entry.actors
    ]  # fmt: skip
    assert expected and set(by_link(parsed)) == {f"{SITE}/en/events/{entry.record_id}/" for entry in expected}
    assert parsed.feed.link == f"{SITE}/en/disputes/canada-china/?kind=leader_call&actor=mark-carney"


def test_an_actor_feed_lists_only_the_events_the_actor_took_part_in(client):
    carney = Actor.objects.get(slug="mark-carney")
    parsed = feed(client, "/actors/mark-carney/feed/")
    assert parsed.feed.title == "TradeWatch: events with Mark Carney"
    assert set(by_link(parsed)) == {event_url(e) for e in Event.objects.involving(carney)}
    by_code = feed(client, "/actors/CN/feed/")  # an ISO code works as on the actor page
    china = Actor.objects.get(code="CN")
    assert set(by_link(by_code)) <= {event_url(e) for e in Event.objects.involving(china)} and by_code.entries


def test_feeds_are_in_english_for_every_reader(client):
    response = client.get("/disputes/canada-china/feed/", HTTP_ACCEPT_LANGUAGE="fr")
    parsed = feedparser.parse(response.content)
    assert parsed.feed.language == "en" and all("/en/" in entry.link for entry in parsed.entries)
    assert "Date:" in parsed.entries[0].content[0].value and not response.cookies


def test_unknown_disputes_and_actors_are_404(client):
    for url in ("/disputes/nowhere/feed/", "/actors/atlantis/feed/", "/actors/ZZ/feed/"):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize(
    ("url", "parameter", "value"),
    [
        ("/feeds/events/", "date_after", "not-a-date"),
        ("/feeds/events/", "dispute", "nowhere"),
        ("/disputes/canada-china/feed/", "kind", "earthquake"),
        ("/actors/CN/feed/", "actor", "atlantis"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(client, url, parameter, value):
    response = client.get(url, {parameter: value})
    assert response.status_code == 400
    assert parameter in {error["attr"] for error in response.json()["errors"]}


def test_pages_point_to_their_feeds(client):
    home = client.get("/en/").content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in home and 'href="/feeds/events/"' in home
    dispute = client.get("/en/disputes/canada-china/").content.decode()
    assert 'type="application/atom+xml" title="TradeWatch: Canada–China trade dispute (Atom)"' in dispute
    assert 'href="/disputes/canada-china/feed/"' in dispute and 'href="/disputes/canada-china/calendar.ics"' in dispute
    assert "Subscribe:" in dispute
    actor = client.get("/en/actors/CN/").content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in actor and 'href="/actors/china/feed/"' in actor


def test_a_filtered_dispute_page_offers_the_same_view_as_a_feed(client):
    html = client.get("/en/disputes/canada-china/", {"kind": "leader_call"}).content.decode()
    assert 'href="/disputes/canada-china/feed/?kind=leader_call"' in html
    assert 'href="/disputes/canada-china/calendar.ics?kind=leader_call"' in html


def fetched(client, url):
    """(queries, entries) of one request for ``url``."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), len(feedparser.parse(response.content).entries)


@pytest.mark.parametrize(
    "url",
    [
        "/feeds/events/?kind=leader_call",
        "/disputes/canada-china/feed/?kind=leader_call&kind=measure_in_force",
        "/actors/mark-carney/feed/?kind=leader_call",
    ],
)
def test_feed_queries_do_not_grow_with_entries(client, canada_china, url):
    carney = Actor.objects.get(slug="mark-carney")
    queries, entries = fetched(client, url)
    for i in range(15):
        event = EventFactory(dispute=canada_china, date=dt.date(2025, 5, i + 1), kind="leader_call")
        event.participations.create(actor=carney, role="participant")
        event.citations.create(source=SourceFactory())
        measure = MeasureFactory(dispute=canada_china, imposed_by=Actor.objects.get(code="CA"))
        measure.rate_periods.create(valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2025, 6, 30), rate_percent=10)
    refresh_dispute(dispute_id=canada_china.pk, today=dt.date(2025, 6, 5), full=True)
    more_queries, more_entries = fetched(client, url)
    assert more_entries >= entries + 15 and more_queries == queries
