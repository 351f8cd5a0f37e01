"""Bulk export of one dispute: everything recorded about it, as one JSON document or a zip of CSV files.

``DisputeExport`` loads the dispute's records with a fixed number of queries, however many rows
there are; the JSON document (``timelines.api.export``) and the CSV tables below read the same
loaded records. Each CSV table lists its columns once, with the description the README prints:
taken from the model field (verbose name, help text, codes) unless the column is derived, so the
README cannot drift from the files.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from operator import attrgetter

from django.db.models import Prefetch, Q
from django.utils import timezone, translation
from django.utils.text import capfirst

from disputes.api.rendering import flatten_cell, neutralise
from disputes.api.serializers import API_PREFIX
from disputes.api.viewsets import API_VERSION
from disputes.models import (
    Actor,
    Case,
    CaseCitation,
    Dispute,
    DisputeParty,
    Event,
    EventCitation,
    EventParticipant,
    Source,
)
from disputes.permalinks import page_path
from tariffs.models import ExposureFigure, Measure, MeasureCitation, MeasureLink, ProductLine, RatePeriod

#: Every model whose rows an export contains: the last change to any of them versions the export (its ETag).
EXPORT_HISTORY = (
    Dispute, DisputeParty, Actor, Source, Case, CaseCitation, Event, EventParticipant, EventCitation, Measure,
    RatePeriod, ProductLine, MeasureCitation, MeasureLink, ExposureFigure,
)  # fmt: skip


class DisputeExport:
    """The records of one dispute, each kind loaded once (on first use) with its related rows.

    Actors are those involved (parties, participants, imposing and targeted states, case parties) and
    their parents; sources are those cited by the dispute's events, cases, measures, measure links and
    exposure figures. Measure links are those starting or ending at one of the dispute's measures.
    """

    def __init__(self, dispute: Dispute, *, exported_at: dt.datetime | None = None, changed_at=None):
        self.dispute = dispute
        self.api_version = API_VERSION
        self.exported_at = exported_at or timezone.now()
        self.data_changed_at = changed_at

    @classmethod
    def of(cls, slug: str, **kwargs) -> DisputeExport | None:
        dispute = (
            Dispute.objects.filter(slug=slug)
            .prefetch_related(Prefetch("parties", queryset=DisputeParty.objects.select_related("actor")))
            .first()
        )
        return cls(dispute, **kwargs) if dispute is not None else None

    @cached_property
    def related_disputes(self) -> list[Dispute]:
        return list(self.dispute.related_disputes.order_by("slug"))

    @cached_property
    def actors(self) -> list[Actor]:
        d = self.dispute
        involved = (
            Q(id__in=DisputeParty.objects.filter(dispute=d).values("actor_id"))
            | Q(id__in=EventParticipant.objects.filter(event__dispute=d).values("actor_id"))
            | Q(id__in=Measure.objects.filter(dispute=d).values("imposed_by_id"))
            | Q(id__in=Measure.applies_to.through.objects.filter(measure__dispute=d).values("actor_id"))
            | Q(id__in=Case.objects.filter(dispute=d).values("respondent_id"))
            | Q(id__in=Case.objects.filter(dispute=d, complainant__isnull=False).values("complainant_id"))
        )
        actors = {a.pk: a for a in Actor.objects.filter(involved).select_related("parent")}
        # Parents too, so that every parent_id joins; one query per level of the hierarchy.
        missing = {a.parent_id for a in actors.values()} - {None} - set(actors)
        while missing:
            found = {a.pk: a for a in Actor.objects.filter(pk__in=missing).select_related("parent")}
            actors.update(found)
            missing = {a.parent_id for a in found.values()} - {None} - set(actors)
        return sorted(actors.values(), key=lambda a: (a.name, a.pk))

    @cached_property
    def sources(self) -> list[Source]:
        d = self.dispute
        cited = (
            Q(id__in=EventCitation.objects.filter(event__dispute=d).values("source_id"))
            | Q(id__in=CaseCitation.objects.filter(case__dispute=d).values("source_id"))
            | Q(id__in=MeasureCitation.objects.filter(measure__dispute=d).values("source_id"))
            | Q(id__in=self._measure_links_query().values("source_id"))
            | Q(id__in=ExposureFigure.objects.filter(dispute=d).values("source_id"))
        )
        return list(Source.objects.filter(cited).order_by("id"))

    @cached_property
    def cases(self) -> list[Case]:
        return list(
            Case.objects.filter(dispute=self.dispute)
            .select_related("dispute", "complainant", "respondent")
            .prefetch_related(Prefetch("citations", queryset=CaseCitation.objects.select_related("source")))
        )

    @cached_property
    def events(self) -> list[Event]:
        return list(
            Event.objects.filter(dispute=self.dispute)
            .select_related("dispute", "case")
            .prefetch_related(
                Prefetch("participations", queryset=EventParticipant.objects.select_related("actor")),
                Prefetch("citations", queryset=EventCitation.objects.select_related("source")),
            )
        )

    @cached_property
    def measures(self) -> list[Measure]:
        return list(
            Measure.objects.filter(dispute=self.dispute)
            .select_related("dispute", "imposed_by")
            .prefetch_related(
                "applies_to",
                "rate_periods",
                "product_lines",
                "cases",
                "links_out",
                Prefetch("related_events", queryset=Event.objects.only("id").order_by("date", "id")),
                Prefetch("citations", queryset=MeasureCitation.objects.select_related("source")),
            )
        )

    def _measure_links_query(self):
        return MeasureLink.objects.filter(Q(from_measure__dispute=self.dispute) | Q(to_measure__dispute=self.dispute))

    @cached_property
    def measure_links(self) -> list[MeasureLink]:
        return list(self._measure_links_query().order_by("from_measure_id", "type", "to_measure_id"))

    @cached_property
    def measure_related_events(self) -> list[dict]:
        return [{"measure": m.pk, "event": e.pk} for m in self.measures for e in m.related_events.all()]

    @cached_property
    def exposure_figures(self) -> list[ExposureFigure]:
        return list(ExposureFigure.objects.filter(dispute=self.dispute).select_related("dispute"))


# --- CSV tables ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    value: Callable  # (row, links) -> cell value
    description: str


@dataclass(frozen=True)
class Table:
    filename: str
    description: str
    columns: tuple[Column, ...]
    rows: Callable[[DisputeExport], Iterable]


class Links:
    """Absolute API and page addresses of records (relative when no base URL is known)."""

    def __init__(self, base_url: str = ""):
        self.base = base_url

    def api(self, resource: str, key) -> str:
        return f"{self.base}{API_PREFIX}{resource}/{key}/"

    def page(self, kind: str, key) -> str:
        return self.base + page_path(kind, key)


def _sentence(text: str) -> str:
    text = str(text).strip()
    return text if text.endswith((".", "?", "!")) else text + "."


MAX_LISTED_CODES = 30  # longer lists (countries) are standard codes, named rather than listed


def describe_field(model, name: str, refers_to: str = "") -> str:
    """A column's description from its model field: verbose name, help text, codes it may hold."""
    field = model._meta.get_field(name)
    with translation.override("en"):
        parts = [_sentence(capfirst(str(field.verbose_name)))]
        if field.help_text:
            parts.append(_sentence(str(field.help_text)))
        if refers_to:
            parts.append(f"The `id` of a row in {refers_to}.")
        choices = list(field.choices or [])
        if choices and len(choices) <= MAX_LISTED_CODES:
            codes = ", ".join(f"`{code}` ({label})" for code, label in choices)
            parts.append(f"One of {codes}.")
        if getattr(field, "null", False) and not choices:
            parts.append("May be empty.")
    return " ".join(parts)


