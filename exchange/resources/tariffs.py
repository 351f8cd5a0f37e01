"""Bulk import of measures with their rate periods, product lines and sources (see ``datasets/IMPORT.md``).

One row is one measure, matched on its dispute and reference. Its rate periods sit in one cell
(``2025-03-20..2025-08-13 100% provisional_deposit; 2025-08-14.. 75.8% definitive``) because they
are checked together (no two may share a day) and replaced together, exactly as ``measure_save`` does.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _
from import_export.fields import Field

from core.formatting import plain_decimal
from disputes.models import Case, Dispute, Event
from exchange.resources.disputes import (
    ActorWidget,
    ListColumn,
    RecordResource,
    RecordWidget,
    citations_signature,
    render_citations,
    split_list,
    stored_citations,
)
from tariffs import rate_periods
from tariffs.choices import HsCodeBasis, MeasureStatus, RateKind, RateState
from tariffs.models import Measure, RatePeriod
from tariffs.services import measure_save

PERIOD = re.compile(r"(?P<start>\S+?)\s*\.\.\s*(?P<end>\d{4}-[\d-]+(?=\s|$))?(?P<rest>.*)")
RATE = re.compile(r"(?P<number>\d+(?:[.,]\d+)?)\s*%?")
EXPORTER = re.compile(r"(?:^|\s)for\s+(?P<actor>\S+)")
#: What the text of a period does not carry: kept from the stored period of the same exporter and first day.
STACKING = ("on_top_of", "on_top_of_measure", "base_rate")


class AnnouncementWidget(RecordWidget):
    """The announcing event, by its reference within the row's dispute."""

    def __init__(self, **kwargs):
        super().__init__(Event, "reference", **kwargs)

    def get_queryset(self, value, row, *args, **kwargs):
        return Event.objects.filter(dispute__slug=self._dispute(row))

    def cache_key(self, value, row):
        return (self._dispute(row), value)

    @staticmethod
    def _dispute(row) -> str:
        return str((row or {}).get("dispute") or "").strip()


def _rate_text(rate) -> str:
    return "" if rate is None else f" {plain_decimal(rate)}%"


def render_rate_periods(measure) -> str:
    items = []
    for period in measure.rate_periods.select_related("exporter").order_by("valid_from", "exporter__slug"):
        text = f"{period.valid_from.isoformat()}..{period.valid_to.isoformat() if period.valid_to else ''}"
        text += _rate_text(period.rate_percent)
        if period.kind != RateKind.STANDARD:
            text += f" {period.kind}"
        if period.state != RateState.IN_FORCE:
            text += f" {period.state}"
        if period.exporter_id:
            text += f" for {period.exporter.slug}"
        if period.note:
            text += f": {period.note}"
        items.append(text)
    return "; ".join(items)


def render_product_lines(measure) -> str:
    items = []
    for line in measure.product_lines.order_by("hs_code"):
        text = line.hs_code + ("" if line.basis == HsCodeBasis.OFFICIAL else f" {line.basis}")
        items.append(text + (f": {line.description}" if line.description else ""))
    return "; ".join(items)


def _slugs(manager, field) -> str:
    return "; ".join(str(value) for value in manager.order_by(field).values_list(field, flat=True))


