"""Benchmark of the API list pages (events, measures in force) against the physical floor of the same page.

Run with ``make bench`` or ``.venv/bin/python -m bench.bench_api [--sizes 10000] [--repeat 15]``.
Needs PostgreSQL. Without ``DATABASE_URL`` it uses (and creates if missing) a dedicated database,
``tradewatch_bench`` on ``postgres://postgres@127.0.0.1:5432/``, which it empties at start and end.

The floor is what the same page costs with no framework at all: the same rows, with the same nested
data, fetched by one raw SQL query (``json_agg`` for the nested lists) and encoded by ``orjson`` in
the same process. See bench/README.md for the columns and the target (API ≤ 2.5 × floor).
"""

from __future__ import annotations

from bench.setup import start_django

start_django(
    # Hundreds of anonymous reads a minute: the throttle must count them, not refuse them.
    API_ANON_READ_RATE="1000000/minute",
)

import argparse  # noqa: E402
import csv  # noqa: E402
import datetime as dt  # noqa: E402
import io  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import orjson  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.generate import analyze, delete_bench_states, delete_generated, generate_dispute  # noqa: E402
from bench.setup import (  # noqa: E402
    BENCH_DB,
    allow_host,
    checked_database,
    clean_start,
    event_sizes,
    truncate_bench_tables,
    vacuum,
    write_results,
)
from bench.setup import environment as bench_environment  # noqa: E402
from core.permalinks import PAGE_PATHS  # noqa: E402
from disputes.api.serializers import API_PREFIX  # noqa: E402
from disputes.models import (  # noqa: E402
    Actor,
    Case,
    Dispute,
    Event,
    EventCitation,
    EventParticipant,
    Source,
)
from tariffs.choices import RateState  # noqa: E402
from tariffs.models import Measure, MeasureCitation, MeasureLink, ProductLine, RatePeriod  # noqa: E402

# Without DEBUG, whitenoise warns once that there is no collected static folder: not our concern here.
warnings.filterwarnings("ignore", message="No directory at")

DEFAULT_SIZES = (10_000, 100_000)
DEFAULT_REPEAT = 15
DEFAULT_WARMUP = 3
PAGE = 500
MAX_RATIO = 2.5
RESULTS = Path(__file__).resolve().parent / "results" / "api.json"
HOST = "testserver"
ORIGIN = f"https://{HOST}"  # requests are made as HTTPS (production redirects plain HTTP when DEBUG is off)


READ_MODELS = (
    Dispute, Actor, Source, Case, Event, EventParticipant, EventCitation,
    Measure, Measure.applies_to.through, Measure.cases.through, RatePeriod, ProductLine, MeasureCitation, MeasureLink,
)  # fmt: skip


# --- The floor: one SQL statement, orjson ------------------------------------------------------
def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _link(template: str) -> str:
    """The absolute URL prefix of a LinkField template (``/api/v1/events/{}/`` → ``https://testserver/api/v1/events/``)."""
    prefix, suffix = template.split("{}")
    assert suffix == "/", template
    return ORIGIN + prefix


ACTOR_JSON = "json_build_object('slug', {a}.slug, 'name', {a}.name, 'code', {a}.code, 'kind', {a}.kind)"
CITATION_JSON = (
    "json_build_object('id', s.id, 'title', s.title, 'publisher', s.publisher, 'published_on', s.published_on, "
    "'kind', s.kind, 'document_url', s.url, 'field', c.field_name, 'locator', c.locator, 'quote', c.quote)"
)


