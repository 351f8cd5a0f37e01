"""List rows built straight from ``values()`` queries: the fast path of the busiest list endpoints.

A page costs a fixed number of queries (the page, then one per nested list) and no model or
serializer instances. The shapes are exactly the serializers' (``EventSerializer`` …); a test
renders both for the same page and compares them.
"""

from core.api.rows import base_url, grouped
from core.permalinks import record_url
from disputes.models import EventCitation, EventParticipant

from .serializers import API_PREFIX

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


def actor_brief(slug, name, code, kind) -> dict:
    return {"slug": slug, "name": name, "code": code, "kind": kind}


EVENT_COLUMNS = (
    "id", "dispute__slug", "reference", "date", "date_precision", "end_date", "kind", "level", "title", "summary",
    "location", "outcome", "case_id", "case__reference", "case__title", "case_stage", "confidence", "created_at",
    "updated_at",
)  # fmt: skip


def event_rows(page: list[dict], request) -> list[dict]:
    """The ``EventSerializer`` shape of a page of ``values(*EVENT_COLUMNS)`` rows."""
    ids = [row["id"] for row in page]
    participants = grouped(
        EventParticipant.objects.filter(event_id__in=ids).order_by("event_id", "id"),
        "event_id",
        ("actor__slug", "actor__name", "actor__code", "actor__kind", "role"),
        lambda r: {"actor": actor_brief(*r[:4]), "role": r[4]},
    )
    sources = grouped(
        EventCitation.objects.filter(event_id__in=ids).order_by("event_id", "id"),
        "event_id",
        CITATION_COLUMNS,
        citation,
    )
    base = base_url(request)
    events_url = f"{base}{API_PREFIX}events/"
    cases_url = f"{base}{API_PREFIX}cases/"
    results = []
    for row in page:
        pk = row["id"]
        case_id = row["case_id"]
        results.append(
            {
                "id": pk,
                "url": f"{events_url}{pk}/",
                "html_url": base + record_url("event", pk),
                "dispute": row["dispute__slug"],
                "reference": row["reference"],
                "date": row["date"],
                "date_precision": row["date_precision"],
                "end_date": row["end_date"],
                "kind": row["kind"],
                "level": row["level"],
                "title": row["title"],
                "summary": row["summary"],
                "location": row["location"],
                "outcome": row["outcome"],
                "case": None
                if case_id is None
                else {
                    "id": case_id,
                    "url": f"{cases_url}{case_id}/",
                    "reference": row["case__reference"],
                    "title": row["case__title"],
                },
                "case_stage": row["case_stage"],
                "confidence": row["confidence"],
                "participants": participants.get(pk, []),
                "sources": sources.get(pk, []),
                "created_at": row["created_at"],
                "updated_at": row["updated_at"],
            }
        )
    return results
