"""List rows built straight from ``values()`` queries: the fast path of the busiest list endpoints.

A page costs a fixed number of queries (the page, then one for all its nested lists) and no model or
serializer instances. A row has exactly the serializer's fields (``EVENT_SHAPE`` builds one per field of
``EventSerializer``, and fails without one), and a test renders both for the same page and compares them.
"""

from core.api.rows import NestedLists, RowShape, base_url, column, grouped_rows, translated_column
from core.i18n import chosen, in_french
from core.permalinks import record_url
from disputes.models import EventCitation, EventParticipant

from .serializers import API_PREFIX, EventSerializer

CITATION_COLUMNS = (
    "source_id", "source__title", "source__publisher", "source__published_on", "source__kind", "source__url",
    "field_name", "locator", "quote",
)  # fmt: skip


def citation(row) -> dict:
    source_id, title, publisher, published_on, kind, url, field_name, locator, quote = row
    return {
        "id": source_id,
        "title": title,
        "publisher": publisher,
        "published_on": published_on,
        "kind": kind,
        "document_url": url,
        "field": field_name,
        "locator": locator,
        "quote": quote,
    }


def actor_brief(slug, name, code, kind, name_fr="", *, french: bool | None = None) -> dict:
    """An actor in brief; ``french``: whether the reader is French (the active language when not given)."""
    french = in_french() if french is None else french
    return {"slug": slug, "name": chosen(name, name_fr, french), "code": code, "kind": kind}


EVENT_COLUMNS = (
    "id", "dispute__slug", "reference", "date", "date_precision", "end_date", "kind", "level", "title", "summary",
    "location", "outcome", "case_id", "case__reference", "case__title", "case_stage", "confidence", "created_at",
    "updated_at", "title_fr", "summary_fr", "outcome_fr", "case__title_fr",
)  # fmt: skip


def _event_case(row, page) -> dict | None:
    case_id = row["case_id"]
    if case_id is None:
        return None
    return {
        "id": case_id,
        "url": f"{page['cases_url']}{case_id}/",
        "reference": row["case__reference"],
        "title": chosen(row["case__title"], row["case__title_fr"], page["french"]),
    }


EVENT_SHAPE = RowShape(
    EventSerializer,
    {
        "id": column("id"),
        "url": lambda row, page: f"{page['events_url']}{row['id']}/",
        "html_url": lambda row, page: page["base"] + record_url("event", row["id"]),
        "dispute": column("dispute__slug"),
        **{name: column(name) for name in (
            "reference", "date", "date_precision", "end_date", "kind", "level", "location", "case_stage",
            "confidence", "created_at", "updated_at",
        )},
        **{name: translated_column(name) for name in ("title", "summary", "outcome")},
        "case": _event_case,
        "participants": lambda row, page: page["participants"].get(row["id"], []),
        "sources": lambda row, page: page["sources"].get(row["id"], []),
    },
)  # fmt: skip


# The unfiltered, ordered rows each nested list is read from (``rows_of``): built once, not at every page.
PARTICIPANTS = EventParticipant.objects.order_by("event_id", "id")
EVENT_CITATIONS = EventCitation.objects.order_by("event_id", "id")
#: A page's nested lists, read by one statement.
EVENT_NESTED = NestedLists(
    (PARTICIPANTS, "event_id", ("actor__slug", "actor__name", "actor__code", "actor__kind", "role", "actor__name_fr")),
    (EVENT_CITATIONS, "event_id", CITATION_COLUMNS),
)


def event_rows(page: list[dict], request) -> list[dict]:
    """The ``EventSerializer`` shape of a page of ``values(*EVENT_COLUMNS)`` rows (its fields: ``EVENT_SHAPE``)."""
    ids = [row["id"] for row in page]
    base = base_url(request)
    french = in_french()  # once per page: the active language is slow to ask
    participants, sources = EVENT_NESTED.read(ids)
    fetched = {
        "french": french,
        "participants": grouped_rows(
            participants, lambda r: {"actor": actor_brief(*r[:4], r[5], french=french), "role": r[4]}
        ),
        "sources": grouped_rows(sources, citation),
        "base": base,
        "events_url": f"{base}{API_PREFIX}events/",
        "cases_url": f"{base}{API_PREFIX}cases/",
    }
    return [EVENT_SHAPE.build(row, fetched) for row in page]
