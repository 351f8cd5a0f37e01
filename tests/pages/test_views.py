"""The analysts' pages: content, filters as permalinks, languages, and query counts that do not grow."""

import datetime as dt
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disputes.models import Case, Event
from tariffs.models import Measure
from tests.factories import EventFactory, MeasureFactory
from timelines.services import refresh_dispute

pytestmark = pytest.mark.django_db


@pytest.fixture
def anonymous_api():
    from rest_framework.test import APIClient

    return APIClient()


def page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def timeline_items(html):
    return json.loads(
        re.search(r'<script id="timeline-data" type="application/json">(.*?)</script>', html, re.S).group(1)
    )


def test_home_lists_disputes_latest_events_and_what_is_in_force(client):
    html = page(client, "/en/")
    assert 'lang="en"' in html and "Canada–China trade dispute" in html
    assert "In force today, per side" in html and "Latest events" in html
    assert '<main id="content"' in html and "/api/docs/" in html


def test_the_dispute_page_shows_summary_timeline_chart_chain_and_cases(client, canada_china):
    html = page(client, "/en/disputes/canada-china/")
    assert "As of " in html
    entries = canada_china.timeline_entries.count()
    assert f'data-count="{entries}"' in html
    assert 0 < html.count('<li class="kind-') < entries  # the no-JS list holds one year
    data = timeline_items(html)
    assert {g["id"] for g in data["groups"]} >= {"canada", "china"}
    assert 'id="series-data"' in html and 'id="in-force-table"' in html
    assert "contested" in html and "retaliates against" in html
    assert "DS636" in html


def test_filters_are_kept_in_the_url_and_narrow_the_timeline(client):
    everything = timeline_items(page(client, "/en/disputes/canada-china/"))["total"]
    calls = page(client, "/en/disputes/canada-china/", kind="leader_call", year="2025")
    assert 0 < calls.count('<li class="kind-leader_call') == calls.count('<li class="kind-')
    assert timeline_items(calls)["total"] < everything
    assert 'value="leader_call" selected' in calls
    window = page(client, "/en/disputes/canada-china/", date_after="2025-03-01", date_before="2025-03-31")
    dates = re.findall(r'<li class="kind-[^"]*">\s*<time datetime="([0-9-]+)"', window)
    assert dates and all("2025-03-01" <= d <= "2025-03-31" for d in dates)
    by_actor = page(client, "/en/disputes/canada-china/", actor="mark-carney")
    assert "Carney" in by_actor


