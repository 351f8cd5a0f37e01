"""Record pages as they were: each revision has a permalink, an old version shows its own title and rates,
a bad revision number is a clear 400 or 404, editors are named for staff only, and the site-wide feed of
changes lists every edit."""

import datetime as dt
import re

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from disputes.models import Event
from tariffs.history import MEASURE_REVISIONS
from tariffs.models import Measure, RatePeriod
from tests.test_admin import _errors, _form_data

pytestmark = pytest.mark.django_db

OLD_TITLE = "100% countermeasure tariff on Canadian canola (rapeseed) oil"


@pytest.fixture
def oil():
    return Measure.objects.get(dispute__slug="canada-china", reference="M09-oil")


@pytest.fixture
def call():
    return Event.objects.get(dispute__slug="canada-china", reference="F069")


@pytest.fixture
def editor(django_user_model):
    """A journalist with a token allowed to change measures and events (not staff)."""
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("journalist", password="x" * 12)
    user.user_permissions.set(Permission.objects.filter(codename__in=["change_measure", "change_event"]))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def admin_edit(admin_client, model_name, record, **changes):
    url = reverse(f"admin:{record._meta.app_label}_{model_name}_change", args=[record.pk])
    data = _form_data(admin_client, url)
    data.update(changes)
    response = admin_client.post(url, data)
    assert response.status_code == 302, _errors(response)


def page(client, url, status=200, **params):
    response = client.get(url, params)
    assert response.status_code == status, (url, params, response.status_code)
    return response.content.decode()


def rates_shown(html):
    table = re.search(r'<table class="data" id="rate-history">(.*?)</table>', html, re.S).group(1)
    return re.findall(r"<td>([0-9.,]+%)</td>", table)


def participants_shown(html):
    listed = re.search(r"<dt>Participants</dt><dd><ul>(.*?)</ul>", html, re.S).group(1)
    return re.findall(r'<a href="/en/actors/[^"]+/">([^<]+)</a>', listed)


def revision_count(record):
    from core.revisions import revisions
    from disputes.history import EVENT_REVISIONS

    return len(revisions(record, MEASURE_REVISIONS if isinstance(record, Measure) else EVENT_REVISIONS))


def test_a_measure_as_of_a_revision_shows_its_old_title_and_rate(admin_client, client, oil):
    before = revision_count(oil)
    new = {"title": "Canola oil tariff (corrected)", "rate_periods-0-rate_percent": "75.8"}
    admin_edit(admin_client, "measure", oil, **new)
    client.logout()
    url = f"/en/measures/{oil.pk}/"

    current = page(client, url)
    assert "Canola oil tariff (corrected)" in current and rates_shown(current) == ["75.8%"]
    assert f'href="?as_of_revision={before + 1}"' in current and 'href="?as_of_revision=1"' in current

    old = page(client, url, as_of_revision=before)
    assert f"<h1>{OLD_TITLE}</h1>" in old and rates_shown(old) == ["100%"]
    assert f"Revision {before} of {before + 1}," in old and f'<a href="{url}">see the current version</a>' in old
    assert '<meta name="robots" content="noindex">' in old
    assert re.search(rf'<li aria-current="page"><a href="\?as_of_revision={before}"', old)

    # The same rates simple_history gives as of that revision's time.
    from core.revisions import revisions

    when = revisions(oil, MEASURE_REVISIONS)[before - 1].when
    as_of = RatePeriod.history.as_of(when).filter(measure_id=oil.pk).order_by("valid_from")
    assert [f"{p.rate_percent.normalize():f}%" for p in as_of] == rates_shown(old)


def test_an_event_as_of_a_revision_shows_its_old_title_and_participants(editor, client, call):
    before = revision_count(call)
    old_title = call.title
    response = editor.patch(
        f"/api/v1/events/{call.pk}/", {"title": "Leaders' call (retitled)", "participants": ["CA"]}, format="json"
    )
    assert response.status_code == 200, response.content

    current = page(client, f"/en/events/{call.pk}/")
    assert "Leaders&#x27; call (retitled)" in current and participants_shown(current) == ["Canada"]
    old = page(client, f"/en/events/{call.pk}/", as_of_revision=before)
    assert old_title.replace("'", "&#x27;") in old and "Li Qiang" in participants_shown(old)
    assert f"Revision {before} of {before + 1}" in old


def test_the_permalink_in_the_api_opens_that_version(editor, client, oil):
    editor.patch(f"/api/v1/measures/{oil.pk}/", {"title": "Renamed"}, format="json")
    first = APIClient().get(f"/api/v1/measures/{oil.pk}/history/").json()["results"][0]
    html = client.get(first["html_url"], follow=True).content.decode()
    assert f"<h1>{OLD_TITLE}</h1>" in html and "Revision 1 of" in html


