"""The admin works for the people entering data: every page opens, within a fixed query budget,
every change is kept, and an announcement's measures are quick to enter."""

import datetime as dt
import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token, TokenProxy

from disputes.models import Actor, Case, Dispute, Event, Source
from tariffs.models import Measure
from tests.factories import ActorFactory, CaseFactory, DisputeFactory, EventFactory, MeasureFactory, SourceFactory
from timelines.admin import ReadOnlyAdmin

pytestmark = pytest.mark.django_db

QUERY_BUDGET = 25
MODELS = sorted(admin.site._registry, key=lambda m: m._meta.label)
# Never added by hand: the read models (built by the refresh jobs) and the sign-in records (django-axes).
READ_ONLY = {m for m in MODELS if isinstance(admin.site._registry[m], ReadOnlyAdmin) or m._meta.app_label == "axes"}
FAILED_SIGN_IN = {"username": "owner", "ip_address": "198.51.100.9", "user_agent": "", "path_info": "/admin/login/"}


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_every_changelist_opens_within_the_query_budget(admin_client, model):
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(_url(model, "changelist"))
    assert response.status_code == 200
    assert len(queries) <= QUERY_BUDGET, [q["sql"] for q in queries]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_every_add_page_opens(admin_client, model):
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(_url(model, "add"))
    assert response.status_code == (403 if model in READ_ONLY else 200)
    assert len(queries) <= QUERY_BUDGET


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_every_change_and_history_page_opens(admin_client, admin_user, model):
    makers = {
        Group: lambda: Group.objects.create(name="Editors"),
        TokenProxy: lambda: Token.objects.create(user=admin_user),
        AccessAttempt: lambda: AccessAttempt.objects.create(**FAILED_SIGN_IN, failures_since_start=1),
        AccessFailureLog: lambda: AccessFailureLog.objects.create(**FAILED_SIGN_IN),
    }
    obj = model.objects.order_by("pk").first() or makers[model]()
    obj = model.objects.get(pk=obj.pk)
    assert isinstance(obj, model)
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(_url(model, "change", obj.pk))
    assert response.status_code == 200
    assert len(queries) <= QUERY_BUDGET * 2, [q["sql"] for q in queries]
    assert admin_client.get(_url(model, "history", obj.pk)).status_code == 200


# Each row made with its own related records (parent, imposer, case, dispute), so a changelist that
# fetches one of them per row costs a query per row.
ROW_MAKERS = {
    Actor: lambda title: ActorFactory(name=title, parent=ActorFactory()),
    Case: lambda title: CaseFactory(title=title, complainant=ActorFactory()),
    Dispute: lambda title: DisputeFactory(title=title),
    Event: lambda title: EventFactory(title=title, case=CaseFactory()),
    Measure: lambda title: MeasureFactory(title=title, announcement=EventFactory()),
    Source: lambda title: SourceFactory(title=title),
}


@pytest.mark.parametrize("model", list(ROW_MAKERS), ids=lambda m: m._meta.label)
def test_changelist_queries_do_not_grow_with_rows(admin_client, model):
    def count():
        with CaptureQueriesContext(connection) as queries:
            response = admin_client.get(_url(model, "changelist"), {"q": "Budget row"})
        assert response.status_code == 200
        return len(queries), response.context["cl"].result_count

    ROW_MAKERS[model]("Budget row 0")
    one, shown = count()
    for i in range(1, 6):
        ROW_MAKERS[model](f"Budget row {i}")
    many, shown_after = count()
    assert (shown, shown_after) == (1, 6)
    assert many == one


def test_the_measure_changelist_shows_todays_rate(admin_client):
    response = admin_client.get(_url(Measure, "changelist") + "?q=canola+oil")
    assert response.status_code == 200
    assert "100%" in response.content.decode()


def test_an_admin_edit_is_kept_with_who_and_when_and_can_be_reverted(admin_client, admin_user):
    event = Event.objects.get(dispute__slug="canada-china", reference="F069")
    original_title = event.title
    data = _form_data(admin_client, _url(Event, "change", event.pk))
    data["title"] = "Carney and Li Qiang spoke (edited)"
    response = admin_client.post(_url(Event, "change", event.pk), data)
    assert response.status_code == 302, _errors(response)
    event.refresh_from_db()
    assert event.title == "Carney and Li Qiang spoke (edited)"
    latest = event.history.first()
    assert latest.history_user == admin_user and latest.history_type == "~"

    previous = event.history.all()[1]
    assert previous.title == original_title
    revert_url = reverse("admin:disputes_event_simple_history", args=[event.pk, previous.history_id])
    revert_data = _form_data(admin_client, revert_url)
    response = admin_client.post(revert_url, revert_data)
    assert response.status_code == 302, _errors(response)
    event.refresh_from_db()
    assert event.title == original_title


