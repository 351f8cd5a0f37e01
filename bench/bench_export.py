"""Benchmark of the bulk exports of one large dispute: peak memory (budget 300 MB) and time of each download.

Run with ``make bench`` or ``.venv/bin/python -m bench.bench_export [--size 100000]``. Needs PostgreSQL.
Without ``DATABASE_URL`` it uses (and creates if missing) the dedicated database ``tradewatch_bench``. A
generated dispute of the size (``bench/generate.py``) already in the database is reused; ``--clean``
deletes it at the end. Each download runs in a fresh child process, so its peak resident memory
(``ru_maxrss``) above what the process held before the request is the download's own. See bench/README.md.
"""

from __future__ import annotations

from bench.setup import start_django

start_django(API_ANON_READ_RATE="1000000/minute", RESPONSE_CACHE_SECONDS="0", DATABASE_STATEMENT_TIMEOUT="600")

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
import zipfile  # noqa: E402
from pathlib import Path  # noqa: E402
from urllib.parse import urlencode  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from bench.generate import analyze, delete_generated, generate_dispute  # noqa: E402
from bench.setup import BENCH_DB, GENERATED_SLUG, allow_host, checked_database, write_results  # noqa: E402
from bench.setup import environment as bench_environment  # noqa: E402
from disputes.api.serializers import API_PREFIX  # noqa: E402
from disputes.models import Dispute, Event  # noqa: E402

warnings.filterwarnings("ignore", message="No directory at")

DEFAULT_SIZE = 100_000
BUDGET_MB = 300.0
RESULTS = Path(__file__).resolve().parent / "results" / "export.json"
HOST = "testserver"
#: The downloads that hold every event of a dispute: the zip of CSV files, the JSON document, the API's
#: whole-list CSV (``format=csv`` without ``limit`` streams every matching row) of events and of measures.
DOWNLOADS = {
    "zip": "{api}export/{slug}.zip",
    "json": "{api}export/{slug}.json",
    "events_csv": "{api}events/?{query}",
    "measures_csv": "{api}measures/?{query}",
}


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def _load(averages) -> str:
    return "load {:.2f} {:.2f} {:.2f}".format(*averages)


def generated_dispute(n_events: int) -> tuple[Dispute, bool]:
    """A generated dispute of ``n_events`` events already in the database, else a new one (and whether new)."""
    for dispute in Dispute.objects.filter(slug__regex=GENERATED_SLUG, slug__startswith=f"bench-{n_events}-"):
        if Event.objects.filter(dispute=dispute).count() == n_events:
            return dispute, False
    return generate_dispute(n_events, seed=n_events), True


def child(download: str, slug: str) -> dict:
    """In a fresh process: one download, its body written to a temporary file as it arrives."""
    from django.test import Client

    allow_host(HOST)  # in-process requests only
    url = DOWNLOADS[download].format(api=API_PREFIX, slug=slug, query=urlencode({"dispute": slug, "format": "csv"}))
    client = Client()
    client.get(f"{API_PREFIX}export/no-such-dispute.json", secure=True)  # imports and connection, outside the figure
    before = _rss_mb()
    started = time.perf_counter()
    response = client.get(url, secure=True)
    first_byte = None
    size = 0
    with tempfile.TemporaryFile() as body:
        chunks = response.streaming_content if response.streaming else [response.content]
        for chunk in chunks:
            if first_byte is None:
                first_byte = time.perf_counter() - started
            body.write(chunk)
            size += len(chunk)
        seconds = time.perf_counter() - started
        peak = _rss_mb()
        body.seek(0)
        check = _check(download, body)
    return {
        "download": download,
        "status": response.status_code,
        "streamed": response.streaming,
        "bytes": size,
        "seconds": seconds,
        "first_byte_s": first_byte,
        "rss_before_mb": before,
        "rss_peak_mb": peak,
        "peak_mb": peak - before,
        "rows": check,
        "load": os.getloadavg(),
    }


def _check(download: str, body) -> dict:
    """What the body holds (after the memory figure was taken): the events it lists."""
    if download == "zip":
        with zipfile.ZipFile(body) as archive, archive.open("events.csv") as events:
            return {"events.csv lines": sum(1 for _ in io.TextIOWrapper(events, encoding="utf-8")) - 1}
    if download == "json":
        return {"events": len(json.load(body)["events"])}
    return {"lines": sum(1 for _ in body) - 1}


def run_child(download: str, slug: str) -> dict:
    completed = subprocess.run(  # noqa: S603  # nosec B603: this interpreter, this module, our own arguments
        [sys.executable, "-m", "bench.bench_export", "--child", download, slug],
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": _database_url()},
        check=False,
    )
    if completed.returncode != 0:
        return {"download": download, "error": (completed.stderr or completed.stdout)[-2000:]}
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=DEFAULT_SIZE, help="events of the dispute (%(default)s)")
    parser.add_argument("--downloads", default=",".join(DOWNLOADS), help="which downloads (%(default)s)")
    parser.add_argument("--allow-any-db", action="store_true", help=f"run on a database other than {BENCH_DB}")
    parser.add_argument("--clean", action="store_true", help="delete the generated dispute at the end")
    parser.add_argument("--strict", action="store_true", help="exit 1 when the budget is missed")
    parser.add_argument("--output", type=Path, default=RESULTS, help="JSON results file (%(default)s)")
    parser.add_argument("--child", nargs=2, metavar=("DOWNLOAD", "SLUG"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(*args.child)))
        return 0
    downloads = [d for d in args.downloads.split(",") if d]
    if args.size < 1 or any(d not in DOWNLOADS for d in downloads):
        parser.error(f"--size must be positive and --downloads among {', '.join(DOWNLOADS)}")
    if checked_database(args.allow_any_db) is None:
        return 2
    call_command("migrate", verbosity=0, interactive=False)
    environment = bench_environment()
    started = time.perf_counter()
    dispute, new = generated_dispute(args.size)
    if new:
        analyze()
        print(f"[{args.size} events] generated in {time.perf_counter() - started:.1f}s", flush=True)
    print(f"Bulk exports of {dispute.slug} ({args.size} events) on {connection.settings_dict['NAME']}", flush=True)
    print(f"{'download':13} {'MB peak':>8} {'MB total':>9} {'s':>7} {'1st byte s':>10} {'MB body':>8}  rows, load")
    rows, missed = [], []
    for download in downloads:
        row = run_child(download, dispute.slug)
        rows.append(row)
        if "error" in row or row["status"] != 200:
            print(f"{download:13} error: {row.get('error') or row['status']}")
            missed.append(download)
            continue
        print(
            f"{download:13} {row['peak_mb']:>8.1f} {row['rss_peak_mb']:>9.1f} {row['seconds']:>7.1f} "
            f"{row['first_byte_s']:>10.2f} {row['bytes'] / 1e6:>8.1f}  {row['rows']}, {_load(row['load'])}"
        )
        if row["peak_mb"] >= BUDGET_MB:
            missed.append(download)
    print(
        f"peak memory of a download (resident memory above the process's before the request) < {BUDGET_MB:.0f} MB: "
        + ("OK" if not missed else "MISSED for " + ", ".join(missed))
    )
    if args.clean:
        delete_generated([dispute.pk])
    report = {
        "benchmark": "export",
        "run_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "environment": environment,
        "budget_mb": BUDGET_MB,
        "events": args.size,
        "dispute": dispute.slug,
        "downloads": rows,
        "missed": missed,
    }
    write_results(args.output, report)
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
