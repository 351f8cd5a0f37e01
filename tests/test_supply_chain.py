"""Installs come from hash-pinned locks, and `make audit` says what it found, or that it could not check."""

import json
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from scripts.audit import Advisories

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s\\]+)", re.MULTILINE)


def pins(lock: str) -> dict[str, str]:
    return {canonicalize_name(name): version for name, version in PIN.findall((ROOT / lock).read_text())}


def ranges(requirements: str) -> list[Requirement]:
    found = []
    for line in (ROOT / requirements).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            found.append(Requirement(line))
    return found


@pytest.mark.parametrize(("requirements", "lock"), [("requirements.txt", "requirements.lock"),
                                                     ("requirements-dev.txt", "requirements-dev.lock")])  # fmt: skip
def test_every_requirement_is_pinned_in_its_lock_within_its_range(requirements, lock):
    pinned = pins(lock)
    for requirement in ranges(requirements):
        version = pinned.get(canonicalize_name(requirement.name))
        assert version, f"{requirement.name} is not pinned in {lock}: run `make lock`"
        assert requirement.specifier.contains(version, prereleases=True), f"{lock} pins {requirement.name}=={version}"


@pytest.mark.parametrize("lock", ["requirements.lock", "requirements-dev.lock"])
def test_every_pinned_package_carries_hashes_and_no_machine_specific_index(lock):
    text = (ROOT / lock).read_text()
    blocks = re.split(r"\n(?=[A-Za-z0-9_.\-]+==)", text)
    pinned_blocks = [block for block in blocks if PIN.match(block)]
    assert len(pinned_blocks) == len(pins(lock)) > 20
    for block in pinned_blocks:
        assert "--hash=sha256:" in block, f"no hash for {block.splitlines()[0]}"
    assert not re.search(r"--(extra-)?index-url|--find-links|file:/", text)


def test_the_dev_lock_agrees_with_the_runtime_lock():
    runtime, dev = pins("requirements.lock"), pins("requirements-dev.lock")
    assert {name: dev.get(name) for name in runtime} == runtime


def test_make_the_dockerfile_and_ci_install_only_from_the_locks_with_hashes():
    makefile = (ROOT / "Makefile").read_text()
    assert "--require-hashes --no-deps" in makefile
    assert re.search(r"-r requirements\.lock", makefile) and re.search(r"-r requirements-dev\.lock", makefile)
    assert not re.search(r"pip install[^\n]*-r requirements(-dev)?\.txt", makefile)
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install --require-hashes --no-deps -r requirements.lock" in dockerfile
    assert "make test" in (ROOT / ".ci" / "run").read_text()


# --- make audit -------------------------------------------------------------------------------


def advisory(id_, package, events=None, versions=()):
    affected = {"package": {"name": package, "ecosystem": "PyPI"}, "versions": list(versions)}
    if events:
        affected["ranges"] = [{"type": "ECOSYSTEM", "events": events}]
    return {"id": id_, "summary": f"advisory {id_}", "affected": [affected]}


def write_db(path: Path, records) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for record in records:
            archive.writestr(f"{record['id']}.json", json.dumps(record))
    return path


def audit(*args):
    return subprocess.run([sys.executable, "-m", "scripts.audit", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=False)  # fmt: skip


def test_an_advisory_matches_the_versions_its_ranges_and_lists_name():
    advisories = Advisories([
        advisory("A", "Django", [{"introduced": "5.0"}, {"fixed": "5.2.3"}]),
        advisory("B", "django", [{"introduced": "0"}, {"last_affected": "4.2"}]),
        advisory("C", "celery", versions=["5.4.0"]),
    ])  # fmt: skip
    assert [r["id"] for r in advisories.affecting("django", "5.2.2")] == ["A"]
    assert advisories.affecting("django", "5.2.3") == []
    assert [r["id"] for r in advisories.affecting("Django", "4.2")] == ["B"]
    assert advisories.affecting("django", "4.2.1") == []
    assert [r["id"] for r in advisories.affecting("celery", "5.4.0")] == ["C"]
    assert advisories.affecting("celery", "5.4.1") == []


def test_audit_reports_a_locked_package_with_a_known_vulnerability(tmp_path):
    django = pins("requirements.lock")["django"]
    db = write_db(tmp_path / "osv.zip", [advisory("PYSEC-0000-1", "Django", versions=[django]),
                                          advisory("PYSEC-0000-2", "Django", versions=["1.0"])])  # fmt: skip
    result = audit("--db", str(db), "--skip-code", "requirements.lock")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "PYSEC-0000-1" in result.stdout and "PYSEC-0000-2" not in result.stdout


def test_audit_passes_when_no_advisory_touches_the_locked_versions(tmp_path):
    db = write_db(tmp_path / "osv.zip", [advisory("PYSEC-0000-2", "Django", versions=["1.0"])])
    result = audit("--db", str(db), "--skip-code", "requirements.lock")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No known vulnerabilities found" in result.stdout + result.stderr


def test_audit_says_clearly_when_it_could_not_check(tmp_path):
    missing = audit("--db", str(tmp_path / "none.zip"), "--skip-code", "requirements.lock")
    assert missing.returncode == 2 and "VULNERABILITIES NOT CHECKED" in missing.stderr
    stale = write_db(tmp_path / "old.zip", [])
    week_ago = time.time() - 8 * 86400
    os.utime(stale, (week_ago, week_ago))
    result = audit("--db", str(stale), "--max-age-days", "7", "--skip-code", "requirements.lock")
    assert result.returncode == 2 and "8 days old" in result.stderr
    offline = audit("--db", str(tmp_path / "new.zip"), "--refresh", "--url", "http://127.0.0.1:1/all.zip")
    assert offline.returncode == 2 and "could not refresh" in offline.stderr
    assert not (tmp_path / "new.zip").exists()


def test_bandit_finds_nothing_in_the_application_code():
    from scripts.audit import check_code

    assert check_code() == 0