class MeasureResource(RecordResource):
    """Measures, matched on dispute and reference, saved whole by ``measure_save``."""

    error_columns = {"hs_codes": "product_lines"}

    dispute = Field("dispute", "dispute", widget=RecordWidget(Dispute, "slug", required=True))
    imposed_by = Field("imposed_by", "imposed_by", widget=ActorWidget(required=True))
    announcement = Field("announcement", "announcement", widget=AnnouncementWidget())
    applies_to = ListColumn("applies_to", lambda m: _slugs(m.applies_to, "slug"))
    product_lines = ListColumn("product_lines", render_product_lines)
    rate_periods = ListColumn("rate_periods", render_rate_periods)
    status = ListColumn("status", lambda m: m.status if m.status == MeasureStatus.PROPOSED else "")
    related_events = ListColumn("related_events", lambda m: _slugs(m.related_events, "reference"))
    cases = ListColumn("cases", lambda m: _slugs(m.cases, "reference"))
    sources = ListColumn("sources", render_citations)

    class Meta(RecordResource.Meta):
        model = Measure
        name = "Measures"
        fields = (
            "dispute", "reference", "title", "type", "imposed_by", "applies_to", "product_description",
            "product_lines", "rate_periods", "announced_on", "announced_on_precision", "status", "announcement",
            "related_events", "cases", "legal_instrument_name", "legal_instrument_number", "legal_instrument_url",
            "summary", "confidence", "sources",
        )  # fmt: skip
        import_id_fields = ("dispute", "reference")

    def get_today(self) -> dt.date:
        return self.today or timezone.localdate()

    # --- list columns ------------------------------------------------------------------------

    def parse_applies_to(self, value, *, instance):
        return self.parse_actor_list(value)

    def parse_rate_periods(self, value, *, instance) -> list[dict]:
        """``FROM..[TO] [RATE%] [kind] [state][: note]`` items; ``TO`` is the last day, empty when open-ended."""
        return [self._period(item, number) for number, item in enumerate(split_list(value), start=1)]

    def _period(self, item: str, number: int) -> dict:
        head, _colon, note = item.partition(":")
        match = PERIOD.fullmatch(head.strip())
        if match is None:
            raise ValueError(
                _("period %(number)d (“%(item)s”): start with the window, e.g. 2025-03-20..2025-08-13 or 2025-03-20..")
                % {"number": number, "item": item}
            )
        values = {"rate_percent": None, "kind": RateKind.STANDARD, "state": RateState.IN_FORCE, "note": note.strip()}
        rest = match["rest"]
        exporter = EXPORTER.search(rest)
        values["exporter"] = self.actor(exporter["actor"]) if exporter else None
        rest = EXPORTER.sub(" ", rest) if exporter else rest
        for name, text in (("valid_from", match["start"]), ("valid_to", match["end"])):
            try:
                values[name] = dt.date.fromisoformat(text) if text else None
            except ValueError:
                raise ValueError(
                    _("period %(number)d: “%(value)s” is not a date; write it as YYYY-MM-DD.")
                    % {"number": number, "value": text}
                ) from None
        seen = set()
        for word in rest.split():
            rate = RATE.fullmatch(word)
            if rate is not None:
                name, value = "rate_percent", Decimal(rate["number"].replace(",", "."))
            elif word in RateKind.values:
                name, value = "kind", word
            elif word in RateState.values:
                name, value = "state", word
            else:
                raise ValueError(
                    _(
                        "period %(number)d: “%(word)s” is neither a rate (25%%), a kind (%(kinds)s) "
                        "nor a state (%(states)s)."
                    )
                    % {
                        "number": number,
                        "word": word,
                        "kinds": ", ".join(RateKind.values),
                        "states": ", ".join(RateState.values),
                    }
                )
            if name in seen:
                raise ValueError(_("period %(number)d gives its %(what)s twice.") % {"number": number, "what": name})
            seen.add(name)
            values[name] = value
        if values["rate_percent"] is not None:
            try:
                values["rate_percent"] = values["rate_percent"].quantize(Decimal("0.001"))
            except InvalidOperation:
                raise ValueError(_("period %(number)d: the rate is too large.") % {"number": number}) from None
        return values

    def parse_product_lines(self, value, *, instance) -> list[dict]:
        """``HS [basis][: description]`` items, e.g. ``1514 inferred: Rapeseed or canola oil``."""
        lines = []
        for item in split_list(value):
            head, _colon, description = item.partition(":")
            code, _space, basis = head.strip().partition(" ")
            basis = basis.strip() or HsCodeBasis.OFFICIAL
            if basis not in HsCodeBasis.values:
                raise ValueError(
                    _("HS code %(code)s: the basis is %(codes)s, not “%(basis)s”.")
                    % {"code": code, "codes": " or ".join(HsCodeBasis.values), "basis": basis}
                )
            lines.append({"hs_code": code, "description": description.strip(), "basis": basis})
        return lines

    def parse_status(self, value, *, instance) -> str:
        """Only “proposed” is set by hand; otherwise the rate periods decide."""
        value = str(value or "").strip()
        if value == MeasureStatus.PROPOSED:
            return MeasureStatus.PROPOSED
        if value in ("", MeasureStatus.ANNOUNCED):
            return instance.status if instance.status != MeasureStatus.PROPOSED else MeasureStatus.ANNOUNCED
        raise ValueError(_("Only “proposed” is set by hand; leave the cell empty and the rate periods decide."))

    def parse_related_events(self, value, *, instance) -> list[Event]:
        events = []
        if instance.dispute_id is None:
            return events  # the dispute column has the error
        for reference in split_list(value):
            event = Event.objects.filter(dispute_id=instance.dispute_id, reference=reference).first()
            if event is None:
                raise ValueError(_("The dispute has no event with the reference “%(value)s”.") % {"value": reference})
            events.append(event)
        return events

    def parse_cases(self, value, *, instance) -> list[Case]:
        cases = []
        for reference in split_list(value):
            case = self.cached(
                "case", reference, lambda reference=reference: Case.objects.filter(reference=reference).first()
            )
            if case is None:
                raise ValueError(_("No case has the reference “%(value)s”.") % {"value": reference})
            cases.append(case)
        return cases

    def parse_sources(self, value, *, instance) -> list[dict]:
        return self.parse_citations(value, instance=instance)

    # --- saving ----------------------------------------------------------------------------

    def save_record(self, record, values, lists):
        if "status" in lists:
            values = {**values, "status": lists["status"]}
        return measure_save(
            measure=record,
            values=values,
            applies_to=lists.get("applies_to"),
            rate_periods=self._with_stacking(record, lists.get("rate_periods")),
            product_lines=lists.get("product_lines"),
            citations=lists.get("sources"),
            cases=lists.get("cases"),
            related_events=lists.get("related_events"),
            today=self.get_today(),
        )

    @staticmethod
    def _stored_periods(measure) -> list[dict]:
        if measure.pk is None:
            return []
        columns = ("valid_from", "valid_to", "rate_percent", "kind", "state", "note", "exporter_id")
        return list(measure.rate_periods.values(*columns))

    @staticmethod
    def _with_stacking(measure, rows):
        """The rows, each with what its rate is added to as the stored period of the same exporter and first day
        says (the text of a period does not carry it, so an import keeps it)."""
        if rows is None or getattr(measure, "pk", None) is None:
            return rows
        periods = measure.rate_periods.select_related("on_top_of_measure")
        stored = {(p.exporter_id, p.valid_from): p for p in periods}
        kept = []
        for row in rows:
            found = stored.get((getattr(row.get("exporter"), "pk", None), row["valid_from"]))
            kept.append({**row, **{name: getattr(found, name) for name in STACKING}} if found else row)
        return kept

    @staticmethod
    def _stored_lines(measure) -> list[dict]:
        if measure.pk is None:
            return []
        return list(measure.product_lines.values("hs_code", "description", "basis"))

    def lists_unchanged(self, instance, lists):
        def periods_signature(rows):
            return sorted(
                (r["valid_from"], r["valid_to"], r["rate_percent"], r["kind"], r["state"], r["note"],
                 r.get("exporter_id") or getattr(r.get("exporter"), "pk", None) or 0)
                for r in rows
            )  # fmt: skip

        def lines_signature(rows):
            return sorted((r["hs_code"], r["description"], r["basis"]) for r in rows)

        def ids(objects):
            return {o.pk for o in objects}

        checks = {
            "applies_to": lambda wanted: ids(wanted) == ids(instance.applies_to.all()),
            "rate_periods": lambda wanted: (
                periods_signature(wanted) == periods_signature(self._stored_periods(instance))
            ),
            "product_lines": lambda wanted: lines_signature(wanted) == lines_signature(self._stored_lines(instance)),
            "related_events": lambda wanted: ids(wanted) == ids(instance.related_events.all()),
            "cases": lambda wanted: ids(wanted) == ids(instance.cases.all()),
            "sources": lambda wanted: citations_signature(wanted) == citations_signature(stored_citations(instance)),
        }
        if any(name in lists and not check(lists[name]) for name, check in checks.items()):
            return False
        if "status" in lists:
            periods = lists.get("rate_periods", self._stored_periods(instance))
            windows = [RatePeriod(**row) for row in periods]
            if rate_periods.derive_status(windows, self.get_today(), lists["status"]) != instance.status:
                return False
        return True
