"""Every domain date lies in 1900-01-01..2200-12-31: validation names the field on every write path
(API, admin, services, loader), and a named database constraint per field refuses the rest."""

import copy
import datetime as dt
import importlib
import io

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from core.dates import DATE_MAX, DATE_MIN
from disputes.models import Case, Dispute, Event, Source
from disputes.services import event_save
from tariffs.models import Measure, RatePeriod
from tariffs.services import measure_suspend
from tests.api.conftest import editor  # noqa: F401  (the API write fixture)
from tests.factories import RatePeriodFactory
from tests.test_admin import _errors, _form_data, _url

pytestmark = pytest.mark.django_db

FAR_FUTURE = "9999-12-31"
YEAR_ONE = "0001-01-01"

EVENT = {
    "dispute": "canada-china",
    "date": "2025-06-05",
    "kind": "leader_call",
    "level": "leader",
    "title": "A call at the edge of the calendar",
    "participants": ["mark-carney"],
    "sources": [{"url": "https://example.org/edge-readout", "title": "Readout", "publisher": "PMO"}],
}
MEASURE = {
    "dispute": "canada-china",
    "imposed_by": "CN",
    "applies_to": ["CA"],
    "type": "tariff",
    "title": "A tariff at the edge of the calendar",
    "announced_on": "2025-03-08",
    "rate_periods": [{"valid_from": "2025-03-20", "valid_to": None, "rate_percent": "100", "state": "in_force"}],
    "hs_codes": ["1514"],
    "sources": [{"url": "https://example.org/edge-notice", "title": "Notice", "publisher": "MOF"}],
}


def body(base, **changes):
    data = copy.deepcopy(base)
    data.update(changes)
    return data


def period(**changes):
    return [{**MEASURE["rate_periods"][0], **changes}]


def error_attrs(response):
    return {error["attr"] for error in response.json()["errors"]}


def assert_400_naming(response, attr):
    assert response.status_code == 400, response.content
    assert response.json()["type"] == "validation_error"
    assert attr in error_attrs(response), response.json()
    messages = " ".join(error["detail"] for error in response.json()["errors"])
    assert "1900-01-01" in messages and "2200-12-31" in messages


# --- API -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("day", [FAR_FUTURE, YEAR_ONE, "1899-12-31", "2201-01-01"])
@pytest.mark.parametrize("field", ["date", "end_date"])
def test_an_event_dated_outside_the_range_is_a_400_naming_the_field(editor, field, day):  # noqa: F811
    data = body(EVENT, **({"date": "1900-01-01"} if field == "end_date" else {}), **{field: day})
    assert_400_naming(editor.post("/api/v1/events/", data, format="json"), field)
    assert not Event.objects.filter(title=EVENT["title"]).exists()


@pytest.mark.parametrize("day", [FAR_FUTURE, YEAR_ONE])
def test_patching_an_event_to_a_date_outside_the_range_is_a_400_and_changes_nothing(editor, day):  # noqa: F811
    event = Event.objects.get(reference="F069")
    assert_400_naming(editor.patch(f"/api/v1/events/{event.pk}/", {"date": day}, format="json"), "date")
    assert Event.objects.get(pk=event.pk).date == event.date