def events_floor_sql() -> str:
    """The page of ``/events/?dispute=…&limit=500`` with every field the API returns, in one statement.

    The nested lists are aggregated per event of the page (``json_agg`` grouped by event); the
    total is a ``count(*)`` over the same filter in the same statement.
    """
    where = f"dispute_id = (SELECT id FROM {_t(Dispute)} WHERE slug = %(slug)s)"  # noqa: S608
    return f"""
WITH page AS (
    SELECT e.id, e.dispute_id, e.reference, e.date, e.date_precision, e.end_date, e.kind, e.level, e.title,
           e.summary, e.location, e.outcome, e.case_id, e.case_stage, e.confidence, e.created_at, e.updated_at
    FROM {_t(Event)} e
    WHERE e.{where}
    ORDER BY e.date, e.id
    LIMIT %(limit)s
), participants AS (
    SELECT ep.event_id, json_agg(json_build_object('actor', {ACTOR_JSON.format(a="a")}, 'role', ep.role)
                                 ORDER BY ep.id) AS items
    FROM page JOIN {_t(EventParticipant)} ep ON ep.event_id = page.id JOIN {_t(Actor)} a ON a.id = ep.actor_id
    GROUP BY ep.event_id
), sources AS (
    SELECT c.event_id, json_agg({CITATION_JSON} ORDER BY c.id) AS items
    FROM page JOIN {_t(EventCitation)} c ON c.event_id = page.id JOIN {_t(Source)} s ON s.id = c.source_id
    GROUP BY c.event_id
)
SELECT
    p.id,
    %(event_url)s || p.id || '/' AS url,
    %(event_page)s || p.id || '/' AS html_url,
    d.slug AS dispute,
    p.reference, p.date, p.date_precision, p.end_date, p.kind, p.level, p.title, p.summary, p.location, p.outcome,
    CASE WHEN k.id IS NULL THEN NULL ELSE json_build_object(
        'id', k.id, 'url', %(case_url)s || k.id || '/', 'reference', k.reference, 'title', k.title) END AS "case",
    p.case_stage, p.confidence,
    coalesce(participants.items, '[]'::json) AS participants,
    coalesce(sources.items, '[]'::json) AS sources,
    p.created_at, p.updated_at,
    (SELECT count(*) FROM {_t(Event)} WHERE {where}) AS total
FROM page p
JOIN {_t(Dispute)} d ON d.id = p.dispute_id
LEFT JOIN {_t(Case)} k ON k.id = p.case_id
LEFT JOIN participants ON participants.event_id = p.id
LEFT JOIN sources ON sources.event_id = p.id
ORDER BY p.date, p.id
"""  # noqa: S608 - table names from model meta


