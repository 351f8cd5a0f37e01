"""CSV cells that a spreadsheet would run as a formula are neutralised (OWASP CSV injection)."""

import csv
import io

import pytest

from disputes.models import Source

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠"])
def test_csv_cells_starting_with_any_formula_character_are_neutralised(anonymous, start):
    Source.objects.create(title=f"{start}HYPERLINK(1)", publisher="Neutral Press")
    response = anonymous.get("/api/v1/sources/", {"format": "csv", "publisher": "Neutral Press"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0]["title"] == f"'{start}HYPERLINK(1)"
