"""Loads a dataset file (see ``datasets/FORMAT.md``) into the database, idempotently.

Records are matched by natural keys and written only when they differ, so loading the same file
twice writes nothing the second time. Everything happens in one transaction: a bad file leaves
the database as it was.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from disputes.models import (
    Actor,
    Case,
    Dispute,
    Event,
    Source,
)
from tariffs.models import ExposureFigure, Measure, MeasureLink, RatePeriod
from tariffs.services import measures_refresh_status, rate_periods_validate


class DatasetError(Exception):
    """The dataset file is malformed or inconsistent; the message says where."""


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)

    @property
    def changes(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values()) + sum(self.deleted.values())

    def lines(self) -> list[str]:
        models_seen = sorted(set(self.created) | set(self.updated) | set(self.deleted))
        return [
            f"{name}: {self.created[name]} created, {self.updated[name]} updated, {self.deleted[name]} deleted"
            for name in models_seen
        ]


def dataset_path(name: str) -> Path:
    path = Path(name)
    if path.suffix in (".yaml", ".yml") and path.exists():
        return path
    candidate = Path(settings.DATASETS_DIR) / f"{name}.yaml"
    if not candidate.exists():
        available = sorted(p.stem for p in Path(settings.DATASETS_DIR).glob("*.yaml"))
        raise DatasetError(f"No dataset named {name!r}. Available: {', '.join(available) or 'none'}.")
    return candidate


def load_dataset(name: str, *, today: dt.date | None = None) -> LoadReport:
    """Load the dataset ``name`` (a file in DATASETS_DIR or a path) and return what changed."""
    path = dataset_path(name)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DatasetError(f"{path.name} is not valid YAML: {exc}") from exc
    loader = _Loader(data, reason=f"load_dataset {path.stem}", today=today or timezone.localdate())
    try:
        with transaction.atomic():
            loader.run()
    except (KeyError, TypeError, AttributeError) as exc:
        raise DatasetError(f"{path.name}: malformed entry after {loader.last_where or 'the start'}: {exc!r}") from exc
    return loader.report


class _Loader:
    def __init__(self, data: dict, *, reason: str, today: dt.date):
        if not isinstance(data, dict) or "dispute" not in data:
            raise DatasetError("The file must be a mapping with a `dispute` key.")
        self.data = data
        self.reason = reason
        self.today = today
        self.report = LoadReport()
        self.last_where = ""
        self.actors: dict[str, Actor] = {}
        self.sources: dict[str, Source] = {}
        self.cases: dict[str, Case] = {}
        self.events: dict[str, Event] = {}
        self.measures: dict[str, Measure] = {}

    # --- generic helpers -------------------------------------------------------------------

    def _save(self, obj: models.Model, where: str):
        try:
            obj.full_clean()
        except ValidationError as exc:
            raise DatasetError(f"{where}: {exc.message_dict if hasattr(exc, 'message_dict') else exc}") from exc
        obj._change_reason = self.reason
        obj.save()

    def upsert(self, model, lookup: dict, values: dict, where: str):
        self.last_where = where
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values)
            self._save(obj, where)
            self.report.created[model.__name__] += 1
            return obj
        changed = False
        for name, value in values.items():
            field_ = model._meta.get_field(name)
            if field_.is_relation:
                current, wanted = getattr(obj, field_.attname), (value.pk if value is not None else None)
            else:
                current, wanted = getattr(obj, name), value
            if current != wanted:
                setattr(obj, name, value)
                changed = True
        if changed:
            self._save(obj, where)
            self.report.updated[model.__name__] += 1
        return obj

    def sync_m2m(self, obj, name: str, wanted: list):
        manager = getattr(obj, name)
        if {o.pk for o in manager.all()} != {o.pk for o in wanted}:
            manager.set(wanted)
            self.report.updated[f"{type(obj).__name__}.{name}"] += 1

    def sync_children(self, manager, key_fields: tuple[str, ...], rows: list[dict], where: str):
        """Make the children in ``manager`` exactly ``rows``, matched on ``key_fields``."""
        model = manager.model
        parent_field = manager.field.name
        parent = manager.instance
        existing = {tuple(getattr(c, _attname(model, k)) for k in key_fields): c for c in manager.all()}
        wanted_keys = set()
        for row in rows:
            key = tuple(_key_value(row[k]) for k in key_fields)
            wanted_keys.add(key)
            lookup = {parent_field: parent, **{k: row[k] for k in key_fields}}
            values = {k: v for k, v in row.items() if k not in key_fields}
            self.upsert(model, lookup, values, where)
        for key, child in existing.items():
            if key not in wanted_keys:
                child._change_reason = self.reason
                child.delete()
                self.report.deleted[model.__name__] += 1

    @staticmethod
    def _resolve(table: dict, key, what: str, where: str):
        """The record ``key`` names in ``table``; an empty key means none."""
        if key is None or key == "":
            return None
        try:
            return table[key]
        except KeyError:
            raise DatasetError(f"{where}: unknown {what} {key!r}") from None

    def actor(self, slug, where):
        return self._resolve(self.actors, slug, "actor", where)

    def source(self, key, where):
        return self._resolve(self.sources, key, "source key", where)

    def case(self, reference, where):
        return self._resolve(self.cases, reference, "case", where)

    def event(self, reference, where):
        return self._resolve(self.events, reference, "event", where)

    def measure(self, reference, where):
        return self._resolve(self.measures, reference, "measure", where)

    def citation_rows(self, items, where) -> list[dict]:
        rows = []
        for item in items or []:
            if isinstance(item, str):
                item = {"source": item}
            rows.append(
                {
                    "source": self.source(item["source"], where),
                    "field_name": item.get("field") or "",
                    "locator": item.get("locator") or "",
                    "quote": item.get("quote") or "",
                }
            )
        if not rows:
            raise DatasetError(f"{where}: every record needs at least one source")
        return rows

    # --- sections --------------------------------------------------------------------------

    def run(self):
        self.load_actors()
        self.load_sources()
        self.load_dispute()
        self.load_cases()
        self.load_events()
        self.load_measures()
        self.load_links()
        self.load_exposure()
        measures_refresh_status(today=self.today, measures=Measure.objects.filter(dispute=self.dispute))

    def load_actors(self):
        for row in self.data.get("actors", []):
            where = f"actor {row.get('slug')!r}"
            code = row.get("code") or ""
            values = {
                "name": row["name"],
                "short_name": row.get("short_name") or "",
                "kind": row["kind"],
                "code": code,
                "country": code or row.get("country") or "",
                "office": row.get("office") or "",
                "parent": self.actor(row.get("parent"), where),
            }
            self.actors[row["slug"]] = self.upsert(Actor, {"slug": row["slug"]}, values, where)
        # Actors already in the database (e.g. from another dataset) may be referenced too.
        for actor in Actor.objects.exclude(slug__in=self.actors):
            self.actors[actor.slug] = actor

    def load_sources(self):
        for row in self.data.get("sources", []):
            key = row["key"]
            where = f"source {key!r}"
            if key in self.sources:
                raise DatasetError(f"{where}: duplicate key")
            values = {
                "title": row["title"],
                "publisher": row.get("publisher") or "",
                "published_on": _date(row.get("published_on"), where),
                "language": row.get("language") or "",
                "kind": row.get("kind") or "news",
                "url": row.get("url") or "",
            }
            if values["url"]:
                lookup = {"url": values.pop("url")}
                if not Source.objects.filter(**lookup).exists():
                    # An address found for a source loaded without one: the same source, now followable.
                    unlinked = Source.objects.filter(
                        url="", **{k: values[k] for k in ("title", "publisher", "published_on")}
                    ).first()
                    if unlinked is not None:
                        lookup, values["url"] = {"pk": unlinked.pk}, lookup["url"]
            else:
                lookup = {k: values.pop(k) for k in ("title", "publisher", "published_on", "url")}
            self.sources[key] = self.upsert(Source, lookup, values, where)

    def load_dispute(self):
        row = self.data["dispute"]
        where = f"dispute {row.get('slug')!r}"
        values = {k: row.get(k) for k in ("title", "status")}
        values["started_on"] = _date(row.get("started_on"), where, required=True)
        values["ended_on"] = _date(row.get("ended_on"), where)
        values["summary"] = row.get("summary") or ""
        self.dispute = self.upsert(Dispute, {"slug": row["slug"]}, values, where)
        parties = [
            {"actor": self.actor(p["actor"], where), "side": p["side"], "role": p.get("role") or "principal"}
            for p in row.get("parties", [])
        ]
        self.sync_children(self.dispute.parties, ("actor",), parties, where)

    def load_cases(self):
        for row in self.data.get("cases", []):
            where = f"case {row.get('reference')!r}"
            values = {
                "dispute": self.dispute,
                "forum": row["forum"],
                "title": row["title"],
                "summary": row.get("summary") or "",
                "complainant": self.actor(row.get("complainant"), where),
                "respondent": self.actor(row["respondent"], where),
                "stage": row["stage"],
                "initiated_on": _date(row.get("initiated_on"), where, required=True),
                "url": row.get("url") or "",
            }
            case = self.upsert(Case, {"reference": row["reference"]}, values, where)
            self.sync_children(
                case.citations, ("source", "field_name"), self.citation_rows(row.get("sources"), where), where
            )
            self.cases[row["reference"]] = case

    def load_events(self):
        for row in self.data.get("events", []):
            reference = row["reference"]
            where = f"event {reference!r}"
            if reference in self.events:
                raise DatasetError(f"{where}: duplicate reference")
            values = {
                "date": _date(row.get("date"), where, required=True),
                "date_precision": row.get("precision") or "day",
                "end_date": _date(row.get("end_date"), where),
                "kind": row["kind"],
                "level": row.get("level") or "",
                "title": row["title"],
                "summary": row.get("summary") or "",
                "location": row.get("location") or "",
                "outcome": row.get("outcome") or "",
                "case": self.case(row.get("case"), where),
                "case_stage": row.get("case_stage") or "",
                "confidence": row.get("confidence") or "high",
            }
            event = self.upsert(Event, {"dispute": self.dispute, "reference": reference}, values, where)
            participants = [
                {"actor": self.actor(p["actor"], where), "role": p.get("role") or "participant"}
                for p in row.get("participants") or []
            ]
            self.sync_children(event.participations, ("actor",), participants, where)
            self.sync_children(
                event.citations, ("source", "field_name"), self.citation_rows(row.get("sources"), where), where
            )
            self.events[reference] = event

    def load_measures(self):
        for row in self.data.get("measures", []):
            reference = row["reference"]
            where = f"measure {reference!r}"
            if reference in self.measures:
                raise DatasetError(f"{where}: duplicate reference")
            instrument = row.get("legal_instrument") or {}
            values = {
                "imposed_by": self.actor(row["imposed_by"], where),
                "type": row["type"],
                "title": row["title"],
                "product_description": row.get("product_description") or "",
                "summary": row.get("summary") or "",
                "legal_instrument_name": instrument.get("name") or "",
                "legal_instrument_number": instrument.get("number") or "",
                "legal_instrument_url": instrument.get("url") or "",
                "announced_on": _date(row.get("announced_on"), where, required=True),
                "announced_on_precision": row.get("announced_precision") or "day",
                "announcement": self.event(row["announcement"], where) if row.get("announcement") else None,
                "confidence": row.get("confidence") or "high",
            }
            if row.get("status"):
                values["status"] = row["status"]
            measure = self.upsert(Measure, {"dispute": self.dispute, "reference": reference}, values, where)
            self.sync_m2m(measure, "applies_to", [self.actor(s, where) for s in row.get("applies_to") or []])
            self.sync_m2m(measure, "related_events", [self.event(r, where) for r in row.get("related_events") or []])
            self.sync_m2m(measure, "cases", [self.case(r, where) for r in row.get("cases") or []])
            products = [
                {
                    "hs_code": str(p["hs"]),
                    "description": p.get("description") or "",
                    "basis": p.get("basis") or "official",
                }
                for p in row.get("products") or []
            ]
            self.sync_children(measure.product_lines, ("hs_code",), products, where)
            self.sync_rate_periods(measure, row.get("rate_periods") or [], where)
            self.sync_children(
                measure.citations, ("source", "field_name"), self.citation_rows(row.get("sources"), where), where
            )
            self.measures[reference] = measure

    def sync_rate_periods(self, measure, rows, where):
        wanted = [
            RatePeriod(
                measure=measure,
                valid_from=_date(r.get("from"), where, required=True),
                valid_to=_date(r.get("to"), where),
                rate_percent=_decimal(r.get("rate"), where),
                kind=r.get("kind") or "standard",
                state=r.get("state") or "in_force",
                note=r.get("note") or "",
            )
            for r in rows
        ]
        try:
            rate_periods_validate(wanted)
        except ValidationError as exc:
            raise DatasetError(f"{where}: {exc.message_dict}") from exc

        def signature(p):
            return (p.valid_from, p.valid_to, p.rate_percent, p.kind, p.state, p.note)

        existing = list(measure.rate_periods.all())
        if sorted(map(signature, existing)) == sorted(map(signature, wanted)):
            return
        # Replace as a whole: shifting windows one by one could overlap in between.
        for period in existing:
            period._change_reason = self.reason
            period.delete()
            self.report.deleted["RatePeriod"] += 1
        for period in sorted(wanted, key=lambda p: p.valid_from):
            self._save(period, where)
            self.report.created["RatePeriod"] += 1

    def load_links(self):
        seen = set()
        for row in self.data.get("links", []):
            where = f"link {row.get('from')} {row.get('type')} {row.get('to')}"
            lookup = {
                "from_measure": self.measure(row["from"], where),
                "to_measure": self.measure(row["to"], where),
                "type": row["type"],
            }
            values = {
                "contested": bool(row.get("contested")),
                "note": row.get("note") or "",
                "source": self.source(row["source"], where),
                "locator": row.get("locator") or "",
                "quote": row.get("quote") or "",
            }
            seen.add(self.upsert(MeasureLink, lookup, values, where).pk)
        stale = MeasureLink.objects.filter(from_measure__dispute=self.dispute).exclude(pk__in=seen)
        for link in stale:
            link._change_reason = self.reason
            link.delete()
            self.report.deleted["MeasureLink"] += 1

    def load_exposure(self):
        for row in self.data.get("exposure", []):
            where = f"exposure {row.get('reference')!r}"
            values = {
                "measure": self.measure(row["measure"], where) if row.get("measure") else None,
                "product": row.get("product") or "",
                "flow": row["flow"],
                "description": row["description"],
                "year": row["year"],
                "year_to": row.get("year_to"),
                "basis": row.get("basis") or "one_year",
                "hs_codes": " ".join(str(code) for code in row.get("hs") or []),
                "amount": _decimal(row.get("amount"), where),
                "currency": row.get("currency") or "",
                "quantity": _decimal(row.get("quantity"), where),
                "quantity_unit": row.get("quantity_unit") or "",
                "source": self.source(row["source"], where),
                "confidence": row.get("confidence") or "medium",
            }
            lookup = {"dispute": self.dispute, "reference": row["reference"]}
            figure = self.upsert(ExposureFigure, lookup, values, where)
            covered = [self.measure(ref, where) for ref in row.get("measures") or []]
            if values["measure"] is not None and values["measure"] not in covered:
                covered.insert(0, values["measure"])
            self.sync_m2m(figure, "measures", covered)


def _decimal(value, where):
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise DatasetError(f"{where}: {value!r} is not a decimal number") from None


def _date(value, where, *, required=False):
    if value is None or value == "":
        if required:
            raise DatasetError(f"{where}: a date is required")
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise DatasetError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from None


def _attname(model, name):
    return model._meta.get_field(name).attname


def _key_value(value):
    return value.pk if isinstance(value, models.Model) else value
