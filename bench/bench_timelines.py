"""Benchmark of the timeline refresh: time and SQL statements per refresh at 1k, 10k and 100k events.

Run with ``make bench`` or ``.venv/bin/python -m bench.bench_timelines [--sizes 1000,10000] [--repeat 3]``.
Needs PostgreSQL. Without ``DATABASE_URL`` it uses (and creates if missing) a dedicated database,
``tradewatch_bench`` on ``postgres://postgres@127.0.0.1:5432/``, which it empties at start and end.
See bench/README.md for the columns and the targets.
"""

from __future__ import annotations

from bench.setup import start_django

start_django()

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import math  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.generate import analyze, delete_bench_states, delete_generated, generate_dispute  # noqa: E402
from bench.setup import (  # noqa: E402
    BENCH_DB,
    checked_database,
    clean_start,
    event_sizes,
    truncate_bench_tables,
    vacuum,
    write_results,
)
from bench.setup import environment as bench_environment  # noqa: E402
from disputes.choices import EventKind  # noqa: E402
from disputes.models import DisputeParty, Event, EventCitation, EventParticipant  # noqa: E402
from timelines.choices import RecordType  # noqa: E402
from timelines.models import DisputeSummary, RefreshRequest, TimelineEntry  # noqa: E402
from timelines.services import refresh_dispute  # noqa: E402

TODAY = dt.date(2026, 6, 1)
NEW_EVENT_DAY = dt.date(2026, 5, 20)
DEFAULT_SIZES = (1000, 10_000, 100_000)
MAX_EXPONENT = 1.1
MAX_INCREMENTAL_RATIO = 0.05
RESULTS = Path(__file__).resolve().parent / "results" / "timelines.json"


# --- Measuring ------------------------------------------------------------------------------------
def _timed(fn):
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def _statements(fn):
    """(number of SQL statements, count by verb, the statements abridged, fn's result)."""
    with CaptureQueriesContext(connection) as captured:
        result = fn()
    sqls = [q["sql"] for q in captured.captured_queries]
    verbs = Counter(sql.split(None, 1)[0].upper() if sql.strip() else "?" for sql in sqls)
    abridged = [sql if len(sql) <= 300 else sql[:300] + f"… [{len(sql)} chars]" for sql in sqls]
    return len(sqls), dict(sorted(verbs.items())), abridged, result


def _refresh(dispute_id: int, *, full: bool):
    return lambda: refresh_dispute(dispute_id=dispute_id, today=TODAY, full=full)


def _reset_entries(dispute_id: int) -> None:
    """Back to "never refreshed": no entries, no summary (outside the timing)."""
    TimelineEntry.objects.filter(dispute_id=dispute_id).delete()
    DisputeSummary.objects.filter(dispute_id=dispute_id).delete()
    vacuum(TimelineEntry, DisputeSummary)


def _add_event(dispute_id: int, number: int, actor_id: int, source_id: int) -> int:
    """One new event with a participant and a citation, and the refresh request its signals would write."""
    with transaction.atomic():
        event = Event(
            dispute_id=dispute_id,
            reference=f"NEW{number:05d}",
            date=NEW_EVENT_DAY,
            kind=EventKind.STATEMENT,
            title=f"New statement {number}",
            summary="A new event added after the timeline was built.",
        )
        Event.objects.bulk_create([event])
        EventParticipant.objects.bulk_create([EventParticipant(event=event, actor_id=actor_id)])
        EventCitation.objects.bulk_create([EventCitation(event=event, source_id=source_id)])
        RefreshRequest.objects.create(dispute_id=dispute_id, record_type=RecordType.EVENT, record_id=event.pk)
    return event.pk


def _check(condition: bool, message: str, warnings: list[str]) -> None:
    if not condition:
        warnings.append(message)
        print(f"  WARNING: {message}", flush=True)