def field(model, name: str, *, column: str = "", refers_to: str = "", note: str = "") -> Column:
    """A column holding a model field's stored value (a foreign key's id for a relation)."""
    attname = model._meta.get_field(name).attname
    description = describe_field(model, name, refers_to) + (f" {note}" if note else "")
    getter = attrgetter(attname)
    return Column(column or attname, lambda row, links: getter(row), description)


def fields(model, *names: str) -> tuple[Column, ...]:
    return tuple(field(model, name) for name in names)


def derived(name: str, description: str, value: Callable) -> Column:
    return Column(name, value, description)


def links_columns(resource: str, kind: str, key: str = "pk") -> tuple[Column, ...]:
    get = attrgetter(key)
    return (
        derived("url", "This record in the API.", lambda row, links: links.api(resource, get(row))),
        derived("html_url", "This record's page on the site.", lambda row, links: links.page(kind, get(row))),
    )


def id_column(model) -> Column:
    with translation.override("en"):
        description = f"Identifier of the {model._meta.verbose_name}, stable across exports."
    return derived("id", description, lambda row, _: row.pk)


TIMESTAMPS = (
    derived("created_at", "When the record was first entered (UTC).", lambda row, _: row.created_at),
    derived("updated_at", "When the record was last changed (UTC).", lambda row, _: row.updated_at),
)

