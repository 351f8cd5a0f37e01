"""List statements prepared once per shape of request and run with each request's values.

A journalist's reads differ by their values (which day, which actor, which kind of event) far more than by their
shape (which filters are given, which ordering). Building the filtered queryset with the ORM and compiling it
took most of an uncached list read, yet a shape's statement is the same whatever the values. So the first read
of a shape runs the FilterSet's filters once more with a placeholder (``Late``) in place of each value and keeps
the compiled statements (the page, the count); every later read of that shape only binds its values. The filters
and the queryset methods they call (``tariffs.querysets``, ``disputes.querysets``) stay the one home of every rule:
they build the prepared statement as they build any other, from placeholders instead of values.

A shape is used only once its statements are the ORM's own for the request's values (the same SQL and, bound,
the same parameters), checked at its first read in a process. A shape that differs (a filter that branches on
its value or rewrites it, as ``startswith`` escapes a prefix) is never prepared: its reads go through the ORM as
before, and the difference is logged. With ``PREPARED_READS_CHECK = "every"`` (the tests) every read is checked
and a difference is an error. Only PostgreSQL reads are prepared.

A search (``q``) is prepared too (``SearchStatements``): its newest matches are found first, as
``core.search.newest_matches`` finds them, then its page among them; when more match than the list holds, the
page is read among the newest with one more condition (at or after the last kept), checked at its first use.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
import re
import threading
import weakref
from collections import OrderedDict

from django.conf import settings
from django.core.exceptions import FieldError
from django.db import DatabaseError, connections
from django.db.models import (
    BigIntegerField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    Expression,
    F,
    Func,
    IntegerField,
    Model,
)
from django_filters import OrderingFilter
from django_filters.constants import EMPTY_VALUES

from core import search

logger = logging.getLogger(__name__)

#: Shapes kept per process (their statements, or that they cannot be prepared); the oldest used go first.
SHAPES_KEPT = 512


class PreparedReadMismatch(AssertionError):
    """A prepared statement differs from the ORM's for the same request (raised when every read is checked)."""


class Unpreparable(Exception):
    """This request's shape is read through the ORM."""


class Slot:
    """Where a request's value goes in a prepared statement's parameters."""

    __slots__ = ("index",)

    def __init__(self, index: int):
        self.index = index

    def __repr__(self):
        return f"<slot {self.index}>"


class Late(Expression):
    """A request's value, bound when a prepared statement runs: it compiles to one placeholder."""

    def __init__(self, slot: int, output_field):
        super().__init__(output_field=output_field)
        self.slot = slot

    def as_sql(self, compiler, connection):
        return "%s", [Slot(self.slot)]

    def __repr__(self):
        return f"Late({self.slot})"


#: The field a value of each plain type is written to the database as (fields hold no state: shared by every read).
_FIELDS = {"datetime": DateTimeField(), "date": DateField(), "str": CharField(), "int": IntegerField()}


def _kind(value) -> str:
    """The name of a plain value's type (a key of ``_FIELDS``), or ``Unpreparable``."""
    if isinstance(value, dt.datetime):
        return "datetime"
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, str):
        return "str"
    if isinstance(value, int) and not isinstance(value, bool):
        return "int"
    raise Unpreparable(type(value).__name__)


def _late(value, values: list) -> tuple[Late, str]:
    """A placeholder for ``value`` (kept in ``values`` at its slot) and the name of its type, for the shape."""
    if isinstance(value, Model):
        field, kind = type(value)._meta.pk, type(value)._meta.label
    else:
        kind = _kind(value)
        field = _FIELDS[kind]
    values.append((value, field))
    return Late(len(values) - 1, field), kind


