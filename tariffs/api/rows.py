"""Measure list rows from ``values()`` queries (see ``disputes.api.rows``)."""

from django.utils import timezone

from core.api.rows import base_url, grouped
from core.formatting import plain_decimal
from core.permalinks import record_url
from disputes.api.rows import CITATION_COLUMNS, actor_brief, citation
from disputes.api.serializers import API_PREFIX
from disputes.models import Case
from tariffs.models import Measure, MeasureCitation, MeasureLink, ProductLine, RatePeriod

MEASURE_COLUMNS = (
    "id", "dispute__slug", "reference", "imposed_by__slug", "imposed_by__name", "imposed_by__code",
    "imposed_by__kind", "type", "title", "product_description", "summary", "legal_instrument_name",
    "legal_instrument_number", "legal_instrument_url", "announced_on", "announced_on_precision", "status",
    "announcement_id", "confidence", "created_at", "updated_at",
)  # fmt: skip


def measure_rows(page: list[dict], request) -> list[dict]:
    """The ``MeasureSerializer`` shape (plus ``status_on_date`` and ``rate_on_date`` when present) of a page of rows."""
    ids = [row["id"] for row in page]
    targets = grouped(
        Measure.applies_to.through.objects.filter(measure_id__in=ids).order_by("measure_id", "actor__name", "actor_id"),
        "measure_id",
        ("actor__slug", "actor__name", "actor__code", "actor__kind"),
        lambda r: actor_brief(*r),
    )
    today = timezone.localdate()
    periods = grouped(
        RatePeriod.objects.filter(measure_id__in=ids).order_by("measure_id", "valid_from"),
        "measure_id",
        ("valid_from", "valid_to", "rate_percent", "kind", "state", "note"),
        lambda r: {
            "valid_from": r[0], "valid_to": r[1], "rate_percent": plain_decimal(r[2]), "kind": r[3], "state": r[4],
            "note": r[5], "scheduled": r[0] > today,
        },
    )  # fmt: skip
    lines = grouped(
        ProductLine.objects.filter(measure_id__in=ids).order_by("measure_id", "hs_code"),
        "measure_id",
        ("hs_code", "description", "basis"),
        lambda r: {"hs_code": r[0], "description": r[1], "basis": r[2]},
    )
    cases = grouped(
        Case.objects.filter(measures__in=ids).order_by("measures__id", "initiated_on", "reference", "id"),
        "measures__id",
        ("reference",),
        lambda r: r[0],
    )
    base = base_url(request)
    measures_url = f"{base}{API_PREFIX}measures/"
    links = grouped(
        MeasureLink.objects.filter(from_measure_id__in=ids).order_by("from_measure_id", "type", "to_measure_id"),
        "from_measure_id",
        ("type", "to_measure_id", "contested", "note"),
        lambda r: {
            "type": r[0],
            "measure": r[1],
            "measure_url": f"{measures_url}{r[1]}/",
            "contested": r[2],
            "note": r[3],
        },
    )
    sources = grouped(
        MeasureCitation.objects.filter(measure_id__in=ids).order_by("measure_id", "id"),
        "measure_id",
        CITATION_COLUMNS,
        citation,
    )
    results = []
    for row in page:
        pk = row["id"]
        product_lines = lines.get(pk, [])
        item = {
            "id": pk,
            "url": f"{measures_url}{pk}/",
            "html_url": base + record_url("measure", pk),
            "dispute": row["dispute__slug"],
            "reference": row["reference"],
            "imposed_by": actor_brief(
                row["imposed_by__slug"], row["imposed_by__name"], row["imposed_by__code"], row["imposed_by__kind"]
            ),
            "applies_to": targets.get(pk, []),
            "type": row["type"],
            "title": row["title"],
            "product_description": row["product_description"],
            "summary": row["summary"],
            "legal_instrument": {
                "name": row["legal_instrument_name"],
                "number": row["legal_instrument_number"],
                "url": row["legal_instrument_url"],
            },
            "announced_on": row["announced_on"],
            "announced_on_precision": row["announced_on_precision"],
            "status": row["status"],
            "announcement": row["announcement_id"],
            "rate_periods": periods.get(pk, []),
            "hs_codes": [line["hs_code"] for line in product_lines],
            "product_lines": product_lines,
            "cases": cases.get(pk, []),
            "links": links.get(pk, []),
            "sources": sources.get(pk, []),
            "confidence": row["confidence"],
            "created_at": row["created_at"],
            "updated_at": row["updated_at"],
        }
        if "status_on_date" in row:
            item["status_on_date"] = row["status_on_date"]
        if "rate_on_date" in row:
            item["rate_on_date"] = plain_decimal(row["rate_on_date"])
        results.append(item)
    return results
