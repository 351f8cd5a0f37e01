"""Measure list rows from ``values()`` queries (see ``disputes.api.rows``)."""

from types import SimpleNamespace

from django.utils import timezone

from core.api.rows import NestedLists, RowShape, base_url, column, grouped_rows, translated_column
from core.formatting import plain_decimal
from core.i18n import chosen, in_french
from core.permalinks import record_url
from disputes.api.rows import CITATION_COLUMNS, actor_brief, citation
from disputes.api.serializers import API_PREFIX
from disputes.models import Case
from tariffs import rate_periods
from tariffs.models import Measure, MeasureCitation, MeasureLink, ProductLine, RatePeriod
from tariffs.selectors import exemptions_of

from .serializers import ExemptionSerializer, MeasureOnDateSerializer, MeasureSerializer

MEASURE_COLUMNS = (
    "id", "dispute__slug", "reference", "imposed_by__slug", "imposed_by__name", "imposed_by__code",
    "imposed_by__kind", "type", "title", "product_description", "summary", "legal_instrument_name",
    "legal_instrument_number", "legal_instrument_url", "announced_on", "announced_on_precision", "status",
    "announcement_id", "confidence", "created_at", "updated_at", "imposed_by__name_fr", "title_fr",
    "product_description_fr", "summary_fr",
)  # fmt: skip


def _legal_instrument(row, page) -> dict:
    return {
        "name": row["legal_instrument_name"],
        "number": row["legal_instrument_number"],
        "url": row["legal_instrument_url"],
    }


def _imposed_by(row, page) -> dict:
    return actor_brief(
        row["imposed_by__slug"],
        row["imposed_by__name"],
        row["imposed_by__code"],
        row["imposed_by__kind"],
        row["imposed_by__name_fr"],
        french=page["french"],
    )


def _nested(name: str):
    """A builder of the list ``name`` the page fetched for the row's measure."""
    return lambda row, page: page[name].get(row["id"], [])


MEASURE_BUILDERS = {
    "id": column("id"),
    "url": lambda row, page: f"{page['measures_url']}{row['id']}/",
    "html_url": lambda row, page: page["base"] + record_url("measure", row["id"]),
    "dispute": column("dispute__slug"),
    "imposed_by": _imposed_by,
    "applies_to": _nested("targets"),
    "legal_instrument": _legal_instrument,
    "announcement": column("announcement_id"),
    "rate_periods": _nested("periods"),
    "hs_codes": lambda row, page: [line["hs_code"] for line in page["lines"].get(row["id"], [])],
    "product_lines": _nested("lines"),
    "cases": _nested("cases"),
    "links": _nested("links"),
    "sources": _nested("sources"),
    **{name: column(name) for name in (
        "reference", "type", "announced_on", "announced_on_precision", "status", "confidence", "created_at",
        "updated_at",
    )},
    **{name: translated_column(name) for name in ("title", "product_description", "summary")},
}  # fmt: skip
MEASURE_SHAPE = RowShape(MeasureSerializer, MEASURE_BUILDERS)
#: With ``in_force_on`` or ``on`` the query annotates the status and rate on that date.
MEASURE_ON_DATE_SHAPE = RowShape(
    MeasureOnDateSerializer,
    {
        **MEASURE_BUILDERS,
        "status_on_date": column("status_on_date"),
        "rate_on_date": lambda row, page: plain_decimal(row["rate_on_date"]),
        "total_rate_on_date": lambda row, page: plain_decimal(page["totals"][row["id"]].rate),
        "total_rate_reason": lambda row, page: page["totals"][row["id"]].reason,
    },
)

PERIOD_COLUMNS = (
    "valid_from", "valid_to", "rate_percent", "kind", "state", "note", "exporter_id", "exporter__slug",
    "exporter__name", "exporter__code", "exporter__kind", "exporter__name_fr", "on_top_of", "on_top_of_measure_id",
    "on_top_of_measure__reference", "on_top_of_measure__dispute__slug", "base_rate",
)  # fmt: skip


# The unfiltered, ordered rows each nested list is read from (``rows_of``): built once, not at every page.
PERIODS = RatePeriod.objects.order_by("measure_id", "valid_from", "exporter_id")
TARGETS = Measure.applies_to.through.objects.order_by("measure_id", "actor__name", "actor_id")
LINES = ProductLine.objects.order_by("measure_id", "hs_code")
CASES = Case.objects.order_by("measures__id", "initiated_on", "reference", "id")
LINKS = MeasureLink.objects.order_by("from_measure_id", "type", "to_measure_id")
MEASURE_CITATIONS = MeasureCitation.objects.order_by("measure_id", "id")
#: A page's nested lists, read by one statement.
MEASURE_NESTED = NestedLists(
    (PERIODS, "measure_id", PERIOD_COLUMNS),
    (TARGETS, "measure_id", ("actor__slug", "actor__name", "actor__code", "actor__kind", "actor__name_fr")),
    (LINES, "measure_id", ("hs_code", "description", "basis", "description_fr")),
    (CASES, "measures__id", ("reference",)),
    (LINKS, "from_measure_id", ("type", "to_measure_id", "to_measure__dispute__slug", "contested", "note")),
    (MEASURE_CITATIONS, "measure_id", CITATION_COLUMNS),
)


