"""Bulk download of one dispute: a JSON document and a zip of CSV files with a README."""

import csv
import datetime as dt
import io
import json
import re
import zipfile
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from disputes.choices import ActorKind, CaseForum, CaseStage
from disputes.models import (
    Case,
    CaseCitation,
    DisputeParty,
    Event,
    EventCitation,
    EventParticipant,
)
from tariffs.choices import LinkType, TradeFlow
from tariffs.models import ExposureFigure, Measure, MeasureCitation, MeasureLink, ProductLine, RatePeriod
from tests.factories import (
    ActorFactory,
    DisputeFactory,
    EventFactory,
    MeasureFactory,
    RatePeriodFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

CSV_FILES = {
    "dispute.csv", "dispute_parties.csv", "related_disputes.csv", "actors.csv", "sources.csv", "cases.csv",
    "events.csv", "event_participants.csv", "measures.csv", "measure_applies_to.csv", "rate_periods.csv",
    "product_lines.csv", "measure_links.csv", "measure_cases.csv", "measure_related_events.csv", "citations.csv",
    "exposure_figures.csv",
}  # fmt: skip


def body(response) -> bytes:
    """The whole body of a download (streamed as it is built)."""
    assert response.streaming
    return b"".join(response.streaming_content)


def unzip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(body(response)))


def document(response) -> dict:
    return json.loads(body(response))


def table(archive: zipfile.ZipFile, name: str) -> tuple[list[str], list[dict]]:
    reader = csv.DictReader(io.StringIO(archive.read(name).decode("utf-8")))
    rows = list(reader)
    return reader.fieldnames, rows


def ids(rows, column="id") -> set[int]:
    return {int(row[column]) for row in rows if row[column]}


@pytest.fixture
def other_dispute(db):
    """A second, small dispute that must never leak into the Canada–China export."""
    dispute = DisputeFactory(slug="elsewhere", title="Elsewhere dispute")
    event = EventFactory(dispute=dispute, title="Something elsewhere")
    measure = MeasureFactory(dispute=dispute, title="A tariff elsewhere")
    RatePeriodFactory(measure=measure)
    return dispute, event, measure


def populate(dispute, n: int, tag: str) -> None:
    """Add ``n`` of every kind of row to ``dispute`` (for the query-count test)."""
    parent = ActorFactory(slug=f"ministry-{tag}", name=f"Ministry {tag}")
    for i in range(n):
        actor = ActorFactory(slug=f"official-{tag}-{i}", kind=ActorKind.OFFICIAL, parent=parent)
        DisputeParty.objects.create(dispute=dispute, actor=actor, side=f"side-{i}")
        case = Case.objects.create(
            dispute=dispute, forum=CaseForum.WTO, reference=f"DS{tag}{i}", title=f"Case {i}", respondent=actor,
            complainant=parent, stage=CaseStage.CONSULTATIONS_REQUESTED, initiated_on=dt.date(2025, 1, 1),
        )  # fmt: skip
        CaseCitation.objects.create(case=case, source=SourceFactory())
        event = EventFactory(dispute=dispute, case=case, title=f"Step {tag} {i}")
        EventParticipant.objects.create(event=event, actor=actor)
        EventParticipant.objects.create(event=event, actor=parent)
        EventCitation.objects.create(event=event, source=SourceFactory(), field_name="title")
        measure = MeasureFactory(dispute=dispute, imposed_by=actor, announcement=event)
        measure.applies_to.set([parent, actor])
        measure.cases.set([case])
        measure.related_events.set([event])
        RatePeriodFactory(measure=measure, valid_from=dt.date(2025, 1, 1), valid_to=dt.date(2025, 1, 31))
        RatePeriodFactory(measure=measure, valid_from=dt.date(2025, 2, 1))
        ProductLine.objects.create(measure=measure, hs_code=f"1205{i:02d}")
        ProductLine.objects.create(measure=measure, hs_code=f"1514{i:02d}")
        MeasureCitation.objects.create(measure=measure, source=SourceFactory())
        first = Measure.objects.filter(dispute=dispute).order_by("id").first()
        if first != measure:
            MeasureLink.objects.create(
                from_measure=measure, to_measure=first, type=LinkType.RESPONDS_TO, source=SourceFactory()
            )
        ExposureFigure.objects.create(
            dispute=dispute, measure=measure, flow=TradeFlow.EXPORTS, description=f"Exports {i}", year=2024,
            amount=Decimal("1000.50"), currency="CAD", source=SourceFactory(),
        )  # fmt: skip


