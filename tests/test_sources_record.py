"""Every source of every dataset is accounted for in datasets/SOURCES.md: linked with the query that
found its address, or listed as not found."""

import re
from pathlib import Path

import pytest
import yaml

DATASETS = Path(__file__).resolve().parent.parent / "datasets"
ROW = re.compile(r"^\| (?P<key>[^|]+?) \| (?P<address>[^|]+?) \| (?P<query>(?:[^|\\]|\\.)*?) \|", re.MULTILINE)


def recorded() -> dict[str, dict[str, dict]]:
    """SOURCES.md rows, per dataset section (``## <slug>``)."""
    sections: dict[str, dict[str, dict]] = {}
    for chunk in re.split(r"^## ", (DATASETS / "SOURCES.md").read_text(encoding="utf-8"), flags=re.MULTILINE)[1:]:
        slug, body = chunk.split("\n", 1)
        sections[slug.strip()] = {m["key"]: m.groupdict() for m in ROW.finditer(body) if m["key"] not in ("key", "---")}
    return sections


DATASET_FILES = sorted(path for path in DATASETS.glob("*.yaml") if "." not in path.stem)  # not the .fr companions


@pytest.mark.parametrize("path", DATASET_FILES, ids=lambda path: path.stem)
def test_every_source_is_linked_with_its_query_or_listed_as_not_found(path):
    sources = yaml.safe_load(path.read_text(encoding="utf-8"))["sources"]
    rows = recorded().get(path.stem)
    assert rows is not None, f"datasets/SOURCES.md has no section for {path.stem}"
    for source in sources:
        row = rows.get(source["key"])
        assert row, f"{source['key']} is not listed in datasets/SOURCES.md"
        if source.get("url"):
            assert row["address"].strip() == source["url"], source["key"]
            assert row["query"].strip() not in ("", "not searched yet"), f"{source['key']}: no query recorded"
        else:
            assert row["address"].strip() == "not found", source["key"]


def test_addresses_are_real_web_addresses_never_local_paths():
    for path in DATASET_FILES:
        for source in yaml.safe_load(path.read_text(encoding="utf-8"))["sources"]:
            assert not source.get("url") or re.match(r"https?://[^/\s]+\.[^/\s]+", source["url"]), source["key"]


@pytest.mark.django_db
def test_record_pages_link_every_linked_source_they_cite(client):
    from disputes.models import Event
    from tariffs.models import Measure

    records = [*Event.objects.filter(dispute__slug="canada-china").prefetch_related("citations__source"),
               *Measure.objects.filter(dispute__slug="canada-china").prefetch_related("citations__source")]  # fmt: skip
    checked = 0
    for record in records:
        urls = {c.source.url for c in record.citations.all() if c.source.url}
        if not urls:
            continue
        page = client.get(record.get_absolute_url()).content.decode()
        for url in urls:
            assert f'href="{url.replace("&", "&amp;")}"' in page, (record, url)
            checked += 1
    assert checked > 100
