"""Build timeline entries from a dispute's records.

Every builder reads with a fixed number of queries whatever the number of records (``values()``
rows joined in Python), so a refresh costs the same number of statements at 1k or 100k events.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass

import orjson
from django.utils import translation
from django.utils.translation import gettext as _

from core.dates import shifted
from core.formatting import plain_decimal
from disputes.models import Case, CaseCitation, Event, EventCitation, EventParticipant
from disputes.selectors import Side, dispute_sides, side_of_country
from tariffs import rate_periods
from tariffs.choices import RateState
from tariffs.models import Measure, MeasureCitation, RatePeriod

from .choices import Milestone, RecordType

TEXT_LENGTH = 400


@dataclass(frozen=True)
class Scope:
    """Which records to rebuild; ``None`` for a kind means all of them."""

    event_ids: frozenset[int] | None = None
    measure_ids: frozenset[int] | None = None
    case_ids: frozenset[int] | None = None

    @classmethod
    def everything(cls) -> Scope:
        return cls()

    def filter(self, queryset, kind: str, field: str = "id"):
        ids = getattr(self, f"{kind}_ids")
        return queryset if ids is None else queryset.filter(**{f"{field}__in": ids})


def build_entries(dispute, scope: Scope, *, today: dt.date) -> dict[str, dict]:
    """Entries for the records in ``scope``, keyed by their stable ``key``, each with a fingerprint.

    An entry dated after ``today`` is ``scheduled``: expected, not something that happened. The flag is
    part of the fingerprint, so the refresh after its date (at the latest the nightly one) flips it.
    """
    sides = dispute_sides(dispute)
    entries = {}
    # Stored text is English (and French beside it) whatever the language of the request that triggered the refresh.
    with translation.override("en"):
        built = [
            *_event_entries(dispute, scope, sides),
            *_measure_entries(dispute, scope, sides),
            *_case_entries(dispute, scope, sides),
        ]
    for entry in built:
        entry["dispute_id"] = dispute.pk
        entry["scheduled"] = entry["date"] > today
        entry["fingerprint"] = _fingerprint(entry)
        entries[entry["key"]] = entry
    return entries


def _fingerprint(entry: dict) -> str:
    payload = orjson.dumps(entry, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS, default=str)
    return hashlib.sha256(payload).hexdigest()


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TEXT_LENGTH else text[: TEXT_LENGTH - 1].rstrip() + "…"


def _title(text: str) -> str:
    return text if len(text) <= 300 else text[:299] + "…"


def _in_both(build) -> tuple[str, str]:
    """``build()`` (which calls gettext) in English and in French."""
    texts = []
    for language in ("en", "fr"):
        with translation.override(language):
            texts.append(str(build()))
    return texts[0], texts[1]


def _titles(template, record: dict, **values) -> dict:
    """The entry's ``title`` and ``title_fr`` from a gettext ``template`` and the record's English/French title."""
    english, french = record["title"], record.get("title_fr") or record["title"]
    en, _fr = _in_both(lambda: template() % {**values, "title": english})
    _en, fr = _in_both(lambda: template() % {**values, "title": french})
    return {"title": _title(en), "title_fr": _title(fr)}


def _sources(rows) -> dict[int, list[dict]]:
    """Citation rows grouped by the cited record id, each as a small dict, in citation order."""
    grouped: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        grouped[row["record_id"]].append(
            {
                "id": row["source_id"],
                "title": row["source__title"],
                "publisher": row["source__publisher"],
                "url": row["source__url"],
                "published_on": row["source__published_on"].isoformat() if row["source__published_on"] else None,
                "field": row["field_name"],
                "locator": row["locator"],
                "quote": row["quote"],
            }
        )
    return grouped


CITATION_FIELDS = (
    "source_id", "source__title", "source__publisher", "source__url", "source__published_on",
    "field_name", "locator", "quote",
)  # fmt: skip


def _event_entries(dispute, scope: Scope, sides: list[Side]):
    events = scope.filter(Event.objects.filter(dispute=dispute), "event").values(
        "id",
        "date",
        "date_precision",
        "end_date",
        "kind",
        "title",
        "title_fr",
        "summary",
        "summary_fr",
        "confidence",
        "case_id",
    )
    participants: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for row in (
        scope.filter(EventParticipant.objects.filter(event__dispute=dispute), "event", "event_id")
        .order_by("event_id", "id")
        .values("event_id", "actor__slug", "actor__country")
    ):
        participants[row["event_id"]].append((row["actor__slug"], row["actor__country"]))
    citations = _sources(_citation_rows(EventCitation, "event", dispute, scope))
    for event in events:
        people = participants.get(event["id"], [])
        event_sides = {side_of_country(sides, country) for _, country in people} - {""}
        yield {
            "key": f"event:{event['id']}",
            "record_type": RecordType.EVENT,
            "record_id": event["id"],
            "event_id": event["id"],
            "measure_id": None,
            "case_id": event["case_id"],
            "date": event["date"],
            "date_precision": event["date_precision"],
            "end_date": event["end_date"],
            "kind": event["kind"],
            "side": event_sides.pop() if len(event_sides) == 1 else "",
            "title": _title(event["title"]),
            "subject": _title(event["title"]),
            "text": _short(event["summary"]),
            "title_fr": _title(event["title_fr"]),
            "subject_fr": _title(event["title_fr"]),
            "text_fr": _short(event["summary_fr"]),
            "rate_percent": None,
            "confidence": event["confidence"],
            "actors": [slug for slug, _ in people],
            "sources": citations.get(event["id"], []),
        }


def _citation_rows(model, field: str, dispute, scope: Scope):
    from django.db.models import F

    queryset = scope.filter(model.objects.filter(**{f"{field}__dispute": dispute}), field, f"{field}_id")
    return (
        queryset.order_by(f"{field}_id", "id")
        .annotate(record_id=F(f"{field}_id"))
        .values("record_id", *CITATION_FIELDS)
    )


def _rate(value) -> str:
    return f"{plain_decimal(value)}%" if value is not None else ""


def _measure_entries(dispute, scope: Scope, sides: list[Side]):
    measures = scope.filter(Measure.objects.filter(dispute=dispute), "measure").values(
        "id", "title", "title_fr", "announced_on", "announced_on_precision", "confidence", "imposed_by__slug",
        "imposed_by__country", "announcement_id",
    )  # fmt: skip
    targets: dict[int, list[str]] = defaultdict(list)
    through = Measure.applies_to.through
    for row in (
        scope.filter(through.objects.filter(measure__dispute=dispute), "measure", "measure_id")
        .order_by("measure_id", "actor__slug")
        .values("measure_id", "actor__slug")
    ):
        targets[row["measure_id"]].append(row["actor__slug"])
    periods: dict[int, list[dict]] = defaultdict(list)
    for row in (
        scope.filter(RatePeriod.objects.filter(measure__dispute=dispute), "measure", "measure_id")
        .order_by("measure_id", "valid_from")
        .values("measure_id", "valid_from", "valid_to", "rate_percent", "state", "note", "exporter_id")
    ):
        periods[row["measure_id"]].append(row)
    citations = _sources(_citation_rows(MeasureCitation, "measure", dispute, scope))

    for measure in measures:
        common = {
            "record_type": RecordType.MEASURE,
            "record_id": measure["id"],
            "event_id": None,
            "measure_id": measure["id"],
            "case_id": None,
            "end_date": None,
            "side": side_of_country(sides, measure["imposed_by__country"]),
            "confidence": measure["confidence"],
            "actors": [measure["imposed_by__slug"], *targets.get(measure["id"], [])],
            "sources": citations.get(measure["id"], []),
        }
        subjects = {"subject": _title(measure["title"]), "subject_fr": _title(measure["title_fr"])}
        yield {
            **common,
            **subjects,
            **_titles(lambda: _("Announced: %(title)s"), measure),
            "key": f"measure:{measure['id']}:announced",
            "date": measure["announced_on"],
            "date_precision": measure["announced_on_precision"],
            "kind": Milestone.MEASURE_ANNOUNCED,
            "text": "",
            "text_fr": "",
            "rate_percent": None,
        }
        # Rates per exporter share days: the measure's line follows its residual rate (rate_periods.headline_periods).
        for milestone in _period_milestones(rate_periods.headline_periods(periods.get(measure["id"], []))):
            day, kind, (text, text_fr), rate = milestone
            yield {
                **common,
                **subjects,
                **_titles(
                    lambda kind=kind: f"{Milestone(kind).label}: %(title)s",
                    measure,
                ),
                "key": f"measure:{measure['id']}:{kind}:{day.isoformat()}",
                "date": day,
                "date_precision": "day",
                "kind": kind,
                "text": text,
                "text_fr": text_fr,
                "rate_percent": rate,
            }


def _period_milestones(periods: list[dict]):
    """(date, milestone, (English text, French text), rate) for each change of state or rate along the periods."""
    previous = None
    for period in periods:
        start, rate, state = period["valid_from"], period["rate_percent"], period["state"]
        note = f" {period['note']}" if period["note"] else ""  # notes are English only

        def window(period=period, start=start):
            if period["valid_to"]:
                return _("from %(start)s to %(end)s") % {
                    "start": start.isoformat(),
                    "end": period["valid_to"].isoformat(),
                }
            return _("from %(start)s") % {"start": start.isoformat()}

        def say(build, note=note):
            en, fr = _in_both(build)
            return (en + note).strip(), fr

        contiguous = (
            previous is not None and previous["valid_to"] is not None and (shifted(previous["valid_to"], 1) == start)
        )
        if previous is not None and not contiguous and previous["valid_to"] is not None:
            yield from _ended(previous)
        if state == RateState.SUSPENDED:
            yield (
                start,
                Milestone.MEASURE_SUSPENDED,
                say(lambda: _("Suspended %(window)s.") % {"window": window()}),
                rate,
            )
        elif previous is None or not contiguous:
            text = (
                (lambda rate=rate: _("%(rate)s %(window)s.") % {"rate": _rate(rate), "window": window()})
                if rate is not None
                else (lambda: _("In force %(window)s.") % {"window": window()})
            )
            yield start, Milestone.MEASURE_IN_FORCE, say(text), rate
        elif previous["state"] == RateState.SUSPENDED:
            text = (
                (lambda rate=rate: _("Resumed at %(rate)s %(window)s.") % {"rate": _rate(rate), "window": window()})
                if rate is not None
                else (lambda: _("Resumed at the same terms %(window)s.") % {"window": window()})
            )
            yield start, Milestone.MEASURE_RESUMED, say(text), rate
        elif previous["rate_percent"] != rate:
            old = previous["rate_percent"]

            def change(old=old, rate=rate):
                return _("%(old)s → %(new)s %(window)s.") % {
                    "old": _rate(old) or _("no rate"),
                    "new": _rate(rate) or _("no rate"),
                    "window": window(),
                }

            yield start, Milestone.RATE_CHANGE, say(change), rate
        else:
            yield (
                start,
                Milestone.MEASURE_AMENDED,
                say(lambda: _("Terms changed %(window)s.") % {"window": window()}),
                rate,
            )
        previous = period
    if previous is not None and previous["valid_to"] is not None:
        yield from _ended(previous)


def _ended(period: dict):
    """The "ended" milestone, on the day after the last; none if the calendar has no day after it."""
    last_day = period["valid_to"]
    if last_day < dt.date.max:
        yield (
            last_day + dt.timedelta(days=1),
            Milestone.MEASURE_ENDED,
            _in_both(lambda: _("No longer in force after %(day)s.") % {"day": last_day.isoformat()}),
            None,
        )


def _case_entries(dispute, scope: Scope, sides: list[Side]):
    """A "case opened" entry for each case whose opening is not already an event of the case."""
    cases = scope.filter(Case.objects.filter(dispute=dispute), "case").values(
        "id", "reference", "title", "title_fr", "initiated_on", "complainant__slug", "complainant__country",
        "respondent__slug", "respondent__country",
    )  # fmt: skip
    opened_by_event = set(
        scope.filter(Event.objects.filter(dispute=dispute, case__isnull=False), "case", "case_id").values_list(
            "case_id", "date"
        )
    )
    citations = _sources(_citation_rows(CaseCitation, "case", dispute, scope))
    for case in cases:
        if (case["id"], case["initiated_on"]) in opened_by_event:
            continue
        yield {
            "key": f"case:{case['id']}:opened",
            "record_type": RecordType.CASE,
            "record_id": case["id"],
            "event_id": None,
            "measure_id": None,
            "case_id": case["id"],
            "date": case["initiated_on"],
            "date_precision": "day",
            "end_date": None,
            "kind": Milestone.CASE_OPENED,
            "side": side_of_country(sides, case["complainant__country"] or case["respondent__country"]),
            **_titles(lambda: _("%(reference)s opened: %(title)s"), case, reference=case["reference"]),
            "subject": _title(f"{case['reference']}: {case['title']}"),
            "subject_fr": _title(f"{case['reference']}: {case['title_fr'] or case['title']}"),
            "text": "",
            "text_fr": "",
            "rate_percent": None,
            "confidence": "high",
            "actors": [slug for slug in (case["complainant__slug"], case["respondent__slug"]) if slug],
            "sources": citations.get(case["id"], []),
        }
