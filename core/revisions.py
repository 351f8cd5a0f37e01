"""The public history of a record: its numbered revisions, what each changed, and the record as it was.

django-simple-history writes a row for every save or delete of a recorded model, and each row carries the
change set of the write that made it (``core.change_sets``: one API request, admin save, import run or
dataset load). A reader thinks in edits, not rows, so a **revision** is what one change set did to the
record *with its children* (the child models its ``HistorySpec`` names: a measure's rate periods, an
event's participants). Two edits are two revisions however close in time; a change to the children alone
(a suspension splitting a rate period) is a revision of its own.

Revision 1 is the creation; numbers follow in time. A revision never changes once its change set has
ended, so a revision number is a permalink (``?as_of_revision=N``). Each revision lists what it changed
under the API's field names, foreign keys shown as the API shows them (actor and dispute slugs, case
references, ids); child collections are compared by content, so replacing a rate period by an identical
one changes nothing. The editor's name is filled in only when asked for (staff only).

Reading costs a fixed number of queries, whatever the number of revisions or records.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.db.models import Max
from django.utils.translation import gettext as _
from simple_history.utils import get_m2m_reverse_field_name

from .formatting import plain_decimal

#: What stands for a related record, as in the API; other related records stand as their id.
KEYS = {"disputes.Actor": "slug", "disputes.Dispute": "slug", "disputes.Case": "reference"}
UNTRACKED = ("id", "created_at", "updated_at")


@dataclass(frozen=True)
class Children:
    """Child rows whose changes are changes of their record (a measure's rate periods)."""

    name: str  #: the API field that lists them
    model: type[models.Model]
    parent: str  #: their foreign key to the record
    fields: dict[str, str]  #: model field → API name, for each item
    #: One item as text for the pages, from its values and the texts of its fields (both keyed by API name).
    text: Callable[[dict, dict[str, str]], str] | None = None

    @property
    def label(self) -> str:
        return str(self.model._meta.verbose_name_plural)


@dataclass(frozen=True)
class HistorySpec:
    """What a record's history shows: its own fields (model field → API name; None: every field) and children."""

    fields: dict[str, str] | None = None
    children: tuple[Children, ...] = ()


@dataclass(frozen=True)
class Change:
    field: str  #: API name
    label: str  #: human name, in the active language
    old: object  #: JSON-ready value (an item list for children)
    new: object
    old_text: str
    new_text: str


@dataclass
class Revision:
    """One edit of a record: when, what kind, by whom (empty unless asked for), what changed, and the state after it."""

    number: int
    when: dt.datetime
    kind: str  #: created, changed or deleted
    editor: str
    changes: list[Change]
    #: The record's history row after this edit (its own fields then); ``row.instance`` is the record as it was.
    row: models.Model
    #: Each child collection's history rows after this edit, by API name.
    children: dict[str, list[models.Model]] = field(default_factory=dict)
    #: Each recorded many-to-many field's related ids after this edit, by model field name.
    related_ids: dict[str, list] = field(default_factory=dict)


def revisions(record: models.Model, spec: HistorySpec | None = None, *, editors: bool = False) -> list[Revision]:
    """The revisions of ``record``, oldest first (revision 1 is its creation)."""
    return histories(type(record), [record.pk], spec, editors=editors)[record.pk]


def revision_at(found: list[Revision], number: int) -> Revision | None:
    """Revision ``number`` of a record's revisions, or None when there is none."""
    return found[number - 1] if 1 <= number <= len(found) else None


def histories(
    model: type[models.Model], ids: Iterable, spec: HistorySpec | None = None, *, editors: bool = False
) -> dict[object, list[Revision]]:
    """The revisions of each record of ``model`` in ``ids``, oldest first, in a fixed number of queries."""
    spec = spec or HistorySpec()
    ids = list(ids)
    pk_name = model._meta.pk.name
    own_fields = _own_fields(model, spec)
    users = ("history_user",) if editors else ()
    order = ("history_date", "history_id")

    own_rows = defaultdict(list)
    for row in model.history.filter(**{f"{pk_name}__in": ids}).select_related(*users).order_by(*order):
        own_rows[getattr(row, pk_name)].append(row)
    related_ids = {}  # (m2m field name, history_id) -> ids
    for f, _name in own_fields:
        if f.many_to_many:
            through = getattr(model.history.model, f.name).model
            target = f"{get_m2m_reverse_field_name(f)}_id"
            ids_of = defaultdict(list)
            for history_id, target_id in through.objects.filter(**{f"history__{pk_name}__in": ids}).values_list(
                "history_id", target
            ):
                ids_of[history_id].append(target_id)
            related_ids[f.name] = ids_of
    child_rows = {}
    for child in spec.children:
        parent = child.model._meta.get_field(child.parent).attname
        rows = defaultdict(list)
        for row in child.model.history.filter(**{f"{parent}__in": ids}).select_related(*users).order_by(*order):
            rows[getattr(row, parent)].append(row)
        child_rows[child.name] = rows

    related = _related_objects(own_rows, own_fields, related_ids, child_rows, spec.children)
    columns = _Columns(own_fields, spec.children, related)
    return {
        pk: _revisions_of(
            own_rows.get(pk, []),
            {c.name: child_rows[c.name].get(pk, []) for c in spec.children},
            related_ids,
            columns,
            spec.children,
            editors=editors,
        )
        for pk in ids
    }


def recently_changed(model: type[models.Model], spec: HistorySpec | None, limit: int) -> list:
    """Ids of the ``limit`` records of ``model`` whose history (theirs or their children's) moved last, newest first."""
    spec = spec or HistorySpec()
    sources = [(model, model._meta.pk.name)] + [
        (child.model, child.model._meta.get_field(child.parent).attname) for child in spec.children
    ]
    latest = {}
    for recorded, key in sources:
        rows = (
            recorded.history.values(key)
            .annotate(last=Max("history_date"))
            .order_by("-last", key)
            .values_list(key, "last")[:limit]
        )
        for record_id, last in rows:
            if record_id is not None and (record_id not in latest or last > latest[record_id]):
                latest[record_id] = last
    return sorted(latest, key=lambda pk: (latest[pk], pk), reverse=True)[:limit]


# --- inside ----------------------------------------------------------------------------------


def _own_fields(model, spec: HistorySpec) -> list[tuple[models.Field, str]]:
    if spec.fields is not None:
        return [(model._meta.get_field(name), api_name) for name, api_name in spec.fields.items()]
    recorded_m2m = {f.name for f in getattr(model.history.model, "_history_m2m_fields", [])}
    return [
        (f, f.name)
        for f in [*model._meta.concrete_fields, *model._meta.many_to_many]
        if f.name not in UNTRACKED and (not f.many_to_many or f.name in recorded_m2m)
    ]


def _related_objects(own_rows, own_fields, related_ids, child_rows, children) -> dict[type, dict]:
    """The records foreign keys point to, one query per related model."""
    wanted = defaultdict(set)
    rows = [row for found in own_rows.values() for row in found]
    for f, _name in own_fields:
        if f.many_to_many:
            wanted[f.related_model].update(i for ids in related_ids[f.name].values() for i in ids)
        elif f.is_relation:
            wanted[f.related_model].update(getattr(row, f.attname) for row in rows)
    for child in children:
        child_fields = [child.model._meta.get_field(name) for name in child.fields]
        for f in child_fields:
            if f.is_relation:
                for found in child_rows[child.name].values():
                    wanted[f.related_model].update(getattr(row, f.attname) for row in found)
    return {
        related_model: related_model._default_manager.in_bulk([i for i in found if i is not None])
        for related_model, found in wanted.items()
        if any(i is not None for i in found)
    }


def plain(value):
    """A value as JSON carries it: dates in ISO 8601, decimals as plain strings ("75.8", "100")."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return plain_decimal(value)
    return value


class _Columns:
    """Renders fields of history rows as (value, text) pairs: the API's value and the pages' text."""

    def __init__(self, own_fields, children, related):
        self.own_fields = own_fields
        self.children = children
        self.related = related
        self.child_fields = {
            child.name: [(child.model._meta.get_field(name), api_name) for name, api_name in child.fields.items()]
            for child in children
        }

    def related_value(self, f, pk):
        obj = self.related.get(f.related_model, {}).get(pk)
        if obj is None:
            return pk, "" if pk is None else str(pk)
        key = KEYS.get(f.related_model._meta.label, "pk")
        return getattr(obj, key), str(obj)

    def value(self, f, raw):
        if f.is_relation:
            return self.related_value(f, raw)
        if raw is None or raw == "":
            return raw, ""
        if f.choices:
            return raw, str(dict(f.flatchoices).get(raw, raw))
        if isinstance(raw, bool):
            return raw, _("yes") if raw else _("no")
        value = plain(raw)
        return value, str(value)

    def many(self, f, ids):
        pairs = sorted((self.related_value(f, pk) for pk in ids), key=lambda pair: str(pair[0]))
        return [value for value, _text in pairs], ", ".join(text for _value, text in pairs)

    def items(self, child: Children, rows):
        items = []
        for row in rows:
            pairs = {api_name: self.value(f, getattr(row, f.attname)) for f, api_name in self.child_fields[child.name]}
            values = {name: value for name, (value, _text) in pairs.items()}
            texts = {name: text for name, (_value, text) in pairs.items()}
            text = child.text(values, texts) if child.text else ", ".join(t for t in texts.values() if t)
            items.append((values, text))
        items.sort(key=lambda item: [str(value) for value in item[0].values()])  # by first field: valid_from …
        return [value for value, _text in items], "; ".join(text for _value, text in items)


def _edits(own, children_rows: dict[str, list]) -> list[list[tuple]]:
    """The rows of a record and its children grouped by change set, in time order (see the module's docstring)."""
    stream = [(row.history_date, 0, row.history_id, None, row) for row in own]
    for name, rows in children_rows.items():
        stream.extend((row.history_date, 1, row.history_id, name, row) for row in rows)
    stream.sort(key=lambda item: item[:3])
    edits: dict[object, list] = {}
    alias: dict[object, object] = {}
    first, seen_record = None, False
    # Until the record's own first row, everything belongs to the first edit, so each edit has a record row.
    for _when, _order, _id, name, row in stream:
        key = row.change_set or ("row", name, row.history_id)  # a row outside any change set stands alone
        if not seen_record:
            first = first if first is not None else key
            alias[key] = first
            seen_record = name is None
        key = alias.get(key, key)
        edits.setdefault(key, []).append((name, row))
    return list(edits.values())


def _editor(rows) -> str:
    user = next((row.history_user for _name, row in rows if row.history_user_id), None)
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def _revisions_of(own, children_rows, related_ids, columns: _Columns, children, *, editors) -> list[Revision]:
    if not own:
        return []  # recorded before history was kept: nothing to show
    labels = {api_name: str(f.verbose_name) for f, api_name in columns.own_fields}
    labels.update({child.name: child.label for child in children})
    result = []
    record = None
    alive = {name: {} for name in children_rows}
    previous = None
    for rows in _edits(own, children_rows):
        for name, row in rows:
            if name is None:
                record = row
            elif row.history_type == "-":
                alive[name].pop(_record_pk(row), None)
            else:
                alive[name][_record_pk(row)] = row
        types = {row.history_type for name, row in rows if name is None}
        kind = "created" if "+" in types else "deleted" if "-" in types else "changed"
        snapshot = {}
        for f, api_name in columns.own_fields:
            if f.many_to_many:
                snapshot[api_name] = columns.many(f, related_ids[f.name].get(record.history_id, []))
            else:
                snapshot[api_name] = columns.value(f, getattr(record, f.attname))
        for child in children:
            snapshot[child.name] = columns.items(child, alive[child.name].values())
        changes = []
        if previous is not None:
            changes = [
                Change(name, labels[name], previous[name][0], value, previous[name][1], text)
                for name, (value, text) in snapshot.items()
                if previous[name][0] != value
            ]
        result.append(
            Revision(
                number=len(result) + 1,
                when=rows[-1][1].history_date,
                kind=kind,
                editor=_editor(rows) if editors else "",
                changes=changes,
                row=record,
                children={name: list(found.values()) for name, found in alive.items()},
                related_ids={
                    f.name: related_ids[f.name].get(record.history_id, [])
                    for f, _n in columns.own_fields
                    if f.many_to_many
                },
            )
        )
        previous = snapshot
    return result


def _record_pk(row):
    """The id of the row a history row records (``history_id`` is the history row's own)."""
    return getattr(row, row.instance_type._meta.pk.attname)