# --- JSON ------------------------------------------------------------------------------------------


def test_the_json_export_holds_every_event_measure_and_rate_period_of_the_dispute(anonymous, canada_china):
    response = anonymous.get("/api/v1/export/canada-china.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    doc = document(response)
    assert doc["api_version"] == "1"
    assert dt.datetime.fromisoformat(doc["exported_at"].replace("Z", "+00:00"))
    assert doc["dispute"]["slug"] == "canada-china" and doc["dispute"]["parties"]

    assert ids(doc["events"]) == set(Event.objects.filter(dispute=canada_china).values_list("id", flat=True))
    assert ids(doc["measures"]) == set(Measure.objects.filter(dispute=canada_china).values_list("id", flat=True))
    periods = {(m["id"], p["valid_from"]) for m in doc["measures"] for p in m["rate_periods"]}
    expected = {
        (measure_id, day.isoformat())
        for measure_id, day in RatePeriod.objects.filter(measure__dispute=canada_china).values_list(
            "measure_id", "valid_from"
        )
    }
    assert periods == expected and len(periods) > 20
    assert len(doc["cases"]) == Case.objects.filter(dispute=canada_china).count()
    assert len(doc["exposure_figures"]) == ExposureFigure.objects.filter(dispute=canada_china).count()
    assert {link["type"] for link in doc["measure_links"]} >= {"retaliates_against"}


def test_the_json_export_uses_the_shapes_of_the_resource_endpoints(anonymous):
    doc = document(anonymous.get("/api/v1/export/canada-china.json"))
    events = anonymous.get("/api/v1/events/", {"dispute": "canada-china", "limit": 500}).json()["results"]
    measures = anonymous.get("/api/v1/measures/", {"dispute": "canada-china", "limit": 500}).json()["results"]
    assert doc["events"] == events
    assert sorted(doc["measures"], key=lambda m: m["id"]) == sorted(measures, key=lambda m: m["id"])
    dispute = anonymous.get("/api/v1/disputes/canada-china/").json()
    assert doc["dispute"] == dispute
    case = doc["cases"][0]
    assert case == anonymous.get(f"/api/v1/cases/{case['id']}/").json()


def test_the_json_export_holds_nothing_of_another_dispute(anonymous, other_dispute):
    _, event, measure = other_dispute
    doc = document(anonymous.get("/api/v1/export/canada-china.json"))
    assert event.pk not in ids(doc["events"])
    assert measure.pk not in ids(doc["measures"])
    other_sources = {c.source_id for c in event.citations.all()} | {c.source_id for c in measure.citations.all()}
    assert not other_sources & ids(doc["sources"])
    assert measure.imposed_by.slug not in {actor["slug"] for actor in doc["actors"]}

    small = document(anonymous.get("/api/v1/export/elsewhere.json"))
    assert ids(small["events"]) == {event.pk}
    assert ids(small["measures"]) == {measure.pk}
    assert [p["rate_percent"] for p in small["measures"][0]["rate_periods"]] == ["100"]


def test_every_cited_source_and_involved_actor_is_in_the_json_export(anonymous):
    doc = document(anonymous.get("/api/v1/export/canada-china.json"))
    source_ids = ids(doc["sources"])
    actor_slugs = {actor["slug"] for actor in doc["actors"]}
    for record in doc["events"] + doc["measures"] + doc["cases"]:
        assert {source["id"] for source in record["sources"]} <= source_ids
    for event in doc["events"]:
        assert {p["actor"]["slug"] for p in event["participants"]} <= actor_slugs
    for measure in doc["measures"]:
        assert measure["imposed_by"]["slug"] in actor_slugs
        assert {actor["slug"] for actor in measure["applies_to"]} <= actor_slugs
    assert {figure["source"] for figure in doc["exposure_figures"]} <= source_ids
    assert {actor["parent"] for actor in doc["actors"] if actor["parent"]} <= actor_slugs


# --- ZIP -------------------------------------------------------------------------------------------


def test_the_zip_holds_one_csv_per_table_with_every_row_of_the_dispute(anonymous, canada_china, other_dispute):
    response = anonymous.get("/api/v1/export/canada-china.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = unzip(response)
    assert archive.testzip() is None
    assert set(archive.namelist()) == CSV_FILES | {"README.md"}

    columns, events = table(archive, "events.csv")
    assert {"id", "url", "html_url", "date", "kind", "title", "case_id", "confidence"} <= set(columns)
    assert ids(events) == set(Event.objects.filter(dispute=canada_china).values_list("id", flat=True))
    columns, measures = table(archive, "measures.csv")
    assert {"id", "imposed_by_id", "type", "title", "announced_on", "status", "announcement_id"} <= set(columns)
    assert ids(measures) == set(Measure.objects.filter(dispute=canada_china).values_list("id", flat=True))
    _, event = other_dispute[:2]
    assert event.pk not in ids(events)

    counts = {
        "rate_periods.csv": RatePeriod.objects.filter(measure__dispute=canada_china).count(),
        "product_lines.csv": ProductLine.objects.filter(measure__dispute=canada_china).count(),
        "event_participants.csv": EventParticipant.objects.filter(event__dispute=canada_china).count(),
        "cases.csv": Case.objects.filter(dispute=canada_china).count(),
        "exposure_figures.csv": ExposureFigure.objects.filter(dispute=canada_china).count(),
        "measure_applies_to.csv": Measure.applies_to.through.objects.filter(measure__dispute=canada_china).count(),
        "dispute_parties.csv": DisputeParty.objects.filter(dispute=canada_china).count(),
        "citations.csv": EventCitation.objects.filter(event__dispute=canada_china).count()
        + CaseCitation.objects.filter(case__dispute=canada_china).count()
        + MeasureCitation.objects.filter(measure__dispute=canada_china).count(),
        "dispute.csv": 1,
    }
    for name, count in counts.items():
        assert len(table(archive, name)[1]) == count > 0, name

    # Flat and joinable by id.
    actor_ids = ids(table(archive, "actors.csv")[1])
    source_ids = ids(table(archive, "sources.csv")[1])
    measure_ids, event_ids = ids(measures), ids(events)
    assert ids(table(archive, "event_participants.csv")[1], "actor_id") <= actor_ids
    assert ids(table(archive, "event_participants.csv")[1], "event_id") <= event_ids
    assert ids(table(archive, "citations.csv")[1], "source_id") <= source_ids
    assert ids(table(archive, "rate_periods.csv")[1], "measure_id") <= measure_ids
    assert ids(measures, "imposed_by_id") <= actor_ids
    assert ids(events, "case_id") <= ids(table(archive, "cases.csv")[1])
    assert ids(table(archive, "actors.csv")[1], "parent_id") <= actor_ids
    assert ids(table(archive, "measure_links.csv")[1], "source_id") <= source_ids


def test_zip_cells_are_plain_text_values(anonymous):
    archive = unzip(anonymous.get("/api/v1/export/canada-china.zip"))
    _, periods = table(archive, "rate_periods.csv")
    rates = {row["rate_percent"] for row in periods}
    assert "100" in rates and not any(rate.endswith(".000") for rate in rates)
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["valid_from"]) for row in periods)
    _, events = table(archive, "events.csv")
    assert all(row["created_at"].endswith("Z") for row in events)
    assert events[0]["url"].startswith("http://testserver/api/v1/events/")


