"""A measure page read on a date, in Chromium: the covering rate period is highlighted, and the page stays
accessible with a good date and with a bad one."""

import pytest

from tariffs.models import Measure

from .accessibility import serious_violations
from .test_browser import open_page


@pytest.mark.parametrize(("query", "highlighted"), [("on=2026-06-01", 1), ("on=bad", 0)])
def test_a_measure_page_on_a_date_highlights_the_covering_period_and_has_no_serious_violation(
    site, browser, query, highlighted
):
    pk = Measure.objects.get(reference="M09-meal").pk
    context = browser.new_context(bypass_csp=True)  # axe-core is injected inline
    page = context.new_page()
    open_page(page, f"{site}/en/measures/{pk}/?{query}")
    rows = page.locator('#rate-history tr.on-date[aria-current="date"]').count()
    serious = serious_violations(page)
    context.close()
    assert rows == highlighted
    assert serious == []