def _periods(rows, measures_url: str, today, french: bool) -> tuple[dict, dict]:
    """The rate periods ``rows`` of a page's measures, as the API shows them and as objects the rate rules read."""
    shown, read = {}, {}
    for measure_id, *values in rows:
        p = SimpleNamespace(**dict(zip(PERIOD_COLUMNS, values, strict=True)))
        read.setdefault(measure_id, []).append(p)
        shown.setdefault(measure_id, []).append(
            {
                "valid_from": p.valid_from, "valid_to": p.valid_to, "rate_percent": plain_decimal(p.rate_percent),
                "kind": p.kind, "state": p.state, "note": p.note, "scheduled": p.valid_from > today,
                "exporter": actor_brief(
                    p.exporter__slug, p.exporter__name, p.exporter__code, p.exporter__kind, p.exporter__name_fr,
                    french=french,
                ) if p.exporter_id else None,
                "on_top_of": p.on_top_of,
                "on_top_of_measure": {
                    "id": p.on_top_of_measure_id, "url": f"{measures_url}{p.on_top_of_measure_id}/",
                    "reference": p.on_top_of_measure__reference, "dispute": p.on_top_of_measure__dispute__slug,
                } if p.on_top_of_measure_id else None,
                "base_rate": plain_decimal(p.base_rate),
            }
        )  # fmt: skip
    return shown, read


BASE_COLUMNS = ("valid_from", "valid_to", "state", "rate_percent", "exporter_id")


def _totals(page: list[dict], periods: dict) -> dict:
    """Each dated row's total rate (``rate_periods.total_for``), reading the periods of the measures stacked on."""
    if not page or "rate_day" not in page[0]:
        return {}
    bases = {p.on_top_of_measure_id for rows in periods.values() for p in rows if p.on_top_of_measure_id}
    base_periods = {}
    if bases - set(periods):
        queryset = RatePeriod.objects.filter(measure_id__in=bases - set(periods))
        for measure_id, *values in queryset.values_list("measure_id", *BASE_COLUMNS):
            period = SimpleNamespace(**dict(zip(BASE_COLUMNS, values, strict=True)))
            base_periods.setdefault(measure_id, []).append(period)
    base_periods.update(periods)
    return {
        row["id"]: rate_periods.total_for(
            periods.get(row["id"], []), row["rate_day"], row["rate_exporter_id"],
            periods_of_base=lambda p: base_periods.get(p.on_top_of_measure_id, []),
        )
        for row in page
    }  # fmt: skip


def measure_rows(page: list[dict], request) -> list[dict]:
    """The ``MeasureSerializer`` shape (``MeasureOnDateSerializer``'s when the rows carry ``status_on_date``)
    of a page of rows."""
    ids = [row["id"] for row in page]
    today = timezone.localdate()
    base = base_url(request)
    measures_url = f"{base}{API_PREFIX}measures/"
    french = in_french()  # once per page: the active language is slow to ask
    period_rows, targets, lines, cases, links, sources = MEASURE_NESTED.read(ids)
    shown_periods, periods = _periods(period_rows, measures_url, today, french)
    fetched = {
        "french": french,
        "base": base,
        "measures_url": measures_url,
        "periods": shown_periods,
        "totals": _totals(page, periods),
        "targets": grouped_rows(targets, lambda r: actor_brief(*r, french=french)),
        "lines": grouped_rows(
            lines,
            lambda r: {
                "hs_code": r[0],
                "description": chosen(r[1], r[3], french),
                "basis": r[2],
                "description_fr": r[3],
            },
        ),
        "cases": grouped_rows(cases, lambda r: r[0]),
        "links": grouped_rows(
            links,
            lambda r: {
                "type": r[0], "measure": r[1], "measure_url": f"{measures_url}{r[1]}/", "measure_dispute": r[2],
                "contested": r[3], "note": r[4],
            },
        ),
        "sources": grouped_rows(sources, citation),
    }  # fmt: skip
    return [(MEASURE_ON_DATE_SHAPE if "status_on_date" in row else MEASURE_SHAPE).build(row, fetched) for row in page]


def measure_detail_rows(page: list[dict], request) -> list[dict]:
    """The ``MeasureDetailSerializer`` shape of rows: as listed, then each measure's exemptions and remissions (few,
    and shown by their serializer)."""
    exemptions = list(exemptions_of([row["id"] for row in page]))
    shown = {}
    data = ExemptionSerializer(exemptions, many=True, context={"request": request}).data
    for exemption, exemption_data in zip(exemptions, data, strict=True):
        shown.setdefault(exemption.measure_id, []).append(exemption_data)
    return [{**row, "exemptions": shown.get(row["id"], [])} for row in measure_rows(page, request)]
