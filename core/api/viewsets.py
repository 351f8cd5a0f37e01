"""The base of every TradeWatch API viewset: conditional GET, CSV, JSON errors, safe deletes."""

import functools
import hashlib

from django import forms
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import ProtectedError
from django.forms import BoundField
from django.forms.utils import pretty_name
from django.http import Http404, StreamingHttpResponse
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from rest_framework import status, viewsets
from rest_framework.exceptions import APIException
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from core import data_version
from core.search import is_ranked, is_search, newest_matches

from .prepared import prepared
from .rendering import FastJSONRenderer, SafeCSVRenderer
from .rows import pages

API_VERSION = "1"
#: Rows read at a time by a whole-list CSV download.
CSV_PAGE = 500
#: How long a data version's last change is kept (a new version makes it unreachable at once anyway).
LAST_CHANGE_SECONDS = 24 * 3600


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, each FilterSet made lean for the API (``with_form_class_kept``): the filters,
    their fields and their validation are unchanged, and every request still gets its own FilterSet and form."""

    def get_filterset_class(self, view, queryset=None):
        filterset_class = super().get_filterset_class(view, queryset)
        return filterset_class and with_form_class_kept(filterset_class)

    def validated_filterset(self, request, queryset, view):
        """The view's FilterSet for this request, validated (a 400 naming the bad parameters), or None."""
        filterset = self.get_filterset(request, queryset, view)
        if filterset is not None and not filterset.is_valid() and self.raise_exception:
            raise translate_validation(filterset.errors)
        return filterset

    def filter_queryset(self, request, queryset, view):
        filterset = self.validated_filterset(request, queryset, view)
        return queryset if filterset is None else filterset.qs


class _SharedFields(dict):
    """A kept form class's fields. Each request's form gets a new dict of the same field objects instead of a
    deep copy of every field, widget and choice list: a field holds no request's state (the values live in the
    form), and the API never changes a field of a form it built."""

    def __deepcopy__(self, memo):
        return dict(self)


class _FilterBoundField(BoundField):
    """A kept form's bound field, its help text translated when read instead of when the field is bound:
    validating an API filter form (which shows no help text) asked gettext for every field's help text at
    every request, a third of a short list's time. Otherwise Django's ``BoundField.__init__``, attribute for
    attribute (a test compares them)."""

    def __init__(self, form, field, name):
        self.form = form
        self.field = field
        self.name = name
        self.html_name = form.add_prefix(name)
        self.html_initial_name = form.add_initial_prefix(name)
        self.html_initial_id = form.add_initial_prefix(self.auto_id)
        self.label = pretty_name(name) if field.label is None else field.label
        self.renderer = form.renderer

    @property
    def help_text(self):
        return self.field.help_text or ""


def _valid_value_of(field):
    """``field.valid_value`` (is ``value`` one of its choices?) from the set of its choices' keys, made at the
    first check: Django walks and django-filter normalizes every choice at every check. For fixed choices only
    (a model choice field's come from the database)."""
    keys = None

    def valid_value(value) -> bool:
        nonlocal keys
        if keys is None:
            keys = frozenset(
                str(key)
                for choice, label in field.choices
                for key in ([k for k, _ in label] if isinstance(label, list | tuple) else [choice])
            )
        return str(value) in keys

    return valid_value


class _SharedFilters(dict):
    """A kept FilterSet's filters. Each request's FilterSet gets a shallow copy of each filter (its own
    ``parent`` and ``model``, its method bound to the copy) instead of a deep copy of every filter's field
    arguments and choices, which nothing changes."""

    def __deepcopy__(self, memo):
        copies = {}
        for name, original in self.items():
            filter_ = object.__new__(type(original))  # copy.copy, without its pickling protocol's detour
            filter_.__dict__.update(original.__dict__)
            if filter_.method is not None:
                filter_.method = filter_.method  # django-filter binds a new FilterMethod to the copy
            copies[name] = filter_
        return copies