def test_an_htmx_filter_request_gets_only_the_timeline(client):
    response = client.get(
        "/en/disputes/canada-china/", {"kind": "leader_call"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="timeline"
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="timeline"') and "<html" not in html


def test_empty_form_fields_mean_any(client):
    html = page(client, "/en/measures/", in_force_on="2025-04-01", imposed_by="CN", applies_to="", type="", hs="", q="")
    assert html.count("<tr data-reference=") == 6 and 'role="alert"' not in html
    assert 'role="alert"' not in page(client, "/en/disputes/canada-china/", kind="", actor="", side="", date_after="")


def test_bad_filter_values_are_shown_not_crashed(client):
    html = page(client, "/en/disputes/canada-china/", date_after="not-a-date")
    assert 'role="alert"' in html


def test_measures_in_force_on_a_day_with_the_rate_that_day(client):
    html = page(client, "/en/measures/", in_force_on="2025-04-01", imposed_by="CN")
    rows = re.findall(r'<tr data-reference="([^"]+)">.*?<td class="rate">([^<]+)</td>', html, re.S)
    assert dict(rows) == {
        "M09-oil": "100%", "M09-meal": "100%", "M09-peas": "100%", "M09-pork": "25%", "M09-seafood": "25%",
        "M09-lobster-crab": "25%",
    }  # fmt: skip
    later_html = page(client, "/en/measures/", in_force_on="2026-06-01", imposed_by="CN")
    later = dict(re.findall(r'<tr data-reference="([^"]+)">.*?<td class="rate">([^<]+)</td>', later_html, re.S))
    assert later["M06"] == "5.9%" and "M09-meal" not in later


def test_measures_can_be_sorted(client):
    html = page(client, "/en/measures/", ordering="-announced_on")
    dates = re.findall(r'<td><time datetime="([0-9-]+)">', html)
    assert dates == sorted(dates, reverse=True)


def test_a_measure_page_has_rates_products_instrument_links_sources_and_history(client):
    meal = Measure.objects.get(reference="M09-meal")
    html = page(client, f"/en/measures/{meal.pk}/")
    assert html.count('<tr class="state-') == 3 and "Suspended" in html
    assert "<code>2306</code>" in html and "Inferred" in html
    assert "retaliates against" in html and "Sources" in html and "Change history" in html


def test_an_event_page_shows_its_sources(client):
    call = Event.objects.get(reference="F069")
    html = page(client, f"/en/events/{call.pk}/")
    assert call.title in html and 'class="sources"' in html and "Mark Carney" in html


def test_actor_case_and_search_pages(client):
    assert "Measures imposed" in page(client, "/en/actors/CN/")
    ds636 = Case.objects.get(reference="DS636")
    assert "Measures at issue" in page(client, f"/en/cases/{ds636.pk}/")
    assert "canola" in page(client, "/en/search/", q="canola").lower()


def test_a_source_page_lists_what_cites_it(client):
    from disputes.models import Source

    source = Source.objects.filter(eventcitation__isnull=False).first()
    html = page(client, f"/en/sources/{source.pk}/")
    assert source.title in html and "Cited by" in html and "/en/events/" in html


def test_every_api_html_url_opens_a_page(client, anonymous_api):
    for resource in ("actors", "disputes", "cases", "events", "measures", "sources"):
        first = anonymous_api.get(f"/api/v1/{resource}/", {"limit": 1}).json()["results"][0]
        assert client.get(first["html_url"], follow=True).status_code == 200, first["html_url"]


def test_unknown_records_are_404_pages(client):
    for url in ("/en/measures/999999/", "/en/events/999999/", "/en/cases/999999/", "/en/actors/atlantis/",
                "/en/disputes/nowhere/"):  # fmt: skip
        assert client.get(url).status_code == 404


def test_french_pages_keep_the_data_as_entered(client):
    html = page(client, "/fr/disputes/canada-china/")
    assert 'lang="fr"' in html and "Différend commercial Canada–Chine" in html
    assert 'hreflang="en" href="/en/disputes/canada-china/"' in html


def test_the_language_switcher_keeps_the_page_and_its_filters(client):
    html = page(client, "/en/measures/?imposed_by=CN")
    assert '<a href="/fr/measures/?imposed_by=CN" lang="fr" hreflang="fr">Français</a>' in html
    assert '<a href="/en/measures/?imposed_by=CN" lang="en" hreflang="en" aria-current="true">English</a>' in html


def test_pages_set_no_cookie_for_anonymous_readers(client):
    """One rendering can serve every anonymous reader (see tradewatch/response_cache.py)."""
    for url in ("/en/", "/en/disputes/canada-china/", "/fr/measures/"):
        assert not client.get(url).cookies, url


def test_old_unprefixed_links_redirect_to_a_language(client):
    measure = Measure.objects.order_by("pk").first()
    response = client.get(f"/measures/{measure.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/en/measures/{measure.pk}/"


def queries(client, url):
    client.get(url)  # counted with what pages keep until the next refresh already cached (the dispute's actors)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", ["/en/", "/en/disputes/canada-china/", "/en/measures/", "/en/search/?q=canola",
                                 "/en/actors/china/"])  # fmt: skip
def test_page_queries_do_not_grow_with_rows(client, canada_china, url):
    before = queries(client, url)
    for i in range(5):
        event = EventFactory(dispute=canada_china, date=dt.date(2025, 5, i + 1), title=f"canola statement {i}")
        event.participations.create(actor=canada_china.parties.first().actor, role="participant")
        measure = MeasureFactory(dispute=canada_china, imposed_by=canada_china.parties.first().actor,
                                 title=f"canola duty {i}")  # fmt: skip
        measure.rate_periods.create(valid_from=dt.date(2025, 1, 1), rate_percent=10)
    refresh_dispute(dispute_id=canada_china.pk, today=dt.date(2025, 6, 5), full=True)
    assert queries(client, url) == before


@pytest.mark.parametrize("reference", ["M09-meal", "M03"])
def test_detail_page_queries_are_fixed(client, reference):
    measure = Measure.objects.get(reference=reference)
    assert (
        queries(client, f"/en/measures/{measure.pk}/") <= 22
    )  # as tests/test_query_budgets.py: the measure page with its exemptions
