"""The dispute page at a glance: the state of play first, a timeline that no longer carries every entry (the
widget loads its window from the API, the list is paged by year), the chart with trade covered, the retaliation
graph, and a size and a number of queries that do not grow with the dispute."""

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from disputes.models import Event
from pages.dispute_page import YEAR_PAGE_SIZE, months_before
from tests.factories import EventFactory
from timelines.models import TimelineEntry
from timelines.services import refresh_dispute
from timelines.summaries import build_summary

pytestmark = pytest.mark.django_db

URL = "/en/disputes/canada-china/"


def page(client, url=URL, **params):
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def script_json(html, element_id):
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def listed_dates(html):
    return re.findall(r'<li class="kind-[^"]*">\s*<time datetime="([0-9-]+)"', html)


def queries(client, url):
    client.get(url)  # the actor list is cached until the next refresh: count with it cached
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_state_of_play_comes_before_the_timeline_and_the_other_sections(client):
    html = page(client)
    order = [html.index(f'id="{h}"') for h in ("state-heading", "timeline-heading", "chart-heading",
                                                "chain-heading", "cases-heading")]  # fmt: skip
    assert order == sorted(order)
    assert "measures in force" in html and 'name="on"' in html


def test_a_dated_state_of_play_has_a_permalink(client):
    html = page(client, on="2025-04-01")
    assert 'href="?on=2025-04-01" class="permalink"' in html
    assert 'value="2025-04-01"' in html


def test_the_page_embeds_no_entries_only_the_window_and_the_api_to_load_it(client, canada_china):
    data = script_json(page(client), "timeline-data")
    assert "items" not in data
    assert data["api"] == "/api/v1/disputes/canada-china/timeline/"
    entries = TimelineEntry.objects.filter(dispute=canada_china)
    first, last = min(e.date for e in entries), max(e.date for e in entries)
    latest = max(e.date for e in entries if e.date <= timezone.localdate())  # the latest activity, not what is planned
    assert data["bounds"]["first"] == first.isoformat() and data["bounds"]["last"] == last.isoformat()
    assert data["bounds"]["end"] == latest.isoformat() < data["bounds"]["last"]
    assert data["bounds"]["start"] == max(first, months_before(latest, 24)).isoformat()
    assert data["total"] == entries.count()
    assert {g["id"] for g in data["groups"]} >= {"canada", "china", "other"}


def test_the_widget_queries_the_api_with_the_page_s_filters(client):
    data = script_json(page(client, kind="leader_call", side="canada"), "timeline-data")
    assert data["query"] == "kind=leader_call&side=canada"
    assert script_json(page(client, kind="nonsense"), "timeline-data")["query"] == ""


def test_the_api_answers_the_window_the_widget_asks_for(client, canada_china):
    data = script_json(page(client, kind="leader_call"), "timeline-data")
    start, end = data["bounds"]["start"], data["bounds"]["end"]
    answer = client.get(f"{data['api']}?{data['query']}&date_after={start}&date_before={end}&limit=500").json()
    expected = TimelineEntry.objects.filter(dispute=canada_china, kind="leader_call", date__range=(start, end))
    assert answer["count"] == expected.count() > 0
    assert {row["key"] for row in answer["results"]} == {e.key for e in expected}


def test_the_list_shows_one_year_with_links_to_older_and_newer_years(client, canada_china):
    entries = TimelineEntry.objects.filter(dispute=canada_china)
    years = sorted({e.date.year for e in entries})
    html = page(client, year=str(years[-2]))
    dates = listed_dates(html)
    assert dates and {d[:4] for d in dates} == {str(years[-2])}
    assert len(dates) == entries.filter(date__year=years[-2]).count()
    assert f'href="?year={years[-3]}" class="older"' in html
    assert f'href="?year={years[-1]}" class="newer"' in html
    first = page(client, year=str(years[0]))
    assert 'class="older"' not in first and f'href="?year={years[1]}" class="newer"' in first


def test_the_list_opens_on_the_latest_year_up_to_today(client, canada_china):
    html = page(client)
    today = timezone.localdate()
    years = {e.date.year for e in TimelineEntry.objects.filter(dispute=canada_china, date__year__lte=today.year)}
    assert {d[:4] for d in listed_dates(html)} == {str(max(years))}


def test_year_links_keep_the_filters(client):
    html = page(client, side="china", year="2025")
    assert re.search(r'href="\?side=china&amp;year=20\d\d" class="(older|newer)"', html)
    assert all(d.startswith("2025") for d in listed_dates(html))


def test_a_busy_year_is_split_into_pages(client, canada_china):
    actor = canada_china.parties.first().actor
    for i in range(YEAR_PAGE_SIZE + 5):
        event = EventFactory(dispute=canada_china, date=dt.date(2019, 1, 1) + dt.timedelta(days=i % 300),
                             title=f"busy day {i}")  # fmt: skip
        event.participations.create(actor=actor, role="participant")
    refresh_dispute(dispute_id=canada_china.pk, today=dt.date(2026, 6, 1), full=True)
    in_2019 = TimelineEntry.objects.filter(dispute=canada_china, date__year=2019).count()
    first = page(client, year="2019")
    assert len(listed_dates(first)) == YEAR_PAGE_SIZE
    assert 'href="?year=2019&amp;page=2" class="newer"' in first
    second = page(client, year="2019", page="2")
    assert len(listed_dates(second)) == in_2019 - YEAR_PAGE_SIZE
    assert 'href="?year=2019" class="older"' in second
    assert max(listed_dates(first)) <= min(listed_dates(second))
    assert "page 2 of 2" in second


