"""Supply-chain audit that works offline: known vulnerabilities of the locked packages, and bandit.

pip-audit asks an OSV-compatible endpoint about every pinned package of a lock file. Instead of the
public OSV service (unreachable from closed networks), this script serves ``/v1/query`` on loopback
from a local copy of the OSV PyPI database (a zip of OSV JSON records), which ``--refresh`` downloads
when the machine is online. Bandit then reads the application code.

Exit status: 0 nothing found; 1 a vulnerability or a bandit finding; 2 the vulnerability check could
not be done (no database, a stale one, or pip-audit failing): "not checked" never reads as "clean".

    python -m scripts.audit --db .audit/osv-pypi.zip requirements-dev.lock
    python -m scripts.audit --db .audit/osv-pypi.zip --refresh
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess  # nosec B404
import sys
import threading
import urllib.request
import zipfile
from collections import defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parent.parent
OSV_PYPI_URL = "https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip"
# The application's own code; tests, benchmarks and migrations are not shipped behaviour.
CODE_EXCLUDES = {"tests", "bench", "node_modules", "static", "staticfiles", "templates", "locale", "datasets"}
NOT_CHECKED, FOUND, CLEAN = 2, 1, 0


class Advisories:
    """The OSV records of a database zip, indexed by canonical package name."""

    def __init__(self, records: list[dict]):
        self.by_package: dict[str, list[dict]] = defaultdict(list)
        for record in records:
            names = {
                canonicalize_name(affected["package"]["name"])
                for affected in record.get("affected", [])
                if affected.get("package", {}).get("ecosystem") == "PyPI"
            }
            for name in names:
                self.by_package[name].append(record)

    @classmethod
    def from_zip(cls, path: Path) -> Advisories:
        with zipfile.ZipFile(path) as archive:
            records = [json.loads(archive.read(name)) for name in archive.namelist() if name.endswith(".json")]
        return cls(records)

    def affecting(self, name: str, version: str) -> list[dict]:
        """The records whose affected versions include ``version`` of package ``name``."""
        name = canonicalize_name(name)
        try:
            parsed = Version(version)
        except InvalidVersion:
            parsed = None
        found = []
        for record in self.by_package.get(name, []):
            if record.get("withdrawn"):
                continue
            for affected in record.get("affected", []):
                package = affected.get("package", {})
                if package.get("ecosystem") != "PyPI" or canonicalize_name(package.get("name", "")) != name:
                    continue
                if version in affected.get("versions", []) or (
                    parsed is not None
                    and any(
                        _in_range(parsed, r["events"]) for r in affected.get("ranges", []) if r["type"] == "ECOSYSTEM"
                    )
                ):
                    found.append(_named_canonically(record))
                    break
        return found


def _named_canonically(record: dict) -> dict:
    # pip-audit reads fix versions only where the package name is canonical ("django", not "Django").
    affected = [
        {**a, "package": {**a["package"], "name": canonicalize_name(a["package"]["name"])}} if "package" in a else a
        for a in record.get("affected", [])
    ]
    return {**record, "affected": affected}


def _in_range(version: Version, events: list[dict]) -> bool:
    """OSV's range rule: affected from each ``introduced`` up to a ``fixed`` (excluded) or a
    ``last_affected`` (included)."""

    def at(event: dict) -> Version:
        value = next(iter(event.values()))
        return Version("0") if value == "0" else Version(value)

    affected = False
    for event in sorted(events, key=at):
        kind = next(iter(event))
        if kind == "introduced" and version >= at(event):
            affected = True
        elif (kind == "fixed" and version >= at(event)) or (kind == "last_affected" and version > at(event)):
            affected = False
    return affected


def serve(advisories: Advisories) -> ThreadingHTTPServer:
    """An OSV ``/v1/query`` endpoint on a free loopback port, answering from ``advisories``."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's naming)
            length = int(self.headers.get("Content-Length") or 0)
            query = json.loads(self.rfile.read(length) or b"{}")
            package = query.get("package", {})
            vulns = advisories.affecting(package.get("name", ""), query.get("version", ""))
            body = json.dumps({"vulns": vulns} if vulns else {}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def refresh(db: Path, url: str) -> int:
    db.parent.mkdir(parents=True, exist_ok=True)
    partial = db.with_suffix(".part")
    try:
        with urllib.request.urlopen(url, timeout=60) as answer, partial.open("wb") as out:  # noqa: S310  # nosec B310
            while chunk := answer.read(1 << 20):
                out.write(chunk)
        Advisories.from_zip(partial)  # refuse to replace a good database with a broken download
    except (OSError, zipfile.BadZipFile, json.JSONDecodeError) as error:
        partial.unlink(missing_ok=True)
        print(f"audit: could not refresh the vulnerability database from {url}: {error}", file=sys.stderr)
        print("audit: the previous database (if any) is kept; run this again when online.", file=sys.stderr)
        return NOT_CHECKED
    os.replace(partial, db)
    print(f"audit: vulnerability database refreshed: {db} ({db.stat().st_size // 1024} KiB)")
    return CLEAN


def database_problem(db: Path, max_age_days: int) -> str | None:
    if not db.exists():
        return f"there is no vulnerability database at {db} (run `make audit-db` on a machine that is online)"
    fetched = dt.datetime.fromtimestamp(db.stat().st_mtime, tz=dt.UTC)
    age = dt.datetime.now(tz=dt.UTC) - fetched
    if age > dt.timedelta(days=max_age_days):
        return (
            f"the vulnerability database {db} is {age.days} days old (older than {max_age_days}); "
            "refresh it with `make audit-db` when online, or pass a larger --max-age-days knowingly"
        )
    return None


def check_vulnerabilities(lock: Path, db: Path, max_age_days: int) -> int:
    problem = database_problem(db, max_age_days)
    if problem:
        print(f"audit: VULNERABILITIES NOT CHECKED: {problem}.", file=sys.stderr)
        return NOT_CHECKED
    try:
        advisories = Advisories.from_zip(db)
    except (OSError, zipfile.BadZipFile, json.JSONDecodeError) as error:
        print(f"audit: VULNERABILITIES NOT CHECKED: the database {db} cannot be read: {error}.", file=sys.stderr)
        return NOT_CHECKED
    server = serve(advisories)
    try:
        fetched = dt.datetime.fromtimestamp(db.stat().st_mtime, tz=dt.UTC).date()
        print(f"audit: pip-audit of {lock} against the OSV PyPI database of {fetched}")
        command = [sys.executable, "-m", "pip_audit", "--requirement", str(lock), "--require-hashes",
                   "--disable-pip", "--vulnerability-service", "osv", "--progress-spinner", "off",
                   "--osv-url", f"http://127.0.0.1:{server.server_port}/v1/query", "--cache-dir",
                   str(db.parent / "http-cache"), "--desc", "on"]  # fmt: skip
        result = subprocess.run(command, check=False)  # noqa: S603  # nosec B603
    finally:
        server.shutdown()
    if result.returncode == 0:
        return CLEAN
    # pip-audit exits 1 both for findings and for failures; its output says which.
    return FOUND


def code_paths() -> list[str]:
    return sorted(
        path.name
        for path in ROOT.iterdir()
        if path.is_dir() and (path / "__init__.py").exists() and path.name not in CODE_EXCLUDES
    )


def check_code() -> int:
    print(f"audit: bandit over {', '.join(code_paths())}")
    command = [sys.executable, "-m", "bandit", "--quiet", "--recursive", "--exclude", "*/migrations/*", *code_paths()]
    result = subprocess.run(command, cwd=ROOT, check=False)  # noqa: S603  # nosec B603
    return CLEAN if result.returncode == 0 else FOUND


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("lock", nargs="?", type=Path, help="hash-pinned requirements lock file to audit")
    parser.add_argument("--db", type=Path, default=ROOT / ".audit" / "osv-pypi.zip")
    parser.add_argument("--max-age-days", type=int, default=7)
    parser.add_argument("--refresh", action="store_true", help="download the OSV PyPI database, then stop")
    parser.add_argument("--url", default=OSV_PYPI_URL, help=argparse.SUPPRESS)
    parser.add_argument("--skip-code", action="store_true", help="only the vulnerability check")
    args = parser.parse_args(argv)
    if args.refresh:
        return refresh(args.db, args.url)
    if args.lock is None:
        parser.error("a lock file is needed")
    code = CLEAN if args.skip_code else check_code()
    vulnerabilities = check_vulnerabilities(args.lock, args.db, args.max_age_days)
    if vulnerabilities == NOT_CHECKED:
        return NOT_CHECKED
    return max(code, vulnerabilities)


if __name__ == "__main__":
    sys.exit(main())
