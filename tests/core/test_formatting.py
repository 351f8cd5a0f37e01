from decimal import Decimal

import pytest

from core.formatting import plain_decimal


@pytest.mark.parametrize(
    ("value", "text"),
    [(Decimal("100.000"), "100"), (Decimal("75.800"), "75.8"), (Decimal("1E+2"), "100"), (Decimal("0.000"), "0")],
)
def test_a_decimal_is_written_as_plainly_as_it_reads(value, text):
    assert plain_decimal(value) == text


def test_no_decimal_stays_none():
    assert plain_decimal(None) is None