def template(filterset) -> tuple[tuple, dict, list]:
    """The shape of a validated ``filterset``'s request, its cleaned data with placeholders, and the values.

    A filter with a ``prepared_value`` (a search) binds that of its value. Raises ``Unpreparable`` for a list of
    more than one value (django-filter walks a set of them, in no fixed order), a value of another type, or a
    ``prepared_value`` that is empty.
    """
    shape, cleaned, values = [], {}, []
    for name, value in filterset.form.cleaned_data.items():
        if value in EMPTY_VALUES:
            cleaned[name] = value  # every filter skips an empty value
            continue
        prepare = getattr(filterset.filters[name], "prepared_value", None)
        if prepare is not None:  # the filter reads this of its value (a search, its searchable text)
            value = prepare(value)
            if value in EMPTY_VALUES:
                raise Unpreparable(name)  # a filter may treat an empty value apart (nothing to search)
        if isinstance(filterset.filters[name], OrderingFilter) or isinstance(value, bool):
            cleaned[name] = value  # a checked choice: part of the shape itself
            shape.append((name, repr(value)))
        elif isinstance(value, list | tuple):
            distinct = list(dict.fromkeys(value))
            if len(distinct) != 1:
                raise Unpreparable(name)
            late, kind = _late(distinct[0], values)
            cleaned[name] = [late]
            shape.append((name, "one of", kind))
        else:
            cleaned[name], kind = _late(value, values)
            shape.append((name, kind))
    return tuple(shape), cleaned, values


_PLACEHOLDER = re.compile(r"%%|%s")
#: By raw database connection: the names of the statements PREPAREd on it (a new connection starts empty).
_prepared_on: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


#: The statements in use, by name (``statement_text``).
_named: weakref.WeakValueDictionary = weakref.WeakValueDictionary()


def statement_text(name: str) -> str | None:
    """The text of the statement a logged ``EXECUTE name(…)`` runs (``$n``: its values), if it is in use here."""
    statement = _named.get(name)
    return statement.text if statement is not None else None


def _listed(items) -> str:
    """``(a, b)``, or nothing for no items: PostgreSQL refuses ``PREPARE name() …`` and ``EXECUTE name()``."""
    return f"({', '.join(items)})" if items else ""


class ServerStatement:
    """A statement PREPAREd once on each PostgreSQL connection, then EXECUTEd with each read's values.

    PostgreSQL planned a list's statements afresh at every read, and planning cost as much as running them (a page
    of measures on a date: 1.5 ms of planning, 1.2 ms of running). ``sql`` is Django's (``%s`` placeholders);
    each parameter is a fixed value, written into the prepared statement, or a ``Slot`` that each read fills:
    ``types`` gives each slot's SQL type, by index. The PREPARE runs once per connection, outside the logged
    statements (as Django's own connection set-up does); a statement PostgreSQL refuses to prepare is run as it is.
    """

    def __init__(self, sql: str, params, types: tuple[str, ...]):
        self.sql, self.params, self.types = sql, tuple(params), types
        self.name = None  # set at the first PREPARE, from its text
        self.text = None
        self.refused = False

    def rows(self, connection, values) -> list[tuple]:
        """The rows of the statement with ``values`` in its slots (in slot order)."""
        with connection.cursor() as cursor:
            if self.refused or not self._prepared(connection, cursor):
                cursor.execute(self.sql, _filled(self.params, values))
            else:
                cursor.execute(f"EXECUTE {self.name}{_listed(['%s'] * len(self.types))}", list(values))
            return cursor.fetchall()

    def _prepared(self, connection, cursor) -> bool:
        raw = connection.connection
        names = _prepared_on.setdefault(raw, set())
        if self.text is None:
            self.text = self._numbered(cursor)
            self.name = "tw_" + hashlib.sha256(self.text.encode()).hexdigest()[:24]
            _named[self.name] = self
        if self.name in names:
            return True
        if connection.in_atomic_block and connection.needs_rollback:
            return False
        try:
            # Not a read's statement: once per connection, as Django's own SET statements.
            with connection.wrap_database_errors, raw.cursor() as setup:
                setup.execute(f"PREPARE {self.name}{_listed(self.types)} AS {self.text}")
        except DatabaseError:
            if connection.in_atomic_block:
                raise
            logger.exception("PostgreSQL refused to prepare %s; it runs unprepared.", self.name)
            self.refused = True
            return False
        names.add(self.name)
        return True

    def _numbered(self, cursor) -> str:
        """The statement with each slot as ``$n`` and each fixed value written in (by psycopg2, as it quotes any)."""
        params = iter(self.params)

        def replace(match):
            if match.group() == "%%":
                return "%"
            param = next(params)
            if isinstance(param, Slot):
                return f"${param.index + 1}"
            return cursor.mogrify("%s", [param]).decode()

        text = _PLACEHOLDER.sub(replace, self.sql)
        if next(params, replace) is not replace:
            raise ValueError("More parameters than placeholders.")
        return text


