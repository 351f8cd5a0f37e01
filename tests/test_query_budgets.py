"""Every API list and every page costs a pinned number of queries, on data with many disputes, cases,
actors, events and measures (as NetBox pins them): a query made once per row (an N+1) fails here.

Each budget is today's count plus a little room; raise one only with a reason in the commit.
"""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import build_busy_world
from timelines.services import refresh_dispute

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def busy_world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back after its last test."""
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_busy_world()
        for dispute in built["disputes"]:
            refresh_dispute(dispute_id=dispute.pk, today=timezone.localdate(), full=True)
        yield built
        transaction.set_rollback(True)


@pytest.fixture
def world(db, busy_world):
    cache.clear()  # no answer from the response cache: each request below does its real work
    yield busy_world
    cache.clear()


def _dispute(world):
    return world["disputes"][0]


def _three_disputes(world):
    return "&".join(f"d={dispute.slug}" for dispute in world["disputes"][:3])


def _middle_measure(world):
    return world["measures"][3]  # linked to the two before it, and from the two after it


API = {
    "actors": (lambda w: "/api/v1/actors/?limit=500", 4),
    "disputes": (lambda w: "/api/v1/disputes/?limit=500", 5),
    "cases": (lambda w: "/api/v1/cases/?limit=500", 5),
    "events": (lambda w: "/api/v1/events/?limit=500", 6),
    "measures": (lambda w: "/api/v1/measures/?limit=500", 10),
    "measures in force": (lambda w: "/api/v1/measures/?limit=500&in_force_on=2025-04-01", 10),
    "sources": (lambda w: "/api/v1/sources/?limit=500", 4),
    "timeline": (lambda w: f"/api/v1/disputes/{_dispute(w).slug}/timeline/?limit=500", 5),
    "summary": (lambda w: f"/api/v1/disputes/{_dispute(w).slug}/summary/", 4),
    "compare": (lambda w: f"/api/v1/compare/?{_three_disputes(w)}", 6),
}

PAGES = {
    "home": (lambda w: "/en/", 3),
    "dispute": (lambda w: f"/en/disputes/{_dispute(w).slug}/", 11),
    "measures": (lambda w: "/en/measures/", 4),
    "measures on a day": (lambda w: "/en/measures/?in_force_on=2025-04-01", 4),
    "measure": (lambda w: f"/en/measures/{_middle_measure(w).pk}/", 22),  # + its exemptions
    "event": (lambda w: f"/en/events/{w['events'][0].pk}/", 13),
    "actor": (lambda w: f"/en/actors/{w['hub'].slug}/", 7),
    "case": (lambda w: f"/en/cases/{w['cases'][0].pk}/", 6),
    "source": (lambda w: f"/en/sources/{w['source'].pk}/", 5),
    "search": (lambda w: "/en/search/?q=Announcement", 9),  # + the newest matches of events and measures
    "compare": (lambda w: f"/en/compare/?{_three_disputes(w)}", 5),
}


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured), [q["sql"] for q in captured]


@pytest.mark.parametrize("name", API)
def test_each_api_list_stays_within_its_query_budget(client, world, name):
    url, budget = API[name]
    count, sql = _queries(client, url(world))
    assert count <= budget, "\n".join(sql)


@pytest.mark.parametrize("name", PAGES)
def test_each_page_stays_within_its_query_budget(client, world, name):
    url, budget = PAGES[name]
    count, sql = _queries(client, url(world))
    assert count <= budget, "\n".join(sql)


def test_the_busy_world_fills_every_list_that_an_n_plus_1_would_show_on(world):
    """The budgets mean something only if the pages and lists hold many rows."""
    dispute = _dispute(world)
    assert len(world["disputes"]) >= 3 and len(world["measures"]) >= 18
    assert dispute.timeline_entries.count() >= 12
    assert world["hub"].participations.count() == len(world["events"])
    assert _middle_measure(world).links_in.count() == 2 and _middle_measure(world).links_out.count() == 2
    assert world["cases"][0].events.count() >= 3 and world["cases"][0].measures.count() >= 6
    assert dt.date(2025, 4, 1) >= world["measures"][0].rate_periods.first().valid_from
