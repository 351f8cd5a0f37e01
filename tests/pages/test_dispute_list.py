"""``/disputes/``: every dispute with its parties, its span and each side's measures in force."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tariffs.models import Measure
from tests.factories import DisputeFactory, build_busy_world

pytestmark = pytest.mark.django_db


def get(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_every_dispute_is_listed_with_its_span(client, canada_china):
    other = DisputeFactory(title="Another quarrel", started_on=dt.date(2020, 5, 4), ended_on=dt.date(2021, 6, 7))
    html = get(client, "/en/disputes/")
    assert "Canada–China trade dispute" in html and "Another quarrel" in html
    assert 'datetime="2021-06-07"' in html and f'href="/en/disputes/{other.slug}/"' in html
    assert "ongoing" in html.split(f'data-slug="{canada_china.slug}"')[1].split("</tr>")[0]


def test_each_side_counts_the_measures_it_has_in_force_that_day(client, canada_china):
    day = dt.date(2025, 9, 1)
    china = Measure.objects.in_force(on=day).filter(dispute=canada_china, imposed_by__country="CN").count()
    html = get(client, "/en/disputes/", on=day.isoformat())
    sides = html.split(f'data-slug="{canada_china.slug}"')[1].split("</tr>")[0]
    assert china > 0
    assert f"{china} measures in force" in sides
    assert "China" in sides and "Canada" in sides


def test_the_french_page_is_in_french(client):
    html = get(client, "/fr/disputes/", on="2025-09-01")
    assert 'lang="fr"' in html and "1 septembre 2025" in html


def test_a_bad_date_is_a_form_error(client):
    html = get(client, "/en/disputes/", on="yesterday")
    assert 'role="alert"' in html and "Canada–China trade dispute" in html


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_page_costs_the_same_queries_however_many_disputes(client):
    few = _queries(client, "/en/disputes/?on=2025-04-01")
    build_busy_world()
    many = _queries(client, "/en/disputes/?on=2025-04-01")
    assert few == many == 3


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_the_first_and_last_storable_days_are_answered(client, day):
    html = get(client, "/en/disputes/", on=day)
    assert 'role="alert"' not in html and "0 measures in force" in html


def test_hostile_titles_and_names_are_shown_as_text(client):
    from tests.hostile_text import store_hostile_dispute
    from tests.pages.test_hostile_text import assert_nothing_injected

    store_hostile_dispute()
    html = get(client, "/en/disputes/", on="2025-06-01")
    assert_nothing_injected(html, "dispute list")
    assert 'data-slug="hostile"' in html and "&lt;/script&gt;&lt;script&gt;alert(1)" in html
