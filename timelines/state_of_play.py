"""The state of play of a dispute on a day: open cases and their stage, the latest diplomacy, what changes next.

Each part is a fixed number of queries, whatever the size of the dispute.
"""

from __future__ import annotations

import datetime as dt

from core.formatting import plain_decimal
from core.permalinks import record_url
from disputes.choices import CaseForum, CaseStage, EventKind
from disputes.models import Case, Event
from tariffs.choices import RateState
from tariffs.models import RatePeriod

from .choices import ScheduledChange

LATEST_DIPLOMACY = 5
NEXT_CHANGES = 5

DIPLOMACY_KINDS = [
    EventKind.LEADER_CALL,
    EventKind.LEADER_MEETING,
    EventKind.MINISTERIAL_MEETING,
    EventKind.OFFICIALS_MEETING,
    EventKind.COMMISSION_MEETING,
    EventKind.VISIT,
    EventKind.STATEMENT,
]
# A case at one of these stages is over: a trade-remedy ruling is final, a WTO report adopted, a dispute settled.
CLOSED_STAGES = {CaseStage.FINAL_DETERMINATION, CaseStage.ADOPTED, CaseStage.LAPSED, CaseStage.SETTLED}


def open_cases(dispute, day: dt.date) -> list[dict]:
    """Cases initiated on or before ``day`` and not closed then, each with the stage its last step before
    ``day`` reached (its initiation stage when no step is recorded yet)."""
    cases = list(
        Case.objects.filter(dispute=dispute, initiated_on__lte=day)
        .select_related("complainant", "respondent")
        .order_by("initiated_on", "reference", "id")
    )
    stage_of: dict[int, str] = {}
    steps = (
        Event.objects.filter(case__dispute=dispute, date__lte=day)
        .exclude(case_stage="")
        .order_by("date", "id")
        .values_list("case_id", "case_stage", "date")
    )
    since: dict[int, dt.date] = {}
    for case_id, stage, date in steps:
        stage_of[case_id] = stage
        since[case_id] = date
    rows = []
    for case in cases:
        stage = stage_of.get(case.pk) or _first_stage(case)
        if stage in CLOSED_STAGES:
            continue
        rows.append(
            {
                "id": case.pk,
                "reference": case.reference,
                "title": case.title,
                "title_fr": case.title_fr,
                "forum": case.forum,
                "complainant": case.complainant.slug if case.complainant else None,
                "respondent": case.respondent.slug,
                "initiated_on": case.initiated_on.isoformat(),
                "stage": stage,
                "stage_since": (since.get(case.pk) or case.initiated_on).isoformat(),
                "html_url": record_url("case", case.pk),
            }
        )
    return rows


def _first_stage(case) -> str:
    return CaseStage.INITIATED if case.forum != CaseForum.WTO else CaseStage.CONSULTATIONS_REQUESTED


def latest_diplomacy(dispute, day: dt.date) -> list[dict]:
    """The most recent diplomatic events (calls, meetings, visits, statements) on or before ``day``."""
    events = Event.objects.filter(dispute=dispute, kind__in=DIPLOMACY_KINDS, date__lte=day).order_by("-date", "-id")[
        :LATEST_DIPLOMACY
    ]
    return [
        {
            "id": e.pk,
            "date": e.date.isoformat(),
            "date_precision": e.date_precision,
            "kind": e.kind,
            "title": e.title,
            "title_fr": e.title_fr,
            "html_url": record_url("event", e.pk),
        }
        for e in events
    ]


def next_changes(dispute, day: dt.date) -> list[dict]:
    """The next dated changes to measures after ``day``: a rate period that starts, or one that ends with no
    period following it (the measure lapses). Periods follow each other per exporter (the residual rate being one
    more); a change several exporters share on a day is listed once, with the residual rate's rate, or no rate
    when only named exporters' rates change (they differ)."""
    periods = list(
        RatePeriod.objects.filter(measure__dispute=dispute)
        .order_by("measure_id", "exporter_id", "valid_from")
        .values_list(
            "measure_id",
            "exporter_id",
            "measure__title",
            "measure__title_fr",
            "valid_from",
            "valid_to",
            "rate_percent",
            "state",
            "kind",
        )
    )
    by_start = {(p[0], p[1], p[4]) for p in periods}
    ends = {(p[0], p[1], p[5]): p for p in periods if p[5] is not None}
    found: dict[tuple, tuple[dict, bool]] = {}
    for measure_id, exporter_id, title, title_fr, valid_from, valid_to, rate, state, kind in periods:
        title = {"title": title, "title_fr": title_fr}
        if valid_from > day:
            before = ends.get((measure_id, exporter_id, valid_from - dt.timedelta(days=1)))
            if before is None:
                change = ScheduledChange.TAKES_EFFECT if state == RateState.IN_FORCE else ScheduledChange.SUSPENDED
            elif before[7] != state:
                change = ScheduledChange.RESUMES if state == RateState.IN_FORCE else ScheduledChange.SUSPENDED
            else:
                change = ScheduledChange.RATE_CHANGES
            _keep(found, _change(valid_from, measure_id, title, change, rate, kind), residual=exporter_id is None)
        if valid_to is not None and valid_to >= day and valid_to < dt.date.max:
            following = valid_to + dt.timedelta(days=1)
            if (measure_id, exporter_id, following) not in by_start:
                change = _change(following, measure_id, title, ScheduledChange.ENDS, None, "")
                _keep(found, change, residual=exporter_id is None)
    changes = sorted((c for c, _residual in found.values()), key=lambda c: (c["date"], c["measure"], c["change"]))
    return changes[:NEXT_CHANGES]


def _keep(found: dict, change: dict, *, residual: bool) -> None:
    """Add ``change`` once per measure, day and kind of change: the residual rate's stands for the measure; a named
    exporter's alone says no rate (another exporter's rate that day may differ)."""
    key = (change["date"], change["measure"], change["change"])
    if residual:
        found[key] = (change, True)
    elif key not in found:
        found[key] = (change | {"rate_percent": None, "rate_kind": ""}, False)


def _change(date: dt.date, measure_id: int, title: dict, change: ScheduledChange, rate, kind: str) -> dict:
    return {
        "date": date.isoformat(),
        "measure": measure_id,
        **title,
        "change": change.value,
        "rate_percent": plain_decimal(rate),
        "rate_kind": kind,
        "html_url": record_url("measure", measure_id),
    }