DISPUTE_SLUG = derived("dispute", "The dispute's slug (see dispute.csv).", lambda row, _: row.dispute.slug)


def _citations(export: DisputeExport):
    for record_type, records in (("event", export.events), ("case", export.cases), ("measure", export.measures)):
        for record in records:
            for citation in record.citations.all():
                yield record_type, record.pk, citation


def _citation_field(name: str) -> str:
    return describe_field(EventCitation, name)


TABLES: tuple[Table, ...] = (
    Table(
        "dispute.csv",
        "The dispute itself (one row).",
        (
            id_column(Dispute),
            *links_columns("disputes", "dispute", "slug"),
            *fields(Dispute, "slug", "title", "summary", "status", "started_on", "ended_on"),
            *TIMESTAMPS,
        ),
        lambda export: [export.dispute],
    ),
    Table(
        "dispute_parties.csv",
        "The actors taking part in the dispute, and on which side.",
        (
            field(DisputeParty, "actor", refers_to="actors.csv"),
            *fields(DisputeParty, "side", "role"),
        ),
        lambda export: export.dispute.parties.all(),
    ),
    Table(
        "related_disputes.csv",
        "Other disputes recorded as related to this one.",
        (
            derived("related_dispute_id", "Identifier of the related dispute.", lambda row, _: row.pk),
            derived("slug", "The related dispute's slug.", lambda row, _: row.slug),
            derived("title", "The related dispute's title.", lambda row, _: row.title),
            derived("url", "The related dispute in the API.", lambda row, links: links.api("disputes", row.slug)),
        ),
        lambda export: export.related_disputes,
    ),
    Table(
        "actors.csv",
        "The actors involved (parties, participants, imposing and targeted states, case parties) and their parents.",
        (
            id_column(Actor),
            *links_columns("actors", "actor", "slug"),
            *fields(Actor, "slug", "name", "short_name", "kind", "code"),
            field(Actor, "country", note="An ISO 3166-1 alpha-2 code."),
            field(Actor, "office"),
            field(Actor, "parent", refers_to="actors.csv"),
            *TIMESTAMPS,
        ),
        lambda export: export.actors,
    ),
    Table(
        "sources.csv",
        "The documents cited by the dispute's events, cases, measures, measure links and exposure figures.",
        (
            id_column(Source),
            *links_columns("sources", "source"),
            field(Source, "url", column="document_url", note="The document itself."),
            *fields(Source, "title", "publisher", "published_on", "language", "kind", "notes"),
            *TIMESTAMPS,
        ),
        lambda export: export.sources,
    ),
    Table(
        "cases.csv",
        "Formal proceedings (WTO disputes, trade-remedy investigations); their steps are the events with a case_id.",
        (
            id_column(Case),
            *links_columns("cases", "case"),
            DISPUTE_SLUG,
            *fields(Case, "forum", "reference", "title", "summary"),
            field(Case, "complainant", refers_to="actors.csv", note="Empty for an investigation opened ex officio."),
            field(Case, "respondent", refers_to="actors.csv"),
            *fields(Case, "stage", "initiated_on"),
            field(Case, "url", column="document_url", note="The case's own page (e.g. at the WTO)."),
            *TIMESTAMPS,
        ),
        lambda export: export.cases,
    ),
    Table(
        "events.csv",
        "Calls, meetings, announcements, legal instruments, WTO and trade-remedy steps, in date order.",
        (
            id_column(Event),
            *links_columns("events", "event"),
            DISPUTE_SLUG,
            *fields(Event, "reference", "date", "date_precision", "end_date", "kind", "level", "title", "summary"),
            *fields(Event, "location", "outcome"),
            field(Event, "case", refers_to="cases.csv"),
            *fields(Event, "case_stage", "confidence"),
            *TIMESTAMPS,
        ),
        lambda export: export.events,
    ),
    Table(
        "event_participants.csv",
        "Who took part in each event, in which role.",
        (
            field(EventParticipant, "event", refers_to="events.csv"),
            field(EventParticipant, "actor", refers_to="actors.csv"),
            field(EventParticipant, "role"),
        ),
        lambda export: (p for event in export.events for p in event.participations.all()),
    ),
    Table(
        "measures.csv",
        "Trade measures: one instrument, one product group, one rate schedule (rates in rate_periods.csv).",
        (
            id_column(Measure),
            *links_columns("measures", "measure"),
            DISPUTE_SLUG,
            field(Measure, "reference"),
            field(Measure, "imposed_by", refers_to="actors.csv"),
            *fields(Measure, "type", "title", "product_description", "summary"),
            *fields(Measure, "legal_instrument_name", "legal_instrument_number", "legal_instrument_url"),
            *fields(Measure, "announced_on", "announced_on_precision", "status"),
            field(Measure, "announcement", refers_to="events.csv"),
            field(Measure, "confidence"),
            *TIMESTAMPS,
        ),
        lambda export: export.measures,
    ),
    Table(
        "measure_applies_to.csv",
        "The actors (usually states) each measure applies to.",
        (
            derived("measure_id", "The measure. The `id` of a row in measures.csv.", lambda row, _: row[0]),
            derived("actor_id", "An actor it applies to. The `id` of a row in actors.csv.", lambda row, _: row[1]),
        ),
        lambda export: ((m.pk, a.pk) for m in export.measures for a in m.applies_to.all()),
    ),
    Table(
        "rate_periods.csv",
        "Dated windows of each measure, in force or suspended, with the ad valorem rate. "
        "A measure is in force on a day when one of its periods in state `in_force` covers it.",
        (
            field(RatePeriod, "measure", refers_to="measures.csv"),
            *fields(RatePeriod, "valid_from", "valid_to", "rate_percent", "kind", "state", "note"),
        ),
        lambda export: (p for m in export.measures for p in m.rate_periods.all()),
    ),
    Table(
        "product_lines.csv",
        "The HS codes each measure covers.",
        (
            field(ProductLine, "measure", refers_to="measures.csv"),
            *fields(ProductLine, "hs_code", "description", "basis"),
        ),
        lambda export: (line for m in export.measures for line in m.product_lines.all()),
    ),
    Table(
        "measure_links.csv",
        "Typed, directed links between measures: from_measure <type> to_measure (e.g. retaliates against). "
        "A link to or from a measure of another dispute has an id not found in measures.csv.",
        (
            field(MeasureLink, "from_measure", refers_to="measures.csv"),
            field(MeasureLink, "to_measure", refers_to="measures.csv"),
            *fields(MeasureLink, "type", "contested", "note"),
            field(MeasureLink, "source", refers_to="sources.csv"),
            *fields(MeasureLink, "locator", "quote"),
        ),
        lambda export: export.measure_links,
    ),
    Table(
        "measure_cases.csv",
        "The cases in which each measure is challenged.",
        (
            derived("measure_id", "The measure. The `id` of a row in measures.csv.", lambda row, _: row[0]),
            derived("case_id", "A case challenging it. The `id` of a row in cases.csv.", lambda row, _: row[1]),
        ),
        lambda export: ((m.pk, c.pk) for m in export.measures for c in m.cases.all()),
    ),
    Table(
        "measure_related_events.csv",
        "Events concerning each measure, besides the one announcing it.",
        (
            derived("measure_id", "The measure. The `id` of a row in measures.csv.", lambda row, _: row["measure"]),
            derived("event_id", "A related event. The `id` of a row in events.csv.", lambda row, _: row["event"]),
        ),
        lambda export: export.measure_related_events,
    ),
    Table(
        "citations.csv",
        "Which source supports which event, case or measure, or one named field of it.",
        (
            derived("record_type", "What is cited: `event`, `case` or `measure`.", lambda row, _: row[0]),
            derived(
                "record_id",
                "The cited record: the `id` of a row in events.csv, cases.csv or measures.csv (see record_type).",
                lambda row, _: row[1],
            ),
            derived("source_id", "The source. The `id` of a row in sources.csv.", lambda row, _: row[2].source_id),
            derived("field", _citation_field("field_name"), lambda row, _: row[2].field_name),
            derived("locator", _citation_field("locator"), lambda row, _: row[2].locator),
            derived("quote", _citation_field("quote"), lambda row, _: row[2].quote),
        ),
        _citations,
    ),
    Table(
        "exposure_figures.csv",
        "Trade at stake: dated, sourced figures, added and never overwritten.",
        (
            id_column(ExposureFigure),
            DISPUTE_SLUG,
            field(ExposureFigure, "reference"),
            field(ExposureFigure, "measure", refers_to="measures.csv"),
            *fields(ExposureFigure, "product", "flow", "description", "year", "amount", "currency"),
            *fields(ExposureFigure, "quantity", "quantity_unit"),
            field(ExposureFigure, "source", refers_to="sources.csv"),
            field(ExposureFigure, "confidence"),
            *TIMESTAMPS,
        ),
        lambda export: export.exposure_figures,
    ),
)


