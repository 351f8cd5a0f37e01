"""Two small disputes beside the first case, for the views across disputes: ``cheese-war`` (Freedonia and
Sylvania, 2024) and ``steel-spat`` (Freedonia and Grand Fenwick, 2025), loaded from ``tests/data`` through the
dataset loader (so through the services), with their timelines and summaries built."""

import datetime as dt
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
SECOND, THIRD = "cheese-war", "steel-spat"
FILES = {SECOND: DATA / "compare-second.yaml", THIRD: DATA / "compare-third.yaml"}
TODAY = dt.date(2025, 6, 1)


def load_more_disputes(*slugs: str, today: dt.date = TODAY) -> dict:
    """Load the named disputes (both by default) and refresh their timelines; returns them by slug."""
    from disputes.models import Dispute
    from exchange.dataset_loader import load_dataset
    from timelines.services import refresh_dispute

    loaded = {}
    for slug in slugs or FILES:
        load_dataset(str(FILES[slug]), today=today)
        dispute = Dispute.objects.get(slug=slug)
        refresh_dispute(dispute_id=dispute.pk, today=today, full=True)
        loaded[slug] = dispute
    return loaded
