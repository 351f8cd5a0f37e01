"""Helpers of the fast list rows (rows built straight from ``values()`` queries) that know no domain."""

import functools
from collections import defaultdict

from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.models import F

from core.i18n import chosen

from .prepared import Late, OneOf, ServerStatement, Slot, ids_field


def base_url(request) -> str:
    """The scheme and host the request came to ("https://tradewatch.example"), empty without a request."""
    return request.build_absolute_uri("/")[:-1] if request is not None else ""


def grouped(queryset, key: str, columns: tuple[str, ...], build, ids=None) -> dict:
    """``build(row)`` for each row of ``queryset``, grouped by its ``key`` column, in query order.

    With ``ids``, ``queryset`` is a model's rows in order, unfiltered, and only those whose ``key`` is one
    of ``ids`` are read (``rows_of``: the statement is compiled once per process).
    """
    groups = defaultdict(list)
    rows = queryset.values_list(key, *columns) if ids is None else rows_of(queryset, key, columns, ids)
    for row in rows:
        groups[row[0]].append(build(row[1:]))
    return groups


_compiled: dict = {}


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
        query = queryset.filter(OneOf(F(key), Late(0, ids_field())))
        sql, params = query.values_list(key, *columns).query.sql_with_params()
        if sum(isinstance(param, Slot) for param in params) != 1:
            raise ImproperlyConfigured(f"Cannot compile the nested rows of {queryset.model.__name__} by {key}.")
        compiled = _compiled[cache_key] = ServerStatement(sql, params, ("bigint[]",))
    return compiled.rows(connection, [ids])


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
