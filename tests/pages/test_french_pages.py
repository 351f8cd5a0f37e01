"""French pages show the records' French text: no English title, summary or product description of a record of the
first case appears on its French page, and the English page keeps the English."""

import html
import re

import pytest

from disputes.models import Actor, Case, Event
from tariffs.models import Measure

pytestmark = pytest.mark.django_db


def _page(client, url: str) -> str:
    """The page's text, less the cited documents' own titles (a source keeps the title it was published under)."""
    response = client.get(url)
    assert response.status_code == 200, url
    text = re.sub(r'<ul class="sources".*?</ul>', "", response.content.decode(), flags=re.S)
    return html.unescape(text)


def _english_only(record, names) -> list[str]:
    """The English texts of ``record`` that differ from their French (the ones a French page must not show)."""
    return [
        getattr(record, name)
        for name in names
        if getattr(record, name)
        and getattr(record, f"{name}_fr")
        and getattr(record, name) != getattr(record, f"{name}_fr")
    ]


def test_every_record_of_the_first_case_has_its_french_text(canada_china):
    for model, names in ((Event, ("title", "summary")), (Measure, ("title", "summary")), (Case, ("title", "summary"))):
        missing = [
            r.reference
            for r in model.objects.filter(dispute=canada_china)
            for n in names
            if getattr(r, n) and not getattr(r, f"{n}_fr")
        ]
        assert missing == [], model.__name__


@pytest.mark.parametrize("kind", ["events", "measures", "cases"])
def test_french_record_pages_show_no_english_text_of_the_record(client, canada_china, kind):
    model, names = {
        "events": (Event, ("title", "summary", "outcome")),
        "measures": (Measure, ("title", "summary", "product_description")),
        "cases": (Case, ("title", "summary")),
    }[kind]
    checked = 0
    for record in model.objects.filter(dispute=canada_china):
        french = _page(client, f"/fr/{kind}/{record.pk}/")
        for text in _english_only(record, names):
            assert text not in french, f"{kind} {record.reference}: {text[:60]}"
        assert record.title_fr in french
        checked += 1
    assert checked > 5


def test_the_english_page_keeps_the_english(client, canada_china):
    event = Event.objects.filter(dispute=canada_china).exclude(title_fr="").first()
    english = _page(client, f"/en/events/{event.pk}/")
    assert event.title in english and event.title_fr not in english


def test_the_french_measure_list_and_actor_pages_use_french_names(client, canada_china):
    page = _page(client, "/fr/measures/?dispute=canada-china")
    for measure in Measure.objects.filter(dispute=canada_china):
        for text in _english_only(measure, ("title",)):
            assert text not in page, measure.reference
    body = Actor.objects.exclude(name_fr="").exclude(name_fr=models_name()).filter(kind="government_body").first()
    actor_page = _page(client, f"/fr/actors/{body.slug}/")
    assert body.name_fr in actor_page and body.name not in actor_page.split("<h1", 1)[1].split("</h1>", 1)[0]


def models_name():
    from django.db.models import F

    return F("name")


@pytest.mark.parametrize("year", ["", "2025", "2024"])
def test_the_french_dispute_page_shows_no_english_title_of_its_records(client, canada_china, year):
    """The state of play, the year's timeline list, the retaliation table and the cases, all in French."""
    french = _page(client, f"/fr/disputes/canada-china/?year={year}" if year else "/fr/disputes/canada-china/")
    english = _page(client, f"/en/disputes/canada-china/?year={year}" if year else "/en/disputes/canada-china/")
    shown = 0
    for model in (Event, Measure, Case):
        for record in model.objects.filter(dispute=canada_china):
            for text in _english_only(record, ("title",)):
                assert text not in french, f"{model.__name__} {record.reference}: {text[:60]}"
            if record.title in english:
                shown += 1
                assert record.title_fr in french, f"{model.__name__} {record.reference}"
    assert shown > 10
    assert canada_china.title_fr in french and canada_china.title not in french