def _filled(params, slots: list) -> list:
    """``params`` with each ``Slot`` replaced by its value in ``slots``."""
    return [slots[param.index] if isinstance(param, Slot) else param for param in params]


def slot_values(values: list, connection) -> list:
    """The request's values (``template``'s: value and field) as the database takes them, in slot order."""
    return [field.get_db_prep_value(v.pk if isinstance(v, Model) else v, connection) for v, field in values]


class Statements:
    """The page and count statements of one shape, with ``Slot`` parameters for the request's values."""

    def __init__(
        self, page_sql: str, page_params, names: tuple[str, ...], count_sql: str, count_params, converters=(),
        types: tuple[str, ...] = (),
    ):  # fmt: skip
        self.page_sql, self.page_params, self.names = page_sql, tuple(page_params), names
        self.count_sql, self.count_params = count_sql, tuple(count_params)
        #: ``(position, (converters, expression))`` of the page's columns Django converts after reading them.
        self.converters = tuple(converters)
        #: The SQL type of each slot, for the statements PREPAREd on the server.
        self.types = types

    @classmethod
    def of(cls, values_queryset, queryset, types: tuple[str, ...] = ()) -> Statements:
        """The statements of ``values_queryset`` (the page's rows) and ``queryset`` (what is counted); ``types``:
        the SQL type of each slot."""
        query = values_queryset.query
        compiler = query.get_compiler(using=values_queryset.db)
        page_sql, page_params = compiler.as_sql()
        # What Django does to a column's value after reading it (a JSON field's parsing, an expression's int()).
        columns = [column for column, _, _ in compiler.select[: compiler.col_count]]
        converters = tuple(compiler.get_converters(columns).items())
        # As Django's ValuesIterable names a row's columns.
        names = tuple(query.selected or (*query.extra_select, *query.values_select, *query.annotation_select))
        counted = queryset.order_by().values("pk")
        inner_sql, count_params = counted.query.get_compiler(using=counted.db).as_sql()
        # Compiled by Django; every value is a parameter.
        count_sql = f"SELECT COUNT(*) FROM ({inner_sql}) AS counted"  # noqa: S608  # nosec B608
        return cls(page_sql, page_params, names, count_sql, count_params, converters, types)

    def read(self, slots: list, using: str) -> Read:
        return Read(self, slots, using)

    def same_as(self, orm: Statements, slots: list) -> bool:
        """Whether these statements, with ``slots`` filled in, are ``orm``'s (the ORM's for the same request)."""
        return (
            _plain(self.page_sql) == _plain(orm.page_sql)
            and self.names == orm.names
            and _plain(self.count_sql) == _plain(orm.count_sql)
            and _filled(self.page_params, slots) == list(orm.page_params)
            and _filled(self.count_params, slots) == list(orm.count_params)
        )

    @functools.cached_property
    def _server(self) -> tuple[ServerStatement, ServerStatement]:
        """The page and count statements as ``ServerStatement``s; the page's window is two more slots."""
        window = (Slot(len(self.types)), Slot(len(self.types) + 1))
        page = ServerStatement(
            f"{self.page_sql} LIMIT %s OFFSET %s", (*self.page_params, *window), (*self.types, "bigint", "bigint")
        )
        return page, ServerStatement(self.count_sql, self.count_params, self.types)

    def page(self, slots: list, window: slice, using: str) -> list[dict]:
        """The rows of the page ``window`` (a slice with a start and a stop), as ``values()`` dicts; ``slots``: the
        request's values (``slot_values``)."""
        connection = connections[using]
        statement, _ = self._server
        width = len(self.names)  # past it: the ordering's columns a DISTINCT statement also selects
        rows = [
            list(row[:width]) for row in statement.rows(connection, [*slots, window.stop - window.start, window.start])
        ]
        for row in rows if self.converters else ():  # as Django's compiler applies them
            for position, (converters, expression) in self.converters:
                for convert in converters:
                    row[position] = convert(row[position], expression, connection)
        return [dict(zip(self.names, row, strict=True)) for row in rows]

    def count(self, slots: list, using: str) -> int:
        _, statement = self._server
        return statement.rows(connections[using], slots)[0][0]