def bench_size(n_events: int, repeat: int) -> dict:
    print(f"[{n_events} events] generating…", flush=True)
    generate_s, dispute = _timed(lambda: generate_dispute(n_events, seed=n_events))
    analyze()
    pk = dispute.pk
    warnings: list[str] = []
    row: dict = {"events": n_events, "dispute": dispute.slug, "generate_s": generate_s, "warnings": warnings}
    try:
        print(f"[{n_events} events] generated in {generate_s:.1f}s; full rebuilds…", flush=True)
        # 1. Full rebuild from empty.
        times = []
        for _ in range(repeat):
            _reset_entries(pk)
            seconds, result = _timed(_refresh(pk, full=True))
            times.append(seconds)
        entries = TimelineEntry.objects.filter(dispute_id=pk).count()
        _check(result.inserted == entries, f"full rebuild inserted {result.inserted}, stored {entries}", warnings)
        _reset_entries(pk)
        count, verbs, sqls, _ = _statements(_refresh(pk, full=True))
        row.update(entries=entries, full_rebuild_s=statistics.median(times), full_rebuild_runs=times)
        row.update(full_stmts=count, full_verbs=verbs, full_sql=sqls)

        # 2. Full refresh with nothing changed.
        print(f"[{n_events} events] no-op refreshes…", flush=True)
        times = []
        for _ in range(repeat):
            seconds, result = _timed(_refresh(pk, full=True))
            times.append(seconds)
            _check(result.changes == 0, f"no-op refresh changed {result.changes} entries", warnings)
        count, verbs, sqls, _ = _statements(_refresh(pk, full=True))
        row.update(noop_refresh_s=statistics.median(times), noop_refresh_runs=times)
        row.update(noop_stmts=count, noop_verbs=verbs, noop_sql=sqls)

        # 3. One new event, then an incremental refresh.
        print(f"[{n_events} events] incremental refreshes…", flush=True)
        actor_id = DisputeParty.objects.filter(dispute_id=pk).values_list("actor_id", flat=True).first()
        source_id = EventCitation.objects.filter(event__dispute_id=pk).values_list("source_id", flat=True).first()
        times = []
        for number in range(repeat):
            _add_event(pk, number, actor_id, source_id)
            seconds, result = _timed(_refresh(pk, full=False))
            times.append(seconds)
            _check(
                not result.full and result.inserted == 1 and result.deleted == 0,
                f"incremental refresh: full={result.full} inserted={result.inserted} deleted={result.deleted}",
                warnings,
            )
        _add_event(pk, repeat, actor_id, source_id)
        count, verbs, sqls, _ = _statements(_refresh(pk, full=False))
        row.update(incremental_s=statistics.median(times), incremental_runs=times)
        row.update(incr_stmts=count, incr_verbs=verbs, incr_sql=sqls)
        row["incr_over_full"] = row["incremental_s"] / row["full_rebuild_s"]
    finally:
        delete_generated([pk])
    return row


# --- Reporting ------------------------------------------------------------------------------------
def growth_exponent(sizes: list[int], seconds: list[float]) -> float | None:
    """b in log(t) = a + b·log(N), least squares; None with fewer than two sizes."""
    if len(sizes) < 2:
        return None
    xs = [math.log(n) for n in sizes]
    ys = [math.log(max(t, 1e-9)) for t in seconds]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx


COLUMNS = (
    ("events", "events", "{:d}"),
    ("entries", "entries", "{:d}"),
    ("generate_s", "generate_s", "{:.2f}"),
    ("full_rebuild_s", "full_rebuild_s", "{:.3f}"),
    ("full_stmts", "full_stmts", "{:d}"),
    ("noop_refresh_s", "noop_refresh_s", "{:.3f}"),
    ("noop_stmts", "noop_stmts", "{:d}"),
    ("incremental_s", "incremental_s", "{:.3f}"),
    ("incr_stmts", "incr_stmts", "{:d}"),
    ("incr/full", "incr_over_full", "{:.1%}"),
)


def table(rows: list[dict]) -> str:
    cells = [[title for title, _, _ in COLUMNS]]
    cells += [[fmt.format(row[key]) for _, key, fmt in COLUMNS] for row in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in cells)


