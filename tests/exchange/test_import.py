"""Bulk import of sources, events and measures from CSV and XLSX: from the shell (import_records) and in
admin (preview, then confirm). A file with any bad row writes nothing and names the line; a good file
is imported whole, through the same rules as every other write, with history; importing it again
changes nothing."""

import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command, execute_from_command_line
from django.db import connections
from django.urls import reverse

from disputes.models import Event, EventCitation, EventParticipant, Source
from tariffs.models import Measure, MeasureCitation, ProductLine, RatePeriod

pytestmark = pytest.mark.django_db

SOURCES = [
    ["url", "title", "publisher", "published_on", "language", "kind", "notes"],
    ["https://example.org/t/readout", "Readout of the call", "Example Ministry", "2026-01-15", "en", "official", "n1"],
    ["https://example.org/t/notice", "Notice on duties", "Example Customs", "2026-01-20", "fr", "official", ""],
]
EVENTS = [
    [
        "dispute", "reference", "date", "date_precision", "end_date", "kind", "level", "title", "summary",
        "location", "outcome", "case", "case_stage", "confidence", "participants", "sources",
    ],
    [
        "canada-china", "T-E1", "2026-01-15", "day", "2026-01-16", "ministerial_meeting", "minister",
        "Ministers meet", "Two lines\nof summary", "Ottawa", "Agreed to talk", "DS627", "consultations_requested",
        "medium", "mark-carney host; CN", "https://example.org/t/readout; https://example.org/t/notice date",
    ],
    [
        "canada-china", "T-E2", "2026-02-01", "month", "", "announcement", "", "A notice", "", "", "", "", "",
        "low", "", "https://example.org/t/notice",
    ],
]  # fmt: skip
MEASURES = [
    [
        "dispute", "reference", "title", "type", "imposed_by", "applies_to", "product_description", "product_lines",
        "rate_periods", "announced_on", "announced_on_precision", "status", "announcement", "related_events", "cases",
        "legal_instrument_name", "legal_instrument_number", "legal_instrument_url", "summary", "confidence",
        "sources",
    ],
    [
        "canada-china", "T-M1", "Duty on oil", "anti_dumping", "mofcom", "canada", "Canola oil",
        "1514 inferred: Rapeseed oil; 120510",
        "2026-01-20..2026-06-30 75.8% provisional_deposit\n"
        "2026-07-01..2026-07-31 75.8% provisional_deposit suspended: during talks\n2026-08-01.. 100% definitive",
        "2026-01-20", "day", "", "T-E2", "T-E1; F069", "DS627", "Notice No. 1", "1/2026",
        "https://example.org/t/notice", "Three periods.", "medium",
        "https://example.org/t/notice; https://example.org/t/notice rate_periods",
    ],
    [
        "canada-china", "T-M2", "Proposed surtax", "surtax", "CA", "CN; china-state-council", "Cars", "8703", "",
        "2026-02-01", "month", "proposed", "", "", "", "", "", "", "", "low", "https://example.org/t/readout",
    ],
]  # fmt: skip


