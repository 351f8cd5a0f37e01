"""Full-text search behind one queryset method per model.

PostgreSQL: a ranked websearch query over an English text-search vector of the record's own text, or a
match in the title of a cited source. The vectors are stored: each searchable table has a generated
``search_document`` column (migrations disputes/0006 and tariffs/0009, GIN-indexed), so a search
matches and ranks precomputed vectors instead of running ``to_tsvector`` on every candidate row, and a
``cited_document`` column kept by triggers (``core.cited_documents``) for the titles of the sources a record
cites, so both arms of a match are indexed columns of the same row.

A search's list is bounded (``newest_matches``): at most ``SEARCH_MATCH_LIMIT`` matches, the newest, are counted
and ranked. Counting and ranking every match of a word found in most records would read a large dispute whole
at every search; past the limit the list says that more records match, instead of a slow exact count.
SQLite: plain case-insensitive matching of the same fields, so the embedded set-up answers the same
questions.
"""

from django.conf import settings
from django.db import connections
from django.db.models import Exists, Expression, F, OuterRef, Q, Value
from django.db.models.functions import Coalesce
from django.db.models.sql.where import AND

SEARCH_CONFIG = "english"
DOCUMENT_COLUMN = "search_document"
CITED_COLUMN = "cited_document"
RANK = "search_rank"


class StoredDocument(Expression):
    """A search vector column of the query's own table (PostgreSQL; not a model field: the database fills it):
    ``search_document``, the English vector of the searched fields, or ``cited_document``, that of the cited
    sources' titles."""

    def __init__(self, column: str = DOCUMENT_COLUMN):
        from django.contrib.postgres.search import SearchVectorField

        super().__init__(output_field=SearchVectorField())
        self.column = column

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name_unless_alias(alias)}.{connection.ops.quote_name(self.column)}", []


def is_postgres(queryset) -> bool:
    return connections[queryset.db].vendor == "postgresql"


def is_ranked(queryset) -> bool:
    """Whether ``queryset`` is ordered by a computed rank (a full-text search's ``search_rank``)."""
    return any(str(field).lstrip("-") in queryset.query.annotations for field in queryset.query.order_by)


def is_search(queryset) -> bool:
    """Whether ``queryset`` holds the matches of a full-text search (whatever it is ordered by)."""
    return RANK in queryset.query.annotations


#: Rows of a search's filtered set walked, newest first, before its indexes are asked (``newest_statement``).
WALK_ROWS = 10_000


def newest_matches(queryset, limit: int | None = None) -> tuple[object, int, bool]:
    """``queryset`` (a search's matches, with every other filter applied) cut to its ``limit`` newest records,
    how many it then holds, and whether more records match. One query, over the newest rows only; the order
    is kept.

    Newest is the reverse of the model's default order (an event's date, a measure's announcement), so a list
    that is cut holds the latest matches, and a date window or another filter reaches the older ones. The cut
    is a bound on those ordering columns (at or after the last record kept), which the ordering's index serves.
    """
    limit = settings.SEARCH_MATCH_LIMIT if limit is None else limit
    ordering = newest_ordering(queryset.model)
    rows = _newest_rows(queryset, ordering, limit + 1)
    if len(rows) <= limit:
        return queryset, len(rows), False
    return queryset.filter(at_or_after(ordering, rows[limit - 1])), limit, True


def newest_ordering(model) -> list[tuple[str, bool]]:
    """The model's default ordering as (field, descending) pairs: its newest records come last."""
    return [(field.lstrip("-"), field.startswith("-")) for field in model._meta.ordering]


def _newest_rows(queryset, ordering: list[tuple[str, bool]], count: int) -> list[tuple]:
    """The ordering columns of the ``count`` newest records of ``queryset`` (``newest_statement``)."""
    statement = newest_statement(queryset, ordering, count) if is_postgres(queryset) else None
    if statement is None:
        fields = [field for field, _ in ordering]
        newest = [field if descending else f"-{field}" for field, descending in ordering]
        return list(queryset.order_by(*newest).values_list(*fields)[:count])
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(*statement)
        return cursor.fetchall()