def verdicts(rows: list[dict]) -> tuple[list[str], dict]:
    sizes = [r["events"] for r in rows]
    lines, checks = [], {}
    ok = lambda passed: "OK" if passed else "MISSED"  # noqa: E731

    b = growth_exponent(sizes, [r["full_rebuild_s"] for r in rows])
    if b is None:
        lines.append("growth exponent b: needs at least two sizes")
        checks["growth_exponent"] = {"b": None, "target": MAX_EXPONENT, "ok": None}
    else:
        checks["growth_exponent"] = {"b": b, "target": MAX_EXPONENT, "ok": b <= MAX_EXPONENT}
        lines.append(f"growth exponent b = {b:.2f} (target ≤ {MAX_EXPONENT}): {ok(b <= MAX_EXPONENT)}")
        for label, key in (("no-op refresh", "noop_refresh_s"), ("incremental refresh", "incremental_s")):
            other = growth_exponent(sizes, [r[key] for r in rows])
            checks[f"{key}_exponent"] = other
            lines.append(f"  (for information: exponent of the {label} = {other:.2f})")

    stmts = [r["full_stmts"] for r in rows]
    constant = len(set(stmts)) == 1
    checks["statements_constant"] = {"full_stmts": stmts, "ok": constant}
    lines.append(
        f"statements per full rebuild: {', '.join(map(str, stmts))} (constant: {ok(constant)})"
        + f"; no-op: {', '.join(str(r['noop_stmts']) for r in rows)}"
        + f"; incremental: {', '.join(str(r['incr_stmts']) for r in rows)}"
    )

    ratios = ", ".join(f"{r['events']}: {r['incr_over_full']:.1%}" for r in rows)
    largest = rows[-1]
    passed = largest["incr_over_full"] <= MAX_INCREMENTAL_RATIO
    checks["incremental_ratio"] = {
        "ratios": {str(r["events"]): r["incr_over_full"] for r in rows},
        "at_events": largest["events"],
        "target": MAX_INCREMENTAL_RATIO,
        "ok": passed,
    }
    lines.append(f"incremental / full rebuild by size: {ratios}")
    lines.append(
        f"incremental / full rebuild at {largest['events']} events: {largest['incr_over_full']:.1%} "
        f"(target ≤ {MAX_INCREMENTAL_RATIO:.0%}): {ok(passed)}"
    )
    return lines, checks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="comma-separated event counts (default: %(default)s)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per measurement, median kept (default: 3)")
    parser.add_argument(
        "--allow-any-db",
        action="store_true",
        help=f"run on a database other than {BENCH_DB} (nothing is truncated; only generated rows are deleted)",
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--output", type=Path, default=RESULTS, help="JSON results file (default: %(default)s)")
    args = parser.parse_args(argv)
    sizes = event_sizes(args.sizes)
    if not sizes or min(sizes) < 1 or args.repeat < 1:
        parser.error("sizes and --repeat must be positive")

    dedicated = checked_database(args.allow_any_db)
    if dedicated is None:
        return 2
    name = connection.settings_dict["NAME"]

    call_command("migrate", verbosity=0, interactive=False)
    clean_start(dedicated)
    environment = bench_environment()
    print(
        f"Timeline refresh benchmark on {name} (PostgreSQL {environment['postgresql']}), "
        f"sizes {', '.join(map(str, sizes))}, median of {args.repeat}, today = {TODAY.isoformat()}",
        flush=True,
    )
    started = time.perf_counter()
    rows = []
    try:
        for n in sizes:
            rows.append(bench_size(n, args.repeat))
    finally:
        if dedicated:
            truncate_bench_tables()
        else:
            delete_bench_states()
    total_s = time.perf_counter() - started

    lines, checks = verdicts(rows)
    print()
    print(table(rows))
    print()
    for line in lines:
        print(line)
    for row in rows:
        for warning in row["warnings"]:
            print(f"warning at {row['events']} events: {warning}")
    print(f"total benchmark time: {total_s:.0f}s")

    report = {
        "benchmark": "timelines.refresh_dispute",
        "run_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "today": TODAY.isoformat(),
        "repeat": args.repeat,
        "environment": environment,
        "total_s": total_s,
        "checks": checks,
        "rows": rows,
    }
    write_results(args.output, report)
    missed = any(c.get("ok") is False for c in checks.values() if isinstance(c, dict))
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
