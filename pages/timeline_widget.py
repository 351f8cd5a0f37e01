"""The data the interactive timeline draws: events as points, measures as ranges, suspensions marked."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from core.dates import shifted
from core.formatting import plain_decimal
from core.permalinks import record_url
from tariffs.choices import RateState

OPEN_ENDED_TAIL = dt.timedelta(days=180)


def widget_data(entries, periods, sides, *, today: dt.date, group_by: str = "side") -> dict:
    """Items and groups for vis-timeline from the filtered timeline entries and the measures' periods."""
    side_names = {side.slug: side.name for side in sides}
    items = []
    measures_shown = set()
    for entry in entries:
        if entry.record_type == "measure":
            measures_shown.add(entry.record_id)
            if entry.kind in ("measure_in_force", "measure_suspended", "measure_resumed", "rate_change"):
                continue  # drawn as the range below
        items.append(
            {
                "id": entry.key,
                "content": entry.title,
                "title": f"{entry.date.isoformat()} — {entry.title}",
                "start": entry.date.isoformat(),
                "end": None,
                "type": "point",
                "group": entry.side or "other",
                "className": f"kind-{entry.kind} side-{entry.side or 'other'}",
                "url": record_url(entry.record_type, entry.record_id, in_language=True),
                "kind": entry.kind,
                "side": entry.side or "other",
            }
        )
    for period in periods:
        if period.measure_id not in measures_shown:
            continue
        measure = period.measure
        side = next((s.slug for s in sides if measure.imposed_by.country in s.countries), "other")
        end = (
            shifted(period.valid_to, 1)
            if period.valid_to
            else shifted(max(today, period.valid_from), OPEN_ENDED_TAIL.days)
        )
        state = "suspended" if period.state == RateState.SUSPENDED else "in_force"
        rate = f"{plain_decimal(period.rate_percent)}% " if period.rate_percent is not None else ""
        label = measure.title if state == "in_force" else _("Suspended: %(title)s") % {"title": measure.title}
        items.append(
            {
                "id": f"period:{period.pk}",
                "content": label,
                "title": f"{period.valid_from.isoformat()} – {_last_day(period)}: {rate}{label}",
                "start": period.valid_from.isoformat(),
                "end": end.isoformat(),
                "type": "range",
                "group": side,
                "className": f"kind-measure side-{side} state-{state}",
                "url": record_url("measure", measure.pk, in_language=True),
                "kind": "measure_in_force" if state == "in_force" else "measure_suspended",
                "side": side,
            }
        )
    used = {item["group"] for item in items}
    groups = [{"id": s.slug, "content": s.name} for s in sides if s.slug in used]
    if "other" in used:
        groups.append({"id": "other", "content": _("Both sides or neither")})
    return {"items": items, "groups": groups, "group_by": group_by, "names": side_names}


def _last_day(period) -> str:
    return period.valid_to.isoformat() if period.valid_to else "…"