def test_entering_the_8_march_2025_countermeasures(admin_client, canada_china):
    """Five measures, two rates, one announcement: start from the event, then "Save as new"."""
    announcement = EventFactory(dispute=canada_china, date=dt.date(2025, 3, 8), title="Tariff Commission announcement")
    event_page = admin_client.get(_url(Event, "change", announcement.pk)).content.decode()
    add_link = re.search(rf'href="([^"]*announcement={announcement.pk})"', event_page).group(1)

    form = admin_client.get(add_link).context["adminform"].form
    assert form.initial["dispute"] == canada_china.pk
    assert form.initial["announced_on"] == dt.date(2025, 3, 8)

    china, canada = Actor.objects.get(code="CN"), Actor.objects.get(code="CA")
    source = Source.objects.order_by("pk").first()
    products = [
        ("canola oil", "1514", "100"),
        ("canola meal", "2306", "100"),
        ("peas", "0713", "100"),
        ("pork", "0203", "25"),
        ("seafood", "0306", "25"),
    ]
    first_url = None
    for index, (product, hs, rate) in enumerate(products):
        data = {
            "dispute": canada_china.pk,
            "reference": f"TEST-{index}",
            "title": f"{rate}% on Canadian {product}",
            "type": "tariff",
            "status": "announced",
            "confidence": "high",
            "imposed_by": china.pk,
            "applies_to": [canada.pk],
            "product_description": product,
            "announced_on": "2025-03-08",
            "announced_on_precision": "day",
            "announcement": announcement.pk,
            **_inline(
                "rate_periods",
                [
                    {
                        "valid_from": "2025-03-20",
                        "valid_to": "",
                        "rate_percent": rate,
                        "kind": "standard",
                        "state": "in_force",
                        "note": "",
                    }
                ],
            ),
            **_inline("product_lines", [{"hs_code": hs, "description": product, "basis": "inferred"}]),
            **_inline("citations", [{"source": source.pk, "field_name": "", "locator": "", "quote": ""}]),
            **_inline("links_out", []),
            **_inline("exemptions", []),
        }
        if first_url is None:
            response = admin_client.post(add_link, {**data, "_continue": "Save and continue editing"})
            first_url = response.url
        else:
            data["_saveasnew"] = "Save as new"
            response = admin_client.post(first_url, data)
        assert response.status_code == 302, _errors(response)

    announced = Measure.objects.filter(announcement=announcement)
    assert announced.count() == 5
    assert sorted(m.rate_on(dt.date(2025, 4, 1)) for m in announced) == [25, 25, 100, 100, 100]
    assert set(announced.values_list("status", flat=True)) == {"in_force"}
    event_page = admin_client.get(_url(Event, "change", announcement.pk)).content.decode()
    assert "Measures announced by this event" in event_page
    assert all(f"on Canadian {product}" in event_page for product, _, _ in products)


def test_overlapping_rate_periods_are_a_form_error_in_admin(admin_client):
    measure = Measure.objects.get(dispute__slug="canada-china", reference="M09-oil")
    url = _url(Measure, "change", measure.pk)
    data = _form_data(admin_client, url)
    prefix = "rate_periods"
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": str(total + 1),
            f"{prefix}-{total}-valid_from": "2025-06-01",
            f"{prefix}-{total}-valid_to": "2025-06-30",
            f"{prefix}-{total}-rate_percent": "10",
            f"{prefix}-{total}-kind": "standard",
            f"{prefix}-{total}-state": "in_force",
            f"{prefix}-{total}-note": "",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "overlap" in response.content.decode()
    assert measure.rate_periods.count() == total


def test_a_measure_without_a_source_is_a_form_error(admin_client):
    measure = Measure.objects.get(dispute__slug="canada-china", reference="M09-oil")
    url = _url(Measure, "change", measure.pk)
    data = _form_data(admin_client, url)
    total = int(data["citations-TOTAL_FORMS"])
    for i in range(total):
        data[f"citations-{i}-DELETE"] = "on"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    citations = next(f.formset for f in response.context["inline_admin_formsets"] if f.formset.prefix == "citations")
    assert citations.non_form_errors() == ["Please submit at least 1 form."]
    assert "Please submit at least 1 form." in response.content.decode()
    assert measure.citations.count() == total


# --- helpers ---------------------------------------------------------------------------------


def _inline(prefix, rows):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
    return data


def _form_data(client, url):
    """The POST body the admin form at ``url`` would send unchanged."""
    response = client.get(url)
    data = {}
    forms = [response.context["adminform"].form]
    for formset in response.context.get("inline_admin_formsets", []):
        fs = formset.formset
        data.update({f"{fs.prefix}-{k}": v for k, v in fs.management_form.initial.items()})
        forms.extend(fs.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None:
                value = ""
            elif isinstance(value, bool):
                if not value:
                    continue
                value = "on"
            elif isinstance(value, list | tuple):
                value = [str(v) for v in value]
            key = form.add_prefix(name)
            if isinstance(value, list):
                data[key] = value
            else:
                data[key] = str(value)
    return data


def _errors(response):
    context = getattr(response, "context", None)
    if not context:
        return response
    found = []
    if "adminform" in context:
        found.append(context["adminform"].form.errors)
    for formset in context.get("inline_admin_formsets", []):
        found.append(formset.formset.errors)
        found.append(formset.formset.non_form_errors())
    return found


def test_suspending_measures_for_a_window_from_the_changelist(admin_client):
    pork = MeasureFactory(title="25% on pork")
    pork.rate_periods.create(valid_from=dt.date(2025, 3, 20), rate_percent=25)
    url = _url(Measure, "changelist")
    form_page = admin_client.post(url, {"action": "suspend_for_a_window", "_selected_action": [pork.pk]})
    assert form_page.status_code == 200 and "Suspend measures for a window" in form_page.content.decode()
    response = admin_client.post(
        url,
        {
            "action": "suspend_for_a_window",
            "_selected_action": [pork.pk],
            "apply": "Suspend",
            "from_date": "2026-03-01",
            "until": "2026-12-31",
        },
    )
    assert response.status_code == 302
    assert pork.rate_on(dt.date(2026, 6, 1)) is None
    assert pork.rate_on(dt.date(2027, 1, 1)) == 25
    assert pork.history.exists()
