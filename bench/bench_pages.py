"""Benchmark of the dispute page: its size and server time on the first case and on generated disputes.

Run with ``make bench`` or ``.venv/bin/python -m bench.bench_pages [--sizes 10000,100000] [--repeat 7]``.
Needs PostgreSQL. Without ``DATABASE_URL`` it uses (and creates if missing) the dedicated database
``tradewatch_bench``, which it empties at start and end. With ``DATABASE_URL`` and ``--allow-any-db`` it
works beside other data and, with ``--keep``, leaves its generated disputes in place and reuses them on the
next run (generating and refreshing 100k events takes minutes). Requests go through Django in-process,
uncached (``RESPONSE_CACHE_SECONDS=0``), with production settings (no DEBUG). See bench/README.md.
"""

from __future__ import annotations

import os

from bench.setup import start_django

# The page parts kept under a refresh version live in the in-process cache here, which the cold runs empty
# (never a shared Redis cache a REDIS_CACHE_URL could point at).
os.environ["REDIS_CACHE_URL"] = ""
# A full refresh of 100k events writes its entries in statements longer than the production timeout (30 s)
# on a busy machine; the page's own statements are far below either.
start_django(RESPONSE_CACHE_SECONDS="0", DATABASE_STATEMENT_TIMEOUT="600")

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import re  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from bench.generate import analyze, delete_bench_states, delete_generated, generate_dispute  # noqa: E402
from bench.setup import (  # noqa: E402
    BENCH_DB,
    allow_host,
    checked_database,
    clean_start,
    event_sizes,
    truncate_bench_tables,
    write_results,
)
from bench.setup import environment as bench_environment  # noqa: E402
from disputes.models import Dispute, Event  # noqa: E402
from timelines.models import TimelineEntry  # noqa: E402
from timelines.services import refresh_dispute  # noqa: E402

warnings.filterwarnings("ignore", message="No directory at")

DEFAULT_SIZES = (10_000, 100_000)
DEFAULT_REPEAT = 7
DEFAULT_WARMUP = 2
COLD_REPEAT = 3
TODAY = dt.date(2026, 6, 1)  # the refresh's "today", as in the other benchmarks
FIRST_CASE = "canada-china"
# The budgets of issue #14: the page's size (KiB) and server time (ms).
BUDGETS = {"generated": {"kib": 300, "ms": 150}, "first_case": {"kib": 300, "ms": 60}}
RESULTS = Path(__file__).resolve().parent / "results" / "pages.json"
HOST = "testserver"
STATIC_STORAGE = "django.contrib.staticfiles.storage.StaticFilesStorage"


def _get(client: Client, url: str) -> tuple[int, bytes]:
    response = client.get(url, secure=True)
    return response.status_code, response.content


def measure_page(client: Client, url: str, repeat: int, warmup: int) -> dict:
    """Median server time, size and statements of one page (the first request also checks it answers)."""
    status, body = _get(client, url)
    if status != 200:
        raise RuntimeError(f"GET {url} answered {status}: {body[:400]!r}")
    for _ in range(warmup):
        _get(client, url)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        _get(client, url)
        times.append(time.perf_counter() - started)
    statements = []
    with connection.execute_wrapper(lambda execute, sql, *args: statements.append(sql) or execute(sql, *args)):
        _get(client, url)
    # A view that finds nothing kept under the refresh version (a refresh's warming not run, a cache emptied)
    # computes the per-year counts and the actor filter's list: emptying the cache before each request measures it.
    cold = []
    for _ in range(COLD_REPEAT):
        cache.clear()
        started = time.perf_counter()
        _get(client, url)
        cold.append(time.perf_counter() - started)
    html = body.decode()
    return {
        "url": url,
        "bytes": len(body),
        "kib": len(body) / 1024,
        "ms": statistics.median(times) * 1000,
        "ms_min": min(times) * 1000,
        "cold_ms": statistics.median(cold) * 1000,
        "statements": len(statements),
        "listed": len(re.findall(r'<li class="kind-', html)),
        "state_of_play_first": 0 <= html.find('id="state-heading"') < html.find('id="timeline-heading"'),
    }


def generated(n_events: int, keep: bool) -> tuple[Dispute, bool, float]:
    """A generated dispute of ``n_events`` events with its timeline built: an earlier one (``keep``) or a new one."""
    started = time.perf_counter()
    if keep:
        for dispute in Dispute.objects.filter(slug__regex=rf"^bench-{n_events}-[0-9a-f]{{6}}$").order_by("-pk"):
            if Event.objects.filter(dispute=dispute).count() == n_events:
                if not TimelineEntry.objects.filter(dispute=dispute).exists():  # an earlier run stopped there
                    refresh_dispute(dispute_id=dispute.pk, today=TODAY, full=True)
                return dispute, False, time.perf_counter() - started
    dispute = generate_dispute(n_events, seed=n_events)
    analyze()
    refresh_dispute(dispute_id=dispute.pk, today=TODAY, full=True)
    return dispute, True, time.perf_counter() - started


