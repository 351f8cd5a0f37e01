"""Loads a dataset file (see ``datasets/FORMAT.md``) into the database, idempotently.

Records are matched by natural keys and written through the apps' services, which write only what
differs, so loading the same file twice writes nothing the second time. Everything happens in one
transaction and one change set: a bad file leaves the database as it was, and a load is one revision
of each record it changes.
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
from django.db import transaction
from django.utils import timezone

from core.change_sets import ChangeSet, change_set
from disputes.models import Actor, Case, Dispute, Event, Source
from disputes.services import actor_save, case_save, dispute_save, event_save, source_save
from tariffs.models import ExposureFigure, Measure
from tariffs.services import exposure_figure_save, measure_save, measures_refresh_status


class DatasetError(Exception):
    """The dataset file is malformed or inconsistent; the message says where."""


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)
    #: Links to a measure of a dispute not loaded yet: written when this dataset is loaded again after that one.
    waiting: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, written: ChangeSet) -> LoadReport:
        """What a load wrote, from the history rows of its change set."""
        report = cls()
        for (model, kind), count in written.counts.items():
            getattr(report, kind)[model] += count
        return report

    @property
    def changes(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values()) + sum(self.deleted.values())

    def lines(self) -> list[str]:
        models_seen = sorted(set(self.created) | set(self.updated) | set(self.deleted))
        return [
            f"{name}: {self.created[name]} created, {self.updated[name]} updated, {self.deleted[name]} deleted"
            for name in models_seen
        ] + [f"Waiting for another dataset: {link}" for link in self.waiting]


def _read_yaml(path: Path):
    """The file's data, parsed by libyaml when PyYAML has it (ten times faster than the pure-Python parser)."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506  # nosec B506: safe loaders


def dataset_path(name: str) -> Path:
    path = Path(name)
    if path.suffix in (".yaml", ".yml") and path.exists():
        return path
    candidate = Path(settings.DATASETS_DIR) / f"{name}.yaml"
    if not candidate.exists():
        available = sorted(p.stem for p in Path(settings.DATASETS_DIR).glob("*.yaml") if "." not in p.stem)
        raise DatasetError(f"No dataset named {name!r}. Available: {', '.join(available) or 'none'}.")
    return candidate


def load_dataset(name: str, *, today: dt.date | None = None) -> LoadReport:
    """Load the dataset ``name`` (a file in DATASETS_DIR or a path) and return what changed."""
    path = dataset_path(name)
    try:
        data = _read_yaml(path)
    except yaml.YAMLError as exc:
        raise DatasetError(f"{path.name} is not valid YAML: {exc}") from exc
    french_path = path.with_name(f"{path.stem}.fr.yaml")
    try:
        french = _read_yaml(french_path) if french_path.exists() else {}
    except yaml.YAMLError as exc:
        raise DatasetError(f"{french_path.name} is not valid YAML: {exc}") from exc
    loader = _Loader(data, today=today or timezone.localdate(), french=french or {})
    try:
        with transaction.atomic(), change_set(reason=f"load_dataset {path.stem}") as written:
            loader.run()
    except (KeyError, TypeError, AttributeError) as exc:
        raise DatasetError(f"{path.name}: malformed entry after {loader.last_where or 'the start'}: {exc!r}") from exc
    report = LoadReport.of(written)
    report.waiting = loader.waiting
    return report