def write_csv(path: Path, rows) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def csv_bytes(rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def write_xlsx(path: Path, rows) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        # Spreadsheets hold real dates and numbers: give some cells as such.
        cells = []
        for value in row:
            if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[:4].isdigit():
                value = dt.datetime.fromisoformat(value)
            elif isinstance(value, str) and value.isdigit() and len(value) > 2:
                value = int(value)
            cells.append(value)
        sheet.append(cells)
    workbook.save(path)
    return path


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_records", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def counts():
    models = [Source, Event, EventParticipant, EventCitation, Measure, RatePeriod, ProductLine, MeasureCitation]
    totals = {model.__name__: model.objects.count() for model in models}
    totals.update({f"{m.__name__} history": m.history.count() for m in (Source, Event, Measure, RatePeriod)})
    return totals


def import_all(tmp_path, writer, suffix):
    for name, rows in (("sources", SOURCES), ("events", EVENTS), ("measures", MEASURES)):
        run(writer(tmp_path / f"{name}{suffix}", rows))


def assert_everything_was_imported():
    source = Source.objects.get(url="https://example.org/t/readout")
    assert (source.title, source.publisher, source.published_on, source.language, source.kind, source.notes) == (
        "Readout of the call", "Example Ministry", dt.date(2026, 1, 15), "en", "official", "n1",
    )  # fmt: skip
    notice = Source.objects.get(url="https://example.org/t/notice")

    event = Event.objects.get(dispute__slug="canada-china", reference="T-E1")
    assert (event.date, event.date_precision, event.end_date, event.kind, event.level) == (
        dt.date(2026, 1, 15), "day", dt.date(2026, 1, 16), "ministerial_meeting", "minister",
    )  # fmt: skip
    assert (event.title, event.summary, event.location, event.outcome) == (
        "Ministers meet", "Two lines\nof summary", "Ottawa", "Agreed to talk",
    )  # fmt: skip
    assert (event.case.reference, event.case_stage, event.confidence) == ("DS627", "consultations_requested", "medium")
    assert set(event.participations.values_list("actor__slug", "role")) == {
        ("mark-carney", "host"),
        ("china", "participant"),
    }
    assert set(event.citations.values_list("source__url", "field_name")) == {(source.url, ""), (notice.url, "date")}
    month = Event.objects.get(dispute__slug="canada-china", reference="T-E2")
    assert (month.date, month.date_precision, month.level, month.participations.count()) == (
        dt.date(2026, 2, 1), "month", "", 0,
    )  # fmt: skip

    measure = Measure.objects.get(dispute__slug="canada-china", reference="T-M1")
    assert (measure.title, measure.type, measure.imposed_by.slug, measure.product_description) == (
        "Duty on oil", "anti_dumping", "mofcom", "Canola oil",
    )  # fmt: skip
    assert [a.slug for a in measure.applies_to.all()] == ["canada"]
    assert set(measure.product_lines.values_list("hs_code", "description", "basis")) == {
        ("1514", "Rapeseed oil", "inferred"),
        ("120510", "", "official"),
    }
    assert list(
        measure.rate_periods.values_list("valid_from", "valid_to", "rate_percent", "kind", "state", "note")
    ) == [
        (dt.date(2026, 1, 20), dt.date(2026, 6, 30), Decimal("75.8"), "provisional_deposit", "in_force", ""),
        (
            dt.date(2026, 7, 1),
            dt.date(2026, 7, 31),
            Decimal("75.8"),
            "provisional_deposit",
            "suspended",
            "during talks",
        ),
        (dt.date(2026, 8, 1), None, Decimal("100"), "definitive", "in_force", ""),
    ]
    assert measure.rate_on(dt.date(2026, 3, 1)) == Decimal("75.8")
    assert not measure.is_in_force_on(dt.date(2026, 7, 15))
    assert (measure.announced_on, measure.announced_on_precision, measure.announcement) == (
        dt.date(2026, 1, 20), "day", month,
    )  # fmt: skip
    assert set(measure.related_events.values_list("reference", flat=True)) == {"T-E1", "F069"}
    assert list(measure.cases.values_list("reference", flat=True)) == ["DS627"]
    assert (measure.legal_instrument_name, measure.legal_instrument_number, measure.legal_instrument_url) == (
        "Notice No. 1", "1/2026", "https://example.org/t/notice",
    )  # fmt: skip
    assert (measure.summary, measure.confidence) == ("Three periods.", "medium")
    assert set(measure.citations.values_list("field_name", flat=True)) == {"", "rate_periods"}
    proposed = Measure.objects.get(dispute__slug="canada-china", reference="T-M2")
    assert (proposed.status, proposed.announced_on_precision, proposed.rate_periods.count()) == ("proposed", "month", 0)
    assert {a.slug for a in proposed.applies_to.all()} == {"china", "china-state-council"}

    # Each import is in the records' change history, with the file it came from.
    for record, file_name in ((source, "sources"), (event, "events"), (measure, "measures")):
        first = record.history.earliest()
        assert first.history_type == "+"
        assert first.history_change_reason.startswith(f"Imported from {file_name}.")


# --- the command ---------------------------------------------------------------------------


def test_a_file_with_one_bad_row_writes_nothing_and_names_the_line_and_column(tmp_path):
    run(write_csv(tmp_path / "sources.csv", SOURCES))
    # Line 2-3 is one row (a summary on two lines); the bad date is on line 5 of the file.
    bad = [*EVENTS, [*EVENTS[2]]]
    bad[3][1], bad[3][2] = "T-E3", "2026-13-01"
    path = write_csv(tmp_path / "events.csv", bad)
    before = counts()

    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_records", str(path), stdout=out, stderr=err)
    assert "line 5, date: “2026-13-01” is not a date" in err.getvalue()
    assert "line 2" not in err.getvalue() and "line 4" not in err.getvalue()
    assert counts() == before


def test_the_command_exits_non_zero_on_a_bad_file(tmp_path, capsys, monkeypatch):
    path = write_csv(tmp_path / "sources.csv", [SOURCES[0], ["not a url", "Title", "", "", "", "news", ""]])
    # manage.py closes the connections on the way out; the test's transaction needs its connection.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    with pytest.raises(SystemExit) as exit_:
        execute_from_command_line(["manage.py", "import_records", str(path)])
    assert exit_.value.code != 0
    assert "line 2, url:" in capsys.readouterr().err
    assert not Source.objects.filter(title="Title").exists()


def test_a_good_csv_is_imported_completely_with_history(tmp_path):
    import_all(tmp_path, write_csv, ".csv")
    assert_everything_was_imported()


def test_a_good_xlsx_is_imported_completely_with_history(tmp_path):
    import_all(tmp_path, write_xlsx, ".xlsx")
    assert_everything_was_imported()


def test_importing_the_same_files_again_changes_nothing(tmp_path):
    import_all(tmp_path, write_csv, ".csv")
    before = counts()
    updated = {m.pk: m.updated_at for m in Measure.objects.filter(reference__startswith="T-")}
    for name in ("sources", "events", "measures"):
        out, _err = run(tmp_path / f"{name}.csv")
        assert "0 new, 0 updated" in out
    assert counts() == before
    assert {m.pk: m.updated_at for m in Measure.objects.filter(reference__startswith="T-")} == updated


def test_a_changed_row_updates_its_record_and_keeps_the_others(tmp_path):
    import_all(tmp_path, write_csv, ".csv")
    rows = [list(row) for row in MEASURES]
    rows[1][8] = "2026-01-20.. 50%"
    out, _err = run(write_csv(tmp_path / "measures.csv", rows))
    assert "0 new, 1 updated, 1 unchanged" in out
    measure = Measure.objects.get(reference="T-M1")
    assert list(measure.rate_periods.values_list("rate_percent", flat=True)) == [Decimal("50")]
    assert Measure.objects.filter(reference__in=["T-M1", "T-M2"]).count() == 2


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("rate_periods", "2026-01-20..2026-06-30 75%; 2026-06-01.. 100%", "overlap"),
        ("rate_periods", "2026-01-20..2026-01-10 75%", "cannot be before"),
        ("rate_periods", "2026-01-20.. 75% soon", "“soon” is neither a rate"),
        ("product_lines", "15.14", "item 1: hs code: An HS code is 2 to 10 digits"),
        ("imposed_by", "nobody", "No actor has the slug or ISO code “nobody”"),
        ("dispute", "no-such-dispute", "No dispute has the slug “no-such-dispute”"),
        ("type", "tarif", "Unknown code “tarif”"),
        ("sources", "", "Give at least one source"),
        ("sources", "https://example.org/unknown", "No source has the address"),
        ("applies_to", "", "Name at least one actor"),
        ("reference", "", "Give every row its reference"),
    ],
)
def test_a_bad_measure_row_is_reported_on_its_line_and_column(tmp_path, column, value, message):
    run(write_csv(tmp_path / "sources.csv", SOURCES))
    run(write_csv(tmp_path / "events.csv", EVENTS))
    rows = [list(row) for row in MEASURES]
    rows[2][rows[0].index(column)] = value
    before = counts()
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_records", str(write_csv(tmp_path / "measures.csv", rows)), stdout=out, stderr=err)
    # Row 1 spans lines 2-4 (three rate periods on three lines); the bad row starts on line 5.
    assert f"line 5, {column}: " in err.getvalue()
    assert message in err.getvalue()
    assert counts() == before


