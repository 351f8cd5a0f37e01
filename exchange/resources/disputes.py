"""Bulk import of sources and events from CSV or XLSX files (django-import-export).

The file format is described in ``datasets/IMPORT.md``. One row is one record, matched on its natural
key (a source's URL; an event's dispute and reference), so importing the same file twice changes
nothing. Lists (participants, sources, rate periods …) sit in one cell, items separated by ``;`` or
line breaks. Every row is written through the same services and model validation as the admin and
the API, and its history row says which file it came from. A file with any bad row writes nothing:
the admin and ``manage.py import_records`` import inside one transaction and roll it back.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from import_export import widgets
from import_export.fields import Field
from import_export.instance_loaders import ModelInstanceLoader
from import_export.resources import ModelResource
from import_export.results import Result, RowResult

from core.change_sets import change_set
from disputes.choices import ParticipantRole
from disputes.models import Actor, Case, Dispute, Event, Source
from disputes.services import event_save, source_save
from exchange.import_files import ImportFileError

LIST_SEPARATOR = re.compile(r"\s*[;\n]\s*")


def split_list(value) -> list[str]:
    """The items of a list cell: separated by semicolons or line breaks, blanks dropped."""
    return [item for item in LIST_SEPARATOR.split(str(value or "").strip()) if item]


# --- Widgets: a cell to a value, with messages that name what to write ----------------------


class IsoDateWidget(widgets.DateWidget):
    """Dates as YYYY-MM-DD only: 03/04/2025 means different days in Canada and the United States."""

    def __init__(self, **kwargs):
        kwargs.pop("format", None)
        super().__init__(format="%Y-%m-%d", **kwargs)

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, dt.datetime):
            raise ValueError(_("Enter a date without a time, as YYYY-MM-DD."))
        if isinstance(value, dt.date):
            return value
        if value in (None, ""):
            return None
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise ValueError(_("“%(value)s” is not a date; write it as YYYY-MM-DD.") % {"value": value}) from None


class ChoiceWidget(widgets.CharWidget):
    """A code of a TextChoices enumeration; an unknown code names the allowed ones."""

    def __init__(self, choices, **kwargs):
        self.codes = [code for code, _label in choices]
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        value = super().clean(value, row, **kwargs)
        if value and value not in self.codes:
            raise ValueError(
                _("Unknown code “%(value)s”; use one of: %(codes)s.") % {"value": value, "codes": ", ".join(self.codes)}
            )
        return value


class RecordWidget(widgets.ForeignKeyWidget):
    """A related record named by one of its fields (a dispute by slug, a case by reference …)."""

    def __init__(self, model, field, *, required=False, **kwargs):
        self.required = required
        super().__init__(model, field, **kwargs)

    def clean(self, value, row=None, **kwargs):
        value = str(value or "").strip()
        if not value:
            if self.required:
                raise ValueError(_("Give the %(what)s's %(field)s.") % self._names())
            return None
        # Widgets are copied for each import, so this remembers lookups within one file only.
        cache = self.__dict__.setdefault("_found", {})
        key = self.cache_key(value, row)
        if key not in cache:
            lookup = self.get_lookup_kwargs(value, row, **kwargs)
            cache[key] = self.get_queryset(value, row, **kwargs).filter(**lookup).first()
        found = cache[key]
        if found is None:
            raise ValueError(_("No %(what)s has the %(field)s “%(value)s”.") % {**self._names(), "value": value})
        return found

    def cache_key(self, value, row):
        return value

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(getattr(value, self.field))

    def _names(self):
        return {"what": self.model._meta.verbose_name, "field": self.model._meta.get_field(self.field).verbose_name}


class ActorWidget(RecordWidget):
    """An actor named by its slug or, for a state, its ISO code (as in the API)."""

    def __init__(self, **kwargs):
        super().__init__(Actor, "slug", **kwargs)

    def get_queryset(self, value, row, *args, **kwargs):
        return Actor.objects.identified_by(value)

    def get_lookup_kwargs(self, value, row, **kwargs):
        return {}

    def _names(self):
        return {"what": _("actor"), "field": _("slug or ISO code")}


class ListColumn(Field):
    """A column holding a list (participants, sources, rate periods …).

    The resource parses it into what its service takes; exporting renders the stored list in the
    same syntax, which the preview shows.
    """

    def __init__(self, column_name, render):
        super().__init__(attribute=None, column_name=column_name, readonly=True)
        self.render = render

    def export(self, instance, **kwargs):
        return self.render(instance) if instance.pk else ""


# --- Results numbered by file line --------------------------------------------------------


class ImportResult(Result):
    """Errors numbered by the line of the file (header = line 1), for the admin page and the command."""

    def row_errors(self):
        return [(row.number, row.errors) for row in self.error_rows]

    def problems(self) -> list[str]:
        """Every error, one line of text each: ``line 3, date: … is not a date``."""
        lines = []
        for error in self.base_errors:
            lines.append(str(error.error))
        for row in self.error_rows:
            for error in row.errors:
                lines.append(_("line %(line)s: %(error)s") % {"line": row.number, "error": error.error})
        for row in self.invalid_rows:
            for column, messages in row.error_dict.items():
                for message in messages:
                    if column == NON_FIELD_ERRORS:
                        lines.append(_("line %(line)s: %(error)s") % {"line": row.number, "error": message})
                    else:
                        lines.append(
                            _("line %(line)s, %(column)s: %(error)s")
                            % {"line": row.number, "column": column, "error": message}
                        )
        return lines


class NaturalKeyLoader(ModelInstanceLoader):
    """Finds the stored record a row names by its natural key; a blank or unknown key means a new record."""

    def get_instance(self, row):
        params = {}
        for name in self.resource.get_import_id_fields():
            field = self.resource.fields[name]
            try:
                value = field.clean(row)
            except (ValueError, KeyError):
                return None
            if value in (None, ""):
                return None
            params[field.attribute] = value
        return self.get_queryset().filter(**params).first()


# --- The base resource ----------------------------------------------------------------------


class RecordResource(ModelResource):
    """One row, one record, saved through a service; list columns parsed by ``parse_<column>`` methods.

    Subclasses set ``Meta.model``, ``Meta.fields`` (the columns, in the documented order) and
    ``Meta.import_id_fields`` (the natural key), and implement :meth:`save_record` and
    :meth:`lists_unchanged`.
    """

    #: Service error keys that belong to a differently named column.
    error_columns: dict[str, str] = {}

    class Meta:
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True
        instance_loader_class = NaturalKeyLoader

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.line_numbers: list[int] | None = None
        self.change_reason = ""
        self.lines_by_key: dict[tuple, int] = {}
        self.lookup_cache: dict[tuple, object] = {}
        self.today = kwargs.get("today")
        self.file_problem = False

    @classmethod
    def get_result_class(cls):
        return ImportResult

    def import_data(self, *args, **kwargs):
        """One import run is one change set: each record it changes gets one revision."""
        with change_set():
            return super().import_data(*args, **kwargs)

    @classmethod
    def widget_from_django_field(cls, f, default=widgets.Widget):
        if getattr(f, "choices", None):
            return functools.partial(ChoiceWidget, choices=f.choices)
        if f.get_internal_type() == "DateField":
            return IsoDateWidget
        return super().widget_from_django_field(f, default)

    # --- the whole file --------------------------------------------------------------------

    def columns(self) -> list[str]:
        return [field.column_name for field in self.get_import_fields()]

    def before_import(self, dataset, **kwargs):
        self.line_numbers = getattr(dataset, "line_numbers", None)
        file_name = kwargs.get("file_name") or _("a file")
        self.change_reason = (_("Imported from %(file)s") % {"file": file_name})[:100]
        headers = [str(name) for name in dataset.headers or []]
        # A bad header makes every row meaningless: report it alone (rows are then left aside).
        self.file_problem = True
        unknown = [name for name in headers if name not in self.columns()]
        if unknown:
            raise ImportFileError(
                _("line 1: unknown column “%(name)s”; the columns are: %(columns)s.")
                % {"name": unknown[0], "columns": ", ".join(self.columns())}
            )
        missing = [self.fields[name].column_name for name in self.get_import_id_fields()]
        missing = [name for name in missing if name not in headers]
        if missing:
            raise ImportFileError(
                _("line 1: the column “%(name)s” is missing; records are matched on it.") % {"name": missing[0]}
            )
        self.file_problem = False

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        # import-export counts data rows from 1; people read the file's own line numbers.
        for row in [*result.invalid_rows, *result.error_rows]:
            row.number = self.file_line(row.number)
            for error in getattr(row, "errors", []):
                error.number = row.number

    def file_line(self, number: int) -> int:
        if self.line_numbers and 0 < number <= len(self.line_numbers):
            return self.line_numbers[number - 1]
        return number + 1

    # --- one row ---------------------------------------------------------------------------

    def import_row(self, row, instance_loader, **kwargs):
        if self.file_problem:
            row_result = self.get_row_result_class()()
            row_result.import_type = RowResult.IMPORT_TYPE_SKIP
            return row_result
        return super().import_row(row, instance_loader, **kwargs)

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        instance._import_lists = {}
        for field in self.get_import_fields():
            column = field.column_name
            if not isinstance(field, ListColumn) or column not in row:
                continue
            try:
                instance._import_lists[column] = getattr(self, f"parse_{column}")(row[column], instance=instance)
            except ValueError as exc:
                errors[column] = [str(exc)]
        self.check_key(instance, row, kwargs.get("row_number"), errors)
        if errors:
            raise ValidationError(errors)
        # The record's own columns this file gives (a column left out keeps the stored value).
        instance._import_values = {
            field.attribute: getattr(instance, field.attribute)
            for field in self.get_import_fields()
            if not isinstance(field, ListColumn) and field.column_name in row and field.attribute
        }

    def check_key(self, instance, row, number, errors):
        """Every row needs its natural key, once per file."""
        names = self.get_import_id_fields()
        if any(name in errors for name in names):
            return
        key = tuple(getattr(instance, self.fields[name].attribute) for name in names)
        if any(value in (None, "") for value in key):
            blank = next(name for name, value in zip(names, key, strict=True) if value in (None, ""))
            errors[blank] = [_("Give every row its %(column)s: rows are matched on it.") % {"column": blank}]
            return
        key = tuple(getattr(value, "pk", value) for value in key)
        line = self.file_line(number) if number else None
        if key in self.lines_by_key and self.lines_by_key[key] != line:
            errors[names[-1]] = [
                _("Line %(line)s has the same %(column)s; give each record one row.")
                % {"line": self.lines_by_key[key], "column": names[-1]}
            ]
        self.lines_by_key.setdefault(key, line)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or original is None or original.pk is None:
            return False
        if not super().skip_row(instance, original, row, import_validation_errors):
            return False
        return self.lists_unchanged(instance, instance._import_lists)

    def do_instance_save(self, instance, is_create):
        try:
            with transaction.atomic(), change_set(reason=self.change_reason):
                saved = self.save_record(instance.pk and instance, instance._import_values, instance._import_lists)
        except ValidationError as exc:
            raise ValidationError(self.column_errors(exc)) from exc
        instance.pk = saved.pk

    def column_errors(self, exc: ValidationError) -> dict[str, list[str]]:
        """A service's errors keyed by the file's columns (``rate_periods.1.valid_to`` → ``rate_periods``, item 2)."""
        if not hasattr(exc, "error_dict"):
            return {NON_FIELD_ERRORS: exc.messages}
        columns: dict[str, list[str]] = {}
        for key, messages in exc.message_dict.items():
            match = re.fullmatch(r"(\w+)\.(\d+)(?:\.(\w+))?", key)
            name = match.group(1) if match else key
            column = self.error_columns.get(name, name)
            if match:
                field = f"{match.group(3).replace('_', ' ')}: " if match.group(3) else ""
                messages = [
                    _("item %(number)d: %(error)s") % {"number": int(match.group(2)) + 1, "error": field + m}
                    for m in messages
                ]
            columns.setdefault(column, []).extend(messages)
        return columns

    def save_record(self, record, values: dict, lists: dict):
        """Write the row through the app's service: ``record`` is the stored one (None for a new record), ``values``
        the record's own columns and ``lists`` the parsed list columns. Returns the saved record."""
        raise NotImplementedError

    def lists_unchanged(self, instance, lists: dict) -> bool:
        """True when the stored lists already equal ``lists`` (the row then changes nothing)."""
        return True

    # --- shared list parsers -----------------------------------------------------------------

    def cached(self, kind: str, key: str, find):
        if (kind, key) not in self.lookup_cache:
            self.lookup_cache[(kind, key)] = find()
        return self.lookup_cache[(kind, key)]

    def actor(self, identifier: str) -> Actor:
        actor = self.cached("actor", identifier, lambda: Actor.objects.identified_by(identifier).first())
        if actor is None:
            raise ValueError(_("No actor has the slug or ISO code “%(value)s”.") % {"value": identifier})
        return actor

    def parse_actor_list(self, value) -> list[Actor]:
        actors = [self.actor(item) for item in split_list(value)]
        if len({a.pk for a in actors}) != len(actors):
            raise ValueError(_("An actor is listed twice."))
        return actors

    def parse_citations(self, value, *, instance) -> list[dict]:
        """``URL [field]`` items: sources already recorded, cited as a whole or for one field.

        A citation the record already has keeps its locator and quote.
        """
        kept = {}
        if instance.pk:
            kept = {(c.source_id, c.field_name): c for c in instance.citations.all()}
        citations, seen = [], set()
        for item in split_list(value):
            url, _space, field_name = item.partition(" ")
            field_name = field_name.strip()
            source = self.cached("source", url, lambda url=url: Source.objects.filter(url=url).first())
            if source is None:
                raise ValueError(
                    _("No source has the address %(url)s; import the sources file first or add it in admin.")
                    % {"url": url}
                )
            if (source.pk, field_name) in seen:
                raise ValueError(_("%(url)s is cited twice.") % {"url": url})
            seen.add((source.pk, field_name))
            old = kept.get((source.pk, field_name))
            citations.append(
                {
                    "source": source,
                    "field_name": field_name,
                    "locator": old.locator if old else "",
                    "quote": old.quote if old else "",
                }
            )
        return citations


