"""A search lists at most SEARCH_MATCH_LIMIT matches, the newest, ranked, and says when more records match.

Counting and ranking every match of a word found in most of a large dispute's records read the dispute whole at
every search (bench/README.md); the list now holds the newest matches, says that there are more, and a date
window reaches the older ones. Under the limit nothing changes. A whole-list CSV download still holds every match.
"""

import csv
import datetime as dt
import io

import pytest
from django.db import connection

from disputes.models import Event, EventCitation
from tariffs.models import Measure, MeasureCitation
from tests.factories import DisputeFactory, EventFactory, MeasureFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kelp(settings):
    """Five kelp events of one dispute, a month apart; the oldest and the newest say "kelp" three times."""
    settings.SEARCH_MATCH_LIMIT = 3
    dispute = DisputeFactory(slug="kelp-war")
    events = []
    for month in range(1, 6):
        summary = "Kelp exports and kelp duties." if month in (1, 5) else ""
        events.append(EventFactory(dispute=dispute, date=dt.date(2025, month, 10), title="Kelp talks", summary=summary))
    return dispute, events


def _get(client, HTTP_ORIGIN=None, **params):
    headers = {"HTTP_ORIGIN": HTTP_ORIGIN} if HTTP_ORIGIN else {}
    response = client.get("/api/v1/events/", {"dispute": "kelp-war", **params}, **headers)
    assert response.status_code == 200, response.content
    return response


@pytest.mark.postgres
def test_past_the_limit_the_list_holds_the_newest_matches_ranked_and_says_more_match(client, kelp):
    _, events = kelp
    body = _get(client, q="kelp").json()
    assert body["count"] == 3
    assert body["more_matches"] is True
    assert "3 newest" in body["note"]
    # The three newest (May, April, March), the best match (May: three kelps) first; January's three kelps are
    # older than the cut and not listed.
    assert [row["id"] for row in body["results"]] == [events[4].pk, events[2].pk, events[3].pk]


def test_the_list_pages_within_the_newest_matches(client, kelp):
    _, events = kelp
    first = _get(client, q="kelp", limit=2).json()
    assert first["count"] == 3 and len(first["results"]) == 2 and first["next"]
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None
    listed = {row["id"] for row in first["results"] + second["results"]}
    assert listed == {events[2].pk, events[3].pk, events[4].pk}


def test_a_date_window_reaches_the_older_matches(client, kelp):
    _, events = kelp
    body = _get(client, q="kelp", date_before="2025-02-28").json()
    assert body["count"] == 2 and body["more_matches"] is False and "note" not in body
    assert {row["id"] for row in body["results"]} == {events[0].pk, events[1].pk}


def test_under_the_limit_the_count_is_exact_and_nothing_more_is_said(client, kelp, settings):
    settings.SEARCH_MATCH_LIMIT = 5
    body = _get(client, q="kelp").json()
    assert body["count"] == 5 and body["more_matches"] is False and "note" not in body
    assert "more_matches" not in _get(client).json()  # not a search: the plain list contract


def test_an_explicit_ordering_orders_the_same_newest_matches(client, kelp):
    _, events = kelp
    body = _get(client, q="kelp", ordering="date").json()
    assert [row["id"] for row in body["results"]] == [events[2].pk, events[3].pk, events[4].pk]


def test_a_csv_page_says_in_a_header_whether_more_match(client, kelp):
    response = _get(client, q="kelp", format="csv", limit=2, HTTP_ORIGIN="https://newsroom.example")
    assert response["X-More-Matches"] == "true"
    assert "X-More-Matches" in response["Access-Control-Expose-Headers"]  # readable by a page on another site
    assert len(list(csv.reader(io.StringIO(response.content.decode())))) == 1 + 2
    assert _get(client, q="kelp", date_before="2025-02-28", format="csv", limit=2)["X-More-Matches"] == "false"
    assert "X-More-Matches" not in _get(client, format="csv", limit=2)  # not a search