def test_the_same_reference_twice_in_one_file_is_an_error(tmp_path):
    path = write_csv(tmp_path / "sources.csv", [*SOURCES, SOURCES[1]])
    with pytest.raises(CommandError):
        run(path)
    assert not Source.objects.filter(url=SOURCES[1][0]).exists()


def test_an_unknown_column_is_reported_before_any_row(tmp_path):
    rows = [list(row) for row in SOURCES]
    rows[0][1] = "titel"
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_records", str(write_csv(tmp_path / "s.csv", rows)), "--kind", "sources", stderr=err)
    assert "line 1: unknown column “titel”" in err.getvalue()
    assert err.getvalue().count("line") == 1


def test_a_dry_run_checks_everything_and_writes_nothing(tmp_path):
    before = counts()
    out, _err = run(write_csv(tmp_path / "sources.csv", SOURCES), "--dry-run")
    assert "2 new" in out and "nothing was written" in out
    assert counts() == before


def test_a_file_that_is_not_a_table_is_refused_with_a_reason(tmp_path):
    path = tmp_path / "events.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe")
    with pytest.raises(CommandError, match="not UTF-8"):
        run(path)
    with pytest.raises(CommandError, match="use a .csv or .xlsx file"):
        run(tmp_path / "events.txt")


def test_the_sample_files_import_cleanly():
    samples = Path(settings.BASE_DIR) / "datasets" / "import-samples"
    for name in ("sources", "events", "measures"):
        out, _err = run(samples / f"{name}.csv")
        assert " 0 updated" in out
    assert Measure.objects.get(reference="EX-M01").rate_periods.count() == 3


