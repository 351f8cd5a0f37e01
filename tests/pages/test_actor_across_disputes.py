"""``/actors/<slug>/``: an actor's measures (imposed by it, targeting it), events and cases in every dispute,
grouped by dispute with counts, at a cost in queries that does not grow with the number of disputes."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disputes.models import Actor, Event, EventParticipant
from pages.actor_page import EVENTS_SHOWN
from tests.factories import DisputeFactory, EventFactory, MeasureFactory
from tests.more_disputes import SECOND, THIRD, load_more_disputes

pytestmark = pytest.mark.django_db


@pytest.fixture
def disputes(db):
    return load_more_disputes()


def get(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def section(html, slug):
    return html.split(f'<section id="dispute-{slug}"')[1].split("</section>")[0]


def counts(html, slug):
    row = html.split(f'<tr data-slug="{slug}">')[1].split("</tr>")[0]
    return {name: row.split(f'<td class="{name}">')[1].split("<")[0] for name in ("imposed", "targeted", "events")}


def test_an_actor_in_two_disputes_has_its_measures_and_events_grouped_by_dispute(client, disputes):
    html = get(client, "/en/actors/freedonia/")
    assert counts(html, SECOND) == {"imposed": "2", "targeted": "2", "events": "2"}
    assert counts(html, THIRD) == {"imposed": "1", "targeted": "2", "events": "1"}
    cheese = section(html, SECOND)
    assert 'data-reference="CW-F1"' in cheese.split('class="imposed"')[1].split("</ul>")[0]
    assert 'data-reference="CW-S1"' in cheese.split('class="targeted"')[1].split("</ul>")[0]
    assert "Freedonian and Sylvanian ministers meet" in cheese and "Fenwick" not in cheese
    steel = section(html, THIRD)
    assert 'data-reference="SS-G2"' in steel and "Freedonia condemns the steel safeguard" in steel
    assert "Sylvania" not in steel


def test_the_latest_dispute_comes_first(client, disputes):
    html = get(client, "/en/actors/freedonia/")
    assert html.index(f'<section id="dispute-{THIRD}"') < html.index(f'<section id="dispute-{SECOND}"')


def test_an_actor_of_one_dispute_shows_only_that_one(client, disputes):
    html = get(client, "/en/actors/sylvania/")
    assert f'data-slug="{SECOND}"' in html and f'data-slug="{THIRD}"' not in html
    assert "In 1 dispute" in html


def test_the_first_case_and_a_new_dispute_sit_side_by_side_on_a_state_page(client, canada_china):
    china = Actor.objects.get(slug="china")
    other = DisputeFactory(title="A later quarrel", started_on=dt.date(2026, 1, 1))
    MeasureFactory(dispute=other, imposed_by=china, reference="LQ1", title="Duty on later goods")
    html = get(client, "/en/actors/china/")
    assert f'data-slug="{other.slug}"' in html and 'data-slug="canada-china"' in html
    assert counts(html, other.slug)["imposed"] == "1"
    first = counts(html, "canada-china")
    assert int(first["imposed"]) > 0
    assert "Duty on later goods" not in section(html, "canada-china")


def test_each_dispute_lists_its_latest_events_and_says_how_many_there_are(client, disputes):
    freedonia = Actor.objects.get(slug="freedonia")
    for day in range(EVENTS_SHOWN + 3):
        event = EventFactory(dispute=disputes[THIRD], date=dt.date(2025, 4, 1) + dt.timedelta(days=day))
        EventParticipant.objects.create(event=event, actor=freedonia)
    html = get(client, "/en/actors/freedonia/")
    steel = section(html, THIRD)
    assert counts(html, THIRD)["events"] == str(EVENTS_SHOWN + 4)
    assert steel.split('class="timeline-list events"')[1].split("</ol>")[0].count("<li>") == EVENTS_SHOWN
    assert 'datetime="2025-04-23"' in steel and "Freedonia condemns" not in steel  # the latest, not the oldest
    assert f'href="/en/disputes/{THIRD}/?actor=freedonia"' in steel
    assert "more-events" not in section(html, SECOND)  # both events shown: no link needed
    assert "Freedonian and Sylvanian ministers meet" in section(html, SECOND)


def test_the_french_page_is_in_french(client, disputes):
    html = get(client, "/fr/actors/freedonia/")
    assert '<html lang="fr"' in html and 'href="/fr/disputes/steel-spat/"' in html
    assert "15 janvier 2025" in html


def test_a_hostile_title_stays_text(client, disputes):
    Event.objects.filter(reference="SS-E1").update(title="<img src=x onerror=alert(1)>")
    html = get(client, "/en/actors/freedonia/")
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        get(client, url)
    return len(captured)


def test_the_page_costs_the_same_queries_whatever_the_number_of_disputes(client, disputes):
    freedonia = Actor.objects.get(slug="freedonia")
    before = _queries(client, "/en/actors/freedonia/")
    for i in range(3):
        dispute = DisputeFactory(started_on=dt.date(2023, 1, 1 + i))
        dispute.parties.create(actor=freedonia, side="freedonia")
        MeasureFactory(dispute=dispute, imposed_by=freedonia).applies_to.set([freedonia])
        EventParticipant.objects.create(event=EventFactory(dispute=dispute), actor=freedonia)
    html = get(client, "/en/actors/freedonia/")
    assert "In 5 disputes" in html
    assert _queries(client, "/en/actors/freedonia/") == before <= 7


def test_the_selector_reads_every_dispute_of_a_busy_actor_in_five_queries(db, django_assert_num_queries):
    from pages.actor_page import actor_across_disputes
    from tests.factories import build_busy_world

    world = build_busy_world()
    hub = Actor.objects.get(pk=world["hub"].pk)
    with django_assert_num_queries(5):
        found = actor_across_disputes(hub)
    with django_assert_num_queries(0):
        titles = [
            (b.dispute.slug, [m.imposed_by.slug for m in b.targeted], [e.dispute_id for e in b.events])
            for b in found["blocks"]
        ]
    assert {slug for slug, _, _ in titles} == {d.slug for d in world["disputes"]}
    for block in found["blocks"]:
        assert block.party is not None and block.event_count == len(block.events) == 6
        assert len(block.targeted) == 6 and {m.imposed_by_id for m in block.imposed} == {hub.pk}
        assert all(event.dispute_id == block.dispute.pk for event in block.events)
    assert len(found["children"]) == 2 * len(world["disputes"])


def test_an_actor_s_cases_are_listed_under_their_dispute(client, canada_china):
    from disputes.models import Case

    china = Actor.objects.get(slug="china")
    cases = Case.objects.filter(dispute=canada_china, respondent=china) | Case.objects.filter(
        dispute=canada_china, complainant=china
    )
    html = get(client, "/en/actors/china/")
    row = html.split('<tr data-slug="canada-china">')[1].split("</tr>")[0]
    assert f'<td class="cases">{cases.count()}</td>' in row and cases.count() > 0
    listed = section(html, "canada-china").split('<ul class="cases">')[1].split("</ul>")[0]
    assert all(case.reference in listed for case in cases)


def test_an_actor_with_no_records_says_so(client, db):
    from tests.factories import ActorFactory

    actor = ActorFactory(name="Quiet Agency", slug="quiet-agency")
    html = get(client, f"/en/actors/{actor.slug}/")
    assert "No measures, events or cases recorded for this actor." in html and "actor-disputes" not in html