@functools.cache
def with_form_class_kept(filterset_class):
    """``filterset_class`` under the same name, building its form class on first use only and copying its
    filters and form fields shallowly for each request (deep copies were a third of a list read's time)."""

    def get_form_class(self):
        cls = type(self)
        if "_kept_form_class" not in cls.__dict__:
            form_class = filterset_class.get_form_class(self)
            form_class.base_fields = _SharedFields(form_class.base_fields)
            form_class.bound_field_class = _FilterBoundField
            for field in form_class.base_fields.values():
                if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
                    field.valid_value = _valid_value_of(field)
            cls._kept_form_class = form_class
        return cls._kept_form_class

    lean = type(filterset_class.__name__, (filterset_class,), {
        "__module__": filterset_class.__module__, "__qualname__": filterset_class.__qualname__,
        "__doc__": filterset_class.__doc__, "get_form_class": get_form_class,
    })  # fmt: skip
    lean.base_filters = _SharedFilters(lean.base_filters)  # after the metaclass, which sets its own
    return lean


def ranked_page(queryset, window: slice, values_of) -> list[dict]:
    """The rows of ``queryset[window]`` when it is ordered by a computed rank, in two narrow steps.

    Ranking every match is the cost of a search; done on the ids alone (one table, no joins, no wide
    columns, which PostgreSQL may split between workers) it reads as little as it can. Only the page's
    rows are then read whole, by primary key.
    """
    ids = list(queryset.values_list("pk", flat=True)[window])
    rows = {row["id"]: row for row in values_of(queryset.order_by().filter(pk__in=ids))}
    return [rows[pk] for pk in ids if pk in rows]


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "protected"
    default_detail = "Other records still refer to this one."


@functools.cache
def history_tables(models: tuple) -> tuple[str, ...]:
    # Reading ``Model.history`` builds a manager class each time: too slow for every request.
    return tuple(model.history.model._meta.db_table for model in models)


_NEVER = "never"  # kept for data that has no history yet (the cache cannot tell None from a miss)


def last_change(models) -> object:
    """When any row of ``models`` last changed (insert, update or delete), from their history tables.

    Kept in the shared cache under the data version (``core.data_version``), which every history row
    changes: until the data changes, the validators of every read cost a cache read instead of a
    statement over up to a dozen history tables.
    """
    tables = history_tables(tuple(models))
    version = data_version.current()
    if version is None:  # no cache: ask the database
        return _last_change(tables)
    key = "tradewatch:last-change:" + hashlib.sha256(f"{version}|{'|'.join(tables)}".encode()).hexdigest()[:32]

    def shared():
        value = cache.get(key)
        if value is None:
            value = _last_change(tables)
            cache.set(key, _NEVER if value is None else value, timeout=LAST_CHANGE_SECONDS)
        return value

    # Read once per version in this process: no cache read at every request.
    value = data_version.remembered(("last-change", tables), shared, version=version)
    return None if value == _NEVER else value


def _last_change(tables: tuple[str, ...]) -> object:
    # Table names come from model metadata, never from a request.
    union = " UNION ALL ".join(f"SELECT MAX(history_date) AS changed FROM {table}" for table in tables)  # noqa: S608  # nosec B608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(changed) FROM ({union}) AS changes")  # noqa: S608  # nosec B608
        value = cursor.fetchone()[0]
    if isinstance(value, str):  # SQLite returns text
        from django.utils.dateparse import parse_datetime

        value = parse_datetime(value)
    return value