@pytest.mark.parametrize("params", [{"year": "twenty"}, {"year": "0"}, {"page": "-1"}, {"page": "x"}])
def test_bad_year_or_page_is_a_message_not_an_error(client, params):
    html = page(client, **params)
    assert 'role="alert"' in html and "<script>" not in html.split('role="alert"')[1][:200]
    assert listed_dates(html)


def test_a_year_without_entries_shows_none_and_links_back(client):
    html = page(client, year="1990")
    assert listed_dates(html) == [] and "Nothing matches these filters." in html
    assert 'class="newer"' in html


def test_the_chart_carries_counts_and_trade_covered_per_side(client, canada_china):
    html = page(client)
    series = script_json(html, "series-data")
    assert series["labels"] and series["currency"]
    sides = {d["side"]: d for d in series["datasets"]}
    assert set(sides) >= {"canada", "china"}
    for dataset in sides.values():
        assert len(dataset["counts"]) == len(dataset["trade"]) == len(series["labels"])
    month = series["labels"].index("2025-04")
    assert sides["china"]["counts"][month] > 0 and float(sides["china"]["trade"][month]) > 0
    assert 'id="in-force-table"' in html and "trade covered" in html


def test_the_chart_counts_the_trade_the_state_of_play_counts_on_each_month_end(client, canada_china):
    series = script_json(page(client), "series-data")
    china = next(d for d in series["datasets"] if d["side"] == "china")
    for month, day in (("2025-04", dt.date(2025, 4, 30)), ("2025-09", dt.date(2025, 9, 30))):
        side = next(s for s in build_summary(canada_china, day)["sides"] if s["side"] == "china")
        totals = {t["currency"]: Decimal(t["amount"]) for t in side["trade_covered"]["totals"]}
        assert Decimal(china["trade"][series["labels"].index(month)]) == totals[series["currency"]]


def test_the_chart_table_lists_the_months_in_which_the_figures_changed(client):
    html = page(client)
    series = script_json(html, "series-data")
    table = html.split('id="in-force-table"', 1)[1].split("</table>", 1)[0]
    listed = re.findall(r'<th scope="row">([0-9]{4}-[0-9]{2})</th>', table)
    changed = [
        month
        for i, month in enumerate(series["labels"])
        if i == 0
        or any((d["counts"][i], d["trade"][i]) != (d["counts"][i - 1], d["trade"][i - 1]) for d in series["datasets"])
    ]
    assert listed == changed and "2024-10" in listed and len(listed) < len(series["labels"])


def test_the_retaliation_graph_and_its_table(client):
    html = page(client)
    graph = script_json(html, "retaliation-data")
    assert graph["nodes"] and graph["edges"]
    ids = {n["id"] for n in graph["nodes"]}
    assert all(e["from"] in ids and e["to"] in ids for e in graph["edges"])
    assert any(e["contested"] for e in graph["edges"])
    assert all(isinstance(e["days"], int) for e in graph["edges"])
    rows = re.findall(r'<td class="number">(-?\d+)</td>', html)
    assert sorted(int(r) for r in rows) == sorted(e["days"] for e in graph["edges"])
    assert "retaliates against" in html and 'id="retaliation-table"' in html


def test_the_french_page_is_in_french(client):
    html = page(client, "/fr/disputes/canada-china/")
    assert 'lang="fr"' in html and script_json(html, "timeline-data")["api"].startswith("/api/v1/")


def test_the_page_does_not_grow_with_events_nor_do_its_queries(client, canada_china):
    before_size, before_queries = len(page(client, year="2024")), queries(client, URL)
    actor = canada_china.parties.first().actor
    for i in range(300):
        event = EventFactory(dispute=canada_china, date=dt.date(2024, 1, 1) + dt.timedelta(days=i),
                             title=f"grown {i}")  # fmt: skip
        event.participations.create(actor=actor, role="participant")
    refresh_dispute(dispute_id=canada_china.pk, today=dt.date(2026, 6, 1), full=True)
    assert Event.objects.filter(dispute=canada_china, title__startswith="grown").count() == 300
    assert queries(client, URL) == before_queries
    grown = page(client, year="2024")
    assert len(listed_dates(grown)) == YEAR_PAGE_SIZE
    assert len(grown) < before_size + YEAR_PAGE_SIZE * 2000
    assert queries(client, URL + "?year=2024&page=3") <= before_queries


@pytest.mark.parametrize(("lang", "shown"), [("en", "CAD 7.016 billion"), ("fr", "7,016\u00a0milliards CAD")])
def test_the_state_of_play_gives_trade_covered_with_every_digit_in_words(client, lang, shown):
    html = page(client, f"/{lang}/disputes/canada-china/", on="2025-09-01")
    china = html.split('class="side side-china"', 1)[1].split("</div>", 1)[0]
    assert shown in china


@pytest.mark.parametrize("warmed", [True, False])
def test_a_refresh_computes_what_the_pages_first_view_would(
    client, canada_china, warmed, django_capture_on_commit_callbacks
):
    """The per-year counts and the actor filter's list are kept under the refresh's version: computed once the
    refresh is committed, not by the first analyst opening the page after an edit."""
    from django.core.cache import cache

    with django_capture_on_commit_callbacks(execute=warmed):
        refresh_dispute(dispute_id=canada_china.pk, today=timezone.localdate(), full=True)
    with CaptureQueriesContext(connection) as captured:
        page(client)
    per_year = [q["sql"] for q in captured.captured_queries if "EXTRACT" in q["sql"] and "GROUP BY" in q["sql"]]
    participants = [q["sql"] for q in captured.captured_queries if "disputes_eventparticipant" in q["sql"]]
    if warmed:
        assert per_year == [] and participants == []
    else:  # the same page without the warming: both computed by the view
        assert per_year and participants
    cache.clear()