def csv_cell(value) -> str:
    """One CSV cell: decimals written plainly ("75.8"), datetimes in UTC with "Z", and no formula."""
    if isinstance(value, Decimal):
        value = format(value.normalize(), "f")
    elif isinstance(value, dt.datetime):
        value = value.astimezone(dt.UTC)
    return neutralise(flatten_cell("", value))


def table_csv(table: Table, rows: Iterable, links: Links) -> tuple[str, int]:
    """The CSV text of ``rows`` in ``table``'s columns, and how many rows it holds."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([column.name for column in table.columns])
    count = 0
    for row in rows:
        writer.writerow([csv_cell(column.value(row, links)) for column in table.columns])
        count += 1
    return out.getvalue(), count


def utc_text(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _md(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def readme(export: DisputeExport, counts: dict[str, int], links: Links) -> str:
    """README.md of the archive: what the export is, then every file with every column."""
    dispute = export.dispute
    changed = export.data_changed_at
    lines = [
        f"# {dispute.title}: TradeWatch data export",
        "",
        f"- Dispute: `{dispute.slug}` ({links.page('dispute', dispute.slug)})",
        f"- Exported at: {utc_text(export.exported_at)}",
        *([f"- Data last changed (any record, any dispute): {utc_text(changed)}"] if changed else []),
        f"- API version: {export.api_version}",
        f"- The same data as one JSON document: {links.base}{API_PREFIX}export/{dispute.slug}.json",
        "",
        "## Reading the files",
        "",
        "Each file is CSV in UTF-8 with a header row. Files join on ids: a column ending in `_id` holds the `id` "
        "of a row in the file its description names. Dates are `YYYY-MM-DD`; times are ISO 8601 in UTC; "
        "rates and amounts are decimals with a dot; `true`/`false` for yes/no; an empty cell means no value. "
        "Enumerations hold stable lowercase codes (listed below with their English labels). "
        "A cell that would start with `=`, `+`, `-` or `@` starts with a `'` instead, so that spreadsheets "
        "show it as text rather than run it as a formula: remove that first `'` when you process the data.",
        "",
    ]
    for table in TABLES:
        lines += [
            f"## {table.filename}",
            "",
            f"{_md(table.description)} Rows: {counts[table.filename]}.",
            "",
            "| column | description |",
            "| --- | --- |",
            *(f"| `{column.name}` | {_md(column.description)} |" for column in table.columns),
            "",
        ]
    return "\n".join(lines)


def export_zip(export: DisputeExport, base_url: str = "") -> bytes:
    """The zip archive: README.md, then one CSV file per table."""
    links = Links(base_url)
    files, counts = {}, {}
    for table in TABLES:
        files[table.filename], counts[table.filename] = table_csv(table, table.rows(export), links)
    stamp = export.exported_at.astimezone(dt.UTC).timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in [("README.md", readme(export, counts, links)), *files.items()]:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()