def test_the_readme_describes_every_file_and_column(anonymous):
    archive = unzip(anonymous.get("/api/v1/export/canada-china.zip"))
    readme = archive.read("README.md").decode("utf-8")
    sections = {
        match.group(1): match.group(2)
        for match in re.finditer(r"^## (\S+\.csv)\n(.*?)(?=^## |\Z)", readme, flags=re.MULTILINE | re.DOTALL)
    }
    assert set(sections) == CSV_FILES
    for name in CSV_FILES:
        columns, rows = table(archive, name)
        described = re.findall(r"^\| `([a-z_]+)` \| (.+) \|$", sections[name], flags=re.MULTILINE)
        assert [column for column, _ in described] == columns, name
        assert all(text.strip() for _, text in described)
        assert f"Rows: {len(rows)}." in sections[name]
    assert "`retaliates_against` (Retaliates against)" in sections["measure_links.csv"]
    assert "Canada–China" in readme.splitlines()[0]


def test_a_formula_like_title_is_escaped_in_the_csv_but_kept_in_the_json(anonymous, other_dispute):
    dispute, event, measure = other_dispute
    event.title = '=HYPERLINK("https://evil.example/","click")'
    event.save()
    measure.title = "+cmd|' /C calc'!A0"
    measure.save()
    archive = unzip(anonymous.get("/api/v1/export/elsewhere.zip"))
    assert table(archive, "events.csv")[1][0]["title"] == "'" + event.title
    assert table(archive, "measures.csv")[1][0]["title"] == "'" + measure.title
    assert document(anonymous.get("/api/v1/export/elsewhere.json"))["events"][0]["title"] == event.title


