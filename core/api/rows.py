"""Helpers of the fast list rows (rows built straight from ``values()`` queries) that know no domain."""

import functools
from collections import defaultdict

from django.core.exceptions import ImproperlyConfigured

from core.i18n import translated


def base_url(request) -> str:
    """The scheme and host the request came to ("https://tradewatch.example"), empty without a request."""
    return request.build_absolute_uri("/")[:-1] if request is not None else ""


def grouped(queryset, key: str, columns: tuple[str, ...], build) -> dict:
    """``build(row)`` for each row of ``queryset``, grouped by its ``key`` column, in query order."""
    groups = defaultdict(list)
    for row in queryset.values_list(key, *columns):
        groups[row[0]].append(build(row[1:]))
    return groups


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
    return lambda row, extra: translated(row, name)