def test_a_french_reader_is_told_the_range_in_french(editor):  # noqa: F811
    response = editor.post("/api/v1/events/", body(EVENT, date=FAR_FUTURE), format="json", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    assert "hors limites" in " ".join(error["detail"] for error in response.json()["errors"])


def test_an_event_on_the_first_and_last_accepted_days_is_written(editor):  # noqa: F811
    data = body(EVENT, date=DATE_MIN.isoformat(), end_date=DATE_MAX.isoformat())
    response = editor.post("/api/v1/events/", data, format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["date"], response.json()["end_date"]) == ("1900-01-01", "2200-12-31")


@pytest.mark.parametrize(
    ("change", "attr"),
    [
        ({"rate_periods": period(valid_to=FAR_FUTURE)}, "rate_periods.0.valid_to"),
        ({"rate_periods": period(valid_from=YEAR_ONE)}, "rate_periods.0.valid_from"),
        ({"rate_periods": period(valid_from="2201-01-01")}, "rate_periods.0.valid_from"),
        ({"announced_on": FAR_FUTURE}, "announced_on"),
        ({"announced_on": YEAR_ONE}, "announced_on"),
    ],
)
def test_a_measure_dated_outside_the_range_is_a_400_naming_the_field(editor, change, attr):  # noqa: F811
    assert_400_naming(editor.post("/api/v1/measures/", body(MEASURE, **change), format="json"), attr)
    assert not Measure.objects.filter(title=MEASURE["title"]).exists()


@pytest.mark.parametrize(
    ("change", "attr"),
    [
        ({"rate_periods": period(valid_to=FAR_FUTURE)}, "rate_periods.0.valid_to"),
        ({"rate_periods": period(valid_from=YEAR_ONE)}, "rate_periods.0.valid_from"),
        ({"announced_on": FAR_FUTURE}, "announced_on"),
    ],
)
def test_patching_a_measure_to_dates_outside_the_range_is_a_400_and_changes_nothing(editor, change, attr):  # noqa: F811
    measure = Measure.objects.get(reference="M09-oil")
    periods_before = list(measure.rate_periods.values_list("valid_from", "valid_to"))
    assert_400_naming(editor.patch(f"/api/v1/measures/{measure.pk}/", change, format="json"), attr)
    assert list(measure.rate_periods.values_list("valid_from", "valid_to")) == periods_before
    assert Measure.objects.get(pk=measure.pk).announced_on == measure.announced_on


def test_a_measure_in_force_from_the_first_to_the_last_accepted_day_is_written(editor):  # noqa: F811
    data = body(MEASURE, rate_periods=period(valid_from="1900-01-01", valid_to="2200-12-31"))
    response = editor.post("/api/v1/measures/", data, format="json")
    assert response.status_code == 201, response.content


# --- services (the loader, the import and the admin call the same ones) -------------------------


def test_the_event_service_names_the_field_outside_the_range(canada_china):
    event = Event(dispute=canada_china, date=dt.date.max, kind="statement", title="Far away")
    with pytest.raises(ValidationError) as caught:
        event_save(event=event, participants=[], citations=[{"source": Source.objects.first()}])
    assert set(caught.value.message_dict) == {"date"}
    assert "9999-12-31 is out of range" in caught.value.message_dict["date"][0]


@pytest.mark.parametrize(
    ("model", "field", "day"),
    [
        (Source, "published_on", dt.date(1, 1, 1)),
        (Dispute, "started_on", dt.date(1899, 12, 31)),
        (Dispute, "ended_on", dt.date.max),
        (Case, "initiated_on", dt.date(1, 1, 1)),
    ],
    ids=lambda value: getattr(value, "__name__", str(value)),
)
def test_full_clean_of_every_dated_record_names_the_field_outside_the_range(model, field, day):
    record = model.objects.order_by("pk").first()
    setattr(record, field, day)
    with pytest.raises(ValidationError) as caught:
        record.full_clean()
    assert field in caught.value.message_dict


@pytest.mark.parametrize(("from_date", "until", "field"), [(dt.date(1, 1, 1), None, "from_date"),
                                                            (dt.date(2026, 3, 1), dt.date.max, "until")])  # fmt: skip
def test_suspending_outside_the_range_names_the_field_and_changes_nothing(from_date, until, field):
    measure = Measure.objects.get(reference="M09-oil")
    before = list(measure.rate_periods.values_list("valid_from", "valid_to", "state"))
    with pytest.raises(ValidationError) as caught:
        measure_suspend(measure=measure, from_date=from_date, until=until, today=timezone.localdate())
    assert set(caught.value.message_dict) == {field}
    assert list(measure.rate_periods.values_list("valid_from", "valid_to", "state")) == before


# --- admin ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["date", "end_date"])
def test_an_event_date_outside_the_range_is_a_form_error_in_admin(admin_client, field):
    event = Event.objects.get(reference="F069")
    url = _url(Event, "change", event.pk)
    data = _form_data(admin_client, url)
    data[field] = FAR_FUTURE
    response = admin_client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert field in errors and "out of range" in errors[field][0], _errors(response)
    assert Event.objects.get(pk=event.pk).date == event.date


def test_a_rate_period_outside_the_range_is_a_form_error_in_admin(admin_client):
    measure = Measure.objects.get(reference="M09-oil")
    url = _url(Measure, "change", measure.pk)
    data = _form_data(admin_client, url)
    data["rate_periods-0-valid_to"] = FAR_FUTURE
    response = admin_client.post(url, data)
    assert response.status_code == 200
    formset = next(f.formset for f in response.context["inline_admin_formsets"] if f.formset.prefix == "rate_periods")
    assert "valid_to" in formset.errors[0], _errors(response)
    assert not measure.rate_periods.filter(valid_to=dt.date.max).exists()


def test_suspending_until_outside_the_range_is_a_form_error_in_admin(admin_client):
    measure = Measure.objects.get(reference="M09-oil")
    response = admin_client.post(
        _url(Measure, "changelist"),
        {
            "action": "suspend_for_a_window",
            "_selected_action": [measure.pk],
            "apply": "Suspend",
            "from_date": "2026-03-01",
            "until": FAR_FUTURE,
        },
    )
    assert response.status_code == 200
    assert "until" in response.context["form"].errors
    assert not measure.rate_periods.filter(state="suspended").exists()


# --- database ------------------------------------------------------------------------------------

DATED_FIELDS = [
    (Source, "published_on"),
    (Dispute, "started_on"),
    (Dispute, "ended_on"),
    (Case, "initiated_on"),
    (Event, "date"),
    (Event, "end_date"),
    (Measure, "announced_on"),
    (RatePeriod, "valid_from"),
    (RatePeriod, "valid_to"),
]


@pytest.mark.parametrize("day", [dt.date.max, dt.date.min, dt.date(2201, 1, 1), dt.date(1899, 12, 31)])
@pytest.mark.parametrize(("model", "field"), DATED_FIELDS, ids=lambda v: getattr(v, "__name__", v))
def test_the_database_refuses_a_date_outside_the_range_written_around_validation(model, field, day):
    record = model.objects.order_by("pk").first()
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        model.objects.filter(pk=record.pk).update(**{field: day})
    assert f"{model._meta.db_table}_{field}_in_range" in str(caught.value)


WINDOWS = {"end_date": "date", "ended_on": "started_on", "valid_to": "valid_from"}
WINDOWS.update({start: end for end, start in WINDOWS.items()})


@pytest.mark.parametrize(("model", "field"), DATED_FIELDS, ids=lambda v: getattr(v, "__name__", v))
def test_the_database_takes_the_first_and_last_accepted_days(model, field):
    record = RatePeriodFactory() if model is RatePeriod else model.objects.order_by("pk").first()
    for day in (DATE_MIN, DATE_MAX):
        partner = {WINDOWS[field]: day} if field in WINDOWS else {}  # the window's other end comes along
        assert model.objects.filter(pk=record.pk).update(**{field: day, **partner}) == 1


def test_the_migration_names_the_rows_to_correct_on_a_database_holding_dates_outside_the_range():
    migration = importlib.import_module("disputes.migrations.0003_dates_in_range")
    event = Event.objects.get(reference="F069")
    with connection.schema_editor() as schema:  # a database from before the constraints
        for constraint in ("disputes_event_date_in_range", "disputes_event_end_date_in_range"):
            schema.execute(f"ALTER TABLE disputes_event DROP CONSTRAINT {constraint}")
    Event.objects.filter(pk=event.pk).update(date=dt.date.max, end_date=dt.date.max)
    with pytest.raises(RuntimeError, match=rf"Event\.date \(ids {event.pk}\); Event\.end_date \(ids {event.pk}\)"):
        migration.refuse_dates_out_of_range(apps, None)


# --- dataset loader and bulk import --------------------------------------------------------------


@pytest.mark.parametrize(
    ("break_it", "complaint"),
    [
        (lambda d: d["events"][0].update(date="9999-12-31"), r"'date': \['9999-12-31 is out of range"),
        (lambda d: d["measures"][0]["rate_periods"][1].update(to="9999-12-31"), "9999-12-31 is out of range"),
    ],
)
def test_the_dataset_loader_refuses_a_date_outside_the_range_and_writes_nothing(tmp_path, break_it, complaint):
    from exchange.dataset_loader import DatasetError, load_dataset
    from tests.exchange.test_dataset_loader import mini, write

    data = mini()
    break_it(data)
    events = Event.objects.count()
    with pytest.raises(DatasetError, match=complaint):
        load_dataset(write(tmp_path, data))
    assert Event.objects.count() == events


def test_an_imported_rate_period_outside_the_range_is_reported_naming_the_field(tmp_path):
    from django.core.management import CommandError

    from tests.exchange.test_import import EVENTS, MEASURES, SOURCES, counts, run, write_csv

    run(write_csv(tmp_path / "sources.csv", SOURCES))
    run(write_csv(tmp_path / "events.csv", EVENTS))
    rows = [list(row) for row in MEASURES]
    rows[2][rows[0].index("rate_periods")] = "2026-01-20..9999-12-31 75%"
    before = counts()
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_records", str(write_csv(tmp_path / "measures.csv", rows)), stdout=io.StringIO(), stderr=err
        )
    assert "line 5, rate_periods: item 1: valid to: 9999-12-31 is out of range" in err.getvalue()
    assert counts() == before