def first_case() -> Dispute:
    if not Dispute.objects.filter(slug=FIRST_CASE).exists():
        call_command("load_dataset", FIRST_CASE, verbosity=0)
    dispute = Dispute.objects.get(slug=FIRST_CASE)
    if not TimelineEntry.objects.filter(dispute=dispute).exists():
        refresh_dispute(dispute_id=dispute.pk, today=TODAY, full=True)
    return dispute


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="event counts (default: %(default)s)"
    )
    parser.add_argument("--repeat", type=int, default=DEFAULT_REPEAT, help="timed runs, median kept (%(default)s)")
    parser.add_argument("--warmup", type=int, default=DEFAULT_WARMUP, help="untimed runs first (%(default)s)")
    parser.add_argument(
        "--allow-any-db", action="store_true", help=f"run on a database other than {BENCH_DB} (nothing truncated)"
    )
    parser.add_argument(
        "--keep", action="store_true", help="with --allow-any-db: keep the generated disputes and reuse them next time"
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when a budget is missed")
    parser.add_argument("--output", type=Path, default=RESULTS, help="JSON results file (default: %(default)s)")
    args = parser.parse_args(argv)
    sizes = event_sizes(args.sizes)
    if args.repeat < 1 or args.warmup < 0 or any(n < 1 for n in sizes):
        parser.error("sizes and --repeat must be positive, --warmup not negative")
    dedicated = checked_database(args.allow_any_db)
    if dedicated is None:
        return 2
    name = connection.settings_dict["NAME"]
    keep = args.keep and not dedicated
    allow_host(HOST)  # in-process requests only
    # Static addresses without the manifest of `collectstatic` (not run here): the same work per {% static %}.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": STATIC_STORAGE}}

    call_command("migrate", verbosity=0, interactive=False)
    if not keep:
        clean_start(dedicated)
    environment = bench_environment()
    print(f"Dispute page benchmark on {name} (PostgreSQL {environment['postgresql']}), median of {args.repeat}")
    client = Client()
    rows = []
    made = []
    try:
        case = first_case()
        rows.append({"case": "first case", "budget": "first_case", "events": Event.objects.filter(dispute=case).count(),
                     **measure_page(client, f"/en/disputes/{case.slug}/", args.repeat, args.warmup)})  # fmt: skip
        for n in sizes:
            print(f"[{n} events] preparing…", flush=True)
            dispute, new, prepare_s = generated(n, keep)
            if new:
                made.append(dispute.pk)
                print(f"[{n} events] generated and refreshed in {prepare_s:.0f}s", flush=True)
            entries = TimelineEntry.objects.filter(dispute=dispute).count()
            for lang in ("en", "fr"):
                url = f"/{lang}/disputes/{dispute.slug}/"
                row = measure_page(client, url, args.repeat, args.warmup)
                rows.append({"case": f"{n // 1000}k events ({lang})", "budget": "generated", "events": n,
                             "entries": entries, **row})  # fmt: skip
    finally:
        if not keep:
            delete_generated(made)
            if dedicated:
                truncate_bench_tables()
            else:
                delete_bench_states()

    print()
    print("GET /<lang>/disputes/<slug>/  (in-process, uncached, median ms; budgets from issue #14)")
    print(f"{'page':<22} {'events':>7} {'KiB':>8} {'ms':>8} {'cold ms':>8} {'stmts':>6} {'listed':>7}  budget  verdict")
    missed = False
    for row in rows:
        budget = BUDGETS[row["budget"]]
        ok = row["kib"] < budget["kib"] and row["ms"] < budget["ms"] and row["state_of_play_first"]
        missed |= not ok
        row["ok"] = ok
        print(
            f"{row['case']:<22} {row['events']:>7} {row['kib']:>8.1f} {row['ms']:>8.1f} {row['cold_ms']:>8.1f} "
            f"{row['statements']:>6} "
            f"{row['listed']:>7}  <{budget['kib']} KiB, <{budget['ms']} ms  {'ok' if ok else 'MISSED'}"
        )
    report = {
        "benchmark": "pages.dispute_detail",
        "run_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "repeat": args.repeat,
        "warmup": args.warmup,
        "budgets": BUDGETS,
        "environment": environment,
        "pages": rows,
    }
    write_results(args.output, report)
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
