"""List reads prepared once per shape of request (core/api/prepared.py) answer exactly as the ORM's reads do.

The whole suite runs with ``PREPARED_READS_CHECK = "every"``: each prepared read is compared with the ORM's
statement for the same request. Here the answers themselves are compared, row for row, with the prepared
statements off, over many shapes and values; and a filter whose statement depends on its value is caught.
"""

import datetime as dt
import logging

import django_filters
import orjson
import pytest
from rest_framework.test import APIRequestFactory

from core.api import prepared
from disputes.api.views import EventViewSet
from disputes.filters import SearchFilter
from disputes.models import Event
from tariffs.api.views import MeasureViewSet

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

EVENTS = [
    {"kind": "leader_call"}, {"kind": "announcement"}, {"kind": "wto_step", "ordering": "-date"},
    {"actor": "CA", "date_after": "2024-08-01", "date_before": "2024-12-31"},
    {"actor": "CN", "date_after": "2025-01-01", "date_before": "2025-06-30"},
    {"actor": "china"}, {"level": "minister"}, {"dispute": "canada-china", "ordering": "title"},
    {"date_after": "2025-03-01"}, {"date_before": "2019-12-31", "ordering": "-date"},
    {"limit": "5", "offset": "3"}, {"limit": "5", "offset": "10", "ordering": "kind"},
    {"kind": ["statement", "statement"]}, {"kind": ["statement", "announcement"]}, {"q": "canola"},
    {"q": "canola", "kind": "announcement"}, {"q": "surtax", "ordering": "-date"}, {"q": "electric vehicles"},
    {"q": "steel", "actor": "CA", "limit": "3", "offset": "2"}, {"q": "\"WTO panel\" -canola"},
    {"q": "nothing-matches-this"},
]  # fmt: skip
MEASURES = [
    {"imposed_by": "CN", "in_force_on": "2025-03-20"}, {"imposed_by": "CA", "in_force_on": "2024-10-01"},
    {"imposed_by": "CN", "in_force_on": "2019-06-01"}, {"in_force_on": "2026-01-01"},
    {"on": "2025-08-14"}, {"on": "2025-08-14", "exporter": "CN"}, {"in_force_on": "2025-03-20", "exporter": "CA"},
    {"imposed_by": "CA", "type": "surtax"}, {"imposed_by": "CN", "type": "anti_dumping"}, {"applies_to": "CA"},
    {"status": "in_force"}, {"announced_after": "2025-01-01", "ordering": "-announced_on"},
    {"announced_before": "2024-12-31", "ordering": "title"}, {"limit": "2", "offset": "1"}, {"hs": "1205"},
    {"hs": "12"}, {"hs": "72", "imposed_by": "CA", "in_force_on": "2025-03-20"},
    {"dispute": "canada-china", "on": "2025-03-20", "ordering": "type"},
    {"q": "steel"}, {"q": "canola", "in_force_on": "2025-03-20"}, {"q": "pork", "ordering": "title"},
    {"q": "surtax", "imposed_by": "CA", "on": "2024-10-01", "exporter": "CN"}, {"q": "canola", "hs": "12"},
]  # fmt: skip


def answer(viewset_class, query: dict) -> dict:
    """The list's JSON answer, through the viewset alone (no response cache in front)."""
    view = viewset_class.as_view({"get": "list"})
    response = view(APIRequestFactory().get("/api/v1/list/", query))
    response.render()
    assert response.status_code == 200, response.content
    return orjson.loads(response.content)


@pytest.fixture
def nothing_kept():
    prepared._kept.clear()
    yield
    prepared._kept.clear()


@pytest.mark.parametrize(
    ("viewset_class", "query"),
    [(EventViewSet, q) for q in EVENTS] + [(MeasureViewSet, q) for q in MEASURES],
    ids=[f"events-{i}" for i in range(len(EVENTS))] + [f"measures-{i}" for i in range(len(MEASURES))],
)
def test_a_prepared_read_answers_as_the_orm_does(settings, nothing_kept, viewset_class, query):
    settings.PREPARED_READS_CHECK = "off"
    expected = answer(viewset_class, query)
    settings.PREPARED_READS_CHECK = "every"
    first, again = answer(viewset_class, query), answer(viewset_class, query)  # prepared, then kept
    assert first == again == expected


def test_a_prepared_count_is_the_orms_when_the_page_does_not_hold_the_end_of_the_list(settings, nothing_kept):
    settings.PREPARED_READS_CHECK = "off"
    expected = answer(EventViewSet, {"date_after": "2024-01-01", "limit": "3"})
    settings.PREPARED_READS_CHECK = "every"
    got = answer(EventViewSet, {"date_after": "2024-01-01", "limit": "3"})
    assert got["count"] == expected["count"] > 3 and len(got["results"]) == 3