def measures_floor_sql() -> str:
    """The page of ``/measures/?dispute=…&limit=500&in_force_on=…`` with every field the API returns."""
    in_force = (
        f"FROM {_t(RatePeriod)} r WHERE r.measure_id = {{m}}.id AND r.state = %(in_force)s "
        "AND r.valid_from <= %(day)s AND (r.valid_to IS NULL OR r.valid_to >= %(day)s)"
    )
    where = (
        f"m.dispute_id = (SELECT id FROM {_t(Dispute)} WHERE slug = %(slug)s) "  # noqa: S608
        f"AND EXISTS (SELECT 1 {in_force.format(m='m')})"
    )
    return f"""
WITH page AS (
    SELECT m.id, m.dispute_id, m.reference, m.imposed_by_id, m.type, m.title, m.product_description, m.summary,
           m.legal_instrument_name, m.legal_instrument_number, m.legal_instrument_url, m.announced_on,
           m.announced_on_precision, m.status, m.announcement_id, m.confidence, m.created_at, m.updated_at
    FROM {_t(Measure)} m
    WHERE {where}
    ORDER BY m.announced_on, m.id
    LIMIT %(limit)s
), applies_to AS (
    SELECT t.measure_id, json_agg({ACTOR_JSON.format(a="a")} ORDER BY a.name, a.id) AS items
    FROM page JOIN {_t(Measure.applies_to.through)} t ON t.measure_id = page.id
    JOIN {_t(Actor)} a ON a.id = t.actor_id
    GROUP BY t.measure_id
), rate_periods AS (
    SELECT r.measure_id, json_agg(json_build_object(
               'valid_from', r.valid_from, 'valid_to', r.valid_to, 'rate_percent', trim_scale(r.rate_percent)::text,
               'kind', r.kind, 'state', r.state, 'note', r.note) ORDER BY r.valid_from) AS items
    FROM page JOIN {_t(RatePeriod)} r ON r.measure_id = page.id
    GROUP BY r.measure_id
), product_lines AS (
    SELECT l.measure_id, array_agg(l.hs_code ORDER BY l.hs_code) AS codes,
           json_agg(json_build_object('hs_code', l.hs_code, 'description', l.description, 'basis', l.basis)
                    ORDER BY l.hs_code) AS items
    FROM page JOIN {_t(ProductLine)} l ON l.measure_id = page.id
    GROUP BY l.measure_id
), cases AS (
    SELECT mk.measure_id, array_agg(k.reference ORDER BY k.initiated_on, k.reference, k.id) AS refs
    FROM page JOIN {_t(Measure.cases.through)} mk ON mk.measure_id = page.id JOIN {_t(Case)} k ON k.id = mk.case_id
    GROUP BY mk.measure_id
), links AS (
    SELECT x.from_measure_id AS measure_id, json_agg(json_build_object(
               'type', x.type, 'measure', x.to_measure_id, 'measure_url', %(measure_url)s || x.to_measure_id || '/',
               'contested', x.contested, 'note', x.note) ORDER BY x.type, x.to_measure_id) AS items
    FROM page JOIN {_t(MeasureLink)} x ON x.from_measure_id = page.id
    GROUP BY x.from_measure_id
), sources AS (
    SELECT c.measure_id, json_agg({CITATION_JSON} ORDER BY c.id) AS items
    FROM page JOIN {_t(MeasureCitation)} c ON c.measure_id = page.id JOIN {_t(Source)} s ON s.id = c.source_id
    GROUP BY c.measure_id
)
SELECT
    p.id,
    %(measure_url)s || p.id || '/' AS url,
    %(measure_page)s || p.id || '/' AS html_url,
    d.slug AS dispute,
    p.reference,
    {ACTOR_JSON.format(a="ib")} AS imposed_by,
    coalesce(applies_to.items, '[]'::json) AS applies_to,
    p.type, p.title, p.product_description, p.summary,
    json_build_object('name', p.legal_instrument_name, 'number', p.legal_instrument_number,
                      'url', p.legal_instrument_url) AS legal_instrument,
    p.announced_on, p.announced_on_precision, p.status,
    p.announcement_id AS announcement,
    coalesce(rate_periods.items, '[]'::json) AS rate_periods,
    coalesce(product_lines.codes, '{{}}') AS hs_codes,
    coalesce(product_lines.items, '[]'::json) AS product_lines,
    coalesce(cases.refs, '{{}}') AS cases,
    coalesce(links.items, '[]'::json) AS links,
    coalesce(sources.items, '[]'::json) AS sources,
    p.confidence, p.created_at, p.updated_at,
    (SELECT trim_scale(r.rate_percent)::text {in_force.format(m="p")} ORDER BY r.valid_from LIMIT 1) AS rate_on_date,
    (SELECT count(*) FROM {_t(Measure)} m WHERE {where}) AS total
FROM page p
JOIN {_t(Dispute)} d ON d.id = p.dispute_id
JOIN {_t(Actor)} ib ON ib.id = p.imposed_by_id
LEFT JOIN applies_to ON applies_to.measure_id = p.id
LEFT JOIN rate_periods ON rate_periods.measure_id = p.id
LEFT JOIN product_lines ON product_lines.measure_id = p.id
LEFT JOIN cases ON cases.measure_id = p.id
LEFT JOIN links ON links.measure_id = p.id
LEFT JOIN sources ON sources.measure_id = p.id
ORDER BY p.announced_on, p.id
"""  # noqa: S608 - table names from model meta


def floor_params(endpoint: str, slug: str, day: dt.date | None) -> dict:
    params = {"slug": slug, "limit": PAGE}
    if endpoint == "events":
        params |= {
            "event_url": _link(API_PREFIX + "events/{}/"),
            "event_page": _link(PAGE_PATHS["event"]),
            "case_url": _link(API_PREFIX + "cases/{}/"),
        }
    else:
        params |= {
            "measure_url": _link(API_PREFIX + "measures/{}/"),
            "measure_page": _link(PAGE_PATHS["measure"]),
            "in_force": RateState.IN_FORCE.value,
            "day": day,
        }
    return params


