"""Values written as people read them, in one place."""

from decimal import Decimal


def plain_decimal(value: Decimal | None) -> str | None:
    """A decimal written as plainly as it reads: "100", "75.8", never "100.000" or "1E+2"; None stays None."""
    return None if value is None else format(value.normalize(), "f")
