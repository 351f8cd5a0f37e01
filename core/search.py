"""Full-text search behind one queryset method per model.

PostgreSQL: a ranked websearch query over an English text-search vector of the record's own text
(an expression GIN index serves it), or a match in the title of a cited source. SQLite: plain
case-insensitive matching of the same fields, so the embedded set-up answers the same questions.
"""

from django.db import connections
from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Coalesce

SEARCH_CONFIG = "english"


def is_postgres(queryset) -> bool:
    return connections[queryset.db].vendor == "postgresql"


def text_vector(*fields):
    """The document vector of ``fields``; the GIN indexes in the migrations use this same expression."""
    from django.contrib.postgres.search import SearchVector

    return SearchVector(*fields, config=SEARCH_CONFIG)


def searchable(text: str) -> str:
    """``text`` without what no record can hold (NUL, lone surrogates: PostgreSQL refuses them), stripped."""
    return "".join(ch for ch in text if ch != "\x00" and not 0xD800 <= ord(ch) <= 0xDFFF).strip()


def search(queryset, text: str, *, fields: tuple[str, ...], citations=None, cited_field: str = ""):
    """Records of ``queryset`` matching ``text`` in ``fields`` or in a cited source's title.

    The results carry ``search_rank``: higher is better on PostgreSQL, 0 on SQLite. Text with nothing
    searchable in it (blank, or only NUL characters) matches nothing.
    """
    text = searchable(text)
    if not text:
        return queryset.none().annotate(search_rank=Value(0.0))
    if is_postgres(queryset):
        from django.contrib.postgres.search import SearchQuery, SearchRank

        query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
        # Two id sets, each found through its own GIN index, rather than one OR that scans.
        own = queryset.model.objects.annotate(document=text_vector(*fields)).filter(document=query)
        condition = Q(pk__in=own.values("pk"))
        if citations is not None:
            cited = citations.annotate(document=text_vector("source__title")).filter(document=query)
            condition |= Q(pk__in=cited.values(cited_field))
        return queryset.filter(condition).annotate(search_rank=SearchRank(text_vector(*fields), query))
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