def floor(sql: str, params: dict) -> bytes:
    """Fetch the page in one statement and encode it as the API's envelope: the physical floor."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [column.name for column in cursor.description][:-1]  # the last one is the total
        rows = cursor.fetchall()
    total = rows[0][-1] if rows else 0
    results = [dict(zip(columns, row)) for row in rows]  # zip stops before the total  # noqa: B905
    return orjson.dumps({"count": total, "results": results}, option=orjson.OPT_UTC_Z)


# --- The API --------------------------------------------------------------------------------------
def api_get(client: Client, url: str, accept: str) -> tuple[int, bytes]:
    """One whole request through Django (middleware, view, serializer, renderer), body included."""
    response = client.get(url, HTTP_ACCEPT=accept, secure=True)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body


def _fresh_throttle() -> None:
    """Forget the throttle history (outside the timing), so no run pays for the previous ones."""
    cache.clear()


class ApiError(Exception):
    pass


def _call(client: Client, url: str, accept: str) -> tuple[float, bytes]:
    _fresh_throttle()
    started = time.perf_counter()
    try:
        status, body = api_get(client, url, accept)
    except Exception as error:
        detail = "".join(traceback.format_exception(error)[-6:]).rstrip()
        raise ApiError(f"GET {url} raised {type(error).__name__}: {error}\n{detail}") from error
    seconds = time.perf_counter() - started
    if status != 200:
        raise ApiError(f"GET {url} answered {status}: {body[:800].decode('utf-8', 'replace')}")
    return seconds, body


def _statements(client: Client, url: str, accept: str) -> tuple[int, list[str]]:
    _fresh_throttle()
    with CaptureQueriesContext(connection) as captured:
        api_get(client, url, accept)
    sqls = [q["sql"] for q in captured.captured_queries]
    return len(sqls), [s if len(s) <= 300 else s[:300] + f"… [{len(s)} chars]" for s in sqls]


# --- Checking that API and floor return the same thing ----------------------------------------------
def differences(api: object, floor_: object, path: str = "", limit: int = 5) -> list[str]:
    """Where two decoded JSON documents differ (at most ``limit`` places)."""
    found: list[str] = []

    def walk(a, b, where):
        if len(found) >= limit:
            return
        if isinstance(a, dict) and isinstance(b, dict):
            if list(a) != list(b):
                found.append(f"{where or '.'}: keys {list(a)} != {list(b)}")
                return
            for key in a:
                walk(a[key], b[key], f"{where}.{key}")
        elif isinstance(a, list) and isinstance(b, list):
            if len(a) != len(b):
                found.append(f"{where}: {len(a)} items != {len(b)}")
                return
            for i, (x, y) in enumerate(zip(a, b, strict=True)):
                walk(x, y, f"{where}[{i}]")
        elif a != b or type(a) is not type(b):
            found.append(f"{where}: API {a!r} != floor {b!r}")

    walk(api, floor_, path)
    return found


def _check(condition: bool, message: str, warnings_: list[str]) -> None:
    if not condition:
        warnings_.append(message)
        print(f"  WARNING: {message}", flush=True)


def _csv_ids(body: bytes) -> list[int]:
    reader = csv.DictReader(io.StringIO(body.decode("utf-8")))
    return [int(row["id"]) for row in reader]


# --- One endpoint at one size -------------------------------------------------------------------------
def bench_endpoint(endpoint: str, url: str, sql: str, params: dict, repeat: int, warmup: int) -> dict:
    client = Client()
    csv_url = url + "&format=csv"
    row: dict = {"url": url, "csv_url": csv_url, "errors": [], "warnings": []}
    warns = row["warnings"]

    # Reference answers (outside any timing), and the checks.
    floor_body = floor(sql, params)
    floor_doc = orjson.loads(floor_body)
    floor_ids = [r["id"] for r in floor_doc["results"]]
    row.update(count=floor_doc["count"], rows=len(floor_ids), floor_bytes=len(floor_body))
    expected = min(PAGE, floor_doc["count"])
    _check(len(floor_ids) == expected, f"floor returned {len(floor_ids)} rows, expected {expected}", warns)

    json_ok = csv_ok = True
    try:
        _, body = _call(client, url, "application/json")
        doc = orjson.loads(body)
        ids = [r["id"] for r in doc.get("results", [])]
        row.update(api_bytes=len(body), api_count=doc.get("count"))
        _check(len(ids) == expected, f"API returned {len(ids)} results, expected {expected}", warns)
        _check(doc.get("count") == floor_doc["count"], f"API count {doc.get('count')} != {floor_doc['count']}", warns)
        _check(ids == floor_ids, "API ids differ from the floor's ids (order or content)", warns)
        diffs = differences(doc.get("results"), floor_doc["results"], "results")
        row["content_differences"] = diffs
        _check(not diffs, "API and floor results differ: " + "; ".join(diffs), warns)
    except ApiError as error:
        json_ok = False
        row["errors"].append(str(error))
        print(f"  ERROR: {error}", flush=True)
    except (ValueError, KeyError, TypeError, AttributeError) as error:  # a 200 that is not the expected page
        _check(False, f"API answer is not the expected JSON page: {type(error).__name__}: {error}", warns)
    try:
        _, body = _call(client, csv_url, "text/csv")
        csv_ids = _csv_ids(body)
        row["csv_bytes"] = len(body)
        _check(csv_ids == floor_ids, f"CSV ids differ from the floor's ({len(csv_ids)} rows)", warns)
    except ApiError as error:
        csv_ok = False
        row["errors"].append(str(error))
        print(f"  ERROR: {error}", flush=True)
    except (ValueError, KeyError, TypeError, csv.Error) as error:
        _check(False, f"CSV answer is not the expected page: {type(error).__name__}: {error}", warns)

    # Timed runs, interleaved so that drift on a shared machine hits all three alike.
    api_runs, floor_runs, csv_runs = [], [], []
    for i in range(warmup + repeat):
        timed = i >= warmup
        if json_ok:
            try:
                seconds, _ = _call(client, url, "application/json")
                if timed:
                    api_runs.append(seconds)
            except ApiError as error:  # the API changed under us: report it, keep timing the rest
                json_ok, api_runs = False, []
                row["errors"].append(f"run {i + 1}: {error}")
                print(f"  ERROR: {error}", flush=True)
        started = time.perf_counter()
        floor(sql, params)
        seconds = time.perf_counter() - started
        if timed:
            floor_runs.append(seconds)
        if csv_ok:
            try:
                seconds, _ = _call(client, csv_url, "text/csv")
                if timed:
                    csv_runs.append(seconds)
            except ApiError as error:
                csv_ok, csv_runs = False, []
                row["errors"].append(f"run {i + 1}: {error}")
                print(f"  ERROR: {error}", flush=True)

    median = lambda runs: statistics.median(runs) if runs else None  # noqa: E731
    row.update(api_s=median(api_runs), floor_s=median(floor_runs), csv_s=median(csv_runs))
    row.update(api_runs=api_runs, floor_runs=floor_runs, csv_runs=csv_runs)
    row["ratio"] = row["api_s"] / row["floor_s"] if row["api_s"] is not None else None
    row["csv_ratio"] = row["csv_s"] / row["floor_s"] if row["csv_s"] is not None else None
    row["api_queries"], row["api_sql"] = _statements(client, url, "application/json") if json_ok else (None, [])
    row["csv_queries"], _ = _statements(client, csv_url, "text/csv") if csv_ok else (None, [])
    return row


def busiest_day(dispute_id: int) -> tuple[dt.date, int]:
    """The first day of a month on which the most of the dispute's measures are in force (and how many)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT day::date, count(DISTINCT r.measure_id)
            FROM generate_series(
                (SELECT date_trunc('month', min(valid_from)) FROM {_t(RatePeriod)} r
                   JOIN {_t(Measure)} m ON m.id = r.measure_id WHERE m.dispute_id = %(dispute)s),
                (SELECT max(coalesce(valid_to, valid_from)) FROM {_t(RatePeriod)} r
                   JOIN {_t(Measure)} m ON m.id = r.measure_id WHERE m.dispute_id = %(dispute)s),
                interval '1 month') AS day
            JOIN {_t(RatePeriod)} r ON r.state = %(in_force)s AND r.valid_from <= day
                 AND (r.valid_to IS NULL OR r.valid_to >= day)
            JOIN {_t(Measure)} m ON m.id = r.measure_id AND m.dispute_id = %(dispute)s
            GROUP BY day ORDER BY 2 DESC, 1 LIMIT 1
            """,  # noqa: S608 - table names from model meta
            {"dispute": dispute_id, "in_force": RateState.IN_FORCE.value},
        )
        day, count = cursor.fetchone()
    return day, count


def bench_size(n_events: int, repeat: int, warmup: int) -> dict:
    print(f"[{n_events} events] generating…", flush=True)
    started = time.perf_counter()
    dispute = generate_dispute(n_events, seed=n_events)
    generate_s = time.perf_counter() - started
    analyze()
    vacuum(*READ_MODELS)
    result: dict = {"n_events": n_events, "dispute": dispute.slug, "generate_s": generate_s}
    try:
        day, in_force = busiest_day(dispute.pk)
        orm_in_force = Measure.objects.filter(dispute=dispute).in_force(on=day).count()
        result.update(in_force_on=day.isoformat(), measures_in_force=in_force)
        print(
            f"[{n_events} events] generated in {generate_s:.1f}s; in_force_on={day} ({in_force} measures in force)",
            flush=True,
        )
        endpoints = {
            "events": (f"{API_PREFIX}events/?dispute={dispute.slug}&limit={PAGE}", events_floor_sql(), None),
            "measures": (
                f"{API_PREFIX}measures/?dispute={dispute.slug}&limit={PAGE}&in_force_on={day.isoformat()}",
                measures_floor_sql(),
                day,
            ),
        }
        for endpoint, (url, sql, param_day) in endpoints.items():
            print(f"[{n_events} events] {endpoint}: {warmup} warm-up + {repeat} timed runs…", flush=True)
            row = bench_endpoint(endpoint, url, sql, floor_params(endpoint, dispute.slug, param_day), repeat, warmup)
            if endpoint == "measures":
                _check(
                    row["count"] == orm_in_force == in_force,
                    f"in force on {day}: floor count {row['count']}, ORM {orm_in_force}, chosen {in_force}",
                    row["warnings"],
                )
            result[endpoint] = row
    finally:
        delete_generated([dispute.pk])
    return result


# --- The OpenAPI document and its docs page ---------------------------------------------------------
SCHEMA_TARGET_MS = 20.0
SCHEMA_URLS = ("/api/schema/", "/api/schema/?format=json", "/api/schema/?lang=fr", "/api/docs/")


def bench_schema(repeat: int) -> dict:
    """The first request of the process for each address (it builds the document), then the median of later ones."""
    from django.test.utils import override_settings

    from tradewatch.api_schema import forget_built_schemas

    forget_built_schemas()
    client = Client()
    found = {}
    # The docs page links the collected static files; the benchmark has none collected, so plain storage.
    with override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ):
        for url in SCHEMA_URLS:
            times = []
            for _ in range(repeat + 1):
                started = time.perf_counter()
                response = client.get(url, secure=True)
                times.append(time.perf_counter() - started)
                if response.status_code != 200:
                    raise ApiError(f"GET {url} answered {response.status_code}")
            found[url] = {"first_s": times[0], "median_s": statistics.median(times[1:]), "bytes": len(response.content)}
    return found


def schema_lines(found: dict) -> tuple[list[str], dict]:
    lines = [
        "OpenAPI document and docs page (ms; later: median of the requests after the first; "
        f"target ≤ {SCHEMA_TARGET_MS:.0f} ms)"
    ]
    ok = all(row["median_s"] * 1000 <= SCHEMA_TARGET_MS for row in found.values())
    for url, row in found.items():
        verdict = "OK" if row["median_s"] * 1000 <= SCHEMA_TARGET_MS else "MISSED"
        lines.append(
            f"  {url:28} first {_ms(row['first_s']):>8}  later {_ms(row['median_s']):>6}  "
            f"{row['bytes'] / 1024:5.0f} kB  {verdict}"
        )
    return lines, {"target_ms": SCHEMA_TARGET_MS, "by_url": found, "ok": ok}


# --- Reporting ------------------------------------------------------------------------------------
def _ms(seconds: float | None) -> str:
    return "error" if seconds is None else f"{seconds * 1000:.1f}"


def _x(ratio: float | None) -> str:
    return "-" if ratio is None else f"{ratio:.2f}×"


COLUMNS = (
    ("events", lambda s, r: f"{s['n_events']:d}"),
    ("rows", lambda s, r: f"{r['rows']:d}"),
    ("count", lambda s, r: f"{r['count']:d}"),
    ("api_ms", lambda s, r: _ms(r["api_s"])),
    ("floor_ms", lambda s, r: _ms(r["floor_s"])),
    ("ratio", lambda s, r: _x(r["ratio"])),
    ("api_queries", lambda s, r: "-" if r["api_queries"] is None else str(r["api_queries"])),
    ("csv_ms", lambda s, r: _ms(r["csv_s"])),
    ("csv_ratio", lambda s, r: _x(r["csv_ratio"])),
    ("api_kB", lambda s, r: f"{r['api_bytes'] / 1024:.0f}" if "api_bytes" in r else "-"),
    ("floor_kB", lambda s, r: f"{r['floor_bytes'] / 1024:.0f}"),
)


def table(endpoint: str, sizes: list[dict]) -> str:
    cells = [[title for title, _ in COLUMNS]]
    cells += [[fmt(s, s[endpoint]) for _, fmt in COLUMNS] for s in sizes]
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in cells)


def verdicts(sizes: list[dict]) -> tuple[list[str], dict]:
    lines, checks = [], {}
    for endpoint in ("events", "measures"):
        parts, ok_all, by_size = [], True, {}
        for s in sizes:
            ratio = s[endpoint]["ratio"]
            passed = ratio is not None and ratio <= MAX_RATIO
            ok_all &= passed
            by_size[str(s["n_events"])] = {"ratio": ratio, "ok": passed}
            parts.append(
                f"{s['n_events']}: {_x(ratio) if ratio is not None else 'error'} {'OK' if passed else 'MISSED'}"
            )
        checks[f"{endpoint}_ratio"] = {"target": MAX_RATIO, "by_size": by_size, "ok": ok_all}
        lines.append(f"{endpoint}: target ≤ {MAX_RATIO}× the floor: " + ", ".join(parts))
    return lines, checks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="comma-separated event counts (default: %(default)s)"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=DEFAULT_REPEAT,
        help="timed runs per measurement, median kept (default: %(default)s)",
    )
    parser.add_argument(
        "--warmup", type=int, default=DEFAULT_WARMUP, help="untimed runs before them (default: %(default)s)"
    )
    parser.add_argument(
        "--allow-any-db",
        action="store_true",
        help=f"run on a database other than {BENCH_DB} (nothing is truncated; only generated rows are deleted)",
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed or the API fails")
    parser.add_argument("--output", type=Path, default=RESULTS, help="JSON results file (default: %(default)s)")
    args = parser.parse_args(argv)
    sizes = event_sizes(args.sizes)
    if not sizes or min(sizes) < 1 or args.repeat < 1 or args.warmup < 0:
        parser.error("sizes and --repeat must be positive, --warmup not negative")

    dedicated = checked_database(args.allow_any_db)
    if dedicated is None:
        return 2
    name = connection.settings_dict["NAME"]
    allow_host(HOST)  # in-process requests only

    call_command("migrate", verbosity=0, interactive=False)
    clean_start(dedicated)
    environment = bench_environment(orjson=orjson.__version__)
    print(
        f"API list benchmark on {name} (PostgreSQL {environment['postgresql']}), sizes {', '.join(map(str, sizes))}, "
        f"pages of {PAGE}, median of {args.repeat} after {args.warmup} warm-up runs",
        flush=True,
    )
    schema_found = bench_schema(args.repeat)
    schema_report, schema_check = schema_lines(schema_found)
    for line in schema_report:
        print(line, flush=True)
    started = time.perf_counter()
    results = []
    try:
        for n in sizes:
            results.append(bench_size(n, args.repeat, args.warmup))
    finally:
        if dedicated:
            truncate_bench_tables()
        else:
            delete_bench_states()
    total_s = time.perf_counter() - started

    lines, checks = verdicts(results)
    checks["schema"] = schema_check
    labels = {
        "events": f"GET {API_PREFIX}events/?dispute=…&limit={PAGE}",
        "measures": f"GET {API_PREFIX}measures/?dispute=…&limit={PAGE}&in_force_on=…",
    }
    for endpoint, label in labels.items():
        print()
        print(f"{label}  (ms, median; csv_*: the same page with &format=csv)")
        print(table(endpoint, results))
    print()
    for line in schema_report:
        print(line)
    for line in lines:
        print(line)
    print("(csv_ratio, for information: the CSV page against the same JSON floor)")
    errors = False
    for s in results:
        for endpoint in ("events", "measures"):
            for warning in s[endpoint]["warnings"]:
                print(f"warning at {s['n_events']} events, {endpoint}: {warning}")
            for error in s[endpoint]["errors"]:
                errors = True
                print(f"API ERROR at {s['n_events']} events, {endpoint}:\n{error}")
    print(f"total benchmark time: {total_s:.0f}s")

    report = {
        "benchmark": "api.list_pages",
        "run_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "page": PAGE,
        "repeat": args.repeat,
        "warmup": args.warmup,
        "environment": environment,
        "total_s": total_s,
        "checks": checks,
        "sizes": results,
    }
    write_results(args.output, report)
    missed = any(c.get("ok") is False for c in checks.values())
    return 1 if args.strict and (missed or errors) else 0


if __name__ == "__main__":
    sys.exit(main())
