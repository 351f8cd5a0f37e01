"""Helpers of the fast list rows (rows built straight from ``values()`` queries) that know no domain."""

import datetime as dt
import functools
import json
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connections
from django.db.models import F

from core.i18n import chosen

from .prepared import Late, OneOf, ServerStatement, Slot, ids_field


def base_url(request) -> str:
    """The scheme and host the request came to ("https://tradewatch.example"), empty without a request."""
    return request.build_absolute_uri("/")[:-1] if request is not None else ""


def grouped_rows(rows, build) -> dict:
    """``build(row[1:])`` for each of ``rows``, grouped by its first column (the key), in their order."""
    groups = defaultdict(list)
    for row in rows:
        groups[row[0]].append(build(row[1:]))
    return groups


_compiled: dict = {}


def _nested_sql(queryset, key: str, columns: tuple[str, ...]) -> tuple[str, tuple]:
    """The statement of a nested list: ``(key, *columns)`` of the rows of ``queryset`` whose ``key`` is one of the
    ids (``Slot(0)``, one array), as Django compiles it."""
    query = queryset.filter(OneOf(F(key), Late(0, ids_field())))
    sql, params = query.values_list(key, *columns).query.sql_with_params()
    if sum(isinstance(param, Slot) for param in params) != 1:
        raise ImproperlyConfigured(f"Cannot compile the nested rows of {queryset.model.__name__} by {key}.")
    return sql, tuple(params)


def rows_of(queryset, key: str, columns: tuple[str, ...], ids) -> list[tuple]:
    """``(key, *columns)`` of the rows of ``queryset`` (a model's rows in order, unfiltered) whose ``key`` is one
    of ``ids``: a page's nested list.

    A page's nested lists differ only by the ids of the page, yet the ORM compiled each anew, a few
    milliseconds of every list request. On PostgreSQL the statement (``key = ANY(%s)``, the ids as one array)
    is compiled once per process, prepared once per connection (``ServerStatement``) and run with each page's
    ids; elsewhere the ORM runs it as usual.
    """
    ids = list(ids)
    if not ids:
        return []
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return list(queryset.filter(**{f"{key}__in": ids}).values_list(key, *columns))
    cache_key = (queryset.db, queryset.model, tuple(queryset.query.order_by), key, columns)
    compiled = _compiled.get(cache_key)
    if compiled is None:
        compiled = _compiled[cache_key] = ServerStatement(*_nested_sql(queryset, key, columns), ("bigint[]",))
    return compiled.rows(connection, [ids])


#: How a JSON value of a column of each PostgreSQL type (by OID) becomes what psycopg2 reads from that column;
#: None: as JSON gives it. A nested list with a column of a type not here is read by its own statement.
_FROM_JSON = {
    16: None, 20: None, 21: None, 23: None, 25: None, 1043: None,  # bool, integers, text, varchar
    1082: dt.date.fromisoformat,
    1184: dt.datetime.fromisoformat,  # timestamptz, written with its offset (the connection's time zone is UTC)
    1700: Decimal,  # numeric: a whole number comes as an int, the others already as Decimal (_DECODER)
}  # fmt: skip
_DECODER = json.JSONDecoder(parse_float=Decimal)


