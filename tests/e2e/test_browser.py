"""End to end in Chromium: the timeline draws, filters update it and the URL, records show their
sources, the measures date picker gives the right rates, French works, and there are no console
errors or serious accessibility violations."""

import json
import re

import pytest

from .accessibility import serious_violations

pytestmark = pytest.mark.django_db(transaction=True)


def open_page(page, url):
    response = page.goto(url)
    assert response.status == 200, url
    page.wait_for_load_state("networkidle")
    return page


def test_the_timeline_draws_every_item_the_api_gives_for_its_window(site, page):
    open_page(page, f"{site}/en/disputes/canada-china/")
    data = json.loads(page.locator("#timeline-data").text_content())
    page.wait_for_selector("#timeline-widget[data-ready=true]")
    assert page.locator("#timeline-count").get_attribute("data-count") == str(data["total"])
    state = page.evaluate("window.TradeWatchTimeline.loaded()")
    url = f"{data['api']}?date_after={state['start']}&date_before={state['end']}&limit=1"
    assert state["drawn"] == page.evaluate("async (url) => (await (await fetch(url)).json()).count", url) > 0
    assert page.problems == []


def test_filtering_by_kind_changes_the_count_and_the_url(site, page):
    open_page(page, f"{site}/en/disputes/canada-china/")
    page.wait_for_selector("#timeline-widget .vis-item")
    before = int(page.locator("#timeline-count").get_attribute("data-count"))
    page.select_option("#filter-kind", "leader_call")
    page.wait_for_url(re.compile(r"kind=leader_call"))
    page.wait_for_function(f"document.querySelector('#timeline-count').dataset.count !== '{before}'")
    after = int(page.locator("#timeline-count").get_attribute("data-count"))
    assert 0 < after < before
    listed = page.locator("ol.timeline-list > li").count()
    assert page.locator("ol.timeline-list > li.kind-leader_call").count() in (listed, 0)
    # The URL is a permalink: opening it gives the same view.
    fresh = page.context.new_page()
    fresh.goto(page.url)
    assert fresh.locator("ol.timeline-list > li").count() == listed
    assert fresh.locator("#timeline-count").get_attribute("data-count") == str(after)
    assert page.problems == []


def test_opening_an_event_shows_its_source(site, page):
    open_page(page, f"{site}/en/disputes/canada-china/?kind=leader_call")
    page.locator("ol.timeline-list > li a").first.click()
    page.wait_for_url(re.compile(r"/en/events/\d+/"))
    assert page.locator("ul.sources li").count() >= 1
    assert page.problems == []


def test_picking_a_date_on_measures_gives_the_rates_in_force_that_day(site, page):
    open_page(page, f"{site}/en/measures/?imposed_by=CN")
    page.fill("#in-force-on", "2025-04-01")
    page.locator("#measures-filter button[type=submit]").click()
    page.wait_for_url(re.compile(r"in_force_on=2025-04-01"))
    rows = page.locator("#measures-table tbody tr[data-reference]")
    rates = {
        rows.nth(i).get_attribute("data-reference"): rows.nth(i).locator("td.rate").text_content().strip()
        for i in range(rows.count())
    }
    assert rates, page.content()[:3000]
    assert rates["M09-oil"] == "100%" and rates["M09-pork"] == "25%" and len(rates) == 6
    assert page.problems == []


def test_switching_to_french_keeps_the_page(site, page):
    open_page(page, f"{site}/en/measures/?imposed_by=CN")
    page.click("nav.language a[hreflang=fr]")
    page.wait_for_url(re.compile(r"/fr/measures/"))
    assert page.locator("html").get_attribute("lang") == "fr"
    assert "imposed_by=CN" in page.url
    assert page.locator("h1").text_content().strip() == "Mesures"
    assert page.problems == []


@pytest.mark.parametrize("path", ["/en/", "/en/disputes/canada-china/", "/en/measures/?in_force_on=2025-04-01",
                                  "/fr/disputes/canada-china/"])  # fmt: skip
def test_no_serious_accessibility_violations(site, browser, path):
    # The test injects axe-core inline, which the site's Content-Security-Policy rightly forbids.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    open_page(page, f"{site}{path}")
    serious = serious_violations(page)
    context.close()
    assert serious == []