def test_a_whole_list_csv_download_holds_every_match(client, kelp):
    response = _get(client, q="kelp", format="csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 5


def test_measures_are_cut_the_same_way(client, settings):
    settings.SEARCH_MATCH_LIMIT = 2
    dispute = DisputeFactory(slug="quinoa-war")
    measures = [
        MeasureFactory(dispute=dispute, title="Quinoa surtax", announced_on=dt.date(2025, month, 1))
        for month in (1, 2, 3)
    ]
    body = client.get("/api/v1/measures/", {"dispute": "quinoa-war", "q": "quinoa"}).json()
    assert body["count"] == 2 and body["more_matches"] is True
    assert {row["id"] for row in body["results"]} == {measures[1].pk, measures[2].pk}


def test_the_search_page_says_more_match_and_lists_the_newest(client, kelp):
    _, events = kelp
    html = client.get("/en/search/", {"q": "kelp"}).content.decode()
    assert "Events (more than 3)" in html
    assert 'data-more-matches="events"' in html
    assert f"/events/{events[0].pk}/" not in html  # January: older than the three newest
    assert all(f"/events/{event.pk}/" in html for event in events[2:])
    french = client.get("/fr/search/", {"q": "kelp"}).content.decode()
    assert "plus de 3" in french


def test_the_openapi_document_describes_the_cut(client):
    schema = client.get("/api/schema/?format=json").json()
    page = schema["components"]["schemas"]["PaginatedEventList"]["properties"]
    assert page["more_matches"]["type"] == "boolean"
    assert "newest" in page["count"]["description"]


# --- the cited sources' titles, kept beside each record (PostgreSQL triggers) -----------------------------------


def _found(model, text):
    return set(model.objects.search(text).values_list("pk", flat=True))


@pytest.mark.postgres
def test_a_citation_added_or_removed_changes_what_a_source_title_finds():
    event = EventFactory(title="Readout")
    source = SourceFactory(title="Statement on persimmons")
    assert event.pk not in _found(Event, "persimmon")
    citation = EventCitation.objects.create(event=event, source=source)
    assert event.pk in _found(Event, "persimmon")
    citation.delete()
    assert event.pk not in _found(Event, "persimmon")


@pytest.mark.postgres
def test_a_source_retitled_is_found_under_its_new_title_by_measures_and_events():
    event = EventFactory(title="Readout")
    measure = MeasureFactory(title="Surtax")
    source = SourceFactory(title="Notice on tin")
    MeasureCitation.objects.create(measure=measure, source=source)
    EventCitation.objects.create(event=event, source=source)
    source.title = "Notice on zinc"
    source.save()
    assert measure.pk in _found(Measure, "zinc") and measure.pk not in _found(Measure, "tin")
    assert event.pk in _found(Event, "zinc") and event.pk not in _found(Event, "tin")


@pytest.mark.postgres
def test_a_phrase_never_spans_two_cited_titles():
    event = EventFactory(title="Readout")
    for title in ("Statement on softwood", "Lumber prices"):
        EventCitation.objects.create(event=event, source=SourceFactory(title=title))
    assert event.pk in _found(Event, "softwood lumber")  # both words, in any title
    assert event.pk not in _found(Event, '"softwood lumber"')


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("model", "index"), [(Event, "disputes_event_cited_idx"), (Measure, "tariffs_measure_cited_idx")]
)
def test_a_match_by_cited_title_can_be_served_by_its_index(model, index):
    sql, params = model.objects.search("tariff").order_by().values("pk").query.sql_with_params()
    assert "cited_document" in sql and "disputes_source" not in sql  # no subquery over the citations
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert index in plan


@pytest.mark.postgres
@pytest.mark.parametrize("walk", [1, 2, 10_000])
def test_the_newest_matches_are_the_same_whether_found_by_walking_the_newest_rows_or_by_the_indexes(
    client, kelp, monkeypatch, walk
):
    """A search first walks the newest rows of the filtered set and asks the indexes only when too few match
    there: here newer events that do not match push the matches past a short walk, and the answer is the same."""
    import core.search

    dispute, events = kelp
    for day in (1, 2):
        EventFactory(dispute=dispute, date=dt.date(2025, 12, day), title="Seaweed talks")
    monkeypatch.setattr(core.search, "WALK_ROWS", walk)
    body = _get(client, q="kelp", ordering="-date").json()
    assert [row["id"] for row in body["results"]] == [events[4].pk, events[3].pk, events[2].pk]
    assert body["more_matches"] is True
    assert _get(client, q="kelp", kind="statement").json()["count"] == 0  # another filter still applies


@pytest.mark.postgres
def test_two_searches_chained_keep_both_conditions(kelp, monkeypatch):
    """Only a single, pure search condition is walked; anything else is answered by the plain query."""
    import core.search

    dispute, events = kelp
    monkeypatch.setattr(core.search, "WALK_ROWS", 1)
    EventFactory(dispute=dispute, date=dt.date(2025, 12, 1), title="Seaweed exports")
    both = Event.objects.filter(dispute=dispute).search("kelp").search("exports")
    queryset, count, more = core.search.newest_matches(both, limit=10)
    assert count == 2 and not more  # January and May say both words; December's seaweed is no kelp
    assert set(queryset.values_list("pk", flat=True)) == {events[0].pk, events[4].pk}


#: Which of 30 events, newest first, say "kelp": none of the newest, a few, many, every one, and one old one.
PATTERNS = {
    "rare, old": {29},
    "none among the newest": {12, 17, 20, 23, 26, 29},
    "sparse": {1, 9, 15, 21, 28},
    "one in the first fifth, more after": {1, 6, 7, 8, 9, 11, 14, 18, 24},
    "dense": set(range(0, 30, 2)),
    "every one": set(range(30)),
}


@pytest.mark.postgres
@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("walk", [1, 2, 5, 10, 12, 30, 10_000])
@pytest.mark.parametrize("limit", [1, 3, 4, 8])
def test_the_walk_its_sample_and_the_indexes_find_the_same_newest_matches(monkeypatch, pattern, walk, limit):
    """However the statement gets there (a sample that finds enough, a sample that promises enough and a walk on
    from where it ended, or too few and the indexes), its newest matches are the plain query's."""
    import core.search

    dispute = DisputeFactory(slug="kelp-coast")
    day = dt.date(2025, 12, 31)
    for age in range(30):
        title = "Kelp talks" if age in PATTERNS[pattern] else "Seaweed talks"
        EventFactory(dispute=dispute, date=day - dt.timedelta(days=age), title=title, summary="")
    monkeypatch.setattr(core.search, "WALK_ROWS", walk)
    matches = Event.objects.filter(dispute=dispute).search("kelp")
    newest = list(matches.order_by("-date", "-id").values_list("date", "id")[: limit + 1])
    assert core.search._newest_rows(matches, core.search.newest_ordering(Event), limit + 1) == newest
    queryset, count, more = core.search.newest_matches(matches, limit=limit)
    assert (count, more) == (min(limit, len(PATTERNS[pattern])), len(PATTERNS[pattern]) > limit)
