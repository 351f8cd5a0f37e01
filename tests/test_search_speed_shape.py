"""Full-text search on PostgreSQL reads the stored search documents, kept current by the database.

Not timed (``make bench`` times it): these tests hold the shape that makes it fast. Each searchable
table's ``search_document`` column follows every write; a search matches and ranks that column and
never recomputes a vector per row; the GIN index on it can serve a search on its own.
"""

import pytest
from django.db import connection

from disputes.models import Event, Source
from tariffs.models import Measure
from tests.factories import EventFactory, MeasureFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_a_new_or_edited_event_is_found_by_its_words_at_once(client):
    event = EventFactory(title="Quinoa quota announced", summary="")
    assert list(Event.objects.search("quinoa").values_list("pk", flat=True)) == [event.pk]
    event.title = "Buckwheat quota announced"
    event.save()
    assert not Event.objects.search("quinoa").exists()
    assert list(Event.objects.search("buckwheat").values_list("pk", flat=True)) == [event.pk]
    ids = [row["id"] for row in client.get("/api/v1/events/?q=buckwheat").json()["results"]]
    assert ids == [event.pk]


def test_a_measure_is_found_by_its_product_description_and_a_source_by_its_title():
    measure = MeasureFactory(title="Surtax", product_description="Frozen cranberries")
    assert list(Measure.objects.search("cranberry").values_list("pk", flat=True)) == [measure.pk]
    cited = EventFactory(title="Readout")
    source = cited.citations.get().source
    source.title = "Statement on persimmons"
    source.save()
    assert list(Event.objects.search("persimmon").values_list("pk", flat=True)) == [cited.pk]


def test_more_occurrences_rank_higher():
    once = EventFactory(title="Talks on kelp", summary="")
    thrice = EventFactory(title="Kelp talks", summary="Kelp exports and kelp duties.")
    found = list(Event.objects.search("kelp").order_by("-search_rank").values_list("pk", flat=True))
    assert found == [thrice.pk, once.pk]


@pytest.mark.parametrize("model", [Event, Measure])
def test_a_search_matches_and_ranks_the_stored_document_without_recomputing_it(model):
    sql = str(model.objects.search("tariff").query)
    assert '"search_document" @@' in sql and "ts_rank(" in sql
    assert "to_tsvector" not in sql


@pytest.mark.parametrize(("model", "index"), [
    (Event, "disputes_event_document_idx"),
    (Source, "disputes_source_document_idx"),
    (Measure, "tariffs_measure_document_idx"),
])  # fmt: skip
def test_the_gin_index_can_serve_a_search(model, index):
    from core.search import StoredDocument

    queryset = model.objects.alias(search_document=StoredDocument()).filter(search_document="tariff")
    sql, params = queryset.order_by().values("pk").query.sql_with_params()  # the match alone, not a sort
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # the test data is small: make the planner show its hand
        cursor.execute("SET LOCAL enable_indexscan = off")  # nor walk another index whole (a GIN index is bitmap-only)
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert index in plan


@pytest.mark.parametrize("path", ["/api/v1/events/", "/en/search/"])
def test_a_search_ranks_the_ids_alone_and_reads_only_the_shown_page_whole(client, path):
    """Ranking every match is the cost of a search: it runs on one narrow table, without the joins and
    wide columns of the rows, which are read by primary key for the page shown."""
    from django.test.utils import CaptureQueriesContext

    once = EventFactory(title="Talks on kelp", summary="")
    thrice = EventFactory(title="Kelp talks", summary="Kelp exports and kelp duties.")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, {"q": "kelp"})
    assert response.status_code == 200
    statements = [_text(q["sql"]) for q in captured.captured_queries]
    ranking = [sql for sql in statements if 'ORDER BY ts_rank("disputes_event"' in sql]
    assert ranking and all("JOIN" not in sql.split(" WHERE ")[0] for sql in ranking)
    assert all('"disputes_event"."summary"' not in sql.split(" FROM ")[0] for sql in ranking)
    if path.startswith("/api/"):
        assert [row["id"] for row in response.json()["results"]] == [thrice.pk, once.pk]
    else:
        html = response.content.decode()
        assert html.index(f"/events/{thrice.pk}/") < html.index(f"/events/{once.pk}/")


def _text(sql: str) -> str:
    """A logged statement's text; for ``EXECUTE tw_…(…)`` (core.api.prepared), the text of the statement it runs."""
    from core.api.prepared import statement_text

    return statement_text(sql.split("(")[0].removeprefix("EXECUTE ")) if sql.startswith("EXECUTE tw_") else sql