# --- HTTP ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("extension", ["json", "zip"])
def test_an_unchanged_export_answers_304_and_a_change_gives_a_new_one(anonymous, other_dispute, extension):
    _, event, _ = other_dispute
    url = f"/api/v1/export/elsewhere.{extension}"
    first = anonymous.get(url)
    assert first.status_code == 200
    assert (
        first["Content-Disposition"]
        == f'attachment; filename="tradewatch-elsewhere-{timezone.localdate()}.{extension}"'
    )
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert anonymous.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert anonymous.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304

    event.title = "Renamed"
    event.save()
    again = anonymous.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200 and again["ETag"] != etag


def test_json_and_zip_have_different_validators(anonymous):
    assert (
        anonymous.get("/api/v1/export/canada-china.json")["ETag"]
        != anonymous.get("/api/v1/export/canada-china.zip")["ETag"]
    )


@pytest.mark.parametrize("extension", ["json", "zip"])
def test_an_unknown_dispute_is_a_json_404(anonymous, extension):
    response = anonymous.get(f"/api/v1/export/no-such-dispute.{extension}", HTTP_ACCEPT="application/zip")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["errors"][0]["code"] == "not_found"


def test_writing_to_an_export_is_not_allowed(editor):
    assert editor.post("/api/v1/export/canada-china.json", {}).status_code == 405


@pytest.mark.parametrize("extension", ["json", "zip"])
def test_the_export_query_count_does_not_grow_with_rows(anonymous, extension):
    dispute = DisputeFactory(slug="growing")
    populate(dispute, 1, "a")
    url = f"/api/v1/export/growing.{extension}"

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = anonymous.get(url)
            assert response.status_code == 200
            body(response)  # the download's queries run as it streams
        return len(captured)

    few = queries()
    populate(dispute, 4, "b")
    assert queries() == few
    assert len(document(anonymous.get("/api/v1/export/growing.json"))["events"]) == 5


def test_the_dispute_page_links_to_both_downloads(client):
    html = client.get("/en/disputes/canada-china/").content.decode()
    assert 'href="/api/v1/export/canada-china.json"' in html
    assert 'href="/api/v1/export/canada-china.zip"' in html