def test_the_same_shape_with_other_values_reuses_its_statements_and_answers_for_those_values(settings, nothing_kept):
    settings.PREPARED_READS_CHECK = "first"  # as in production: checked once, then only bound
    answers = {}
    for day in ("2019-06-01", "2024-10-01", "2025-03-20", "2025-08-14", "2026-01-01"):
        answers[day] = answer(MeasureViewSet, {"imposed_by": "CN", "in_force_on": day})
    shapes = [key for key, statements in prepared._kept.items() if key[0] is MeasureViewSet]
    assert len(shapes) == 1 and prepared._kept[shapes[0]] is not None
    settings.PREPARED_READS_CHECK = "off"
    for day, got in answers.items():
        assert got == answer(MeasureViewSet, {"imposed_by": "CN", "in_force_on": day}), day
    assert {tuple(r["id"] for r in a["results"]) for a in answers.values()} != {()}  # the days differ
    assert len({tuple(r["id"] for r in a["results"]) for a in answers.values()}) > 1


def test_shapes_that_are_not_prepared_are_read_through_the_orm(nothing_kept):
    answer(EventViewSet, {"kind": ["statement", "announcement"]})  # two values: walked in no fixed order
    assert prepared._kept == {}
    answer(EventViewSet, {"kind": "statement"})
    assert list(prepared._kept.values())[0] is not None


@pytest.mark.parametrize(
    ("viewset_class", "query"),
    [
        (EventViewSet, {"q": "canola"}), (EventViewSet, {"q": "canola", "ordering": "-date"}),
        (EventViewSet, {"q": "canola", "limit": "2", "offset": "1"}),
        (EventViewSet, {"q": "canola", "kind": "statement"}),
        (MeasureViewSet, {"q": "canola"}), (MeasureViewSet, {"q": "canola", "in_force_on": "2025-03-20"}),
        (MeasureViewSet, {"q": "canola", "ordering": "title", "limit": "2"}),
    ],
)  # fmt: skip
def test_a_prepared_search_past_its_limit_answers_as_the_orm_does(settings, nothing_kept, viewset_class, query):
    """More records match than the list holds: both read the newest matches, cut at the last one kept."""
    settings.SEARCH_MATCH_LIMIT = 3
    settings.PREPARED_READS_CHECK = "off"
    expected = answer(viewset_class, query)
    settings.PREPARED_READS_CHECK = "every"
    first, again = answer(viewset_class, query), answer(viewset_class, query)
    assert first == again == expected
    if "kind" not in query:
        assert expected["more_matches"] is True and expected["count"] == 3 and expected["results"]


def test_a_search_shape_checks_the_page_past_its_limit_at_its_first_use(settings, nothing_kept, monkeypatch):
    """A search's shape is kept after a read that holds every match; the first read of that shape past the limit
    runs other statements (cut at the last match kept), and they are checked then, once."""
    settings.PREPARED_READS_CHECK = "first"
    settings.SEARCH_MATCH_LIMIT = 4
    compared, same_as = [], prepared.SearchRead.same_as

    def counted(read, *args):
        compared.append(read.variant)
        return same_as(read, *args)

    monkeypatch.setattr(prepared.SearchRead, "same_as", counted)
    few, many = answer(EventViewSet, {"q": "lobster"}), answer(EventViewSet, {"q": "canola"})
    answer(EventViewSet, {"q": "ministerial"}), answer(EventViewSet, {"q": "steel"})
    assert few["more_matches"] is False and many["more_matches"] is True
    assert compared == ["whole", "cut"]
    assert [value for key, value in prepared._kept.items() if key[0] is EventViewSet][0].checked == {"whole", "cut"}


def test_a_search_for_nothing_searchable_is_read_through_the_orm(nothing_kept):
    """Text that is only what no record can hold (a lone surrogate) searches nothing: the ORM's answer."""
    from core.api.viewsets import with_form_class_kept
    from disputes.filters import EventFilter

    filterset = with_form_class_kept(EventFilter)({"q": "\ud800"}, queryset=Event.objects.all())
    assert filterset.is_valid()
    assert prepared.prepared(EventViewSet(), filterset, Event.objects.all()) is None
    assert not filterset.qs.exists()