def stored_citations(record) -> list[dict]:
    return [
        {"source": c.source, "field_name": c.field_name, "locator": c.locator, "quote": c.quote}
        for c in record.citations.select_related("source")
    ]


def citations_signature(citations) -> set:
    return {(c["source"].pk, c["field_name"]) for c in citations}


def render_citations(record) -> str:
    items = []
    for citation in record.citations.select_related("source").order_by("id"):
        label = citation.source.url or f"[{citation.source.title}]"
        items.append(f"{label} {citation.field_name}".strip())
    return "; ".join(items)


# --- Sources --------------------------------------------------------------------------------


class SourceResource(RecordResource):
    """Sources, matched on their URL (a source without an address cannot be imported)."""

    class Meta(RecordResource.Meta):
        model = Source
        name = "Sources"
        fields = ("url", "title", "publisher", "published_on", "language", "kind", "notes")
        import_id_fields = ("url",)

    def save_record(self, record, values, lists):
        return source_save(source=record, values=values)


# --- Events ---------------------------------------------------------------------------------


def render_participants(event) -> str:
    items = []
    for participation in event.participations.select_related("actor").order_by("id"):
        role = "" if participation.role == ParticipantRole.PARTICIPANT else f" {participation.role}"
        items.append(f"{participation.actor.slug}{role}")
    return "; ".join(items)