class ConditionalGetMixin:
    """Answers ``If-None-Match``/``If-Modified-Since`` with 304 before building anything.

    The validators change whenever ``data_version()`` does: by default, the last change to a row
    of ``history_models``.
    """

    history_models: tuple = ()

    def data_version(self):
        return last_change(self.history_models) if self.history_models else None

    def validators(self, request):
        changed = self.data_version()
        renderer = getattr(request, "accepted_renderer", None)
        parts = [
            API_VERSION,
            request.path,
            "&".join(sorted(f"{k}={v}" for k, vs in request.query_params.lists() for v in vs)),
            renderer.format if renderer else "",
            translation.get_language() or "",
            changed.isoformat() if changed else "",
        ]
        etag = '"' + hashlib.sha256("|".join(parts).encode()).hexdigest()[:32] + '"'
        return etag, changed

    def conditional(self, request, build):
        etag, changed = self.validators(request)
        timestamp = int(changed.timestamp()) if changed else None  # HTTP dates have whole seconds
        not_modified = get_conditional_response(request._request, etag=etag, last_modified=timestamp)
        if not_modified is not None:
            return not_modified
        response = build()
        if response.status_code == 200:
            response["ETag"] = etag
            if changed is not None:
                response["Last-Modified"] = http_date(timestamp)
            response["Cache-Control"] = "public, max-age=0, must-revalidate"
        return response