class _Loader:
    def __init__(self, data: dict, *, today: dt.date, french: dict | None = None):
        if not isinstance(data, dict) or "dispute" not in data:
            raise DatasetError("The file must be a mapping with a `dispute` key.")
        self.data = data
        self.french = french or {}
        self.today = today
        self.last_where = ""
        self.actors: dict[str, Actor] = {}
        self.sources: dict[str, Source] = {}
        self.cases: dict[str, Case] = {}
        self.events: dict[str, Event] = {}
        self.measures: dict[str, Measure] = {}
        self.waiting: list[str] = []

    # --- generic helpers -------------------------------------------------------------------

    def write(self, where: str, service, **arguments):
        """Call the app's service (the one door for writes); its refusal becomes a DatasetError naming the entry."""
        self.last_where = where
        try:
            return service(**arguments)
        except ValidationError as exc:
            raise DatasetError(f"{where}: {exc.message_dict if hasattr(exc, 'message_dict') else exc}") from exc

    def fr(self, section: str, key, *names: str) -> dict:
        """The French text of entry ``key`` of ``section`` from the companion ``<name>.fr.yaml`` (``x_fr`` values)."""
        found = self.french.get(section) or {}
        found = (found if section == "dispute" else found.get(key)) or {}
        return {f"{name}_fr": found.get(name) or "" for name in names}

    @staticmethod
    def stored(model, **lookup):
        """The stored record with this natural key, or None."""
        return model.objects.filter(**lookup).first()

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

    def any_measure(self, target, where):
        """The measure ``target`` names: a reference in this file, or ``{dispute: <slug>, measure: <reference>}``
        for a measure of another dispute, which must already be loaded."""
        if not isinstance(target, dict):
            return self.measure(target, where)
        dispute, reference = target.get("dispute"), target.get("measure")
        if not dispute or not reference:
            raise DatasetError(f"{where}: a measure of another dispute is written {{dispute: <slug>, measure: <ref>}}")
        if dispute == self.dispute.slug:
            return self.measure(reference, where)
        found = Measure.objects.filter(dispute__slug=dispute, reference=reference).first()
        if found is None:
            raise DatasetError(f"{where}: no measure {reference!r} in dispute {dispute!r} (load that dataset first)")
        return found

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
        # Actors already in the database (e.g. from another dataset) may be referenced too, as parents included.
        self.actors.update({actor.slug: actor for actor in Actor.objects.all()})
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
                **self.fr("actors", row["slug"], "name", "short_name", "office"),
            }
            actor = self.stored(Actor, slug=row["slug"])
            self.actors[row["slug"]] = self.write(
                where, actor_save, actor=actor, values={"slug": row["slug"], **values}
            )

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
                lookup = {k: values[k] for k in ("title", "publisher", "published_on", "url")}
            self.sources[key] = self.write(
                where,
                source_save,
                source=self.stored(Source, **lookup),
                values={**{k: v for k, v in lookup.items() if k != "pk"}, **values},
            )

    def load_dispute(self):
        row = self.data["dispute"]
        where = f"dispute {row.get('slug')!r}"
        values = {k: row.get(k) for k in ("title", "status")}
        values["started_on"] = _date(row.get("started_on"), where, required=True)
        values["ended_on"] = _date(row.get("ended_on"), where)
        values["summary"] = row.get("summary") or ""
        values.update(self.fr("dispute", None, "title", "summary"))
        parties = [
            {"actor": self.actor(p["actor"], where), "side": p["side"], "role": p.get("role") or "principal"}
            for p in row.get("parties", [])
        ]
        self.dispute = self.write(
            where,
            dispute_save,
            dispute=self.stored(Dispute, slug=row["slug"]),
            values={"slug": row["slug"], **values},
            parties=parties,
        )

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
                **self.fr("cases", row["reference"], "title", "summary"),
            }
            self.cases[row["reference"]] = self.write(
                where,
                case_save,
                case=self.stored(Case, reference=row["reference"]),
                values={"reference": row["reference"], **values},
                citations=self.citation_rows(row.get("sources"), where),
            )

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
                **self.fr("events", reference, "title", "summary", "outcome"),
            }
            participants = [
                {"actor": self.actor(p["actor"], where), "role": p.get("role") or "participant"}
                for p in row.get("participants") or []
            ]
            self.events[reference] = self.write(
                where,
                event_save,
                event=self.stored(Event, dispute=self.dispute, reference=reference),
                values={"dispute": self.dispute, "reference": reference, **values},
                participants=participants,
                citations=self.citation_rows(row.get("sources"), where),
            )

    def load_measures(self):
        for row in _stacking_order(self.data.get("measures", [])):
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
                **self.fr("measures", reference, "title", "product_description", "summary"),
            }
            if row.get("status"):
                values["status"] = row["status"]
            french_products = ((self.french.get("measures") or {}).get(reference) or {}).get("products") or {}
            products = [
                {
                    "hs_code": str(p["hs"]),
                    "description": p.get("description") or "",
                    "description_fr": french_products.get(str(p["hs"])) or "",
                    "basis": p.get("basis") or "official",
                }
                for p in row.get("products") or []
            ]
            self.measures[reference] = self.write(
                where,
                measure_save,
                measure=self.stored(Measure, dispute=self.dispute, reference=reference),
                values={"dispute": self.dispute, "reference": reference, **values},
                applies_to=[self.actor(s, where) for s in row.get("applies_to") or []],
                related_events=[self.event(r, where) for r in row.get("related_events") or []],
                cases=[self.case(r, where) for r in row.get("cases") or []],
                product_lines=products,
                rate_periods=[self.period(r, where) for r in row.get("rate_periods") or []],
                exemptions=self.exemptions(row.get("exemptions") or [], reference, where),
                citations=self.citation_rows(row.get("sources"), where),
                today=self.today,
            )

    def period(self, row, where) -> dict:
        stacked = row.get("on_top_of")
        on_top_of, on_top_of_measure = "", None
        if stacked == "mfn":
            on_top_of = "mfn"
        elif stacked not in (None, ""):
            on_top_of, on_top_of_measure = "measure", self.any_measure(stacked, f"{where}, on_top_of")
        return {
            "valid_from": _date(row.get("from"), where, required=True),
            "valid_to": _date(row.get("to"), where),
            "rate_percent": _decimal(row.get("rate"), where),
            "kind": row.get("kind") or "standard",
            "state": row.get("state") or "in_force",
            "note": row.get("note") or "",
            "exporter": self.actor(row.get("exporter"), where),
            "on_top_of": on_top_of,
            "on_top_of_measure": on_top_of_measure,
            "base_rate": _decimal(row.get("base_rate"), where),
        }

    def exemptions(self, rows, reference, where) -> list[dict]:
        """A measure's exemptions; French descriptions come from ``measures.<ref>.exemptions`` (a list, same order)."""
        french = ((self.french.get("measures") or {}).get(reference) or {}).get("exemptions") or []
        exemptions = []
        for index, row in enumerate(rows):
            here = f"{where}, exemption {index}"
            exemptions.append(
                {
                    "kind": row["kind"],
                    "description": row["description"],
                    "description_fr": (french[index] if index < len(french) else "") or "",
                    "valid_from": _date(row.get("from"), here),
                    "valid_to": _date(row.get("to"), here),
                    "instrument": row.get("instrument") or "",
                    "citations": self.citation_rows(row.get("sources"), here),
                }
            )
        return exemptions

    def load_links(self):
        """Each measure's links are exactly the file's (a link the file no longer has is removed)."""
        links = {reference: [] for reference in self.measures}
        for row in self.data.get("links", []):
            where = f"link {row.get('from')} {row.get('type')} {row.get('to')}"
            origin = row["from"]
            if isinstance(origin, dict) and origin.get("dispute") != self.dispute.slug:
                # Each dataset owns the links out of its own measures; another dataset's load would remove it.
                raise DatasetError(f"{where}: write a link from another dispute's measure in that dispute's dataset")
            origin = origin.get("measure") if isinstance(origin, dict) else origin
            self.measure(origin, where)
            target = row["to"]
            if (
                isinstance(target, dict)
                and target.get("dispute")
                and not Dispute.objects.filter(slug=target["dispute"]).exists()
            ):
                # Two datasets may link to each other: the link waits until the other one is loaded.
                self.waiting.append(f"{where} (load {target.get('dispute')}, then this dataset again)")
                continue
            links[origin].append(
                {
                    "to_measure": self.any_measure(row["to"], where),
                    "type": row["type"],
                    "contested": bool(row.get("contested")),
                    "note": row.get("note") or "",
                    "source": self.source(row["source"], where),
                    "locator": row.get("locator") or "",
                    "quote": row.get("quote") or "",
                }
            )
        for reference, rows in links.items():
            measure = self.measures[reference]
            self.write(f"links of measure {reference!r}", measure_save, measure=measure, links=rows, today=self.today)

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
                **self.fr("exposure", row["reference"], "description"),
            }
            lookup = {"dispute": self.dispute, "reference": row["reference"]}
            covered = [self.measure(ref, where) for ref in row.get("measures") or []]
            if values["measure"] is not None and values["measure"] not in covered:
                covered.insert(0, values["measure"])
            self.write(
                where,
                exposure_figure_save,
                figure=self.stored(ExposureFigure, **lookup),
                values={**lookup, **values},
                measures=covered,
            )


def _stacking_order(rows: list) -> list:
    """The measures in file order, except that a measure another one is stacked on (``on_top_of: <reference>``)
    comes before it, so its record exists when the stacked rate names it."""
    by_reference = {row.get("reference"): row for row in rows}
    ordered, placed, visiting = [], set(), set()

    def place(row):
        if id(row) in placed:
            return
        if id(row) in visiting:
            raise DatasetError(f"measure {row.get('reference')!r}: rates stacked on each other in a circle")
        visiting.add(id(row))
        for period in row.get("rate_periods") or []:
            base = period.get("on_top_of")
            if isinstance(base, str) and base != "mfn" and base in by_reference:
                place(by_reference[base])
        visiting.discard(id(row))
        placed.add(id(row))
        ordered.append(row)

    for row in rows:
        place(row)
    return ordered


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
