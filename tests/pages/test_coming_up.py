"""``/coming-up/``: scheduled changes across every dispute, as a page, a calendar, and the next three at home."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import build_busy_world
from timelines.models import TimelineEntry
from timelines.services import refresh_dispute

pytestmark = pytest.mark.django_db


def get(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_the_page_lists_what_is_scheduled_from_a_day_soonest_first(client, canada_china):
    html = get(client, "/en/coming-up/", **{"from": "2026-01-01"})
    # The final canola duty takes effect on 1 March 2026, after the deposits' last day.
    assert "1 March 2026" in html or "March 1, 2026" in html
    soonest = TimelineEntry.objects.filter(date__gte=dt.date(2026, 1, 1)).exclude(kind="measure_announced")
    assert f"{soonest.count()} scheduled change" in html
    dates = [e.date for e in soonest.order_by("date")[:3]]
    assert dates == sorted(dates)


def test_nothing_before_the_day_asked_for_is_listed(client):
    html = get(client, "/en/coming-up/", **{"from": "2031-01-01"})
    later = TimelineEntry.objects.filter(date__gte=dt.date(2031, 1, 1)).exclude(kind="measure_announced").count()
    assert f"{later} scheduled change" in html
    assert "2025" not in html.split('id="coming-up-table"')[1].split("</table>")[0]


def test_the_french_page_names_the_months_in_french(client):
    html = get(client, "/fr/coming-up/", **{"from": "2026-01-01"})
    assert 'lang="fr"' in html and "mars 2026" in html


def test_a_bad_date_is_a_form_error_and_the_page_shows_from_today(client):
    html = get(client, "/en/coming-up/", **{"from": "soon<script>"})
    assert 'role="alert"' in html and "<script>" not in html.split("<main")[1]


def test_the_calendar_carries_the_same_entries_from_today(client):
    response = client.get("/coming-up/calendar.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    ahead = TimelineEntry.objects.filter(date__gte=timezone.localdate()).exclude(kind="measure_announced").count()
    assert body.count("BEGIN:VEVENT") == ahead


def test_the_home_page_shows_the_next_three_and_links_to_the_rest(client, canada_china):
    html = get(client, "/en/")
    ahead = TimelineEntry.objects.filter(date__gte=timezone.localdate()).exclude(kind="measure_announced")
    table = html.split('id="coming-up-next"')[1].split("</table>")[0] if ahead.exists() else ""
    assert table.count("<tr>") - 1 == min(3, ahead.count())  # one header row
    assert 'href="/en/coming-up/"' in html


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_page_costs_the_same_queries_however_many_entries(client):
    url = "/en/coming-up/?from=2025-01-01"
    few = _queries(client, url)
    world = build_busy_world()
    for dispute in world["disputes"]:
        refresh_dispute(dispute_id=dispute.pk, today=dt.date(2025, 1, 1), full=True)
    many = _queries(client, url)
    assert few == many == 2


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_the_first_and_last_storable_days_are_answered(client, day):
    html = get(client, "/en/coming-up/", **{"from": day})
    assert 'role="alert"' not in html


def test_hostile_titles_are_shown_as_text_on_the_page_and_at_home(client):
    from tests.hostile_text import store_hostile_dispute
    from tests.pages.test_hostile_text import assert_nothing_injected

    store_hostile_dispute()  # its measure ends on 1 September 2025
    html = get(client, "/en/coming-up/", **{"from": "2025-06-01"})
    assert_nothing_injected(html, "coming up")
    assert 'href="/en/disputes/hostile/"' in html
    assert_nothing_injected(get(client, "/en/"), "home")