class EventResource(RecordResource):
    """Events, matched on dispute and reference, saved with their participants and sources by ``event_save``."""

    dispute = Field("dispute", "dispute", widget=RecordWidget(Dispute, "slug", required=True))
    case = Field("case", "case", widget=RecordWidget(Case, "reference"))
    participants = ListColumn("participants", render_participants)
    sources = ListColumn("sources", render_citations)

    class Meta(RecordResource.Meta):
        model = Event
        name = "Events"
        fields = (
            "dispute", "reference", "date", "date_precision", "end_date", "kind", "level", "title", "summary",
            "location", "outcome", "case", "case_stage", "confidence", "participants", "sources",
        )  # fmt: skip
        import_id_fields = ("dispute", "reference")

    def parse_participants(self, value, *, instance) -> list[dict]:
        """``actor [role]`` items, e.g. ``mark-carney host; li-qiang``."""
        participants = []
        for item in split_list(value):
            identifier, _space, role = item.partition(" ")
            role = role.strip() or ParticipantRole.PARTICIPANT
            if role not in ParticipantRole.values:
                raise ValueError(
                    _("Unknown role “%(role)s” for %(actor)s; use one of: %(codes)s.")
                    % {"role": role, "actor": identifier, "codes": ", ".join(ParticipantRole.values)}
                )
            participants.append({"actor": self.actor(identifier), "role": role})
        if len({item["actor"].pk for item in participants}) != len(participants):
            raise ValueError(_("An actor is listed twice."))
        return participants

    def parse_sources(self, value, *, instance) -> list[dict]:
        return self.parse_citations(value, instance=instance)

    def save_record(self, record, values, lists):
        return event_save(
            event=record, values=values, participants=lists.get("participants"), citations=lists.get("sources")
        )

    def lists_unchanged(self, instance, lists):
        if "participants" in lists:
            stored = set(instance.participations.values_list("actor_id", "role"))
            if stored != {(item["actor"].pk, item["role"]) for item in lists["participants"]}:
                return False
        return "sources" not in lists or citations_signature(stored_citations(instance)) == citations_signature(
            lists["sources"]
        )