def _plain(sql: str) -> str:
    """``sql`` without the parentheses a lookup puts around an expression's lone placeholder (``= (%s)`` for a
    ``Late``, ``= %s`` for a value): they change nothing, and the parameters are compared too."""
    return sql.replace("(%s)", "%s")


class OneOf(Func):
    """``column = ANY(array)``: one placeholder, however many ids."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra):
        column, column_params = compiler.compile(self.source_expressions[0])
        array, array_params = compiler.compile(self.source_expressions[1])
        return f"{column} = ANY({array})", [*column_params, *array_params]


@functools.cache
def ids_field():
    from django.contrib.postgres.fields import ArrayField

    return ArrayField(BigIntegerField())


class _Bound(Expression):
    """A value as one placeholder, as ``Late`` compiles (a ``Value`` of an array adds a cast)."""

    def __init__(self, value, output_field):
        super().__init__(output_field=output_field)
        self.value = value

    def as_sql(self, compiler, connection):
        return "%s", [self.value]


def _by_ids(queryset, ids) -> object:
    """``queryset``'s records whose primary key is one of ``ids`` (a list, or a placeholder for one)."""
    ids = ids if isinstance(ids, Late) else _Bound(ids, ids_field())
    return queryset.order_by().filter(OneOf(F("pk"), ids))


class Read:
    """One request's read of a prepared shape: its page, and how many records the list holds."""

    #: The list's length when the read knows it without counting (a search's matches), else None.
    found: int | None = None
    #: Whether more records match than the list holds (a search), else None.
    more_matches: bool | None = None

    def __init__(self, statements: Statements, slots: list, using: str):
        self.statements, self.slots, self.using = statements, slots, using

    def page(self, window: slice) -> list[dict]:
        return self.statements.page(self.slots, window, self.using)

    def count(self) -> int:
        return self.statements.count(self.slots, self.using)

    def same_as(self, view, orm) -> bool:
        """Whether this read's statements are those the ORM builds for the same request (``orm``: its queryset)."""
        return self.statements.same_as(Statements.of(view.values_of(orm), orm), self.slots)

    #: Whether the statements this read runs were checked at an earlier read (a shape's are, once kept).
    checked_before = True

    def mark_checked(self) -> None:
        """This read's statements were found to be the ORM's."""


