"""The dispute page in Chromium, in English and French: the state of play on the first screen, the timeline
drawn window by window from the API (panning loads older entries; what is drawn is what the API gives for the
loaded window), the year pages without JavaScript, the retaliation graph, and no serious axe violation."""

import re

import pytest

from .accessibility import serious_violations

pytestmark = pytest.mark.django_db(transaction=True)

READY = "#timeline-widget[data-ready=true]"


def open_page(page, url):
    response = page.goto(url)
    assert response.status == 200, url
    page.wait_for_load_state("networkidle")
    return page


def loaded(page):
    return page.evaluate("window.TradeWatchTimeline.loaded()")


def api_count(page, state):
    """What the timeline API answers for the loaded span, asked by the test itself."""
    url = f"{state['api']}?{state['query']}&date_after={state['start']}&date_before={state['end']}&limit=1"
    return page.evaluate("async (url) => (await (await fetch(url)).json()).count", url)


def drawn_items(page):
    return page.locator("#timeline-widget .vis-item.vis-point, #timeline-widget .vis-item.vis-range").count()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_first_screen_shows_the_state_of_play_and_the_timeline(site, browser, lang):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    open_page(page, f"{site}/{lang}/disputes/canada-china/")
    page.wait_for_selector(READY)
    for selector in ("#state-heading", "#timeline-heading", "#timeline-widget"):
        top = page.locator(selector).bounding_box()["y"]
        assert top < 900, (selector, top)
    context.close()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_timeline_draws_what_the_api_gives_for_the_window_and_panning_loads_older(site, page, lang):
    open_page(page, f"{site}/{lang}/disputes/canada-china/")
    page.wait_for_selector(READY)
    first = loaded(page)
    bounds = page.evaluate("JSON.parse(document.getElementById('timeline-data').textContent).bounds")
    assert first["start"] > bounds["first"]  # the latest 24 months, not the whole dispute
    assert first["drawn"] == api_count(page, first) > 0
    page.click("#timeline-fit")  # every loaded item in view
    page.wait_for_timeout(600)
    assert drawn_items(page) <= first["drawn"]
    for _ in range(6):
        page.click("#timeline-older")
        page.wait_for_timeout(400)
    page.wait_for_function(f"window.TradeWatchTimeline.loaded().start < '{first['start']}'")
    page.wait_for_load_state("networkidle")
    later = loaded(page)
    assert later["start"] < first["start"] and later["end"] >= first["end"]
    assert later["drawn"] > first["drawn"]
    assert later["drawn"] == api_count(page, later)
    assert page.problems == []


def test_filters_narrow_what_the_widget_loads(site, page):
    open_page(page, f"{site}/en/disputes/canada-china/")
    page.wait_for_selector(READY)
    page.select_option("#filter-kind", "leader_call")
    page.wait_for_url(re.compile(r"kind=leader_call"))
    page.wait_for_selector(READY)
    page.wait_for_load_state("networkidle")
    state = loaded(page)
    assert state["query"] == "kind=leader_call"
    assert state["drawn"] == api_count(page, state)
    assert page.problems == []


def test_without_javascript_the_list_is_paged_by_year(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    open_page(page, f"{site}/en/disputes/canada-china/")
    year = page.locator("#timeline-year").text_content().strip()
    dates = page.eval_on_selector_all("ol.timeline-list > li > time", "els => els.map(e => e.dateTime)")
    assert dates and {d[:4] for d in dates} == {year}
    assert page.locator("#timeline-widget").is_hidden()
    page.locator("nav.timeline-pages a.older").click()
    page.wait_for_url(re.compile(r"year=\d{4}"))
    older = page.eval_on_selector_all("ol.timeline-list > li > time", "els => els.map(e => e.dateTime)")
    assert older and max(older) < min(dates)
    page.locator("nav.timeline-pages a.newer").click()
    page.wait_for_url(re.compile(rf"year={year}"))
    assert page.eval_on_selector_all("ol.timeline-list > li > time", "els => els.map(e => e.dateTime)") == dates
    context.close()


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_retaliation_graph_draws_every_link_with_contested_ones_dashed(site, page, lang):
    open_page(page, f"{site}/{lang}/disputes/canada-china/")
    graph = page.locator("#retaliation-graph")
    graph.scroll_into_view_if_needed()
    page.wait_for_selector("#retaliation-graph[data-ready=true]")
    data = page.evaluate("JSON.parse(document.getElementById('retaliation-data').textContent)")
    assert int(graph.get_attribute("data-nodes")) == len(data["nodes"])
    assert int(graph.get_attribute("data-edges")) == len(data["edges"])
    assert int(graph.get_attribute("data-dashed")) == sum(e["contested"] for e in data["edges"]) > 0
    assert page.locator("#retaliation-table tbody tr").count() == len(data["edges"])
    assert page.locator("#in-force-chart[data-ready=true]").count() == 1
    assert page.problems == []


@pytest.mark.parametrize("path", ["/en/disputes/canada-china/", "/fr/disputes/canada-china/",
                                  "/fr/disputes/canada-china/?on=2025-04-01&year=2019"])  # fmt: skip
def test_no_serious_accessibility_violations(site, browser, path):
    context = browser.new_context(bypass_csp=True)  # axe-core is injected inline
    page = context.new_page()
    open_page(page, f"{site}{path}")
    page.wait_for_selector(READY)
    serious = serious_violations(page)
    context.close()
    assert serious == []
