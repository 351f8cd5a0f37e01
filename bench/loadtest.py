"""Load test: `make loadtest` drives the stack of `make stack` on loopback with wrk.

For 60 s each (``--duration``) it loads the events API list, the dispute page and a measure page,
then the same gunicorn serving a bare WSGI handler that answers the events list from one raw SQL
query, and prints throughput, p50/p95/p99 latency and errors. Targets: 0 errors; p99 ≤ 6× p50;
events-list throughput at least half of the bare handler's. Anonymous answers come from the shared
response cache (tradewatch/response_cache.py) once built; for information, a last run loads the
events list with a session cookie (of nobody), which the cache never serves: every answer is built afresh.

The ``varied_uncached`` target is what journalists do: a wrk script (bench/varied.lua) rotates through
``journalist_queries()`` (measure filters by side, type, HS prefix and date in force; event filters by kind,
actor and date window; search words; orderings; offsets; CSV), with the same cookie so none is served from
the response cache. Target: throughput ≥ 0.5× the bare handler's, p99 ≤ 6× p50, 0 errors. The bare handler and the
varied reads run in alternating parts (``--rounds``, 3 by default, splitting each one's time), so that the
machine's drift during a run weighs on both sides of the ratio alike. For information, two more runs measure the
floor under any read through the stack: the API root (no statement) and a list of one event.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LUA = Path(__file__).with_name("percentiles.lua")
VARIED_LUA = Path(__file__).with_name("varied.lua")
DATABASE = os.environ.get("LOADTEST_DATABASE", "tradewatch_loadtest")
SERVER = os.environ.get("BENCH_SERVER_URL", "postgres://postgres@127.0.0.1:5432")
#: The two sides of the varied target's ratio, run in alternating parts (``--rounds``).
PAIRED = ("bare_wsgi_events", "varied_uncached")
#: Requests of each page before it is timed (enough for each of the web workers to serve it).
WARM_UPS = 30


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(url: str, process, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"the server exited early (code {process.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    sys.exit(f"{url} did not answer within {timeout:.0f} s")


def analyze(database_url: str) -> None:
    """Fresh planner statistics for the loaded database, as autovacuum keeps them in production: a cluster
    without autovacuum (this machine's) plans the load test's statements on the statistics of a half-loaded
    database, or none (a dated measures list's statement was then planned afresh at every read: 1 ms of PostgreSQL's
    time, where its plan kept once the statistics are fresh costs nothing more)."""
    import psycopg2

    with psycopg2.connect(database_url) as connection, connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def journalist_queries(measure_id: int) -> list[str]:
    """At least 50 distinct reads of the Canada–China data a journalist might make, none repeated."""
    measures, events = "/api/v1/measures/", "/api/v1/events/"
    paths = []
    for side in ("CA", "CN"):
        for kind in ("surtax", "tariff", "anti_dumping", "import_suspension"):
            paths.append(f"{measures}?imposed_by={side}&type={kind}")
        for day in ("2019-03-01", "2020-01-15", "2024-10-01", "2025-03-20", "2025-08-14", "2026-01-01"):
            paths.append(f"{measures}?imposed_by={side}&in_force_on={day}")
    for prefix in ("12", "1205", "0203", "03", "72", "8703", "7601"):
        paths.append(f"{measures}?hs={prefix}")
    for kind in ("leader_call", "ministerial_meeting", "announcement", "wto_step", "statement", "legal_instrument"):
        paths.append(f"{events}?kind={kind}")
    for actor in ("CA", "CN"):
        for after, before in (("2019-01-01", "2019-12-31"), ("2024-08-01", "2024-12-31"), ("2025-01-01", "2025-06-30")):
            paths.append(f"{events}?actor={actor}&date_after={after}&date_before={before}")
    for word in ("canola", "surtax", "electric vehicles", "steel", "pork", "retaliation", "WTO panel"):
        paths.append(f"{events}?q={word.replace(' ', '+')}")
        paths.append(f"{measures}?q={word.replace(' ', '+')}")
    for ordering in ("-date", "title", "kind"):
        paths.append(f"{events}?ordering={ordering}&limit=20")
    for offset in (0, 25, 50, 75):
        paths.append(f"{events}?limit=25&offset={offset}")
    paths += [
        f"{events}?format=csv&kind=announcement",
        f"{measures}?format=csv&imposed_by=CN",
        f"{measures}{measure_id}/",
    ]
    assert len(paths) == len(set(paths)) >= 50
    return paths


def wrk(url: str, *, duration: int, connections: int, threads: int, uncached: bool = False, paths=None) -> dict:
    script = [str(VARIED_LUA), url, "--", str(paths)] if paths else [str(LUA), url]
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "-s", *script]
    if uncached:  # a session cookie (of nobody) keeps the answer out of the shared response cache
        command[1:1] = ["-H", "Cookie: sessionid=none"]
    output = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True).stdout  # noqa: S603
    figures = dict(re.findall(r"(\w+)=(\d+)", output.split("RESULT", 1)[1]))
    figures = {k: int(v) for k, v in figures.items()}
    return {
        "url": url,
        "requests": figures["requests"],
        "duration_s": figures["duration_us"] / 1e6,
        "throughput_rps": figures["requests"] / (figures["duration_us"] / 1e6),
        "errors": figures["errors"],
        "non_2xx": figures["non2xx"],
        "p50_ms": figures["p50"] / 1000,
        "p95_ms": figures["p95"] / 1000,
        "p99_ms": figures["p99"] / 1000,
    }


def combined(parts: list[dict]) -> dict:
    """One target's figures from runs of it in parts: requests and errors summed, throughput over their whole
    time, the median part's p50, the worst part's p95 and p99."""
    requests, duration = sum(p["requests"] for p in parts), sum(p["duration_s"] for p in parts)
    return {
        "url": parts[0]["url"],
        "requests": requests,
        "duration_s": duration,
        "throughput_rps": requests / duration,
        "errors": sum(p["errors"] for p in parts),
        "non_2xx": sum(p["non_2xx"] for p in parts),
        "p50_ms": statistics.median(p["p50_ms"] for p in parts),
        "p95_ms": max(p["p95_ms"] for p in parts),
        "p99_ms": max(p["p99_ms"] for p in parts),
        "parts_rps": [round(p["throughput_rps"], 1) for p in parts],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds per URL (default 60)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument(
        "--rounds", type=int, default=3, help="alternating parts of the bare handler's and the varied reads' runs"
    )
    args = parser.parse_args()

    port, bare_port = free_port(), free_port()
    database_url = f"{SERVER}/{DATABASE}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env["API_ANON_READ_RATE"] = "off"  # the load test measures serving, not throttling
    # Both gunicorns write their access log lines to /dev/null (the bare one's stdout is DEVNULL): through honcho,
    # which relays every line of the stack's, the stack paid 0.3 ms of CPU a request that the bare handler did not.
    env["ACCESS_LOG"] = os.devnull
    stack = subprocess.Popen(  # noqa: S603
        [shutil.which("make") or "make", "-s", "stack", f"PORT={port}", f"STACK_DATABASE_URL={database_url}"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    bare = None
    try:
        base = f"http://127.0.0.1:{port}"
        wait_ready(f"{base}/readyz", stack)
        analyze(database_url)
        with urllib.request.urlopen(f"{base}/api/v1/measures/?limit=1") as response:  # noqa: S310
            measure_id = json.loads(response.read())["results"][0]["id"]
        bare = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", "bench.bare_wsgi:application", "--bind", f"127.0.0.1:{bare_port}",
             "--workers", os.environ.get("WEB_WORKERS", "3"), "--access-logfile", "-"],
            cwd=ROOT, env={**env, "DATABASE_URL": database_url}, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        wait_ready(f"http://127.0.0.1:{bare_port}/", bare)
        targets = {
            "api_events_list": f"{base}/api/v1/events/?limit=50",
            "dispute_page": f"{base}/en/disputes/canada-china/",
            "measure_page": f"{base}/en/measures/{measure_id}/",
            "bare_wsgi_events": f"http://127.0.0.1:{bare_port}/",
            # For information: every answer is built afresh (see wrk()).
            "api_events_uncached": f"{base}/api/v1/events/?limit=50",
            # Journalists' varied reads, none from the cache (see journalist_queries()).
            "varied_uncached": base,
            # For information, the floor under any read of the API here: the API root (no statement, the same
            # middleware, routing and DRF dispatch) and the cheapest list read (one event, its nested lists).
            "api_root_uncached": f"{base}/api/v1/",
            "one_event_uncached": f"{base}/api/v1/events/?kind=leader_call&limit=1",
        }
        queries = journalist_queries(measure_id)
        for path in queries:  # every query answers 200 before it is timed
            with urllib.request.urlopen(f"{base}{path}") as response:  # noqa: S310
                assert response.status == 200, path
        # Every page is served by every web worker before it is timed: a worker's first rendering of a page
        # (its templates compiled, its modules imported) took a second or more, and the run of the dispute page,
        # the first to ask for it, counted those waits in its p99 (a second run at once: p99 16 ms).
        for url in (targets["dispute_page"], targets["measure_page"], targets["api_events_list"]):
            for _ in range(WARM_UPS):
                with urllib.request.urlopen(url) as response:  # noqa: S310
                    assert response.status == 200, url
        paths_file = ROOT / "bench" / "results" / "varied_paths.txt"
        paths_file.parent.mkdir(parents=True, exist_ok=True)
        paths_file.write_text("\n".join(queries) + "\n")
        results = {}

        def load(name: str, duration: int) -> dict:
            figures = wrk(targets[name], duration=duration, connections=args.connections, threads=args.threads,
                          uncached=name.endswith("_uncached"),
                          paths=paths_file if name == "varied_uncached" else None)  # fmt: skip
            figures["load"] = os.getloadavg()[0]  # the machine's 1-minute load as the run ends
            return figures

        for name in targets:
            if name in PAIRED:
                continue
            print(f"loading {name} for {args.duration} s …", flush=True)
            results[name] = load(name, args.duration)
        # The two sides of the varied target's ratio, in alternating parts: this machine's speed drifts by ±15 %
        # over a run, and run one after the other they met different machines.
        rounds = max(1, min(args.rounds, args.duration))
        print(f"loading {' and '.join(PAIRED)} in turn, {rounds} × {args.duration // rounds} s each …", flush=True)
        parts = {name: [] for name in PAIRED}
        for _ in range(rounds):
            for name in PAIRED:
                parts[name].append(load(name, args.duration // rounds))
        for name in PAIRED:
            results[name] = {**combined(parts[name]), "load": parts[name][-1]["load"]}
        results = {name: results[name] for name in targets}
    finally:
        for process in (stack, bare):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=30)

    print(f"\n{'target':18} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7} {'load':>5}")
    ok = True
    for name, r in results.items():
        errors = r["errors"] + r["non_2xx"]
        print(
            f"{name:18} {r['throughput_rps']:9.1f} {r['p50_ms']:8.1f} {r['p95_ms']:8.1f} {r['p99_ms']:8.1f} {errors:7d}"
            f" {r['load']:5.2f}"
        )
    for name in ("api_events_list", "dispute_page", "measure_page", "varied_uncached"):
        r = results[name]
        errors = r["errors"] + r["non_2xx"]
        tail = r["p99_ms"] / r["p50_ms"] if r["p50_ms"] else 0
        print(f"{name}: errors {errors} (target 0) {'OK' if errors == 0 else 'MISSED'}; "
              f"p99/p50 = {tail:.1f} (target ≤ 6) {'OK' if tail <= 6 else 'MISSED'}")  # fmt: skip
        ok &= errors == 0 and tail <= 6
    share = results["api_events_list"]["throughput_rps"] / results["bare_wsgi_events"]["throughput_rps"]
    print(
        f"events list throughput / bare WSGI handler = {share:.2f} (target ≥ 0.5) {'OK' if share >= 0.5 else 'MISSED'}"
    )
    ok &= share >= 0.5
    varied = results["varied_uncached"]["throughput_rps"] / results["bare_wsgi_events"]["throughput_rps"]
    print(
        f"varied uncached queries ({len(queries)} distinct) throughput / bare WSGI handler = {varied:.2f} "
        f"(target ≥ 0.5) {'OK' if varied >= 0.5 else 'MISSED'}"
    )
    ok &= varied >= 0.5
    for name in PAIRED:
        print(f"{name} by part, req/s: {', '.join(map(str, results[name]['parts_rps']))}")
    bare = results["bare_wsgi_events"]["throughput_rps"]
    print(
        f"for information, through the same stack: the API root (no statement) / bare handler = "
        f"{results['api_root_uncached']['throughput_rps'] / bare:.2f}; a list of one event / bare handler = "
        f"{results['one_event_uncached']['throughput_rps'] / bare:.2f}"
    )
    out = ROOT / "bench" / "results" / "loadtest.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {"args": vars(args), "results": results, "events_share_of_bare": share, "varied_share_of_bare": varied},
            indent=2,
        )
    )
    return 0 if ok or not args.strict else 1


if __name__ == "__main__":
    sys.exit(main())
