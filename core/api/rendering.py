"""Renderers: JSON through orjson, and CSV that spreadsheets cannot turn into formulas."""

import csv
import datetime as dt
import itertools
from decimal import Decimal

import orjson
from rest_framework.renderers import BaseRenderer
from rest_framework_csv.renderers import CSVRenderer

from core.formatting import plain_decimal

# OWASP's CSV injection list, and the full-width forms some spreadsheets read as the same operators.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def _default(value):
    if isinstance(value, Decimal):
        return plain_decimal(value) if value == value.to_integral() else str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


class FastJSONRenderer(BaseRenderer):
    """application/json, encoded by orjson (dates ISO 8601, decimals as strings)."""

    media_type = "application/json"
    format = "json"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        # OPT_UTC_Z writes UTC datetimes with "Z", as DRF's DateTimeField does.
        return orjson.dumps(data, default=_default, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_UTC_Z)


def flatten_cell(key: str, value) -> str:
    """One readable cell for a nested value (lists of objects become "a; b; c")."""
    if value is None:
        return ""
    if isinstance(value, dict):
        for label in ("slug", "reference", "title", "name", "hs_code", "id"):
            if value.get(label) not in (None, ""):
                return str(value[label])
        return "; ".join(f"{k}={flatten_cell(k, v)}" for k, v in value.items() if v not in (None, "", []))
    if isinstance(value, list | tuple):
        if key == "rate_periods":
            return "; ".join(
                f"{p['valid_from']}–{p['valid_to'] or ''}: "
                f"{(p['rate_percent'] + '%') if p.get('rate_percent') is not None else 'no rate'} {p['state']}"
                for p in value
            )
        if key == "participants":
            return "; ".join(f"{p['actor']['slug']} ({p['role']})" for p in value)
        if key == "sources":
            return "; ".join(s.get("document_url") or s.get("title") or "" for s in value)
        return "; ".join(flatten_cell(key, item) for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return _default(value)
    if isinstance(value, dt.datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def neutralise(cell: str) -> str:
    """Prefix a quote so a spreadsheet shows the text instead of running it as a formula."""
    return "'" + cell if cell.startswith(FORMULA_PREFIXES) else cell


class Echo:
    """A file-like object whose write returns what it was given, for streaming csv.writer rows."""

    def write(self, value):
        return value


class SafeCSVRenderer(CSVRenderer):
    """text/csv: a header row and one row per result; nested values flattened; no formula injection."""

    media_type = "text/csv"
    format = "csv"

    def render(self, data, media_type=None, renderer_context=None, writer_opts=None):
        if isinstance(data, dict):
            data = data.get("results", [data])
        return b"".join(self.stream(data or [], header=(renderer_context or {}).get("header")))

    def stream(self, rows, header=None):
        """The CSV bytes of ``rows`` (dicts), one line at a time."""
        writer = csv.writer(Echo())
        iterator = iter(rows)
        first = next(iterator, None)
        columns = list(header or (first.keys() if first is not None else []))
        yield writer.writerow(columns).encode("utf-8")
        if first is None:
            return
        for row in itertools.chain([first], iterator):
            yield writer.writerow([neutralise(flatten_cell(c, row.get(c))) for c in columns]).encode("utf-8")