class OddFilters(django_filters.FilterSet):
    """Filters a prepared read cannot follow: ``whimsical`` filters nothing for a date before 2020 (its statement
    depends on its value); ``by_year`` reads its value in Python (``value.year``: no placeholder has one)."""

    whimsical = django_filters.DateFilter(method="after_unless_old")
    by_year = django_filters.DateFilter(method="in_or_after_year")

    class Meta:
        model = Event
        fields = ["whimsical", "by_year"]

    def after_unless_old(self, queryset, name, value):
        return queryset if isinstance(value, dt.date) and value.year < 2020 else queryset.filter(date__gte=value)

    def in_or_after_year(self, queryset, name, value):
        return queryset.filter(date__year__gte=value.year)


def _odd_read(name: str, day: str):
    filterset = OddFilters({name: day}, queryset=Event.objects.all())
    assert filterset.is_valid()
    return prepared.prepared(EventViewSet(), filterset, Event.objects.all())


def _whimsical_read(day: str):
    return _odd_read("whimsical", day)


def test_a_filter_whose_statement_depends_on_its_value_is_caught(settings, nothing_kept, caplog):
    settings.PREPARED_READS_CHECK = "every"
    assert _whimsical_read("2025-01-01") is not None
    with pytest.raises(prepared.PreparedReadMismatch):
        _whimsical_read("2019-01-01")
    prepared._kept.clear()
    settings.PREPARED_READS_CHECK = "first"  # production: the first read of the shape finds it out
    with caplog.at_level(logging.WARNING, logger="core.api.prepared"):
        assert _whimsical_read("2019-01-01") is None
    assert "differs from the ORM" in caplog.text
    assert _whimsical_read("2025-01-01") is None  # never prepared in this process


def test_the_shapes_kept_are_bounded(monkeypatch, nothing_kept):
    monkeypatch.setattr(prepared, "SHAPES_KEPT", 2)
    for query in ({"kind": "statement"}, {"level": "minister"}, {"actor": "CA"}):
        answer(EventViewSet, query)
    assert len(prepared._kept) == 2
    assert [key[2][0][0] for key in prepared._kept] == ["level", "actor"]  # the oldest went first


def test_a_filter_that_cannot_take_a_placeholder_is_read_through_the_orm(settings, nothing_kept, caplog):
    settings.PREPARED_READS_CHECK = "every"
    with pytest.raises(AttributeError):
        _odd_read("by_year", "2025-01-01")
    settings.PREPARED_READS_CHECK = "first"
    with caplog.at_level(logging.ERROR, logger="core.api.prepared"):
        assert _odd_read("by_year", "2025-01-01") is None
    assert "cannot take placeholders" in caplog.text
    assert list(prepared._kept.values()) == [None]
    through_the_orm = OddFilters({"by_year": "2025-01-01"}, queryset=Event.objects.all()).qs
    assert through_the_orm.exists() and all(event.date.year >= 2025 for event in through_the_orm)


def test_a_prepared_page_converts_columns_as_the_orm_does(canada_china):
    """Django converts some columns after reading them (a JSON field is parsed, an expression's number made an
    int or a Decimal); a prepared page's rows are converted the same way."""
    from django.db import connection
    from django.db.models import DecimalField, IntegerField, JSONField, Value
    from django.db.models.functions import Cast

    events = Event.objects.order_by("date", "id").annotate(
        extra=Cast(Value('{"a": [1, 2]}'), JSONField()),
        number=Cast(Value("7"), IntegerField()),
        rate=Cast(Value("12.50"), DecimalField(max_digits=5, decimal_places=2)),
    )
    values = events.values("id", "extra", "number", "rate")
    statements = prepared.Statements.of(values, events)
    assert statements.converters  # there is something to convert
    got = statements.page([], slice(0, 3), connection.alias)
    assert got == list(values[:3]) and got[0]["extra"] == {"a": [1, 2]}


class TwoSearches(django_filters.FilterSet):
    """Two searches at once: not one search condition, so no newest-matches statement (``core.search``)."""

    q = SearchFilter()
    also = SearchFilter()

    class Meta:
        model = Event
        fields = ["q", "also"]


def test_a_search_that_is_not_one_condition_is_read_through_the_orm(settings, nothing_kept):
    settings.PREPARED_READS_CHECK = "every"  # not an error: a shape the ORM reads
    filterset = TwoSearches({"q": "canola", "also": "tariff"}, queryset=Event.objects.all())
    assert filterset.is_valid()
    assert prepared.prepared(EventViewSet(), filterset, Event.objects.all()) is None
    assert list(prepared._kept.values()) == [None]
    assert filterset.qs.exists()