class ApiViewSet(ConditionalGetMixin, viewsets.ModelViewSet):
    """Declarative viewset: set queryset, serializer_class, filterset_class and history_models.

    - GET is conditional (ETag, Last-Modified, 304).
    - ``?format=csv`` without ``limit`` streams the whole filtered set.
    - Errors are JSON even when CSV was asked for; deleting a record still referred to is a 409.
    - With ``list_rows``, a list's statements are prepared once per shape of request (``core.api.prepared``):
      its unfiltered queryset (``get_queryset()`` for a list) must not depend on the request.
    """

    filter_backends = [FilterBackend]
    write_serializer_class = None
    csv_name = "results"
    #: For the fast list path: the ``values()`` columns of a row and the function that shapes a page.
    list_columns: tuple[str, ...] = ()
    #: Annotations a list query may carry (e.g. a value on a date) that its rows then include.
    annotated_columns: tuple[str, ...] = ()
    list_rows = None
    #: With ``list_rows``: builds a record's detail from its list row (given as a page of one, as ``list_rows``
    #: takes), for a detail that is its list row, or its list row and more; None: the serializer builds it.
    detail_rows = None

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update") and self.write_serializer_class:
            return self.write_serializer_class
        return super().get_serializer_class()

    def list(self, request, *args, **kwargs):
        return self.conditional(request, lambda: self._list(request, *args, **kwargs))

    def retrieve(self, request, *args, **kwargs):
        return self.conditional(request, lambda: self._retrieve(request, *args, **kwargs))

    def _retrieve(self, request, *args, **kwargs):
        if self.detail_rows is None or not self._plain_object_permissions():
            return super().retrieve(request, *args, **kwargs)
        # As DRF's get_object, reading the record's list row instead of the model and its prefetched relations.
        queryset = self.filter_queryset(self.get_queryset())
        lookup = {self.lookup_field: self.kwargs[self.lookup_url_kwarg or self.lookup_field]}
        try:
            rows = list(queryset.filter(**lookup).prefetch_related(None).values(*self.list_columns)[:1])
        except (TypeError, ValueError, ValidationError):
            rows = []
        if not rows:
            raise Http404(f"No {queryset.model._meta.object_name} matches the given query.")
        return Response(type(self).detail_rows(rows, request)[0])

    def _plain_object_permissions(self) -> bool:
        """Whether no permission checks an object beyond its view (then a detail needs no model instance)."""
        return all(
            type(permission).has_object_permission is BasePermission.has_object_permission
            for permission in self.get_permissions()
        )

    def _list(self, request, *args, **kwargs):
        renderer = request.accepted_renderer
        if isinstance(renderer, SafeCSVRenderer) and self.paginator.limit_query_param not in request.query_params:
            return self._stream_csv(renderer)
        if self.list_rows is None:
            return super().list(request, *args, **kwargs)
        paginator = self.paginator
        paginator.request = request
        paginator.limit = paginator.get_limit(request)
        paginator.offset = paginator.get_offset(request)
        window = slice(paginator.offset, paginator.offset + paginator.limit)
        queryset, filterset, read = self._prepared_read(request)
        if read is not None:  # the statements of this shape of request, run with its values
            page = read.page(window)
            count = read.found if read.found is not None else self._end_count(page)
            paginator.count = read.count() if count is None else count
            paginator.more_matches = read.more_matches
            return paginator.get_paginated_response(type(self).list_rows(page, request))
        queryset = queryset if filterset is None else filterset.qs
        count = None
        if is_search(queryset):  # at most SEARCH_MATCH_LIMIT matches, the newest: counted as they are found
            queryset, count, paginator.more_matches = newest_matches(queryset)
        if is_ranked(queryset):
            page = ranked_page(queryset, window, self.values_of)
        else:
            page = list(self.values_of(queryset)[window])
        if count is None:
            count = self._end_count(page)
        # Else counted on the plain queryset: the joins values() adds for nested columns would make
        # PostgreSQL read the whole table instead of an index.
        paginator.count = queryset.count() if count is None else count
        return paginator.get_paginated_response(type(self).list_rows(page, request))

    def _prepared_read(self, request, *, searches: bool = True):
        """The view's unfiltered queryset, its FilterSet for this request (validated; None without one), and the
        read through the statements of the request's shape (``core.api.prepared``; None: read it through the ORM)."""
        queryset = self.get_queryset()
        filterset = self.filter_backends[0]().validated_filterset(request, queryset, self)
        read = None if filterset is None else prepared(self, filterset, queryset, searches=searches)
        return queryset, filterset, read

    def _end_count(self, page: list) -> int | None:
        """The list's length when ``page`` holds its end (nothing to count), else None."""
        paginator = self.paginator
        if len(page) < paginator.limit and (page or paginator.offset == 0):
            return paginator.offset + len(page)
        return None

    def values_of(self, queryset):
        """The rows of ``queryset`` as ``values()`` dicts, with those of ``annotated_columns`` it carries."""
        present = [name for name in self.annotated_columns if name in queryset.query.annotations]
        return queryset.prefetch_related(None).values(*self.list_columns, *present)

    def _stream_csv(self, renderer):
        offset = self.paginator.get_offset(self.request)  # validated like any page
        if self.list_rows is not None:  # the fast rows, a page of them at a time
            list_rows, request = type(self).list_rows, self.request
            queryset, filterset, read = self._prepared_read(request, searches=False)
            # A list that fits one page is read by its prepared statement; a longer one streams through a cursor
            # from its start (one statement each way: never a list read in two parts that a write could split).
            whole = None if read is None else read.page(slice(offset, offset + CSV_PAGE + 1))
            if whole is not None and len(whole) <= CSV_PAGE:
                return self._csv_response(renderer, iter(list_rows(whole, request)))
            queryset = self.values_of(queryset if filterset is None else filterset.qs)[offset:]
            rows = (row for page in pages(queryset, CSV_PAGE) for row in list_rows(page, request))
            return self._csv_response(renderer, rows)
        queryset = self.filter_queryset(self.get_queryset())[offset:]
        serializer_class = self.get_serializer_class()
        context = self.get_serializer_context()
        rows = (serializer_class(obj, context=context).data for obj in queryset.iterator(chunk_size=CSV_PAGE))
        return self._csv_response(renderer, rows)

    def _csv_response(self, renderer, rows):
        response = StreamingHttpResponse(renderer.stream(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.csv_name}.csv"'
        return response

    # --- errors ------------------------------------------------------------------------------

    def finalize_response(self, request, response, *args, **kwargs):
        renderer = getattr(request, "accepted_renderer", None)
        if response.status_code >= 400 and isinstance(renderer, SafeCSVRenderer):
            request.accepted_renderer = FastJSONRenderer()
            request.accepted_media_type = FastJSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    def perform_destroy(self, instance):
        try:
            instance.delete()
        except ProtectedError as error:
            names = sorted({str(type(obj)._meta.verbose_name_plural) for obj in error.protected_objects})
            raise Conflict(f"Other records still refer to this one ({', '.join(names)}); remove them first.") from error
