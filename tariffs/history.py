"""What a measure's public history shows: its own fields, its targets, rate periods, product lines, sources and links.

Names are the API's (``legal_instrument.name`` for the nested instrument). See ``core.revisions``.
"""

from django.utils.translation import gettext as _

from core.revisions import Children, HistorySpec
from disputes.history import sources_of

from .models import MeasureCitation, MeasureExemption, MeasureLink, ProductLine, RatePeriod


def _period_text(values: dict, texts: dict[str, str]) -> str:
    rate = f"{texts['rate_percent']}%" if texts["rate_percent"] else _("no rate")
    text = f"{texts['valid_from']} – {texts['valid_to'] or '…'}: {rate} ({texts['state']})"
    return f"{texts['exporter']}: {text}" if texts.get("exporter") else text


def _exemption_text(values: dict, texts: dict[str, str]) -> str:
    window = f" ({texts['valid_from'] or '…'} – {texts['valid_to'] or '…'})" if texts["valid_from"] else ""
    return f"{texts['kind']}: {texts['description']}{window}"


def _product_text(values: dict, texts: dict[str, str]) -> str:
    return " ".join(t for t in (texts["hs_code"], texts["description"], f"({texts['basis']})") if t)


def _link_text(values: dict, texts: dict[str, str]) -> str:
    contested = f" ({_('contested')})" if values["contested"] else ""
    return f"{texts['type']} {texts['measure']}{contested}"


MEASURE_REVISIONS = HistorySpec(
    fields={
        "dispute": "dispute",
        "reference": "reference",
        "imposed_by": "imposed_by",
        "applies_to": "applies_to",
        "type": "type",
        "title": "title",
        "product_description": "product_description",
        "summary": "summary",
        "legal_instrument_name": "legal_instrument.name",
        "legal_instrument_number": "legal_instrument.number",
        "legal_instrument_url": "legal_instrument.url",
        "announced_on": "announced_on",
        "announced_on_precision": "announced_on_precision",
        "status": "status",
        "announcement": "announcement",
        "confidence": "confidence",
        "title_fr": "title_fr",
        "product_description_fr": "product_description_fr",
        "summary_fr": "summary_fr",
    },
    children=(
        Children(
            "rate_periods", RatePeriod, "measure",
            {"valid_from": "valid_from", "valid_to": "valid_to", "rate_percent": "rate_percent", "kind": "kind",
             "state": "state", "note": "note", "exporter": "exporter", "on_top_of": "on_top_of",
             "on_top_of_measure": "on_top_of_measure", "base_rate": "base_rate"},
            _period_text,
        ),
        Children(
            "product_lines", ProductLine, "measure",
            {"hs_code": "hs_code", "description": "description", "description_fr": "description_fr", "basis": "basis"},
            _product_text,
        ),
        sources_of(MeasureCitation, "measure"),
        Children(
            "links", MeasureLink, "from_measure",
            {"type": "type", "to_measure": "measure", "contested": "contested", "note": "note"},
            _link_text,
        ),
        Children(
            "exemptions", MeasureExemption, "measure",
            {"kind": "kind", "description": "description", "description_fr": "description_fr",
             "valid_from": "valid_from", "valid_to": "valid_to", "instrument": "instrument"},
            _exemption_text,
        ),
    ),
)  # fmt: skip