class SearchStatements:
    """The statements of a search's shape (``core.search``): its newest matches first, then the page's ids and
    rows when ranked, or the page's rows in the order asked. ``cut``: the same, for matches past the limit, cut at
    the last one kept (whose ordering columns are more slots)."""

    def __init__(self, newest, ordering, ordering_fields, whole: tuple, cut: tuple, types: tuple[str, ...]):
        self.newest = ServerStatement(*newest, types)
        self.newest_sql, self.newest_params = newest
        self.ordering, self.ordering_fields = ordering, ordering_fields
        self.whole, self.cut = whole, cut
        #: The pages checked against the ORM's ("whole", "cut"): a shape's first read uses only one of them.
        self.checked = set()

    @classmethod
    def of(cls, view, filtered, types: tuple[str, ...], connection) -> SearchStatements:
        """The statements of ``filtered`` (a search's matches, its values placeholders)."""
        limit = settings.SEARCH_MATCH_LIMIT
        ordering = search.newest_ordering(filtered.model)
        newest = search.newest_statement(filtered, ordering, limit + 1)
        if newest is None:
            raise Unpreparable("not one search condition")
        fields = [filtered.model._meta.get_field(name) for name, _ in ordering]
        after = [Late(len(types) + i, field) for i, field in enumerate(fields)]
        cut_types = (*types, *(field.cast_db_type(connection) for field in fields))
        return cls(
            newest, ordering, fields, _search_page(view, filtered, types),
            _search_page(view, filtered.filter(search.at_or_after(ordering, after)), cut_types), types,
        )  # fmt: skip

    def read(self, slots: list, using: str) -> SearchRead:
        return SearchRead(self, slots, using)


def _search_page(view, filtered, types: tuple[str, ...]) -> tuple:
    """``(ranked, first, rows)``: when ranked, the page's ids (``first``) then their rows by id (``rows``, one more
    slot: the ids); else the page's rows (``first``)."""
    if not search.is_ranked(filtered):
        return False, Statements.of(view.values_of(filtered), filtered, types), None
    ids = filtered.values("pk")
    rows = view.values_of(_by_ids(filtered, Late(len(types), ids_field())))
    return True, Statements.of(ids, ids, types), Statements.of(rows, rows, (*types, "bigint[]"))


class SearchRead(Read):
    """A search's read: its newest matches are found first (at most ``SEARCH_MATCH_LIMIT``, counted as they are
    found), as ``core.search.newest_matches`` finds them; the page is then read among them."""

    def __init__(self, statements: SearchStatements, slots: list, using: str):
        connection = connections[using]
        limit = settings.SEARCH_MATCH_LIMIT
        rows = statements.newest.rows(connection, slots)
        self.request_slots = slots
        self.last_kept = None
        if len(rows) > limit:  # the list is cut at its limit-th newest match
            self.last_kept = rows[limit - 1]
            fields = zip(statements.ordering_fields, self.last_kept, strict=True)
            slots = [*slots, *(field.get_db_prep_value(value, connection) for field, value in fields)]
        super().__init__(statements, slots, using)
        self.found, self.more_matches = min(len(rows), limit), len(rows) > limit
        self.variant = "whole" if self.last_kept is None else "cut"
        self.ranked, self.first, self.rows = getattr(statements, self.variant)

    @property
    def checked_before(self) -> bool:
        return self.variant in self.statements.checked

    def mark_checked(self) -> None:
        self.statements.checked.add(self.variant)

    def page(self, window: slice) -> list[dict]:
        if not self.ranked:
            return self.first.page(self.slots, window, self.using)
        # As ``ranked_page``: ranked on the ids alone, then only the page's rows read whole.
        ids = [row["pk"] for row in self.first.page(self.slots, window, self.using)]
        if not ids:
            return []
        rows = {row["id"]: row for row in self.rows.page([*self.slots, ids], slice(0, len(ids)), self.using)}
        return [rows[pk] for pk in ids if pk in rows]

    def count(self) -> int:
        return self.found

    def same_as(self, view, orm) -> bool:
        statements = self.statements
        newest = search.newest_statement(orm, statements.ordering, settings.SEARCH_MATCH_LIMIT + 1)
        if newest is None or _plain(newest[0]) != _plain(statements.newest_sql):
            return False
        if _filled(statements.newest_params, self.request_slots) != list(newest[1]):
            return False
        if self.last_kept is not None:
            orm = orm.filter(search.at_or_after(statements.ordering, self.last_kept))
        if search.is_ranked(orm) != self.ranked:
            return False
        if not self.ranked:
            return self.first.same_as(Statements.of(view.values_of(orm), orm), self.slots)
        ids, sample = orm.values("pk"), [0]  # any ids: the statement's, with the same in its slot
        rows = view.values_of(_by_ids(orm, sample))
        return self.first.same_as(Statements.of(ids, ids), self.slots) and self.rows.same_as(
            Statements.of(rows, rows), [*self.slots, sample]
        )


