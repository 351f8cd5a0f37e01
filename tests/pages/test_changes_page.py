"""``/changes/?since=D``: every record created or edited since a day, grouped by record, each revision linked."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core import revisions as history
from disputes.models import Event
from tariffs.history import MEASURE_REVISIONS
from tariffs.models import Measure
from tests.factories import EventFactory, MeasureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(django_user_model):
    """A journalist allowed to change measures and events through the API."""
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("journalist", password="x" * 12)
    user.user_permissions.set(Permission.objects.filter(codename__in=["change_measure", "change_event"]))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def later(time_machine):
    """A month after the dataset was loaded: only what is edited from now on is new."""
    moved = timezone.now() + dt.timedelta(days=30)
    time_machine.move_to(moved)
    return timezone.localdate()


def get(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_only_records_edited_since_the_day_are_listed_each_linking_to_its_revisions(client, editor, later):
    oil = Measure.objects.get(dispute__slug="canada-china", reference="M09-oil")
    call = Event.objects.get(dispute__slug="canada-china", reference="F069")
    editor.patch(f"/api/v1/measures/{oil.pk}/", {"title": "Canola oil tariff (corrected)"}, format="json")
    editor.patch(f"/api/v1/measures/{oil.pk}/", {"summary": "Corrected twice."}, format="json")
    editor.patch(f"/api/v1/events/{call.pk}/", {"title": "Leaders' call (corrected)"}, format="json")

    html = get(client, "/en/changes/", since=later.isoformat())
    rows = re.findall(r'<tr data-kind="(\w+)" data-pk="(\d+)">', html)
    assert sorted(rows) == sorted([("measure", str(oil.pk)), ("event", str(call.pk))])
    revisions = len(history.revisions(oil, MEASURE_REVISIONS))
    assert f'href="/en/measures/{oil.pk}/?as_of_revision={revisions}"' in html
    assert f'href="/en/measures/{oil.pk}/?as_of_revision={revisions - 1}"' in html
    assert f"?as_of_revision={revisions - 2}" not in html  # made before the day asked for
    assert "Canola oil tariff (corrected)" in html and "2 records changed" in html


def test_a_record_created_since_the_day_is_listed_as_created(client, later):
    measure = MeasureFactory(title="Brand-new levy")
    html = get(client, "/en/changes/", since=later.isoformat())
    assert f'data-pk="{measure.pk}"' in html and "created" in html


def test_the_french_page_is_in_french(client, editor, later):
    oil = Measure.objects.get(dispute__slug="canada-china", reference="M09-oil")
    editor.patch(f"/api/v1/measures/{oil.pk}/", {"title": "Huile corrigée"}, format="json")
    html = get(client, "/fr/changes/", since=later.isoformat())
    assert 'lang="fr"' in html and f'href="/fr/measures/{oil.pk}/?as_of_revision=' in html


def test_a_bad_date_is_a_form_error(client):
    html = get(client, "/en/changes/", since="2025-02-30")
    assert 'role="alert"' in html


def test_without_a_day_the_last_week_is_shown_and_everything_is_reachable_page_by_page(client):
    html = get(client, "/en/changes/")
    total = Event.objects.count() + Measure.objects.count()  # all loaded today
    assert f"{total} records changed" in html
    second = get(client, "/en/changes/", page=2)
    assert second.count("<tr data-kind=") == min(50, total - 50)


def test_the_page_costs_the_same_queries_however_many_records_changed(client, editor, later):
    url = f"/en/changes/?since={later.isoformat()}"

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    MeasureFactory().rate_periods.create(valid_from=dt.date(2025, 3, 20), rate_percent=10)
    editor.patch(f"/api/v1/events/{EventFactory().pk}/", {"title": "Edit"}, format="json")
    few = queries()
    for hour in range(1, 6):
        measure, event = MeasureFactory(), EventFactory()
        measure.rate_periods.create(valid_from=dt.date(2025, 3, 20), rate_percent=10 * hour)
        editor.patch(f"/api/v1/events/{event.pk}/", {"title": f"Edit {hour}"}, format="json")
    assert queries() == few == 26  # a measure's history reads its exemptions too


@pytest.mark.parametrize("since", ["0001-01-01", "9999-12-31"])
def test_the_first_and_last_storable_days_are_answered(client, since):
    html = get(client, "/en/changes/", since=since)
    assert 'role="alert"' not in html


def test_hostile_titles_are_shown_as_text(client, later):
    from tests.hostile_text import store_hostile_dispute
    from tests.pages.test_hostile_text import assert_nothing_injected

    store_hostile_dispute()
    html = get(client, "/en/changes/", since=later.isoformat())
    assert_nothing_injected(html, "changes")
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in html
