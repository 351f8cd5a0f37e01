"""``/products/?hs=…&on=…``: every measure touching an HS code on a day, with its status and rate then."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tariffs.models import ProductLine
from tests.factories import MeasureFactory, RatePeriodFactory, build_busy_world

pytestmark = pytest.mark.django_db


def products(client, language="en", **params):
    response = client.get(f"/{language}/products/", params)
    assert response.status_code == 200
    return response.content.decode()


def row_of(html, reference):
    start = html.index(f'data-reference="{reference}"')
    return html[start : html.index("</tr>", start)]


def test_canola_seed_carries_the_preliminary_deposit_in_september_2025(client):
    html = products(client, hs="1205", on="2025-09-01")
    row = row_of(html, "M06")
    assert "Anti-dumping duties on Canadian canola seed" in row
    assert "75.8%" in row and "In force" in row


def test_canola_seed_carries_the_final_duty_in_june_2026(client):
    row = row_of(products(client, hs="1205", on="2026-06-01"), "M06")
    assert "5.9%" in row and "75.8%" not in row


def test_the_french_page_writes_dates_and_rates_the_french_way(client):
    html = products(client, "fr", hs="1205", on="2025-09-01")
    assert 'lang="fr"' in html
    assert "75,8\u00a0%" in row_of(html, "M06")
    assert "1 septembre 2025" in html


def test_a_heading_matches_its_subheadings_and_the_headings_above_it(client, canada_china):
    seeds = MeasureFactory(dispute=canada_china, reference="T-SUB", title="Seed subheading")
    ProductLine.objects.create(measure=seeds, hs_code="120510", description="Low erucic acid rape seeds")
    chapter = MeasureFactory(dispute=canada_china, reference="T-CHAPTER", title="Whole oil-seed chapter")
    ProductLine.objects.create(measure=chapter, hs_code="12", description="Oil seeds")
    other = MeasureFactory(dispute=canada_china, reference="T-OTHER", title="Sunflower seed")
    ProductLine.objects.create(measure=other, hs_code="1206", description="Sunflower seeds")

    html = products(client, hs="1205")
    assert 'data-reference="T-SUB"' in html and 'data-reference="T-CHAPTER"' in html
    assert 'data-reference="T-OTHER"' not in html
    narrow = products(client, hs="120510")
    assert 'data-reference="T-SUB"' in narrow and 'data-reference="T-CHAPTER"' in narrow
    assert 'data-reference="M06"' in narrow  # coded 1205, the heading above 120510


def test_both_sides_appear_with_their_status_that_day(client, canada_china):
    ours = MeasureFactory(
        dispute=canada_china, reference="T-SIDE", title="Surtax on seed", announced_on=dt.date(2025, 1, 1)
    )
    ProductLine.objects.create(measure=ours, hs_code="1205", description="Seeds")
    RatePeriodFactory(measure=ours, valid_from=dt.date(2025, 2, 1), valid_to=None, rate_percent=25)
    html = products(client, hs="1205", on="2025-09-01")
    assert "25%" in row_of(html, "T-SIDE") and "75.8%" in row_of(html, "M06")
    before = products(client, hs="1205", on="2024-12-01")
    assert "Not yet announced" in row_of(before, "T-SIDE")


@pytest.mark.parametrize("params", [{"hs": "12x5"}, {"hs": "1"}, {"hs": "1205", "on": "2025-13-45"}])
def test_a_bad_code_or_date_is_a_form_error_on_the_page(client, params):
    html = products(client, **params)
    assert 'class="errors" role="alert"' in html
    assert "12x5" not in html.split('role="alert"')[1].split("</div>")[0]  # the message never echoes the value


def test_each_product_line_of_a_measure_links_to_the_products_page(client, canada_china):
    measure = canada_china.measures.get(reference="M06")
    html = client.get(f"/en/measures/{measure.pk}/").content.decode()
    assert 'href="/en/products/?hs=1205"' in html


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_page_costs_the_same_queries_however_many_measures_match(client):
    few = _queries(client, "/en/products/?hs=15&on=2025-04-01")
    build_busy_world()  # 18 more measures coded 15xx, each with targets and product lines
    many = _queries(client, "/en/products/?hs=15&on=2025-04-01")
    assert few == many == 3


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_the_first_and_last_storable_days_are_answered(client, day):
    html = products(client, hs="1205", on=day)
    assert 'role="alert"' not in html and 'data-reference="M06"' in html


def test_hostile_titles_and_names_are_shown_as_text(client):
    from tests.hostile_text import store_hostile_dispute
    from tests.pages.test_hostile_text import assert_nothing_injected

    measure = store_hostile_dispute()["measure"]
    ProductLine.objects.create(measure=measure, hs_code="1205", description="<img src=x onerror=alert(5)>")
    html = products(client, hs="1205", on="2025-06-01")
    assert_nothing_injected(html, "products")
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in html