def newest_statement(queryset, ordering: list[tuple[str, bool]], count: int) -> tuple[str, tuple] | None:
    """The statement (SQL and parameters) of the ordering columns of the ``count`` newest records of
    ``queryset``, a search's matches on PostgreSQL; None when the search is not one condition of its filters
    (then the plain query answers).

    One statement of three steps. First the newest rows of the filtered set are walked, newest first, and matched as
    they come: a word found in many records is found there, after a few rows. The walk is needed because
    PostgreSQL's estimate of a phrase or of words found together is the product of each word's frequency: for a
    common phrase it expects a few hundred matches where there are tens of thousands, and would read them all
    through the indexes to sort out the newest. The first fifth of the walk is a sample: when it holds so few
    matches that the whole walk (``WALK_ROWS``) would not find ``count`` (a rare word), the walk stops there;
    otherwise it goes on from where the sample ended, until ``count`` match. Only when fewer than ``count`` were
    found does the planner answer from the search indexes, which serve a rare word at once.
    """
    unmatched = queryset.all()
    match = _match_condition(unmatched)
    if match is None:
        return None
    fields = [field for field, _ in ordering]
    newest = [field if descending else f"-{field}" for field, descending in ordering]
    everywhere = queryset.order_by(*newest).values_list(*fields)[:count]
    unmatched.query.where.children.remove(match)
    columns = {"tw_document": StoredDocument()}
    if CITED_COLUMN in queryset.query.annotations:
        columns["tw_cited"] = StoredDocument(CITED_COLUMN)
    walked = unmatched.annotate(**columns).order_by(*newest).values_list(*fields, *columns)
    sample_rows = max(1, WALK_ROWS // 5)
    compiler = queryset.query.get_compiler(queryset.db)
    words_sql, words_params = compiler.compile(queryset.query.annotations[RANK].get_source_expressions()[1])
    quote = compiler.connection.ops.quote_name
    names = ", ".join(quote(queryset.model._meta.get_field(field).column) for field in fields)
    order = ", ".join(
        f"{quote(queryset.model._meta.get_field(field).column)} {'ASC' if descending else 'DESC'}"
        for field, descending in ordering
    )
    # The words parsed once per statement (a subquery), not at every row walked: with the words a placeholder, as
    # in a prepared statement, PostgreSQL parsed them again for each row.
    matched = "(" + " OR ".join(f"{quote(column)} @@ (SELECT {words_sql})" for column in columns) + ")"
    sample_sql, sample_params = walked[:sample_rows].query.sql_with_params()
    everywhere_sql, everywhere_params = everywhere.query.sql_with_params()
    words = tuple(words_params * len(columns))
    # Names come from model metadata and this module, never from a request; the words are parameters.
    sql = f"WITH sample AS (SELECT {names} FROM ({sample_sql}) AS walked WHERE {matched} ORDER BY {order} LIMIT %s), "  # noqa: S608  # nosec B608
    params = (*sample_params, *words, count)
    if sample_rows < WALK_ROWS:
        rest_sql, rest_params = walked[sample_rows:WALK_ROWS].query.sql_with_params()
        # Walked on only when the sample found some, but not all: as many as it found in a fifth of the walk,
        # the whole walk would find ``count``.
        sql += (
            f"rest AS (SELECT {names} FROM ({rest_sql}) AS walked WHERE {matched} "  # noqa: S608  # nosec B608
            f"AND (SELECT COUNT(*) FROM sample) BETWEEN %s AND %s "
            f"ORDER BY {order} LIMIT (SELECT %s - COUNT(*) FROM sample)), "
            f"found AS (SELECT {names} FROM sample UNION ALL SELECT {names} FROM rest) "
        )
        params += (*rest_params, *words, -(-count * sample_rows // WALK_ROWS), count - 1, count)
    else:
        sql += f"found AS (SELECT {names} FROM sample) "  # noqa: S608  # nosec B608
    sql += (
        f"SELECT {names} FROM found UNION SELECT {names} FROM ({everywhere_sql}) AS everywhere "  # noqa: S608  # nosec B608
        f"WHERE (SELECT COUNT(*) FROM found) < %s ORDER BY {order} LIMIT %s"
    )
    return sql, (*params, *everywhere_params, count, count)


def _match_condition(queryset):
    """The condition ``search()`` added to ``queryset``'s filters: the one filter reading the stored vectors, and
    nothing else. None when there is no such single condition (then no walk: the plain query answers)."""
    where = queryset.query.where
    if where.connector != AND or where.negated:
        return None
    found = [child for child in where.children if _leaves_read_stored_document(child) != {False}]
    return found[0] if len(found) == 1 and _leaves_read_stored_document(found[0]) == {True} else None


def _leaves_read_stored_document(node) -> set[bool]:
    """For each condition under ``node``: whether it reads a stored search vector."""
    if hasattr(node, "children"):
        return set().union(*(_leaves_read_stored_document(child) for child in node.children))
    return {isinstance(getattr(node, "lhs", None), StoredDocument)}


def at_or_after(ordering: list[tuple[str, bool]], values) -> Q:
    """Records at or after ``values`` (values or expressions) in the model's default ``ordering`` (each field
    ascending or descending): the lexicographic comparison, field by field."""
    condition, equal = Q(), Q()
    for (field, descending), value in zip(ordering, values, strict=True):
        condition |= equal & Q(**{f"{field}__{'lt' if descending else 'gt'}": value})
        equal &= Q(**{field: value})
    return condition | equal


def searchable(text: str) -> str:
    """``text`` without what no record can hold (NUL, lone surrogates: PostgreSQL refuses them), stripped."""
    return "".join(ch for ch in text if ch != "\x00" and not 0xD800 <= ord(ch) <= 0xDFFF).strip()


def search(queryset, text: str, *, fields: tuple[str, ...], citations=None, cited_field: str = ""):
    """Records of ``queryset`` matching ``text`` in ``fields`` or in a cited source's title.

    On PostgreSQL ``fields`` are those the table's ``search_document`` column is generated from (its
    migration names them). The results carry ``search_rank``: higher is better on PostgreSQL, 0 on SQLite.
    Text with nothing searchable in it (blank, or only NUL characters) matches nothing. On PostgreSQL ``text`` may
    also be an expression (a prepared read's placeholder, ``core.api.prepared``) standing for searchable text
    (``searchable()``, not blank).
    """
    if not isinstance(text, Expression):
        text = searchable(text)
        if not text:
            return queryset.none().annotate(search_rank=Value(0.0))
    if is_postgres(queryset):
        from django.contrib.postgres.search import SearchQuery, SearchRank

        query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
        # The stored vectors are matched on the rows the other filters leave (a dispute's newest events), or
        # found through their GIN indexes when the words are rare; the rank reads the record's own vector.
        queryset = queryset.alias(search_document=StoredDocument())
        condition = Q(search_document=query)
        if citations is not None:
            queryset = queryset.alias(cited_document=StoredDocument(CITED_COLUMN))
            condition |= Q(cited_document=query)
        return queryset.filter(condition).annotate(search_rank=SearchRank(F("search_document"), query))
    # Every word must appear somewhere, as websearch_to_tsquery requires on PostgreSQL.
    condition = Q()
    for word in text.replace('"', " ").split():
        word = word.lstrip("-")
        if not word or word.lower() in ("or", "and"):
            continue
        matches_word = Q()
        for field in fields:
            matches_word |= Q(**{f"{field}__icontains": word})
        if citations is not None:
            cited = citations.filter(**{cited_field: OuterRef("pk"), "source__title__icontains": word})
            matches_word |= Q(Exists(cited))
        condition &= matches_word
    return queryset.filter(condition).annotate(search_rank=Coalesce(Value(0.0), Value(0.0)))
