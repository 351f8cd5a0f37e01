"""Every admin with a history answers 404, not a server error, for an object or version id that is
not one (``/admin/disputes/event/abc/history/``), as it does for an id that matches nothing."""

import pytest
from django.contrib import admin
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

pytestmark = pytest.mark.django_db

WITH_HISTORY = sorted(
    (model for model, model_admin in admin.site._registry.items() if isinstance(model_admin, SimpleHistoryAdmin)),
    key=lambda model: model._meta.label,
)
NOT_IDS = ["abc", "1.5"]


def test_the_admins_with_a_history_are_all_checked():
    assert {m._meta.label for m in WITH_HISTORY} >= {"disputes.Event", "tariffs.Measure", "disputes.Source"}


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("object_id", NOT_IDS)
@pytest.mark.parametrize("model", WITH_HISTORY, ids=lambda m: m._meta.label)
def test_a_history_page_for_an_id_that_is_not_one_is_a_404(admin_client, model, object_id):
    assert admin_client.get(_url(model, "history", object_id)).status_code == 404


@pytest.mark.parametrize("version_id", NOT_IDS)
@pytest.mark.parametrize("model", WITH_HISTORY, ids=lambda m: m._meta.label)
def test_a_past_version_page_for_an_id_that_is_not_one_is_a_404(admin_client, model, version_id):
    record = model.objects.order_by("pk").first()
    assert admin_client.get(_url(model, "simple_history", record.pk, version_id)).status_code == 404
    assert admin_client.get(_url(model, "simple_history", version_id, version_id)).status_code == 404


@pytest.mark.parametrize("model", WITH_HISTORY, ids=lambda m: m._meta.label)
def test_the_history_of_a_record_and_its_past_versions_still_open(admin_client, model):
    record = model.objects.order_by("pk").first()
    assert admin_client.get(_url(model, "history", record.pk)).status_code == 200
    version = record.history.order_by("history_id").first()
    assert admin_client.get(_url(model, "simple_history", record.pk, version.history_id)).status_code == 200
    assert admin_client.get(_url(model, "history", 10**9)).status_code == 404
