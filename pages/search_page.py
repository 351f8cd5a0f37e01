"""The search page's reads: for each type of record, how many match and one page of them.

The matches are the API's: each type goes through its FilterSet's ``q`` (the same ranked full-text search for
events and measures, the same "contains" for actors and cases). Every match is reachable, page by page; the
count rides on the page's own query (a window count), so a search costs one query per type (three for the ranked
events and measures: their newest matches, then a page of them ranked, then its records), whatever it finds.
Like the API's, a ranked search lists at most ``SEARCH_MATCH_LIMIT`` matches of a type, the newest, and says so
when more match.

Events and measures are read as the API reads its searches, through statements prepared once per process
(``core.api.prepared``; compiling them with the ORM at every search was a fifth of the page's time at 100k
events), each record a row of the columns the page shows; the ORM reads them where nothing is prepared (SQLite, a
search with nothing searchable).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, Window
from django.utils.translation import gettext_lazy as _

from core.api.prepared import prepared
from core.api.viewsets import with_form_class_kept
from core.search import is_ranked, is_search, newest_matches, searchable
from disputes.filters import ActorFilter, CaseFilter, EventFilter
from disputes.models import Actor, Case, Event
from tariffs.filters import MeasureFilter
from tariffs.models import Measure

PAGE_SIZE = 20


class EventRows:
    """The reader of a prepared read (``prepared``'s ``view``, its type the key of its statements): the columns
    of an event the page shows."""

    def values_of(self, queryset):
        return queryset.values("id", "date", "title", "title_fr")

    def record(self, row: dict) -> dict:
        return {**row, "pk": row["id"]}


class MeasureRows:
    """The columns of a measure the page shows (``EventRows``)."""

    def values_of(self, queryset):
        return queryset.values("id", "title", "title_fr", "imposed_by__name", "imposed_by__name_fr")

    def record(self, row: dict) -> dict:
        imposed_by = {"name": row["imposed_by__name"], "name_fr": row["imposed_by__name_fr"]}
        return {"pk": row["id"], "title": row["title"], "title_fr": row["title_fr"], "imposed_by": imposed_by}


#: (name, heading, FilterSet, base queryset, prepared reader or None) of each type of result, in the order the page
#: shows them. The FilterSets are the API's lean ones (their forms built once, not at every search).
TYPES = (
    ("events", _("Events"), with_form_class_kept(EventFilter), lambda: Event.objects.select_related("dispute"),
     EventRows()),
    ("measures", _("Measures"), with_form_class_kept(MeasureFilter),
     lambda: Measure.objects.select_related("imposed_by"), MeasureRows()),
    ("actors", _("Actors"), with_form_class_kept(ActorFilter), lambda: Actor.objects.all(), None),
    ("cases", _("Cases"), with_form_class_kept(CaseFilter), lambda: Case.objects.all(), None),
)  # fmt: skip


@dataclass(frozen=True)
class Results:
    name: str
    heading: str
    page: Page
    #: Whether more records match than the page's list holds (``core.search.newest_matches``).
    more: bool = False

    @property
    def page_parameter(self) -> str:
        return f"{self.name}_page"


def _page_number(raw) -> int:
    return int(raw) if isinstance(raw, str) and raw.isdigit() and 0 < len(raw) < 7 and int(raw) > 0 else 1


def page_of(queryset, number: int, size: int = PAGE_SIZE, total: int | None = None) -> Page:
    """Page ``number`` of ``queryset`` with its total count (the first page when past the last).

    One query, the count riding on it (a window count). A ranked search (``is_ranked``), whose ``total`` its
    newest matches gave, takes two: the page's ids ranked alone, then its records read by primary key (ranking
    wide rows made PostgreSQL hold every match, joins and all).
    """
    if not is_ranked(queryset):
        counted = queryset.annotate(total_found=Window(Count("pk")))
        rows = list(counted[(number - 1) * size : number * size])
        if not rows and number > 1:
            number, rows = 1, list(counted[:size])
        return Page(rows, number, Paginator(range(rows[0].total_found if rows else 0), size))

    def ranked(window: slice) -> list:
        ids = list(queryset.values_list("pk", flat=True)[window])
        records = {record.pk: record for record in queryset.order_by().filter(pk__in=ids)}
        return [records[pk] for pk in ids if pk in records]

    return _counted_page(ranked, queryset.count() if total is None else total, number, size)


def _counted_page(read, total: int, number: int, size: int) -> Page:
    """Page ``number`` of a list of ``total`` records (the first when past the last); ``read(window)``: its
    records."""
    number = number if (number - 1) * size < total else 1
    return Page(read(slice((number - 1) * size, number * size)), number, Paginator(range(total), size))


def search(text: str, params) -> list[Results]:
    """Each type's matches for ``text`` (the page each ``<type>_page`` parameter asks for)."""
    text = searchable(text)
    if not text:
        return []
    found = []
    for name, heading, filterset_class, base, reader in TYPES:
        filterset = filterset_class({"q": text}, queryset=base())
        number, total, more = _page_number(params.get(f"{name}_page")), None, False
        read = prepared(reader, filterset, base()) if reader and filterset.is_valid() else None
        if read is not None:
            found.append(Results(name, heading, prepared_page(read, reader, number), bool(read.more_matches)))
            continue
        queryset = filterset.qs if filterset.is_valid() else base().none()
        if is_search(queryset):
            queryset, total, more = newest_matches(queryset)
        found.append(Results(name, heading, page_of(queryset, number, total=total), more))
    return found


def prepared_page(read, reader, number: int, size: int = PAGE_SIZE) -> Page:
    """Page ``number`` of a prepared read (the first when past the last), its records as ``reader`` shapes them."""
    return _counted_page(lambda window: [reader.record(row) for row in read.page(window)], read.count(), number, size)
