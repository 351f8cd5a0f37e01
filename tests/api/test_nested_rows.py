"""A page's nested lists (participants, sources, rate periods, …) are read by statements compiled once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.api.rows import rows_of
from disputes.models import EventParticipant

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def nested_statements(client, url) -> list[str]:
    """The prepared statements a page ran with its ids (``EXECUTE tw_…(ARRAY[…])``), by name."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    statements = [q["sql"] for q in captured.captured_queries]
    return [sql.split("(")[0] for sql in statements if sql.startswith("EXECUTE") and "(ARRAY[" in sql]


@pytest.mark.parametrize(("path", "nested"), [("/api/v1/events/", 2), ("/api/v1/measures/", 6)])
def test_pages_of_any_size_read_their_nested_lists_with_the_same_statements(client, canada_china, path, nested):
    small = nested_statements(client, f"{path}?dispute=canada-china&limit=3")
    large = nested_statements(client, f"{path}?dispute=canada-china&limit=40&offset=3")
    assert len(small) == nested and small == large


def test_the_compiled_statement_reads_exactly_the_rows_the_orm_would(canada_china):
    ids = list(EventParticipant.objects.order_by("event_id").values_list("event_id", flat=True).distinct()[:7]) + [0]
    base = EventParticipant.objects.order_by("event_id", "id")
    columns = ("actor__slug", "role")
    expected = list(base.filter(event_id__in=ids).values_list("event_id", *columns))
    assert rows_of(base, "event_id", columns, ids) == expected
    assert len({row[0] for row in expected}) == 7
    assert rows_of(base, "event_id", columns, []) == []
