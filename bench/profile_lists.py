"""Profile of the uncached events and measures lists: what a journalist's varied read costs, in-process.

``.venv/bin/python -m bench.profile_lists [--rounds 3] [--html profile.html]`` runs the load test's
journalist queries (``bench.loadtest.journalist_queries``: filters, searches, orderings, offsets, CSV) through
Django's test client against ``DATABASE_URL`` (a database holding the Canada–China dataset, as ``make
loadtest`` loads), each answer built afresh, under pyinstrument, and prints the time per request of each
kind of read and the profile (bench/README.md keeps the before and after). ``--path P --rounds 300`` (``--path``
repeated) prints instead this process's CPU per request of each read given.
"""

from __future__ import annotations

from bench.setup import start_django

start_django(API_ANON_READ_RATE="off", RESPONSE_CACHE_SECONDS="0")

import argparse  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from collections import defaultdict  # noqa: E402

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402

from bench.loadtest import journalist_queries  # noqa: E402
from tariffs.models import Measure  # noqa: E402

warnings.filterwarnings("ignore", message="No directory at")


def kind_of(path: str) -> str:
    resource = "events" if "/events/" in path else "measures"
    if "format=csv" in path:
        return f"{resource} csv"
    if "q=" in path:
        return f"{resource} q"
    return resource if "?" in path else "measure detail"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="times through the queries (%(default)s)")
    parser.add_argument("--html", help="also write pyinstrument's HTML report here")
    parser.add_argument("--no-profile", action="store_true", help="time only")
    parser.add_argument(
        "--path", action="append", help="instead: this process's CPU per request of this read, --rounds times each"
    )
    args = parser.parse_args(argv)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    if args.path:
        return time_paths(args.path, args.rounds)
    measure = Measure.objects.filter(dispute__slug="canada-china").order_by("id").first()
    if measure is None:
        print("No Canada–China measure: load the dataset first (manage.py load_dataset canada-china).")
        return 2
    paths = journalist_queries(measure.pk)
    client = Client(HTTP_COOKIE="sessionid=none")  # as the load test: a session keeps answers out of the cache
    for path in paths:  # warm-up: imports, schema, first connections
        response = client.get(path, secure=True)
        assert response.status_code == 200, (path, response.status_code)
    times = defaultdict(list)
    profiler = None
    if not args.no_profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
    started, cpu_started = time.perf_counter(), time.process_time()
    for _ in range(args.rounds):
        for path in paths:
            t0 = time.perf_counter()
            response = client.get(path, secure=True)
            b"".join(response.streaming_content) if response.streaming else response.content
            times[kind_of(path)].append(time.perf_counter() - t0)
    total, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    if profiler is not None:
        profiler.stop()
    n = args.rounds * len(paths)
    print(
        f"{n} requests in {total:.2f} s: {1000 * total / n:.1f} ms a request, {1000 * cpu / n:.1f} ms of this "
        f"process's CPU (the database's not counted), load {os.getloadavg()[0]:.2f}"
    )
    for kind, values in sorted(times.items()):
        print(f"  {kind:16} {len(values):4} requests, median {1000 * statistics.median(values):6.1f} ms")
    if profiler is not None:
        print(profiler.output_text(unicode=True, color=False, show_all=False))
        if args.html:
            with open(args.html, "w", encoding="utf-8") as out:
                out.write(profiler.output_html())
    return 0


def time_paths(paths: list[str], rounds: int) -> int:
    """This process's CPU and the wall time per request of each read in ``paths`` (each answer built afresh)."""
    client = Client(HTTP_COOKIE="sessionid=none")
    for path in paths:
        for _ in range(20):  # warm-up
            response = client.get(path, secure=True)
            assert response.status_code == 200, (path, response.status_code)
        started, cpu_started = time.perf_counter(), time.process_time()
        for _ in range(rounds):
            response = client.get(path, secure=True)
            b"".join(response.streaming_content) if response.streaming else response.content
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        print(f"{path}: {1000 * cpu / rounds:.2f} ms CPU, {1000 * wall / rounds:.2f} ms wall a request ({rounds})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
