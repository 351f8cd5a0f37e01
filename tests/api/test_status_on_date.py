"""``status_on_date`` beside ``rate_on_date``: a measure's status on the date asked, in JSON, CSV and the schema."""

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tariffs.models import Measure

pytestmark = pytest.mark.django_db
SUSPENDED_IN_2026 = {"M09-meal", "M09-peas", "M09-lobster-crab"}


def status_today(reference):
    """What the dataset says of the measure's status today (suspended until 31 Dec 2026, in force from 2027)."""
    return Measure.objects.get(dispute__slug="canada-china", reference=reference).status_on(timezone.localdate())


def by_reference(response):
    assert response.status_code == 200, response.content
    return {item["reference"]: item for item in response.json()["results"]}


def test_china_march_2025_tariffs_read_in_force_on_1_april_2025_beside_todays_status(anonymous):
    response = anonymous.get("/api/v1/measures/", {"imposed_by": "CN", "in_force_on": "2025-04-01", "limit": 500})
    found = by_reference(response)
    assert set(found) >= SUSPENDED_IN_2026
    for reference in SUSPENDED_IN_2026:
        assert found[reference]["status_on_date"] == "in_force"
        assert found[reference]["status"] == status_today(reference)
        assert found[reference]["rate_on_date"] is not None
    assert found["M09-meal"]["rate_on_date"] == "100"


def test_china_march_2025_tariffs_read_suspended_on_1_june_2026_with_on(anonymous):
    found = by_reference(anonymous.get("/api/v1/measures/", {"imposed_by": "CN", "on": "2026-06-01", "limit": 500}))
    for reference in SUSPENDED_IN_2026:
        assert found[reference]["status_on_date"] == "suspended"
        assert found[reference]["rate_on_date"] is None
    assert found["M09-oil"]["status_on_date"] == "in_force"


def test_on_filters_nothing_and_gives_no_status_before_the_announcement(anonymous):
    everything = anonymous.get("/api/v1/measures/", {"limit": 500}).json()["count"]
    found = by_reference(anonymous.get("/api/v1/measures/", {"on": "2025-03-07", "limit": 500}))
    assert len(found) == everything
    assert found["M09-meal"]["status_on_date"] is None  # announced on 8 March 2025
    assert found["M09-meal"]["status"] == status_today("M09-meal")


def test_status_on_date_appears_only_with_a_date(anonymous):
    item = anonymous.get("/api/v1/measures/", {"limit": 1}).json()["results"][0]
    assert "status_on_date" not in item and "rate_on_date" not in item


def test_two_different_dates_are_a_400_naming_on(anonymous):
    response = anonymous.get("/api/v1/measures/", {"on": "2025-04-01", "in_force_on": "2026-06-01"})
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "validation_error"
    assert [(error["attr"], error["code"]) for error in body["errors"]] == [("on", "different_dates")]


def test_a_bad_on_date_is_a_400_naming_on(anonymous):
    response = anonymous.get("/api/v1/measures/", {"on": "soon"})
    assert response.status_code == 400
    assert [error["attr"] for error in response.json()["errors"]] == ["on"]


def test_csv_carries_the_status_on_the_date(anonymous):
    response = anonymous.get("/api/v1/measures/", {"imposed_by": "CN", "on": "2026-06-01", "format": "csv"})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    found = {row["reference"]: row for row in rows}
    assert {found[reference]["status_on_date"] for reference in SUSPENDED_IN_2026} == {"suspended"}
    assert found["M09-oil"]["status_on_date"] == "in_force"


@pytest.mark.parametrize("params", [{"in_force_on": "2025-04-01"}, {"on": "2026-06-01"}])
def test_query_count_with_a_date_does_not_grow_with_page_size(anonymous, params):
    def queries(limit):
        with CaptureQueriesContext(connection) as captured:
            assert anonymous.get("/api/v1/measures/", {**params, "limit": limit}).status_code == 200
        return len(captured)

    queries(2)  # the first read after a change also reads when the data last changed (kept until the next change)
    assert queries(500) <= queries(2)  # one fewer when the page holds the end of the list: nothing left to count


def test_the_schema_describes_status_on_date_and_the_on_parameter():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    listing = schema["paths"]["/api/v1/measures/"]["get"]
    parameters = {p["name"]: p for p in listing["parameters"]}
    assert parameters["on"]["schema"]["format"] == "date" and parameters["on"]["description"]
    page = listing["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    item = schema["components"]["schemas"][page]["properties"]["results"]["items"]["$ref"].rsplit("/", 1)[-1]
    component = schema["components"]["schemas"][item]
    assert {"status_on_date", "rate_on_date", "status"} <= set(component["properties"])
    assert not {"status_on_date", "rate_on_date"} & set(component.get("required", []))


def test_a_rate_period_that_has_not_started_is_marked_scheduled_in_lists_and_records(anonymous, time_machine):
    # The suspension of canola meal ends on 31 Dec 2026: read on 29 Nov 2026, the 100% that resumes on
    # 1 Jan 2027 is to come.
    time_machine.move_to(dt.datetime(2026, 11, 29, 12, tzinfo=dt.UTC))
    listed = by_reference(anonymous.get("/api/v1/measures/", {"imposed_by": "CN", "limit": 500}))["M09-meal"]
    record = anonymous.get(f"/api/v1/measures/{listed['id']}/").json()
    for measure in (listed, record):
        scheduled = {p["valid_from"]: p["scheduled"] for p in measure["rate_periods"]}
        assert scheduled["2025-03-20"] is False and scheduled["2026-03-01"] is False
        assert scheduled["2027-01-01"] is True
