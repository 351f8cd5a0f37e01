"""The compare page and the actor page across disputes in Chromium, in English and French: picked from the
disputes list, aligned on day 0 and on calendar dates, with the days to answer a reader relies on, and no serious
accessibility violation."""

import pytest

from tests.more_disputes import SECOND, THIRD, load_more_disputes

from .accessibility import serious_violations
from .test_browser import open_page


@pytest.fixture
def more(site):
    """The live server with the first case and the two small test disputes."""
    load_more_disputes()
    return site


def test_two_disputes_picked_on_the_disputes_list_line_up_on_day_0(more, tab):
    open_page(tab, f"{more}/en/disputes/")
    tab.check(f"#compare-pick-{SECOND}")
    tab.check(f"#compare-pick-{THIRD}")
    tab.select_option("#compare-pick-align", "day0")
    tab.click("#compare-pick button[type=submit]")
    tab.wait_for_load_state("networkidle")
    assert tab.url.split("?")[0] == f"{more}/en/compare/"
    assert f"d={SECOND}" in tab.url and f"d={THIRD}" in tab.url and "align=day0" in tab.url
    assert tab.locator("h1").inner_text() == "Compare disputes"
    assert tab.locator(f'#compare-summary tr[data-slug="{SECOND}"] .median').inner_text() == "19"
    assert tab.locator(f'#compare-summary tr[data-slug="{THIRD}"] .median').inner_text() == "25"
    first = tab.locator("#compare-steps tbody tr").first
    assert first.locator("th").inner_text() == "Day 0"
    assert first.locator('[data-reference="CW-S1"]').count() == 1 and first.locator('[data-reference="SS-G1"]').count()
    fish = tab.locator(f'#answers-{SECOND} tr[data-from="CW-F1"][data-to="CW-S1"]')
    assert fish.locator(".days").inner_text() == "10"
    for table in tab.locator("table").all():
        assert table.locator("caption").count() == 1
    assert serious_violations(tab) == []
    assert tab.problems == []


def test_in_french_on_calendar_dates_a_year_apart(more, tab):
    open_page(tab, f"{more}/fr/compare/?d={SECOND}&d={THIRD}&align=calendar")
    assert tab.locator("html").get_attribute("lang") == "fr"
    assert tab.locator("#compare-align-calendar").is_checked()
    keys = tab.locator("#compare-steps tbody th time").evaluate_all("ts => ts.map(t => t.getAttribute('datetime'))")
    assert keys == sorted(keys) and keys[0] == "2024-02-01" and "2025-01-10" in keys
    assert tab.locator("#compare-steps tbody th").first.inner_text() == "1 février 2024"
    wine = tab.locator('#compare-steps [data-reference="CW-S2"]')
    assert "50\u00a0%" in wine.locator(".rate").inner_text() and "15 mars 2024" in wine.inner_text()
    assert tab.locator(f'#answers-{THIRD} tr[data-from="SS-G2"] .days').inner_text() == "45"
    assert serious_violations(tab) == []
    assert tab.problems == []


@pytest.mark.parametrize("align", ["day0", "calendar"])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_each_alignment_in_each_language_shows_the_days_to_answer_and_is_accessible(more, tab, language, align):
    open_page(tab, f"{more}/{language}/compare/?d={SECOND}&d={THIRD}&align={align}")
    assert tab.locator("html").get_attribute("lang") == language
    assert tab.locator("#compare-steps").get_attribute("data-align") == align
    assert tab.locator(f"#compare-align-{align}").is_checked()
    assert tab.locator(f'#compare-summary tr[data-slug="{SECOND}"] .median').inner_text() == "19"
    assert tab.locator(f'#answers-{SECOND} tr[data-from="CW-S2"][data-to="CW-F1"] .days').inner_text() == "19"
    steps = tab.locator("#compare-steps tbody tr")
    assert steps.count() == (6 if align == "day0" else 7)  # days 0, 5, 10, 29, 50, 60; or seven distinct dates
    assert serious_violations(tab) == []
    assert tab.problems == []


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_bad_pick_says_why_and_keeps_the_form_usable(more, tab, language):
    response = tab.goto(f"{more}/{language}/compare/?d={SECOND}&align=sideways")
    assert response.status == 400
    alert = tab.locator('[role="alert"]')
    assert alert.count() == 1 and "sideways" not in alert.inner_text()
    assert tab.locator(f"#compare-d-{SECOND}").is_checked()
    tab.check(f"#compare-d-{THIRD}")
    tab.check("#compare-align-day0")
    tab.click("#compare-form button[type=submit]")
    tab.wait_for_load_state("networkidle")
    assert tab.locator('[role="alert"]').count() == 0
    assert tab.locator(f'#compare-summary tr[data-slug="{SECOND}"] .median').inner_text() == "19"
    assert serious_violations(tab) == []


@pytest.mark.parametrize("language", ["en", "fr"])
def test_an_actor_page_groups_its_measures_and_events_by_dispute(more, tab, language):
    open_page(tab, f"{more}/{language}/actors/freedonia/")
    assert tab.locator("html").get_attribute("lang") == language
    rows = tab.locator("#actor-disputes tbody tr")
    assert rows.evaluate_all("rs => rs.map(r => r.dataset.slug)") == [THIRD, SECOND]
    assert rows.nth(1).locator(".imposed").inner_text() == "2" and rows.nth(1).locator(".targeted").inner_text() == "2"
    rows.nth(1).locator("th a").click()
    assert tab.url.endswith(f"#dispute-{SECOND}")
    cheese = tab.locator(f"#dispute-{SECOND}")
    assert cheese.locator('.imposed [data-reference="CW-F1"]').count() == 1
    assert cheese.locator(".events li").count() == 2
    href = cheese.locator('.targeted [data-reference="CW-S1"] a').get_attribute("href")
    assert href.startswith(f"/{language}/measures/")
    assert serious_violations(tab) == []
    assert tab.problems == []
