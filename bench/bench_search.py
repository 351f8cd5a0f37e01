"""Benchmark of full-text search: ``q`` on the events and measures API and the search page, at 1k/10k/100k events.

Run with ``make bench`` or ``.venv/bin/python -m bench.bench_search [--sizes 1000,10000] [--repeat 9]``.
Needs PostgreSQL. Without ``DATABASE_URL`` it uses (and creates if missing) the dedicated database
``tradewatch_bench``. Generated disputes (``bench/generate.py``) already in the database are reused, so a
second run starts at once; ``--clean`` deletes them at the end. See bench/README.md for the target (≤ 50 ms).
"""

from __future__ import annotations

from bench.setup import start_django

start_django(API_ANON_READ_RATE="1000000/minute")

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402
from urllib.parse import urlencode  # noqa: E402

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402

from bench.generate import analyze, delete_generated, generate_dispute  # noqa: E402
from bench.setup import BENCH_DB, GENERATED_SLUG, allow_host, checked_database, event_sizes, write_results  # noqa: E402
from bench.setup import environment as bench_environment  # noqa: E402
from disputes.api.serializers import API_PREFIX  # noqa: E402
from disputes.models import Dispute, Event  # noqa: E402

warnings.filterwarnings("ignore", message="No directory at")

DEFAULT_SIZES = (1_000, 10_000, 100_000)
DEFAULT_REPEAT = 9
TARGET_MS = 50.0
RESULTS = Path(__file__).resolve().parent / "results" / "search.json"
HOST = "testserver"
#: What journalists type: a word in most texts, a topic word, two words, a phrase, an exclusion, and a number
#: found in one record's title only (a rare word: served by the search indexes, not by walking the newest rows).
QUERIES = ("trade", "canola", "retaliation panel", '"softwood lumber"', "surtax -steel", "47215")


def generated_dispute(n_events: int) -> tuple[Dispute, bool]:
    """A generated dispute of ``n_events`` events already in the database, else a new one (and whether new)."""
    for dispute in Dispute.objects.filter(slug__regex=GENERATED_SLUG, slug__startswith=f"bench-{n_events}-"):
        if Event.objects.filter(dispute=dispute).count() == n_events:
            return dispute, False
    return generate_dispute(n_events, seed=n_events), True


def _get(client: Client, url: str) -> tuple[float, bytes]:
    cache.clear()  # no answer from the response cache, no throttle history: every read is built afresh
    started = time.perf_counter()
    response = client.get(url, secure=True, HTTP_ACCEPT="application/json")
    seconds = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}: {response.content[:400]!r}")
    return seconds, response.content


def _ids(body: bytes) -> list:
    return [row["id"] for row in json.loads(body)["results"]]


def measure(client: Client, url: str, repeat: int, api: bool) -> dict:
    _get(client, url)  # warm-up
    times, body = [], b""
    for _ in range(repeat):
        seconds, body = _get(client, url)
        times.append(seconds)
    with CaptureQueriesContext(connection) as captured:
        _get(client, url)
    row = {
        "median_s": statistics.median(times),
        "min_s": min(times),
        "queries": len(captured.captured_queries),
        "load": os.getloadavg()[0],  # the machine's 1-minute load average when measured
    }
    if api:
        data = json.loads(body)
        row["count"] = data["count"]
        # The first page's ids, in order: the same digest before and after a change means the same ranked results.
        row["first_page"] = hashlib.sha256(json.dumps(_ids(body)).encode()).hexdigest()[:12]
    return row


def bench_size(client: Client, n_events: int, repeat: int) -> dict:
    started = time.perf_counter()
    dispute, new = generated_dispute(n_events)
    if new:
        analyze()
        print(f"[{n_events} events] generated in {time.perf_counter() - started:.1f}s", flush=True)
    else:
        print(f"[{n_events} events] reusing {dispute.slug}", flush=True)
    rows = []
    for text in QUERIES:
        for target, url, api in (
            ("events", f"{API_PREFIX}events/?{urlencode({'dispute': dispute.slug, 'q': text})}", True),
            ("measures", f"{API_PREFIX}measures/?{urlencode({'dispute': dispute.slug, 'q': text})}", True),
        ):
            row = measure(client, url, repeat, api)
            rows.append({"target": target, "q": text, **row})
    return {"n_events": n_events, "dispute": dispute.slug, "rows": rows}


