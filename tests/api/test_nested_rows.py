"""A page's nested lists (participants, sources, rate periods, …) are read by statements compiled once, all of a
page's lists by one statement."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.api.rows import NestedLists, rows_of
from disputes.api.rows import EVENT_NESTED
from disputes.models import Event, EventCitation, EventParticipant
from tariffs.api.rows import MEASURE_NESTED
from tariffs.models import Measure, RatePeriod
from timelines.models import TimelineEntry

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def nested_statements(client, url) -> list[str]:
    """The prepared statements a page ran with its ids (``EXECUTE tw_…(ARRAY[…])``), by name."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    statements = [q["sql"] for q in captured.captured_queries]
    return [sql.split("(")[0] for sql in statements if sql.startswith("EXECUTE") and "(ARRAY[" in sql]


@pytest.mark.parametrize("path", ["/api/v1/events/", "/api/v1/measures/"])
def test_pages_of_any_size_read_all_their_nested_lists_with_one_same_statement(client, canada_china, path):
    small = nested_statements(client, f"{path}?dispute=canada-china&limit=3")
    large = nested_statements(client, f"{path}?dispute=canada-china&limit=40&offset=3")
    assert len(small) == 1 and small == large


@pytest.mark.parametrize(("nested", "model"), [(MEASURE_NESTED, Measure), (EVENT_NESTED, Event)])
def test_lists_read_together_are_what_each_statement_reads_value_for_value(canada_china, nested, model):
    ids = list(model.objects.order_by("id").values_list("id", flat=True))
    for start in range(0, len(ids), 40):
        page = [*ids[start : start + 40], 0]  # and an id of nothing
        together = nested.read(page)
        apart = [rows_of(queryset, key, columns, page) for queryset, key, columns in nested.lists]
        assert together == apart
        assert [[tuple(map(type, row)) for row in rows] for rows in together] == [
            [tuple(map(type, row)) for row in rows] for rows in apart
        ]  # a date stays a date, a rate a Decimal: JSON carried them as text and numbers
    assert nested.read([]) == [[] for _ in nested.lists]


def test_dates_timestamps_decimals_nulls_and_odd_text_come_back_as_they_were(canada_china):
    period = RatePeriod.objects.filter(base_rate__isnull=True).order_by("id").first()
    period.note = 'a "quoted" note, a back\\slash, a tab\t, a line\nbreak, % and é, 中文'
    period.rate_percent = Decimal("12.500")
    period.save(update_fields=["note", "rate_percent"])
    citation = EventCitation.objects.order_by("id").first()
    nested = NestedLists(
        (RatePeriod.objects.order_by("measure_id", "id"), "measure_id", ("valid_from", "valid_to", "rate_percent",
                                                                          "base_rate", "note")),
        (EventCitation.objects.order_by("event_id", "id"), "event_id", ("source__created_at", "source__published_on")),
    )  # fmt: skip
    periods, citations = nested.read([period.measure_id, citation.event_id])
    row = next(row for row in periods if row[5] == period.note)
    assert row[3] == Decimal("12.500") and str(row[3]) == "12.500" and row[4] is None
    assert isinstance(row[1], dt.date)
    created = next(row[1] for row in citations)
    assert isinstance(created, dt.datetime) and created == citation.source.created_at
    assert created.utcoffset() == dt.timedelta(0)


def test_a_list_with_a_column_json_cannot_carry_exactly_is_read_by_its_own_statement(canada_china):
    entries = TimelineEntry.objects.order_by("dispute_id", "id")
    nested = NestedLists((entries, "dispute_id", ("actors",)), (entries, "dispute_id", ("date",)))
    with CaptureQueriesContext(connection) as captured:
        actors, dates = nested.read([canada_china.pk])
    # jsonb is not among the types read back from JSON: the lists are read one by one.
    assert actors and len(captured.captured_queries) == 2
    assert actors == rows_of(entries, "dispute_id", ("actors",), [canada_china.pk])
    assert dates == rows_of(entries, "dispute_id", ("date",), [canada_china.pk])


def test_the_compiled_statement_reads_exactly_the_rows_the_orm_would(canada_china):
    ids = list(EventParticipant.objects.order_by("event_id").values_list("event_id", flat=True).distinct()[:7]) + [0]
    base = EventParticipant.objects.order_by("event_id", "id")
    columns = ("actor__slug", "role")
    expected = list(base.filter(event_id__in=ids).values_list("event_id", *columns))
    assert rows_of(base, "event_id", columns, ids) == expected
    assert len({row[0] for row in expected}) == 7
    assert rows_of(base, "event_id", columns, []) == []
