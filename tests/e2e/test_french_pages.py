"""French in Chromium: the record pages show the French text, are free of serious accessibility violations, and the
long French dates of the tables fit their cells at 1366 px."""

import pytest

from .accessibility import serious_violations

pytestmark = pytest.mark.django_db(transaction=True)


def _record_paths():
    from disputes.models import Actor, Case, Event
    from tariffs.models import Measure

    event = Event.objects.get(dispute__slug="canada-china", reference="F057")
    measure = Measure.objects.get(dispute__slug="canada-china", reference="M09-oil")
    case = Case.objects.filter(dispute__slug="canada-china").order_by("initiated_on").first()
    actor = Actor.objects.get(slug="chinese-mfa")
    return [
        (f"/fr/events/{event.pk}/", event.title_fr),
        (f"/fr/measures/{measure.pk}/", measure.title_fr),
        (f"/fr/cases/{case.pk}/", case.title_fr),
        (f"/fr/actors/{actor.slug}/", actor.name_fr),
    ]


def test_french_record_pages_show_french_titles_and_pass_axe(site, browser):
    context = browser.new_context(bypass_csp=True, locale="fr-CA", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    for path, title in _record_paths():
        response = page.goto(f"{site}{path}")
        assert response.status == 200, path
        assert page.locator("html").get_attribute("lang") == "fr"
        assert title in page.locator("h1").text_content(), path
        assert serious_violations(page) == [], path
    context.close()


@pytest.mark.parametrize(
    "path", ["/fr/measures/?in_force_on=2025-09-01", "/fr/disputes/", "/fr/coming-up/?from=2025-01-01"]
)
def test_long_french_dates_fit_their_table_cells(site, browser, path):
    context = browser.new_context(locale="fr-CA", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    assert page.goto(f"{site}{path}").status == 200
    overflowing = page.evaluate(
        """() => [...document.querySelectorAll('td, th')]
            .filter(cell => cell.scrollWidth > cell.clientWidth + 1)
            .map(cell => cell.textContent.trim())"""
    )
    dated = page.evaluate(
        """() => [...document.querySelectorAll('td')].filter(cell =>
            /\\d{1,2} (janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre) \\d{4}/
            .test(cell.textContent)).length"""
    )
    context.close()
    assert dated > 0 and overflowing == []


def test_the_french_timeline_draws_its_entries_in_french(site, browser):
    context = browser.new_context(locale="en-CA", viewport={"width": 1366, "height": 900})  # an English browser
    page = context.new_page()
    assert page.goto(f"{site}/fr/disputes/canada-china/").status == 200
    page.wait_for_selector("#timeline-widget .vis-item")
    page.wait_for_load_state("networkidle")
    texts = page.locator("#timeline-widget .vis-item").all_text_contents()
    context.close()
    assert any(text.strip().startswith("Annonce") for text in texts)
    assert not any(text.strip().startswith("Announced:") for text in texts)