class NestedLists:
    """A page's nested lists (each ``(queryset, key, columns)`` as ``rows_of`` takes them), read together.

    Each nested list was a statement of its own: a round trip, and PostgreSQL's work of binding and running a
    statement, six times for a page of measures. On PostgreSQL one statement reads them all, each list as one
    JSON array of its rows in the list's order, parsed back into the values psycopg2 reads from those columns
    (dates, timestamps, decimals by the column's type). Elsewhere, or when a column has a type JSON would not
    give back exactly, each list is read by ``rows_of``.
    """

    def __init__(self, *lists: tuple):
        self.lists = lists
        self._combined: dict = {}  # by database alias: (ServerStatement, converters of each list), or None

    def read(self, ids) -> list[list[tuple]]:
        """The rows of each list whose key is one of ``ids``, in the lists' order: what ``rows_of`` reads."""
        ids = list(ids)
        if not ids:
            return [[] for _ in self.lists]
        using = self.lists[0][0].db
        connection = connections[using]
        combined = self._combined.get(using, False) if connection.vendor == "postgresql" else None
        if combined is False:
            combined = self._combine(connection)
        if combined is None:
            return [rows_of(queryset, key, columns, ids) for queryset, key, columns in self.lists]
        statement, converters = combined
        (texts,) = statement.rows(connection, [ids])
        return [_parsed(text, convert) for text, convert in zip(texts, converters, strict=True)]

    def _combine(self, connection):
        """The combined statement and each list's converters, or None (kept) when a column's type is not one JSON
        gives back exactly. Each list's column types are read once, from a run of its statement with no ids."""
        parts, params, converters = [], [], []
        for queryset, key, columns in self.lists:
            sql, list_params = _nested_sql(queryset, key, columns)
            try:
                types = _column_types(connection, sql, list_params)
            except DatabaseError:
                if connection.in_atomic_block:
                    raise  # the transaction is broken: as any statement's error (ServerStatement's PREPARE alike)
                return None  # not kept: read list by list this time
            if any(oid not in _FROM_JSON for oid in types):
                self._combined[connection.alias] = None
                return None
            aliases = ", ".join(f"c{i}" for i in range(len(types)))
            parts.append(  # compiled by Django; every value is a parameter
                f"(SELECT COALESCE(json_agg(json_build_array({aliases})), '[]')::text"  # noqa: S608  # nosec B608
                f" FROM ({sql}) AS t({aliases}))"
            )
            params += list_params
            converters.append(tuple((i, _FROM_JSON[oid]) for i, oid in enumerate(types) if _FROM_JSON[oid]))
        combined = ServerStatement(f"SELECT {', '.join(parts)}", params, ("bigint[]",))
        self._combined[connection.alias] = combined, tuple(converters)
        return self._combined[connection.alias]


def _column_types(connection, sql: str, params) -> list[int]:
    """The PostgreSQL type (OID) of each column of a nested list's statement, from a run with no ids; outside
    the logged statements, as ``ServerStatement``'s PREPARE."""
    connection.ensure_connection()
    with connection.wrap_database_errors, connection.connection.cursor() as cursor:
        cursor.execute(sql, [[] if isinstance(param, Slot) else param for param in params])
        return [column.type_code for column in cursor.description]


def _parsed(text: str, converters: tuple) -> list[tuple]:
    rows = _DECODER.decode(text)
    for row in rows if converters else ():
        for position, convert in converters:
            if row[position] is not None and not isinstance(row[position], Decimal):
                row[position] = convert(row[position])
    return [tuple(row) for row in rows]


def pages(queryset, size: int):
    """The rows of ``queryset`` in lists of ``size``, read through one server-side cursor: a whole list (a CSV
    download, an export) streams in pages shaped like the API's, never all in memory at once."""
    page = []
    for row in queryset.iterator(chunk_size=size):
        page.append(row)
        if len(page) == size:
            yield page
            page = []
    if page:
        yield page


class RowShape:
    """The keys of a fast row are the fields of ``serializer_class``, in its order, each built by one function.

    ``builders`` maps each field name to ``build(row, extra)``: ``row`` is a ``values()`` dict and ``extra``
    what the page fetched besides (nested lists, base address). A serializer field without a builder, or a
    builder for a field the serializer lacks, is an error on first use: the fast rows cannot drift from it.
    """

    def __init__(self, serializer_class, builders: dict):
        self.serializer_class = serializer_class
        self.builders = builders

    @functools.cached_property
    def fields(self) -> tuple:
        """(name, builder) for each field of the serializer, in its order."""
        names = tuple(self.serializer_class().fields)  # built once: after the apps are ready
        missing, extra = set(names) - set(self.builders), set(self.builders) - set(names)
        if missing or extra:
            raise ImproperlyConfigured(
                f"The fast rows of {self.serializer_class.__name__} lack {sorted(missing)} and have {sorted(extra)}"
                " it does not: give every serializer field a builder, and only those."
            )
        return tuple((name, self.builders[name]) for name in names)

    def build(self, row: dict, extra) -> dict:
        return {name: build(row, extra) for name, build in self.fields}


def column(name: str):
    """A builder that copies the ``values()`` column ``name`` as it is."""
    return lambda row, extra: row[name]


def translated_column(name: str):
    """A builder of the text column ``name`` in the language asked (the ``values()`` row also holds ``name_fr``)."""
    french_name = f"{name}_fr"
    return lambda row, extra: chosen(row[name], row.get(french_name), extra["french"])
