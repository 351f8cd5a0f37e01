"""The dispute page's "as of" date picker shows the state of play on the date asked."""

import datetime as dt

import pytest

from timelines.services import refresh_dispute

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(client, canada_china):
    refresh_dispute(dispute_id=canada_china.pk, today=dt.date(2026, 6, 1), full=True)
    return lambda **params: client.get("/en/disputes/canada-china/", params)


def test_the_page_on_1_september_2025_shows_what_was_in_force_and_the_trade_covered_once(page):
    html = page(on="2025-09-01").content.decode()
    assert 'name="on" value="2025-09-01"' in html
    assert "As of 1 September 2025, " in html
    assert "Trade covered:" in html and "CAD 7.016 billion" in html
    assert "How trade covered is counted" in html and "at most once" in html


def test_the_page_on_1_june_2026_says_up_to(page):
    html = page(on="2026-06-01").content.decode()
    assert "up to CAD 5.79 billion" in html


def test_a_bad_date_is_refused_on_the_page_without_an_error(page):
    response = page(on="not-a-date")
    assert response.status_code == 200
    html = response.content.decode()
    assert "must be a date" in html and 'name="on" value=""' in html
