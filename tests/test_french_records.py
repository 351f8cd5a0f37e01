"""Records in both languages: the API answers in the language asked (``?lang=`` or ``Accept-Language``, English by
default), pages in French show the French text, the admin edits both with history, and datasets carry French in a
companion file."""

import datetime as dt

import pytest
import yaml
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from core.revisions import revisions
from disputes.history import EVENT_REVISIONS
from disputes.models import Event
from exchange.dataset_loader import load_dataset
from tariffs.models import Measure
from tests.api.conftest import token_client
from tests.test_admin import _form_data
from timelines.models import TimelineEntry
from timelines.services import refresh_disputes

pytestmark = pytest.mark.django_db

FRENCH_TITLE = "La Chine impose 100 % sur l'huile de canola canadienne"


@pytest.fixture
def oil(canada_china):
    measure = Measure.objects.get(dispute=canada_china, reference="M09-oil")
    Measure.objects.filter(pk=measure.pk).update(title_fr=FRENCH_TITLE, summary_fr="Résumé en français.")
    measure.refresh_from_db()
    return measure


def test_the_api_answers_in_english_by_default(client, oil):
    response = client.get(f"/api/v1/measures/{oil.pk}/")
    assert response.json()["title"] == oil.title != FRENCH_TITLE
    assert response["Content-Language"] == "en"


@pytest.mark.parametrize("how", ["query", "header"])
def test_the_api_answers_in_french_when_asked(client, oil, how):
    if how == "query":
        response = client.get(f"/api/v1/measures/{oil.pk}/?lang=fr")
    else:
        response = client.get(f"/api/v1/measures/{oil.pk}/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert response.json()["title"] == FRENCH_TITLE and response.json()["summary"] == "Résumé en français."
    assert response["Content-Language"] == "fr"


def test_a_french_list_keeps_english_where_no_french_is_written(client, oil, canada_china):
    rows = client.get("/api/v1/measures/?lang=fr&dispute=canada-china&limit=200").json()["results"]
    by_id = {row["id"]: row for row in rows}
    assert by_id[oil.pk]["title"] == FRENCH_TITLE
    other = Measure.objects.filter(dispute=canada_china, title_fr="").exclude(pk=oil.pk).first()
    if other is not None:
        assert by_id[other.pk]["title"] == other.title


def test_an_unknown_language_is_a_400_naming_lang(client, oil):
    response = client.get(f"/api/v1/measures/{oil.pk}/?lang=de")
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["attr"] == "lang" and "fr" in error["detail"]


def test_the_french_and_english_answers_have_different_etags(client, oil):
    english = client.get(f"/api/v1/measures/{oil.pk}/")
    french = client.get(f"/api/v1/measures/{oil.pk}/?lang=fr")
    assert english["ETag"] != french["ETag"]
    again = client.get(f"/api/v1/measures/{oil.pk}/", HTTP_ACCEPT_LANGUAGE="fr", HTTP_IF_NONE_MATCH=english["ETag"])
    assert again.status_code == 200 and again.json()["title"] == FRENCH_TITLE


def test_the_schema_documents_lang_on_every_operation():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            names = {p["name"] for p in operation.get("parameters", [])}
            assert "lang" in names, f"{method.upper()} {path}"


def test_french_can_be_written_through_the_api(django_user_model, oil):
    user = django_user_model.objects.create_user("editor", password="x" * 12)
    user.user_permissions.set(Permission.objects.filter(codename="change_measure"))
    response = token_client(user).patch(
        f"/api/v1/measures/{oil.pk}/", {"title_fr": "Surtaxe chinoise de 100 % sur l'huile"}, format="json"
    )
    assert response.status_code == 200, response.json()
    oil.refresh_from_db()
    assert oil.title_fr == "Surtaxe chinoise de 100 % sur l'huile" and oil.title != oil.title_fr


def test_the_french_page_shows_the_french_title_and_the_english_page_the_english(client, oil):
    french = client.get(f"/fr/measures/{oil.pk}/").content.decode()
    english = client.get(f"/en/measures/{oil.pk}/").content.decode()
    assert "La Chine impose 100 % sur l&#x27;huile de canola canadienne" in french
    assert oil.title not in french.split("<main", 1)[-1].split("</h1>", 1)[0]
    assert oil.title in english and "huile de canola canadienne" not in english


def test_the_admin_edits_both_languages_and_keeps_the_french_change_in_history(client, django_user_model, canada_china):
    client.force_login(django_user_model.objects.create_superuser("admin", "a@example.org", "x" * 12))
    event = Event.objects.filter(dispute=canada_china).first()
    url = reverse("admin:disputes_event_change", args=[event.pk])
    data = _form_data(client, url)
    assert "title_fr" in data and "summary_fr" in data
    data["title_fr"] = "Appel entre les deux premiers ministres"
    assert client.post(url, data).status_code == 302
    latest = revisions(event, EVENT_REVISIONS)[-1]
    assert [(c.field, c.new) for c in latest.changes] == [("title_fr", "Appel entre les deux premiers ministres")]


def test_the_timeline_is_built_in_both_languages(canada_china, oil):
    refresh_disputes(today=timezone.localdate())
    entry = TimelineEntry.objects.get(dispute=canada_china, key=f"measure:{oil.pk}:announced")
    assert entry.title == f"Announced: {oil.title}"
    assert entry.title_fr.endswith(FRENCH_TITLE) and not entry.title_fr.startswith("Announced")
    in_force = TimelineEntry.objects.filter(dispute=canada_china, measure_id=oil.pk, kind="measure_in_force").first()
    assert in_force.text.startswith("100% from") and in_force.text_fr and "from" not in in_force.text_fr


MINI = {
    "dispute": {
        "slug": "mini-fr", "title": "A small dispute", "summary": "Two sides.", "status": "active",
        "started_on": "2024-01-01", "parties": [{"actor": "mini-a", "side": "a"}, {"actor": "mini-b", "side": "b"}],
    },
    "actors": [
        {"slug": "mini-a", "name": "Alpha Ministry", "kind": "government_body"},
        {"slug": "mini-b", "name": "Beta Ministry", "kind": "government_body"},
    ],
    "sources": [{"key": "s1", "title": "A notice", "publisher": "Alpha", "published_on": "2024-01-02"}],
    "events": [
        {"reference": "E1", "date": "2024-01-02", "kind": "announcement", "title": "Alpha announces a duty",
         "sources": ["s1"], "participants": [{"actor": "mini-a"}]},
    ],
}  # fmt: skip
MINI_FR = {
    "dispute": {"title": "Un petit différend", "summary": "Deux camps."},
    "actors": {"mini-a": {"name": "Ministère Alpha"}},
    "events": {"E1": {"title": "Alpha annonce un droit"}},
}


def test_a_dataset_loads_its_french_companion_and_a_second_load_changes_nothing(tmp_path):
    path = tmp_path / "mini-fr.yaml"
    path.write_text(yaml.safe_dump(MINI), encoding="utf-8")
    (tmp_path / "mini-fr.fr.yaml").write_text(yaml.safe_dump(MINI_FR, allow_unicode=True), encoding="utf-8")
    load_dataset(str(path), today=dt.date(2024, 6, 1))
    event = Event.objects.get(dispute__slug="mini-fr", reference="E1")
    assert (event.title, event.title_fr) == ("Alpha announces a duty", "Alpha annonce un droit")
    assert event.dispute.title_fr == "Un petit différend"
    assert event.participations.get().actor.name_fr == "Ministère Alpha"
    assert load_dataset(str(path), today=dt.date(2024, 6, 1)).changes == 0