# --- admin -----------------------------------------------------------------------------------


def _import_url(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_import")


def _upload(client, model, name, content, file_format="0"):
    upload = SimpleUploadedFile(name, content)
    return client.post(_import_url(model), {"resource": "0", "format": file_format, "import_file": upload})


def test_the_admin_preview_lists_the_bad_rows_errors_and_writes_nothing(admin_client):
    run_rows = [list(row) for row in EVENTS]
    Source.objects.create(url="https://example.org/t/readout", title="Readout")
    Source.objects.create(url="https://example.org/t/notice", title="Notice")
    run_rows[2][0] = "no-such-dispute"
    before = counts()
    response = _upload(admin_client, Event, "events.csv", csv_bytes(run_rows))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Some rows have errors" in page
    assert "No dispute has the slug “no-such-dispute”" in page
    assert "<td>4</td>" in page  # the header is line 1; row 1 spans lines 2-3
    assert response.context.get("confirm_form") is None
    assert counts() == before


@pytest.mark.parametrize(
    ("name", "content", "file_format", "message"),
    [
        ("events.png", b"\x89PNG\r\n\x1a\n\x00\xff\xfe", "0", "not UTF-8"),
        ("events.xlsx", b"dispute,reference\n", "1", "not an Excel workbook"),
        ("events.csv", b"", "0", "empty"),
    ],
)
def test_a_file_that_cannot_be_read_is_a_form_error_in_admin(admin_client, name, content, file_format, message):
    response = _upload(admin_client, Event, name, content, file_format)
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["import_file"])


def test_the_admin_confirm_step_of_a_good_file_writes_everything(admin_client, admin_user):
    keys = {Source: ("url", SOURCES[1][0]), Event: ("reference", "T-E1"), Measure: ("reference", "T-M1")}
    for model, rows in ((Source, SOURCES), (Event, EVENTS), (Measure, MEASURES)):
        response = _upload(admin_client, model, f"{model._meta.verbose_name_plural}.csv", csv_bytes(rows))
        assert response.status_code == 200
        assert not response.context["result"].has_validation_errors(), response.context["result"].problems()
        assert not model.objects.filter(**dict([keys[model]])).exists()  # the preview wrote nothing
        confirm = response.context["confirm_form"]
        assert "Confirm import" in response.content.decode()
        process = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_process_import")
        response = admin_client.post(process, {**confirm.initial, "confirm": "Confirm import"})
        assert response.status_code == 302
    assert_everything_was_imported()
    assert Measure.objects.get(reference="T-M1").history.earliest().history_user == admin_user


def test_a_confirm_that_no_longer_validates_writes_nothing(admin_client):
    """Between the preview and the confirmation someone removed a source the file cites."""
    for url in (SOURCES[1][0], SOURCES[2][0]):
        Source.objects.create(url=url, title=url)
    response = _upload(admin_client, Event, "events.csv", csv_bytes(EVENTS))
    confirm = response.context["confirm_form"]
    Source.objects.filter(url=SOURCES[2][0]).delete()
    before = counts()
    response = admin_client.post(reverse("admin:disputes_event_process_import"), {**confirm.initial, "confirm": "1"})
    assert response.status_code == 302 and response.url == _import_url(Event)
    page = admin_client.get(response.url).content.decode()
    assert "Nothing was imported" in page and "line 2, sources: No source has the address" in page
    assert counts() == before


def test_the_admin_import_of_an_xlsx_file_previews_every_row(admin_client, tmp_path):
    content = write_xlsx(tmp_path / "sources.xlsx", SOURCES).read_bytes()
    response = _upload(admin_client, Source, "sources.xlsx", content, "1")
    assert response.status_code == 200
    assert response.context["result"].totals["new"] == 2
    assert not Source.objects.filter(url=SOURCES[1][0]).exists()


@pytest.mark.parametrize("model", [Event, Measure, Source], ids=lambda m: m._meta.label)
def test_the_import_page_explains_the_file_format(admin_client, model):
    response = admin_client.get(_import_url(model))
    assert response.status_code == 200
    assert "YYYY-MM-DD" in response.content.decode()


def test_importing_needs_the_permission_to_add_and_change(client, django_user_model):
    editor = django_user_model.objects.create_user("reader", password="x", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="view_event"))
    client.force_login(editor)
    assert client.get(_import_url(Event)).status_code == 403
    editor.user_permissions.add(*Permission.objects.filter(codename__in=["add_event", "change_event"]))
    editor = django_user_model.objects.get(pk=editor.pk)
    client.force_login(editor)
    assert client.get(_import_url(Event)).status_code == 200
