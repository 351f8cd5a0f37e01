"""The analysts' pages in Chromium, in English and French: reachable from the navigation, titled, with
captioned tables and no serious accessibility violation; the products page and the search, used as a reader would."""

import pytest

from .accessibility import serious_violations
from .test_browser import open_page

PAGES = ("disputes", "products", "coming-up", "changes", "search")
HEADINGS = {
    "en": {"disputes": "All disputes", "products": "Products", "coming-up": "Coming up", "search": "Search"},
    "fr": {"disputes": "Tous les différends", "products": "Produits", "coming-up": "À venir", "search": "Rechercher"},
}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_each_page_is_reachable_from_the_navigation_titled_and_accessible(site, tab, language):
    for name in PAGES:
        open_page(tab, f"{site}/{language}/")
        tab.click(f'header nav a[href="/{language}/{name}/"]')
        tab.wait_for_load_state("networkidle")
        assert tab.url.split("?")[0] == f"{site}/{language}/{name}/"
        assert tab.locator("html").get_attribute("lang") == language
        assert tab.title().endswith("· TradeWatch") and tab.locator("h1").count() == 1
        if name in HEADINGS[language]:
            assert tab.locator("h1").inner_text() == HEADINGS[language][name]
        for table in tab.locator("table").all():
            assert table.locator("caption").count() == 1, name
        assert serious_violations(tab) == [], (language, name)
    assert tab.problems == []


def test_the_products_page_shows_canola_seed_at_each_days_rate_and_is_a_permalink(site, tab):
    open_page(tab, f"{site}/en/products/")
    tab.fill("#products-hs", "1205")
    tab.fill("#products-on", "2025-09-01")
    tab.click("#products-form button[type=submit]")
    tab.wait_for_load_state("networkidle")
    assert "hs=1205" in tab.url and "on=2025-09-01" in tab.url
    seed = tab.locator('tr[data-reference="M06"]')
    assert "canola seed" in seed.inner_text() and seed.locator(".rate").inner_text() == "75.8%"
    assert serious_violations(tab) == []

    open_page(tab, f"{site}/fr/products/?hs=1205&on=2026-06-01")
    assert tab.locator('tr[data-reference="M06"] .rate').inner_text() == "5,9\u00a0%"
    assert "1 juin 2026" in tab.locator("caption").inner_text()
    assert serious_violations(tab) == []

    open_page(tab, f"{site}/en/products/?hs=12ab")
    assert tab.locator('[role="alert"]').count() == 1
    assert serious_violations(tab) == []
    assert tab.problems == []


@pytest.mark.parametrize("language", ["en", "fr"])
def test_search_reaches_past_the_first_twenty_events_by_its_next_link(site, tab, language):
    open_page(tab, f"{site}/{language}/search/")
    tab.fill("#search-q", "canola")
    tab.press("#search-q", "Enter")
    tab.wait_for_load_state("networkidle")
    total = int(tab.locator('output[data-type="events"]').inner_text())
    assert total > 20
    assert tab.locator("#r-events li").count() == 20
    assert serious_violations(tab) == []
    dates = tab.locator("#r-events time").evaluate_all("times => times.map(t => t.getAttribute('datetime'))")
    while tab.locator('#r-events a[rel="next"]').count():
        tab.click('#r-events a[rel="next"]')
        tab.wait_for_load_state("networkidle")
        dates += tab.locator("#r-events time").evaluate_all("times => times.map(t => t.getAttribute('datetime'))")
    assert len(dates) == total
    assert "2025-08-14" in dates  # the deposits' first day, beyond the first twenty results
    assert tab.problems == []
