"""The measures page and a measure page read on a date: the status that day, not today's badge."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tariffs.models import Measure

pytestmark = pytest.mark.django_db
SUSPENDED_IN_2026 = ("M09-meal", "M09-peas", "M09-lobster-crab")


def page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def statuses(html):
    rows = re.findall(r'<tr data-reference="([^"]+)">(.*?)</tr>', html, re.S)
    return {ref: re.sub(r"<[^>]+>", "", re.search(r'<td class="status-on-date">(.*?)</td>', row, re.S)[1]).strip()
            for ref, row in rows}  # fmt: skip


def test_on_1_april_2025_china_march_2025_tariffs_suspended_today_read_in_force(client):
    html = page(client, "/en/measures/", in_force_on="2025-04-01", imposed_by="CN")
    assert re.search(r'<th scope="col" id="status-heading">Status on April 1, 2025</th>', html)
    found = statuses(html)
    assert {found[reference] for reference in SUSPENDED_IN_2026} == {"In force"}
    assert "status-suspended" not in html  # today's badge is not shown


def test_on_1_june_2026_they_read_suspended_on_the_measures_page(client):
    found = statuses(page(client, "/en/measures/", on="2026-06-01", imposed_by="CN"))
    assert {found[reference] for reference in SUSPENDED_IN_2026} == {"Suspended"}
    assert found["M09-oil"] == "In force"


def test_without_a_date_the_status_column_shows_today_and_can_be_sorted(client):
    html = page(client, "/en/measures/", imposed_by="CN")
    assert "Status on" not in html and "ordering=status" in html
    assert 'class="status-on-date"' not in html


def test_the_french_measures_page_says_status_on_the_date_in_french(client):
    html = page(client, "/fr/measures/", in_force_on="2025-04-01", imposed_by="CN")
    assert "Statut au 1 avril 2025" in html and "En vigueur" in html


@pytest.mark.parametrize(("day", "label", "covering_from"), [("2025-04-01", "In force", "2025-03-20"),
                                                             ("2026-06-01", "Suspended", "2026-03-01")])  # fmt: skip
def test_a_measure_page_on_a_date_shows_the_status_that_day_and_highlights_the_period(
    client, day, label, covering_from
):
    meal = Measure.objects.get(reference="M09-meal")
    html = page(client, f"/en/measures/{meal.pk}/", on=day)
    status = re.search(r'<p id="status-on-date">(.*?)</p>', html, re.S)[1]
    assert re.search(rf'class="badge status-[a-z_]+">{label}</span>', status)
    highlighted = re.findall(r'<tr class="state-[a-z_]+ on-date" aria-current="date">\s*<td>([^<]+)<', html)
    assert len(highlighted) == 1
    assert "(covers " in html
    assert highlighted[0].strip() == meal.rate_periods.get(valid_from=covering_from).valid_from.strftime("%B %-d, %Y")


def test_a_measure_page_before_the_announcement_says_not_yet_announced_and_highlights_nothing(client):
    meal = Measure.objects.get(reference="M09-meal")
    html = page(client, f"/en/measures/{meal.pk}/", on="2025-01-01")
    assert "Not yet announced" in html and 'aria-current="date"' not in html


def test_a_measure_page_with_a_bad_date_says_so_and_shows_today(client):
    meal = Measure.objects.get(reference="M09-meal")
    html = page(client, f"/en/measures/{meal.pk}/", on="<b>soon</b>")
    assert 'role="alert"' in html and "must be a date such as 2025-04-01" in html
    assert "<b>soon</b>" not in html and "&lt;b&gt;soon" not in html  # the value sent is not repeated
    assert 'id="status-on-date"' not in html and f"status-{meal.status_on(timezone.localdate())}" in html


def test_the_french_measure_page_on_a_date_is_in_french(client):
    meal = Measure.objects.get(reference="M09-meal")
    html = page(client, f"/fr/measures/{meal.pk}/", on="2026-06-01")
    assert "Statut au 1 juin 2026" in html and "Suspendue" in html
    bad = page(client, f"/fr/measures/{meal.pk}/", on="bientôt")
    assert "doit être une date" in bad


def queries(client, url, **params):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


def test_the_dated_measures_page_costs_as_many_queries_as_the_plain_one(client):
    assert queries(client, "/en/measures/", on="2026-06-01") == queries(client, "/en/measures/")
    meal = Measure.objects.get(reference="M09-meal")
    assert queries(client, f"/en/measures/{meal.pk}/", on="2026-06-01") == queries(client, f"/en/measures/{meal.pk}/")
