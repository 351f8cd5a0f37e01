"""Bulk export of one dispute: everything recorded about it, as one JSON document or a zip of CSV files.

``DisputeExport`` loads the dispute's records with a fixed number of queries per ``EXPORT_CHUNK``
rows (each table through one server-side cursor); the JSON document (``exchange.api.export``) and
the CSV tables below read the same records, and both are streamed as they are built. Each CSV
table lists its columns once, with the description the README prints: taken from the model field
(verbose name, help text, codes) unless the column is derived, so the README cannot drift from
the files.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.db import connection, transaction
from django.db.models import F, Prefetch, Q, Value
from django.utils import timezone, translation
from django.utils.text import capfirst

from core.api.rendering import flatten_cell, neutralise
from core.api.rows import pages
from core.api.viewsets import API_VERSION
from core.formatting import plain_decimal
from core.permalinks import record_url
from disputes.api.rows import EVENT_COLUMNS, event_rows
from disputes.api.serializers import API_PREFIX
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
from tariffs.api.rows import MEASURE_COLUMNS, measure_rows
from tariffs.models import ExposureFigure, Measure, MeasureCitation, MeasureLink, ProductLine, RatePeriod

#: Every model whose rows an export contains: the last change to any of them versions the export (its ETag).
EXPORT_HISTORY = (
    Dispute, DisputeParty, Actor, Source, Case, CaseCitation, Event, EventParticipant, EventCitation, Measure,
    RatePeriod, ProductLine, MeasureCitation, MeasureLink, ExposureFigure,
)  # fmt: skip


#: Rows read and written at a time: a download holds about this many rows in memory, whatever its size.
EXPORT_CHUNK = 2000


@contextmanager
def consistent_reads():
    """Run an export's queries on one snapshot of the data, so that a write landing meanwhile cannot
    leave, say, a participant whose event is missing (PostgreSQL: a read-only REPEATABLE READ
    transaction; inside a transaction already begun, that transaction's own reads)."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


class DisputeExport:
    """The records of one dispute, each kind loaded once (on first use).

    Actors are those involved (parties, participants, imposing and targeted states, case parties) and
    their parents; sources are those cited by the dispute's events, cases, measures, measure links and
    exposure figures. Measure links are those starting or ending at one of the dispute's measures.

    Events and measures come as the API's list rows (``event_rows``, ``measure_rows``: the serializers'
    shapes, built from ``values()`` queries), which keeps a large dispute fast, a page of ``EXPORT_CHUNK``
    at a time (``event_pages``, ``measure_pages``), so a download streams in flat memory.
    """

    def __init__(self, dispute: Dispute, *, request=None, exported_at: dt.datetime | None = None, changed_at=None):
        self.dispute = dispute
        self.request = request
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

    # --- which actors and sources belong to the export ---

    @cached_property
    def actor_ids(self) -> set[int]:
        d = self.dispute
        involved = (
            Q(id__in=DisputeParty.objects.filter(dispute=d).values("actor_id"))
            | Q(id__in=EventParticipant.objects.filter(event__dispute=d).values("actor_id"))
            | Q(id__in=Measure.objects.filter(dispute=d).values("imposed_by_id"))
            | Q(id__in=Measure.applies_to.through.objects.filter(measure__dispute=d).values("actor_id"))
            | Q(id__in=Case.objects.filter(dispute=d).values("respondent_id"))
            | Q(id__in=Case.objects.filter(dispute=d, complainant__isnull=False).values("complainant_id"))
            | Q(id__in=RatePeriod.objects.filter(measure__dispute=d, exporter__isnull=False).values("exporter_id"))
        )
        parents = dict(Actor.objects.filter(involved).values_list("id", "parent_id"))
        # Parents too, so that every parent_id joins: one query per level of the hierarchy.
        missing = set(parents.values()) - {None} - set(parents)
        while missing:
            found = dict(Actor.objects.filter(pk__in=missing).values_list("id", "parent_id"))
            parents.update(found)
            missing = set(found.values()) - {None} - set(parents)
        return set(parents)

    def sources_cited(self):
        d = self.dispute
        return Source.objects.filter(
            Q(id__in=EventCitation.objects.filter(event__dispute=d).values("source_id"))
            | Q(id__in=CaseCitation.objects.filter(case__dispute=d).values("source_id"))
            | Q(id__in=MeasureCitation.objects.filter(measure__dispute=d).values("source_id"))
            | Q(id__in=self.measure_links_query().values("source_id"))
            | Q(id__in=ExposureFigure.objects.filter(dispute=d).values("source_id"))
        ).order_by("id")

    def measure_links_query(self):
        d = self.dispute
        return MeasureLink.objects.filter(Q(from_measure__dispute=d) | Q(to_measure__dispute=d)).order_by(
            "from_measure_id", "type", "to_measure_id"
        )

    # --- the records, for the JSON document ---

    @cached_property
    def related_disputes(self) -> list[Dispute]:
        return list(self.dispute.related_disputes.order_by("slug"))

    @cached_property
    def actors(self) -> list[Actor]:
        return list(Actor.objects.filter(pk__in=self.actor_ids).select_related("parent"))

    @cached_property
    def sources(self) -> list[Source]:
        return list(self.sources_cited())

    @cached_property
    def cases(self) -> list[Case]:
        return list(
            Case.objects.filter(dispute=self.dispute)
            .select_related("dispute", "complainant", "respondent")
            .prefetch_related(Prefetch("citations", queryset=CaseCitation.objects.select_related("source")))
        )

    def event_pages(self) -> Iterator[list[dict]]:
        """The events in date order, ``EXPORT_CHUNK`` rows at a time (never all of them in memory at once)."""
        rows = Event.objects.filter(dispute=self.dispute).order_by("date", "id").values(*EVENT_COLUMNS)
        for page in pages(rows, EXPORT_CHUNK):
            yield event_rows(page, self.request)

    def measure_pages(self) -> Iterator[list[dict]]:
        """The measures in order of announcement, ``EXPORT_CHUNK`` rows at a time."""
        rows = Measure.objects.filter(dispute=self.dispute).order_by("announced_on", "id").values(*MEASURE_COLUMNS)
        for page in pages(rows, EXPORT_CHUNK):
            yield measure_rows(page, self.request)

    @cached_property
    def measure_links(self) -> list[MeasureLink]:
        return list(self.measure_links_query())

    @cached_property
    def measure_related_events(self) -> list[dict]:
        pairs = (
            Measure.related_events.through.objects.filter(measure__dispute=self.dispute)
            .order_by("measure_id", "event__date", "event_id")
            .values_list("measure_id", "event_id")
        )
        return [{"measure": measure, "event": event} for measure, event in pairs]

    @cached_property
    def exposure_figures(self) -> list[ExposureFigure]:
        return list(
            ExposureFigure.objects.filter(dispute=self.dispute).select_related("dispute").prefetch_related("measures")
        )


# --- CSV tables ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    lookup: str  # what ``values()`` reads for this column
    description: str
    cell: Callable | None = None  # (value, links) -> cell value, when the stored value is not the cell


@dataclass(frozen=True)
class Table:
    filename: str
    description: str
    columns: tuple[Column, ...]
    querysets: Callable  # (export) -> the querysets whose rows fill the file, in order

    def rows(self, export: DisputeExport) -> Iterable[dict]:
        lookups = list(dict.fromkeys(column.lookup for column in self.columns))
        for queryset in self.querysets(export):
            yield from queryset.values(*lookups).iterator(chunk_size=2000)


class Links:
    """Absolute API and page addresses of records (relative when no base URL is known)."""

    def __init__(self, base_url: str = ""):
        self.base = base_url

    def api(self, resource: str, key) -> str:
        return f"{self.base}{API_PREFIX}{resource}/{key}/"

    def page(self, kind: str, key) -> str:
        return self.base + record_url(kind, key)


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
    return Column(column or attname, attname, description)


def fields(model, *names: str) -> tuple[Column, ...]:
    return tuple(field(model, name) for name in names)


def link_columns(resource: str, kind: str, key: str = "id") -> tuple[Column, ...]:
    return (
        Column("url", key, "This record in the API.", lambda value, links: links.api(resource, value)),
        Column("html_url", key, "This record's page on the site.", lambda value, links: links.page(kind, value)),
    )


def id_column(model) -> Column:
    with translation.override("en"):
        return Column("id", "id", f"Identifier of the {model._meta.verbose_name}, stable across exports.")


def refers(name: str, what: str, filename: str) -> Column:
    return Column(name, name, f"{what}. The `id` of a row in {filename}.")


TIMESTAMPS = (
    Column("created_at", "created_at", "When the record was first entered (UTC)."),
    Column("updated_at", "updated_at", "When the record was last changed (UTC)."),
)
DISPUTE_SLUG = Column("dispute", "dispute__slug", "The dispute's slug (see dispute.csv).")


def _citations(export: DisputeExport):
    d = export.dispute
    for record_type, model, cited in (
        ("event", EventCitation, "event"),
        ("case", CaseCitation, "case"),
        ("measure", MeasureCitation, "measure"),
    ):
        yield (
            model.objects.filter(**{f"{cited}__dispute": d})
            .annotate(record_type=Value(record_type), record_id=F(f"{cited}_id"))
            .order_by(f"{cited}_id", "id")
        )


def _citation_field(name: str) -> str:
    return describe_field(EventCitation, name)


TABLES: tuple[Table, ...] = (
    Table(
        "dispute.csv",
        "The dispute itself (one row).",
        (
            id_column(Dispute),
            *link_columns("disputes", "dispute", "slug"),
            *fields(Dispute, "slug", "title", "summary", "status", "started_on", "ended_on"),
            *TIMESTAMPS,
        ),
        lambda export: [Dispute.objects.filter(pk=export.dispute.pk)],
    ),
    Table(
        "dispute_parties.csv",
        "The actors taking part in the dispute, and on which side.",
        (
            field(DisputeParty, "actor", refers_to="actors.csv"),
            *fields(DisputeParty, "side", "role"),
        ),
        lambda export: [DisputeParty.objects.filter(dispute=export.dispute).order_by("side", "id")],
    ),
    Table(
        "related_disputes.csv",
        "Other disputes recorded as related to this one.",
        (
            Column("related_dispute_id", "id", "Identifier of the related dispute."),
            Column("slug", "slug", "The related dispute's slug."),
            Column("title", "title", "The related dispute's title."),
            Column("url", "slug", "The related dispute in the API.", lambda slug, links: links.api("disputes", slug)),
        ),
        lambda export: [export.dispute.related_disputes.order_by("slug")],
    ),
    Table(
        "actors.csv",
        "The actors involved (parties, participants, imposing and targeted states, case parties) and their parents.",
        (
            id_column(Actor),
            *link_columns("actors", "actor", "slug"),
            *fields(Actor, "slug", "name", "short_name", "kind", "code"),
            field(Actor, "country", note="An ISO 3166-1 alpha-2 code."),
            field(Actor, "office"),
            field(Actor, "parent", refers_to="actors.csv"),
            *TIMESTAMPS,
        ),
        lambda export: [Actor.objects.filter(pk__in=export.actor_ids)],
    ),
    Table(
        "sources.csv",
        "The documents cited by the dispute's events, cases, measures, measure links and exposure figures.",
        (
            id_column(Source),
            *link_columns("sources", "source"),
            field(Source, "url", column="document_url", note="The document itself."),
            *fields(Source, "title", "publisher", "published_on", "language", "kind", "notes"),
            *TIMESTAMPS,
        ),
        lambda export: [export.sources_cited()],
    ),
    Table(
        "cases.csv",
        "Formal proceedings (WTO disputes, trade-remedy investigations); their steps are the events with a case_id.",
        (
            id_column(Case),
            *link_columns("cases", "case"),
            DISPUTE_SLUG,
            *fields(Case, "forum", "reference", "title", "summary"),
            field(Case, "complainant", refers_to="actors.csv", note="Empty for an investigation opened ex officio."),
            field(Case, "respondent", refers_to="actors.csv"),
            *fields(Case, "stage", "initiated_on"),
            field(Case, "url", column="document_url", note="The case's own page (e.g. at the WTO)."),
            *TIMESTAMPS,
        ),
        lambda export: [Case.objects.filter(dispute=export.dispute)],
    ),
    Table(
        "events.csv",
        "Calls, meetings, announcements, legal instruments, WTO and trade-remedy steps, in date order.",
        (
            id_column(Event),
            *link_columns("events", "event"),
            DISPUTE_SLUG,
            *fields(Event, "reference", "date", "date_precision", "end_date", "kind", "level", "title", "summary"),
            *fields(Event, "location", "outcome"),
            field(Event, "case", refers_to="cases.csv"),
            *fields(Event, "case_stage", "confidence"),
            *TIMESTAMPS,
        ),
        lambda export: [Event.objects.filter(dispute=export.dispute).order_by("date", "id")],
    ),
    Table(
        "event_participants.csv",
        "Who took part in each event, in which role.",
        (
            field(EventParticipant, "event", refers_to="events.csv"),
            field(EventParticipant, "actor", refers_to="actors.csv"),
            field(EventParticipant, "role"),
        ),
        lambda export: [
            EventParticipant.objects.filter(event__dispute=export.dispute).order_by("event__date", "event_id", "id")
        ],
    ),
    Table(
        "measures.csv",
        "Trade measures: one instrument, one product group, one rate schedule (rates in rate_periods.csv).",
        (
            id_column(Measure),
            *link_columns("measures", "measure"),
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
        lambda export: [Measure.objects.filter(dispute=export.dispute).order_by("announced_on", "id")],
    ),
    Table(
        "measure_applies_to.csv",
        "The actors (usually states) each measure applies to.",
        (
            refers("measure_id", "The measure", "measures.csv"),
            refers("actor_id", "An actor it applies to", "actors.csv"),
        ),
        lambda export: [
            Measure.applies_to.through.objects.filter(measure__dispute=export.dispute).order_by("measure_id", "id")
        ],
    ),
    Table(
        "rate_periods.csv",
        "Dated windows of each measure, in force or suspended, with the ad valorem rate. "
        "A measure is in force on a day when one of its periods in state `in_force` covers it.",
        (
            field(RatePeriod, "measure", refers_to="measures.csv"),
            *fields(RatePeriod, "valid_from", "valid_to", "rate_percent", "kind", "state", "note"),
            field(RatePeriod, "exporter", refers_to="actors.csv", note="Empty: the residual rate for everyone else."),
            field(RatePeriod, "on_top_of"),
            field(RatePeriod, "on_top_of_measure", note="The measure's id in the API; it may be of another dispute."),
            field(RatePeriod, "base_rate"),
        ),
        lambda export: [
            RatePeriod.objects.filter(measure__dispute=export.dispute).order_by("measure_id", "valid_from", "id")
        ],
    ),
    Table(
        "product_lines.csv",
        "The HS codes each measure covers.",
        (
            field(ProductLine, "measure", refers_to="measures.csv"),
            *fields(ProductLine, "hs_code", "description", "basis"),
        ),
        lambda export: [ProductLine.objects.filter(measure__dispute=export.dispute).order_by("measure_id", "hs_code")],
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
        lambda export: [export.measure_links_query()],
    ),
    Table(
        "measure_cases.csv",
        "The cases in which each measure is challenged.",
        (refers("measure_id", "The measure", "measures.csv"), refers("case_id", "A case challenging it", "cases.csv")),
        lambda export: [
            Measure.cases.through.objects.filter(measure__dispute=export.dispute).order_by("measure_id", "id")
        ],
    ),
    Table(
        "measure_related_events.csv",
        "Events concerning each measure, besides the one announcing it.",
        (refers("measure_id", "The measure", "measures.csv"), refers("event_id", "A related event", "events.csv")),
        lambda export: [
            Measure.related_events.through.objects.filter(measure__dispute=export.dispute).order_by(
                "measure_id", "event__date", "event_id"
            )
        ],
    ),
    Table(
        "citations.csv",
        "Which source supports which event, case or measure, or one named field of it.",
        (
            Column("record_type", "record_type", "What is cited: `event`, `case` or `measure`."),
            Column(
                "record_id",
                "record_id",
                "The cited record: the `id` of a row in events.csv, cases.csv or measures.csv (see record_type).",
            ),
            refers("source_id", "The source", "sources.csv"),
            Column("field", "field_name", _citation_field("field_name")),
            Column("locator", "locator", _citation_field("locator")),
            Column("quote", "quote", _citation_field("quote")),
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
        lambda export: [ExposureFigure.objects.filter(dispute=export.dispute)],
    ),
)


def csv_cell(value) -> str:
    """One CSV cell: decimals written plainly ("75.8"), datetimes in UTC with "Z", and no formula."""
    if isinstance(value, Decimal):
        value = plain_decimal(value)
    elif isinstance(value, dt.datetime):
        value = value.astimezone(dt.UTC)
    return neutralise(flatten_cell("", value))


class _Sink(io.RawIOBase):
    """The unseekable file a streamed zip archive writes to: what was written since the last ``drain``."""

    def __init__(self):
        self.parts: list[bytes] = []
        self.position = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def drain(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


def table_csv(table: Table, rows: Iterable, links: Links) -> Iterator[str]:
    """The CSV text of ``rows`` in ``table``'s columns, ``EXPORT_CHUNK`` lines at a time, header first."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([column.name for column in table.columns])
    for count, row in enumerate(rows, start=1):
        writer.writerow(
            [
                csv_cell(column.cell(row[column.lookup], links) if column.cell else row[column.lookup])
                for column in table.columns
            ]
        )
        if count % EXPORT_CHUNK == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


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


def export_zip(export: DisputeExport, base_url: str = "") -> Iterator[bytes]:
    """The zip archive, as it is written: one CSV file per table, then README.md (which counts their rows).

    Each file is read through a server-side cursor and compressed as it goes, so memory stays flat
    however large the dispute. Run it inside ``consistent_reads()`` so that every file sees one snapshot.
    """
    links = Links(base_url)
    counts = {}
    stamp = export.exported_at.astimezone(dt.UTC).timetuple()[:6]
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def entry(name: str):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            return archive.open(info, "w")

        for table in TABLES:
            rows = _counted(table.rows(export), counts, table.filename)
            with entry(table.filename) as file:
                for text in table_csv(table, rows, links):
                    file.write(text.encode("utf-8"))
                    yield sink.drain()
        with entry("README.md") as file:
            file.write(readme(export, counts, links).encode("utf-8"))
    yield sink.drain()


def _counted(rows: Iterable, counts: dict[str, int], name: str) -> Iterator:
    counts[name] = 0
    for row in rows:
        counts[name] += 1
        yield row
