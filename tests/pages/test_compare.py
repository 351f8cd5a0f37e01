"""``/compare/``: two or three disputes side by side, aligned on day 0 or on calendar dates, with the days from a
measure to its answers; bad picks are a 400 saying why, and the page costs the same queries whatever its size."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pages.compare import CompareForm, columns, every_dispute
from tariffs.choices import LinkType
from tariffs.models import Measure, MeasureLink
from tariffs.services import measure_link_save
from tests.factories import MeasureFactory, SourceFactory
from tests.more_disputes import SECOND, THIRD, load_more_disputes

pytestmark = pytest.mark.django_db


@pytest.fixture
def disputes(db):
    return load_more_disputes()


def get(client, url, status=200, **params):
    response = client.get(url, params)
    assert response.status_code == status, (url, params, response.status_code)
    return response.content.decode()


def row_of(html, marker):
    return html.split(marker)[1].split("</tr>")[0]


def test_the_days_to_answer_and_their_median_are_shown_for_each_dispute(client, disputes):
    html = get(client, "/en/compare/", d=[SECOND, THIRD])
    # Cheese war: fish surtax 10 days after the cheese tariff, wine tariff 19 days after it, apples 31 days after.
    assert '<td class="median">19</td>' in row_of(html, f'<tr data-slug="{SECOND}">')
    # Steel spat: 5 then 45 days: the median falls between them.
    assert '<td class="median">25</td>' in row_of(html, f'<tr data-slug="{THIRD}">')
    fish = row_of(html, 'data-from="CW-F1" data-to="CW-S1"')
    assert "Retaliates against" in fish and '<td class="days">10</td>' in fish
    apples = row_of(html, 'data-from="CW-F2" data-to="CW-S2"')
    assert "(contested)" in apples and '<td class="days">31</td>' in apples


def test_a_link_that_amends_is_not_an_answer(client, disputes):
    html = get(client, "/en/compare/", d=[SECOND, THIRD])
    assert 'data-from="CW-F2" data-to="CW-F1"' not in html
    assert '<td class="answers">3</td>' in row_of(html, f'<tr data-slug="{SECOND}">')


def test_aligned_on_day_0_the_first_measures_of_both_disputes_share_the_first_line(client, disputes):
    html = get(client, "/en/compare/", d=[SECOND, THIRD], align="day0")
    first_row = html.split('id="compare-steps"')[1].split("<tbody>")[1].split("</tr>")[0]
    assert "Day 0" in first_row
    assert 'data-reference="CW-S1"' in first_row and 'data-reference="SS-G1"' in first_row
    # The fish surtax (day 10) and the car surtax (day 5) are on their own lines, in order of days.
    assert html.index("Day 5<") < html.index('data-reference="SS-F1"') < html.index("Day 10<")


def test_on_calendar_dates_the_disputes_a_year_apart_do_not_share_a_line(client, disputes):
    html = get(client, "/en/compare/", d=[SECOND, THIRD], align="calendar")
    steps = html.split('id="compare-steps"')[1]
    assert 'data-align="calendar"' in html and "Day 0" not in steps
    assert steps.index('datetime="2024-02-01"') < steps.index('data-reference="CW-S1"')
    assert steps.index('data-reference="CW-F2"') < steps.index('datetime="2025-01-10"')
    assert steps.index('datetime="2025-01-10"') < steps.index('data-reference="SS-G1"')


def test_each_step_shows_its_side_type_first_rate_and_date(client, disputes):
    html = get(client, "/en/compare/", d=[SECOND, THIRD])
    wine = html.split('data-reference="CW-S2"')[1].split("</li>")[0]
    assert "50% on Freedonian wine" in wine and "Sylvania" in wine and "Tariff" in wine
    assert '<span class="rate">50%</span>' in wine and "from March 15, 2024" in wine
    assert 'datetime="2024-03-01"' in wine
    apples = html.split('data-reference="CW-F2"')[1].split("</li>")[0]
    assert "Import suspension" in apples and '<span class="rate no-rate">Without a rate</span>' in apples


def test_three_disputes_can_be_compared_in_the_order_picked(client, canada_china, disputes):
    html = get(client, "/en/compare/", d=[THIRD, "canada-china", SECOND])
    header = html.split('id="compare-steps"')[1].split("</thead>")[0]
    assert header.index(THIRD) < header.index("canada-china") < header.index(SECOND)
    assert 'data-reference="M03"' in html  # the first case's measures are steps too


def test_the_page_is_in_french(client, disputes):
    html = get(client, "/fr/compare/", d=[SECOND, THIRD])
    assert '<html lang="fr"' in html
    assert "15 mars 2024" in html and "50\u00a0%" in html


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"d": [SECOND]}, "Disputes"),
        ({"d": [SECOND, THIRD, "canada-china", "atlantis"]}, "Disputes"),
        ({"d": [SECOND, "atlantis"]}, "Disputes"),
        ({"d": [SECOND, SECOND]}, "Disputes"),
        ({"d": [SECOND, THIRD], "align": "sideways"}, "Align"),
        ({"align": "day0"}, "Disputes"),
    ],
)
def test_a_bad_pick_is_a_400_naming_the_field_without_repeating_the_value(client, disputes, params, field):
    html = get(client, "/en/compare/", status=400, **params)
    alert = html.split('role="alert"')[1].split("</div>")[0]
    assert f"<p>{field}:" in alert
    assert "atlantis" not in alert and "sideways" not in alert
    assert 'value="atlantis"' not in html and 'value="sideways"' not in html
    assert 'id="compare-steps"' not in html


def test_too_many_disputes_is_refused_with_a_message_saying_how_many(client, canada_china, disputes):
    html = get(client, "/en/compare/", status=400, d=[SECOND, THIRD, "canada-china", "canada-china"])
    assert "Pick each dispute once." in html
    html = get(client, "/en/compare/", status=400, d=[SECOND])
    assert "Pick two or three disputes." in html


def test_without_parameters_the_page_offers_every_dispute_to_pick(client, canada_china, disputes):
    html = get(client, "/en/compare/")
    assert 'role="alert"' not in html
    for slug in ("canada-china", SECOND, THIRD):
        assert f'name="d" value="{slug}"' in html
    assert 'value="day0" checked' in html


def test_the_picked_disputes_stay_checked_in_the_form(client, disputes):
    html = get(client, "/en/compare/", d=[SECOND, THIRD], align="calendar")
    assert f'value="{SECOND}" checked' in html and f'value="{THIRD}" checked' in html
    assert 'value="calendar" checked' in html


def test_a_hostile_title_stays_text(client, disputes):
    measure = Measure.objects.get(reference="CW-S1")
    Measure.objects.filter(pk=measure.pk).update(title="<script>alert(1)</script>")
    html = get(client, "/en/compare/", d=[SECOND, THIRD])
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_an_answer_from_another_dispute_counts_where_the_measure_answered_is(disputes):
    """A cross-dispute link (a measure in one dispute answers one in another) is an answer to the measure answered."""
    other = MeasureFactory(title="Freedonian duty elsewhere", announced_on=dt.date(2024, 2, 21))
    cheese = Measure.objects.get(reference="CW-S1")
    measure_link_save(
        values={
            "from_measure": other,
            "to_measure": cheese,
            "type": LinkType.RESPONDS_TO,
            "source": SourceFactory(),
        }
    )
    column = columns([d for d in every_dispute() if d.slug == SECOND])[0]
    assert sorted(column.answer_days) == [10, 19, 20, 31]
    assert column.median_days_to_answer == 19.5


def test_the_form_accepts_only_known_slugs_and_alignments(disputes):
    known = every_dispute()
    assert CompareForm({"d": [SECOND, THIRD], "align": "calendar"}, disputes=known).is_valid()
    assert CompareForm({"d": [SECOND, THIRD]}, disputes=known).alignment() == "day0"
    form = CompareForm({"d": [SECOND, THIRD], "align": "CALENDAR"}, disputes=known)
    assert not form.is_valid() and "align" in form.errors


def _queries(client, params):
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/en/compare/", params).status_code == 200
    return len(captured)


def test_the_page_costs_the_same_queries_whatever_the_number_of_measures_and_links(client, canada_china, disputes):
    two = {"d": [SECOND, THIRD]}
    three = {"d": [SECOND, THIRD, "canada-china"], "align": "calendar"}
    before = _queries(client, two)
    assert _queries(client, three) == before
    cheese = Measure.objects.get(reference="CW-S1")
    for i in range(4):
        answer = MeasureFactory(dispute=disputes[SECOND], imposed_by=cheese.applies_to.first(), reference=f"X{i}")
        answer.rate_periods.create(valid_from=dt.date(2024, 6, 1), rate_percent=5 + i)
        MeasureLink.objects.create(
            from_measure=answer, to_measure=cheese, type=LinkType.RETALIATES_AGAINST, source=SourceFactory()
        )
    assert _queries(client, two) == before
    assert before <= 5


def test_the_disputes_list_offers_a_form_that_opens_the_comparison(client, canada_china, disputes):
    html = get(client, "/en/disputes/")
    form = html.split('id="compare-pick"')[1].split("</form>")[0]
    assert '<form id="compare-pick" class="filters" method="get" action="/en/compare/">' in html
    for slug in ("canada-china", SECOND, THIRD):
        assert f'name="d" value="{slug}"' in form
    assert 'name="align"' in form and 'value="calendar"' in form


def test_each_dispute_page_links_to_the_comparison(client, disputes):
    html = get(client, f"/en/disputes/{SECOND}/")
    assert 'id="compare-link" href="/en/compare/"' in html


# The same comparison through the API: /api/v1/compare/


def api(client, status=200, **params):
    response = client.get("/api/v1/compare/", params)
    assert response.status_code == status, (params, response.status_code, response.content[:300])
    return response.json()


def test_the_api_gives_the_days_to_answer_and_their_median_per_dispute(client, disputes):
    body = api(client, d=[SECOND, THIRD])
    assert body["align"] == "day0"
    cheese, steel = body["disputes"]
    assert (cheese["slug"], steel["slug"]) == (SECOND, THIRD)
    assert cheese["median_days_to_answer"] == 19 and steel["median_days_to_answer"] == 25
    assert cheese["day0"] == "2024-02-01" and cheese["answer_count"] == 3
    first = cheese["steps"][0]
    assert first["reference"] == "CW-S1" and first["day"] == 0 and first["side"] == "sylvania"
    assert first["first_rate"] == {"rate_percent": "25", "valid_from": "2024-02-15", "kind": "standard"}
    assert [(a["reference"], a["days"], a["type"]) for a in first["answers"]] == [("CW-F1", 10, "retaliates_against")]
    assert first["html_url"].endswith(f"/measures/{first['measure']}/")
    assert body["rows"][0]["day"] == 0 and body["rows"][0]["date"] is None
    assert body["rows"][0]["steps"] == [[first["measure"]], [steel["steps"][0]["measure"]]]


def test_the_api_on_calendar_dates_keys_rows_by_date(client, disputes):
    body = api(client, d=[THIRD, SECOND], align="calendar")
    assert [d["slug"] for d in body["disputes"]] == [THIRD, SECOND]
    assert body["rows"][0] == {
        "day": None,
        "date": "2024-02-01",
        "steps": [[], [body["disputes"][1]["steps"][0]["measure"]]],
    }


def test_the_api_answers_in_french_when_asked(client, disputes):
    Measure.objects.filter(reference="CW-S1").update(title_fr="25 % sur le fromage")
    body = api(client, d=[SECOND, THIRD], lang="fr")
    assert body["disputes"][0]["steps"][0]["title"] == "25 % sur le fromage"


@pytest.mark.parametrize(
    ("params", "attr"),
    [
        ({"d": [SECOND]}, "d"),
        ({}, "d"),
        ({"d": [SECOND, THIRD, "canada-china", "mini"]}, "d"),
        ({"d": [SECOND, "atlantis"]}, "d"),
        ({"d": [SECOND, SECOND]}, "d"),
        ({"d": [SECOND, "no slug!"]}, "d"),
        ({"d": [SECOND, THIRD], "align": "sideways"}, "align"),
    ],
)
def test_the_api_refuses_bad_parameters_with_a_400_naming_them(client, disputes, params, attr):
    body = api(client, status=400, **params)
    assert body["type"] == "validation_error"
    assert {error["attr"].split(".")[0] for error in body["errors"]} == {attr}


def test_the_api_comparison_is_in_the_schema(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/compare/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"d", "align"}


def test_the_api_costs_the_same_queries_whatever_the_number_of_measures(client, canada_china, disputes):
    def count(params):
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/compare/", params).status_code == 200
        return len(captured)

    count({"d": [SECOND, THIRD]})  # the first read after a change also reads when the data last changed
    before = count({"d": [SECOND, THIRD]})
    assert count({"d": [SECOND, THIRD, "canada-china"]}) == before <= 5  # the page's five (the last change is kept)


def test_the_page_links_to_the_same_comparison_in_the_api(client, disputes):
    html = get(client, "/en/compare/", d=[SECOND, THIRD], align="calendar")
    href = html.split('id="compare-json" href="')[1].split('"')[0].replace("&amp;", "&")
    assert href == f"/api/v1/compare/?d={SECOND}&d={THIRD}&align=calendar"
    body = client.get(href).json()
    assert body["align"] == "calendar" and [d["slug"] for d in body["disputes"]] == [SECOND, THIRD]


def test_the_api_answers_304_until_a_measure_changes(client, disputes):
    from tariffs.services import measure_save

    params = {"d": [SECOND, THIRD]}
    first = client.get("/api/v1/compare/", params)
    etag = first["ETag"]
    assert client.get("/api/v1/compare/", params, HTTP_IF_NONE_MATCH=etag).status_code == 304
    swapped = client.get("/api/v1/compare/", {"d": [THIRD, SECOND]}, HTTP_IF_NONE_MATCH=etag)
    assert swapped.status_code == 200  # the other order is another answer
    cheese = Measure.objects.get(reference="CW-S1")
    measure_save(measure=cheese, values={"title": "25% on Freedonian cheeses"}, today=dt.date(2025, 6, 1))
    again = client.get("/api/v1/compare/", params, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200 and again["ETag"] != etag


def test_a_bad_pick_keeps_the_alignment_asked_for(client, disputes):
    html = get(client, "/en/compare/", status=400, d=[SECOND], align="calendar")
    assert 'value="calendar" checked' in html and 'value="day0" checked' not in html
