"""Every write goes through the services, whatever the caller: the same change made from the admin, the API,
an import file or a dataset file gives exactly one revision with the same field changes, and writes only
the rows that changed."""

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse

from core.revisions import revisions
from exchange.dataset_loader import load_dataset
from exchange.resources.tariffs import render_rate_periods
from tariffs.history import MEASURE_REVISIONS
from tariffs.models import Measure, RatePeriod
from tests.api.conftest import token_client
from tests.test_admin import _form_data

pytestmark = pytest.mark.django_db

REFERENCE = "M09-oil"
NEW_TITLE = "100% countermeasure tariff on canola oil from Canada (retitled)"


@pytest.fixture
def oil(canada_china):
    return Measure.objects.get(dispute=canada_china, reference=REFERENCE)


def through_the_admin(measure, tmp_path, django_user_model, client):
    client.force_login(django_user_model.objects.create_superuser("admin", "a@example.org", "x" * 12))
    url = reverse("admin:tariffs_measure_change", args=[measure.pk])
    data = _form_data(client, url)
    data["title"] = NEW_TITLE
    (index,) = [key.split("-")[1] for key, value in data.items() if key.endswith("-valid_from") and value]
    data[f"rate_periods-{index}-rate_percent"] = "90"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response


def through_the_api(measure, tmp_path, django_user_model, client):
    user = django_user_model.objects.create_user("editor", password="x" * 12)
    user.user_permissions.set(Permission.objects.filter(codename="change_measure"))
    api = token_client(user)
    periods = api.get(f"/api/v1/measures/{measure.pk}/").json()["rate_periods"]
    periods[0]["rate_percent"] = "90"
    body = {"title": NEW_TITLE, "rate_periods": [{k: v for k, v in p.items() if k != "scheduled"} for p in periods]}
    response = api.patch(f"/api/v1/measures/{measure.pk}/", body, format="json")
    assert response.status_code == 200, response.json()


def through_an_import(measure, tmp_path, django_user_model, client):
    path = tmp_path / "measures.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(
            [
                ["dispute", "reference", "title", "rate_periods"],
                ["canada-china", REFERENCE, NEW_TITLE, render_rate_periods(measure).replace("100%", "90%")],
            ]
        )
    call_command("import_records", str(path), stdout=io.StringIO(), stderr=io.StringIO())


def through_a_dataset_load(measure, tmp_path, django_user_model, client):
    data = yaml.safe_load((Path(settings.DATASETS_DIR) / "canada-china.yaml").read_text(encoding="utf-8"))
    (row,) = [row for row in data["measures"] if row["reference"] == REFERENCE]
    row["title"] = NEW_TITLE
    row["rate_periods"][0]["rate"] = "90"
    path = tmp_path / "canada-china.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    french = Path(settings.DATASETS_DIR) / "canada-china.fr.yaml"  # the French text comes with it
    (tmp_path / french.name).write_text(french.read_text(encoding="utf-8"), encoding="utf-8")
    load_dataset(str(path))


@pytest.mark.parametrize("change", [through_the_admin, through_the_api, through_an_import, through_a_dataset_load])
def test_the_same_change_by_any_path_is_one_revision_with_the_same_changes(
    change, oil, tmp_path, django_user_model, client
):
    before = revisions(oil, MEASURE_REVISIONS)
    period_history = RatePeriod.history.filter(measure_id=oil.pk).count()
    (period,) = oil.rate_periods.all()

    change(oil, tmp_path, django_user_model, client)

    after = revisions(oil, MEASURE_REVISIONS)
    assert len(after) == len(before) + 1
    latest = after[-1]
    assert {c.field: (c.old, c.new) for c in latest.changes} == {
        "title": ("100% countermeasure tariff on Canadian canola (rapeseed) oil", NEW_TITLE),
        "rate_periods": (
            [{**_period(period), "rate_percent": "100"}],
            [{**_period(period), "rate_percent": "90"}],
        ),
    }
    # The period was changed in place (one history row), not deleted and re-created.
    assert RatePeriod.history.filter(measure_id=oil.pk).count() == period_history + 1
    assert oil.rate_periods.get().pk == period.pk


def _period(period) -> dict:
    return {
        "valid_from": period.valid_from.isoformat(),
        "valid_to": None,
        "rate_percent": None,
        "kind": period.kind,
        "state": period.state,
        "note": period.note,
        "exporter": None,
        "on_top_of": period.on_top_of,
        "on_top_of_measure": None,
        "base_rate": None,
    }


@pytest.mark.parametrize("change", [through_the_admin, through_the_api, through_an_import, through_a_dataset_load])
def test_the_same_change_over_a_record_that_has_it_makes_no_revision(change, oil, tmp_path, django_user_model, client):
    """With the change already stored, the same paths write no history row: the services compare first."""
    Measure.objects.filter(pk=oil.pk).update(title=NEW_TITLE)  # update() writes no history row
    RatePeriod.objects.filter(measure=oil).update(rate_percent=90)
    oil.refresh_from_db()
    count = len(revisions(oil, MEASURE_REVISIONS))
    rows = RatePeriod.history.count(), Measure.history.count()

    change(oil, tmp_path, django_user_model, client)

    assert len(revisions(oil, MEASURE_REVISIONS)) == count
    assert (RatePeriod.history.count(), Measure.history.count()) == rows


def test_the_change_set_of_a_revision_is_shared_by_its_rows(oil, tmp_path, django_user_model, client):
    through_the_api(oil, tmp_path, django_user_model, client)
    measure_row = Measure.history.filter(id=oil.pk).latest("history_date")
    period_row = RatePeriod.history.filter(measure_id=oil.pk).latest("history_date")
    assert measure_row.change_set is not None and measure_row.change_set == period_row.change_set


def test_a_dataset_load_is_one_change_set_with_its_reason(oil, tmp_path, django_user_model, client):
    through_a_dataset_load(oil, tmp_path, django_user_model, client)
    row = Measure.history.filter(id=oil.pk).latest("history_date")
    assert row.history_change_reason == "load_dataset canada-china"
    assert dt.datetime.now(dt.UTC) - row.history_date < dt.timedelta(minutes=5)