#: By (viewset class, database, shape, search limits): a shape's statements, or None when it is read through the ORM.
_kept: OrderedDict = OrderedDict()


def prepared(view, filterset, queryset, *, searches: bool = True) -> Read | None:
    """This request's read through the statements of its shape, or None: read it through the ORM
    (``filterset.qs``).

    ``filterset`` is validated; ``queryset`` is the view's unfiltered queryset; ``view.values_of`` turns a
    filtered queryset into the page's ``values()`` query. ``searches=False``: None for a search (a whole-list
    download holds every match, not the newest ``SEARCH_MATCH_LIMIT``).
    """
    if connections[queryset.db].vendor != "postgresql" or settings.PREPARED_READS_CHECK == "off":
        return None
    try:
        shape, cleaned, values = template(filterset)
    except Unpreparable:
        return None
    key = (type(view), queryset.db, shape, settings.SEARCH_MATCH_LIMIT, search.WALK_ROWS)
    statements = _kept.get(key, _kept)
    if statements is None:
        return None
    fresh = statements is _kept
    connection = connections[queryset.db]
    if statements is _kept:
        try:
            statements = _statements(view, filterset, queryset, cleaned, values, connection)
        except Unpreparable:  # a shape the ORM reads (a search that is not one condition of the filters)
            _keep(key, None)
            return None
        except (TypeError, ValueError, AttributeError, FieldError):
            if settings.PREPARED_READS_CHECK == "every":
                raise
            logger.exception("%s: the filters of %s cannot take placeholders.", type(view).__name__, shape)
            _keep(key, None)  # read through the ORM from now on
            return None
    if not searches and isinstance(statements, SearchStatements):
        _keep(key, statements)  # a search's pages are checked at their first read (``SearchRead.checked_before``)
        return None
    read = statements.read(slot_values(values, connection), queryset.db)
    if fresh or settings.PREPARED_READS_CHECK == "every" or not read.checked_before:
        if not read.same_as(view, filterset.qs):
            message = f"{type(view).__name__}: the prepared statement of {shape} differs from the ORM's"
            if settings.PREPARED_READS_CHECK == "every":
                raise PreparedReadMismatch(message)
            logger.warning("%s; this shape is read through the ORM.", message)
            statements = read = None
        else:
            read.mark_checked()
    _keep(key, statements)
    return read


def _statements(view, filterset, queryset, cleaned: dict, values: list, connection) -> Statements | SearchStatements:
    """The statements of a shape: the FilterSet's own filters run on placeholders (``cleaned``), the slots typed
    as ``values``' fields."""
    placeholder = type(filterset)(filterset.data, queryset=queryset, request=filterset.request)
    placeholder.form.cleaned_data = cleaned  # validated already, as ``filterset``
    filtered = placeholder.filter_queryset(queryset.all())
    types = tuple(field.cast_db_type(connection) for _, field in values)
    if search.is_search(filtered):
        return SearchStatements.of(view, filtered, types, connection)
    return Statements.of(view.values_of(filtered), filtered, types)


def _keep(key, statements) -> None:
    with _keeping:  # a threaded server's requests may keep shapes at once
        _kept[key] = statements
        _kept.move_to_end(key)
        while len(_kept) > SHAPES_KEPT:
            _kept.popitem(last=False)


_keeping = threading.Lock()