@pytest.mark.parametrize("value", ["x", "-1", "1.5", "1e3", "²", " 1", "0x1", "9" * 40, "0", "99999", "2147483648"])
@pytest.mark.parametrize("kind", ["measures", "events"])
def test_a_bad_revision_number_is_a_clear_400_or_404(client, oil, call, kind, value):
    record = oil if kind == "measures" else call
    response = client.get(f"/en/{kind}/{record.pk}/", {"as_of_revision": value})
    html = response.content.decode()
    if value.isascii() and value.isdigit() and len(value) <= 9:
        assert response.status_code == 404 and "There is no revision" in html
    else:
        assert response.status_code == 400 and "must be a revision number" in html
    assert f'href="/en/{kind}/{record.pk}/"' in html  # a way back to the current version


def test_an_empty_revision_number_is_the_current_version(client, oil):
    assert "Change history" in page(client, f"/en/measures/{oil.pk}/", as_of_revision="")


def test_editors_are_named_to_staff_only(admin_client, editor, client, django_user_model, oil):
    admin_edit(admin_client, "measure", oil, title="Edited by the owner")
    editor.patch(f"/api/v1/measures/{oil.pk}/", {"title": "Edited through the API"}, format="json")
    staff_html = page(admin_client, f"/en/measures/{oil.pk}/")
    assert "by owner" in staff_html and "by journalist" in staff_html

    client.logout()
    for html in (page(client, f"/en/measures/{oil.pk}/"), page(client, f"/en/measures/{oil.pk}/", as_of_revision=1)):
        assert "by owner" not in html and "journalist" not in html
    colleague = django_user_model.objects.create_user("colleague", password="x" * 12)  # signed in, not staff
    client.force_login(colleague)
    assert "by owner" not in page(client, f"/en/measures/{oil.pk}/")


@pytest.mark.parametrize("as_of", [None, 1])
def test_record_pages_cost_the_same_queries_however_many_revisions(editor, client, time_machine, oil, call, as_of):
    params = {"as_of_revision": as_of} if as_of else {}

    def queries():
        counts = []
        for url in (f"/en/measures/{oil.pk}/", f"/en/events/{call.pk}/"):
            with CaptureQueriesContext(connection) as captured:
                page(client, url, **params)
            counts.append(len(captured))
        return counts

    before = queries()
    start = timezone.now()
    for hour in range(1, 5):
        time_machine.move_to(start + dt.timedelta(hours=hour))
        periods = [{"valid_from": "2025-03-20", "rate_percent": str(100 - hour)}]
        editor.patch(f"/api/v1/measures/{oil.pk}/", {"title": f"Edit {hour}", "rate_periods": periods}, format="json")
        editor.patch(f"/api/v1/events/{call.pk}/", {"title": f"Edit {hour}"}, format="json")
    assert revision_count(oil) >= 5
    assert queries() == before


# --- the site-wide feed of changes ----------------------------------------------------------


def test_the_changes_feed_lists_each_edit_with_a_link_to_that_version(admin_client, client, oil):
    admin_edit(
        admin_client, "measure", oil, title="Canola oil tariff (corrected)", **{"rate_periods-0-rate_percent": "75.8"}
    )
    number = revision_count(oil)
    client.logout()
    response = client.get("/feeds/changes/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "TradeWatch: latest changes"
    entry = feed.entries[0]
    assert entry.title == f"Measure changed: Canola oil tariff (corrected) (revision {number})"
    assert entry.link == f"http://testserver/en/measures/{oil.pk}/?as_of_revision={number}"
    assert "title, rate periods" in entry.summary and "75.8%" in entry.summary
    assert "owner" not in response.content.decode()  # never the editor
    assert page(client, entry.link.removeprefix("http://testserver")).count("Revision") >= number


def test_the_changes_feed_answers_304_until_something_changes(client, editor, oil):
    first = client.get("/feeds/changes/")
    again = client.get("/feeds/changes/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 304
    editor.patch(f"/api/v1/measures/{oil.pk}/", {"title": "Renamed"}, format="json")
    # Last-Modified has a one-second grain: a change within the same second is still served.
    after = client.get("/feeds/changes/")
    assert after.status_code == 200 and "Renamed" in after.content.decode()


def test_the_changes_feed_costs_the_same_queries_however_many_entries(editor, client, time_machine):
    from tests.factories import EventFactory, MeasureFactory

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/feeds/changes/").status_code == 200
        return len(captured)

    before = queries()
    start = timezone.now()
    for hour in range(1, 4):
        time_machine.move_to(start + dt.timedelta(hours=hour))
        measure, event = MeasureFactory(), EventFactory()
        measure.rate_periods.create(valid_from=dt.date(2025, 3, 20), rate_percent=10 * hour)
        editor.patch(f"/api/v1/events/{event.pk}/", {"title": f"Edit {hour}"}, format="json")
    feed = feedparser.parse(client.get("/feeds/changes/").content)
    assert len(feed.entries) == 50
    assert queries() == before
