"""Full-text search behind one queryset method per model.

PostgreSQL: a ranked websearch query over an English text-search vector of the record's own text, or a
match in the title of a cited source. The vector is stored: each searchable table has a generated
``search_document`` column (migrations disputes/0006 and tariffs/0009, GIN-indexed), so a search
matches and ranks precomputed vectors instead of running ``to_tsvector`` on every candidate row.
SQLite: plain case-insensitive matching of the same fields, so the embedded set-up answers the same
questions.
"""

from django.db import connections
from django.db.models import Exists, Expression, F, OuterRef, Q, Value
from django.db.models.functions import Coalesce

SEARCH_CONFIG = "english"
DOCUMENT_COLUMN = "search_document"


class StoredDocument(Expression):
    """The ``search_document`` column of the query's own table (PostgreSQL; not a model field: the database
    fills it): the English vector of the searched fields, computed by the database when the row is written."""

    def __init__(self):
        from django.contrib.postgres.search import SearchVectorField

        super().__init__(output_field=SearchVectorField())

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name_unless_alias(alias)}.{connection.ops.quote_name(DOCUMENT_COLUMN)}", []


def is_postgres(queryset) -> bool:
    return connections[queryset.db].vendor == "postgresql"


def is_ranked(queryset) -> bool:
    """Whether ``queryset`` is ordered by a computed rank (a full-text search's ``search_rank``)."""
    return any(str(field).lstrip("-") in queryset.query.annotations for field in queryset.query.order_by)


def searchable(text: str) -> str:
    """``text`` without what no record can hold (NUL, lone surrogates: PostgreSQL refuses them), stripped."""
    return "".join(ch for ch in text if ch != "\x00" and not 0xD800 <= ord(ch) <= 0xDFFF).strip()


def search(queryset, text: str, *, fields: tuple[str, ...], citations=None, cited_field: str = ""):
    """Records of ``queryset`` matching ``text`` in ``fields`` or in a cited source's title.

    On PostgreSQL ``fields`` are those the table's ``search_document`` column is generated from (its
    migration names them). The results carry ``search_rank``: higher is better on PostgreSQL, 0 on SQLite.
    Text with nothing searchable in it (blank, or only NUL characters) matches nothing.
    """
    text = searchable(text)
    if not text:
        return queryset.none().annotate(search_rank=Value(0.0))
    if is_postgres(queryset):
        from django.contrib.postgres.search import SearchQuery, SearchRank

        query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
        # The stored vector is matched on the rows the other filters leave (a dispute's events), or found
        # through its GIN index when nothing else narrows them; the rank reads the same stored vector.
        queryset = queryset.alias(search_document=StoredDocument())
        condition = Q(search_document=query)
        if citations is not None:
            source_model = citations.model._meta.get_field("source").related_model
            sources = source_model.objects.alias(search_document=StoredDocument()).filter(search_document=query)
            condition |= Q(pk__in=citations.filter(source__in=sources.values("pk")).values(cited_field))
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