def bench_page(client: Client, repeat: int) -> list[dict]:
    """The search page searches every dispute in the database (all sizes at once)."""
    rows = []
    for text in QUERIES:
        row = measure(client, f"/en/search/?{urlencode({'q': text})}", repeat, api=False)
        rows.append({"target": "search page", "q": text, **row})
    return rows


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="event counts (%(default)s)")
    parser.add_argument("--repeat", type=int, default=DEFAULT_REPEAT, help="timed runs, median kept (%(default)s)")
    parser.add_argument("--allow-any-db", action="store_true", help=f"run on a database other than {BENCH_DB}")
    parser.add_argument("--clean", action="store_true", help="delete the generated disputes at the end")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--output", type=Path, default=RESULTS, help="JSON results file (%(default)s)")
    args = parser.parse_args(argv)
    sizes = event_sizes(args.sizes)
    if not sizes or min(sizes) < 1 or args.repeat < 1:
        parser.error("sizes and --repeat must be positive")
    dedicated = checked_database(args.allow_any_db)
    if dedicated is None:
        return 2
    name = connection.settings_dict["NAME"]
    allow_host(HOST)  # in-process requests only
    call_command("migrate", verbosity=0, interactive=False)
    environment = bench_environment()
    print(f"Search benchmark on {name} (PostgreSQL {environment['postgresql']}), median of {args.repeat}", flush=True)
    client = Client()
    results = [bench_size(client, n, args.repeat) for n in sizes]

    print()
    print(f"Full-text search, ms (median of {args.repeat}, uncached; target ≤ {TARGET_MS:.0f} ms at the largest size)")
    header = f"{'target':12} {'q':20} " + " ".join(f"{str(s['n_events']) + ' ev':>10}" for s in results)
    print(header + f" {'count':>7} {'queries':>7} {'first page':>12} {'load':>5}")
    missed = []
    for i, first in enumerate(results[0]["rows"]):
        cells = " ".join(f"{_ms(s['rows'][i]['median_s']):>10}" for s in results)
        last = results[-1]["rows"][i]
        print(
            f"{first['target']:12} {first['q']:20} {cells} {last['count']:>7} {last['queries']:>7} "
            f"{last['first_page']:>12} {last['load']:>5.2f}"
        )
        if last["median_s"] * 1000 > TARGET_MS:
            missed.append(f"{first['target']} q={first['q']}")
    # The page links the collected static files; the benchmark has none collected, so plain storage.
    plain = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with override_settings(STORAGES=plain):
        page = bench_page(client, args.repeat)
    total = sum(Event.objects.filter(dispute__slug=s["dispute"]).count() for s in results)
    print(f"\nSearch page (every dispute in the database, {total} generated events), ms (median of {args.repeat}):")
    for row in page:
        print(
            f"{row['target']:12} {row['q']:20} {_ms(row['median_s']):>10} {row['queries']:>7} queries, "
            f"load {row['load']:.2f}"
        )
        if row["median_s"] * 1000 > TARGET_MS:
            missed.append(f"search page q={row['q']}")
    print(f"target ≤ {TARGET_MS:.0f} ms: " + ("OK" if not missed else "MISSED for " + ", ".join(missed)))

    if args.clean:
        delete_generated([Dispute.objects.get(slug=s["dispute"]).pk for s in results])
    report = {
        "benchmark": "search",
        "run_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "repeat": args.repeat,
        "environment": environment,
        "target_ms": TARGET_MS,
        "sizes": results,
        "search_page": page,
        "missed": missed,
    }
    write_results(args.output, report)
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
