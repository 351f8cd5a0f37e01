"""Every dispute, not only the first case: the lists name them all, ``dispute=`` narrows every API list (and
leaving it out means every dispute), and the products page, exports, feeds, calendar, timeline and summary work
for a second dispute (``cheese-war``, loaded beside the first case from tests/data)."""

import io
import json
import zipfile

import pytest

from disputes.models import Source
from tariffs.models import Measure
from tests.more_disputes import SECOND, THIRD, load_more_disputes

pytestmark = pytest.mark.django_db
EVERY = ("canada-china", SECOND, THIRD)


@pytest.fixture
def disputes(canada_china):
    return load_more_disputes()


def html(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def api(client, url, status=200, **params):
    response = client.get(url, params)
    content = body(response)
    assert response.status_code == status, (url, params, response.status_code, content[:300])
    return json.loads(content)


def test_the_home_page_lists_every_dispute(client, disputes):
    page = html(client, "/en/")
    for slug in EVERY:
        assert f'href="/en/disputes/{slug}/"' in page, slug


def test_the_disputes_page_lists_every_dispute(client, disputes):
    page = html(client, "/en/disputes/", on="2024-06-01")
    for slug in EVERY:
        assert f'<tr data-slug="{slug}">' in page, slug
    cheese = page.split(f'<tr data-slug="{SECOND}">')[1].split("</tr>")[0]
    # On 1 June 2024 Sylvania has its cheese and wine tariffs in force, Freedonia its fish surtax (apples: no rate
    # but in force, so two).
    assert "2 measures in force" in cheese.split('data-side="sylvania"')[1].split("</li>")[0]
    assert "2 measures in force" in cheese.split('data-side="freedonia"')[1].split("</li>")[0]


def test_the_api_lists_every_dispute(client, disputes):
    slugs = {d["slug"] for d in api(client, "/api/v1/disputes/", limit=500)["results"]}
    assert set(EVERY) <= slugs
    cheese = api(client, f"/api/v1/disputes/{SECOND}/")
    assert cheese["title"] == "Cheese war (test)" and cheese["html_url"].endswith(f"/disputes/{SECOND}/")


def test_the_products_page_finds_a_product_in_every_dispute(client, disputes):
    steel = Measure.objects.filter(product_lines__hs_code__startswith="72").values_list("dispute__slug", flat=True)
    assert {"canada-china", THIRD} <= set(steel)  # the first case has steel measures too
    page = html(client, "/en/products/", hs="72", on="2025-06-01")
    assert 'data-reference="SS-G1"' in page
    for slug in ("canada-china", THIRD):
        assert f'href="/en/disputes/{slug}/"' in page
    assert '<tr data-reference="SS-G1">' in page and "15%" in page.split('<tr data-reference="SS-G1">')[1]


#: Each API list, and a record of the second dispute it must list.
LISTS = {
    "measures": ("reference", "CW-S1"),
    "events": ("title", "Sylvania announces a cheese tariff"),
    "cases": None,
    "actors": ("slug", "sylvania"),
    "sources": ("title", "Sylvanian gazette"),
}


@pytest.mark.parametrize("resource", LISTS)
def test_each_api_list_takes_dispute_and_without_it_lists_every_dispute(client, disputes, resource):
    everything = api(client, f"/api/v1/{resource}/", limit=500)
    narrowed = api(client, f"/api/v1/{resource}/", limit=500, dispute=SECOND)
    assert 0 <= narrowed["count"] < everything["count"]
    if LISTS[resource]:
        key, value = LISTS[resource]
        assert value in {row[key] for row in everything["results"]}
        assert value in {row[key] for row in narrowed["results"]}
        first_case = {
            row[key] for row in api(client, f"/api/v1/{resource}/", limit=500, dispute="canada-china")["results"]
        }
        assert value not in first_case


def test_the_actors_of_a_dispute_are_its_parties_and_participants(client, disputes):
    slugs = {row["slug"] for row in api(client, "/api/v1/actors/", limit=500, dispute=THIRD)["results"]}
    assert slugs == {"freedonia", "grand-fenwick"}


def test_the_sources_of_a_dispute_are_those_its_records_cite(client, disputes):
    titles = {row["title"] for row in api(client, "/api/v1/sources/", limit=500, dispute=SECOND)["results"]}
    assert titles == {"Sylvanian gazette", "Wire report on the cheese war"}
    cited = Source.objects.filter(measurecitation__measure__dispute__slug="canada-china").distinct().count()
    first_case = api(client, "/api/v1/sources/", limit=1, dispute="canada-china")["count"]
    assert first_case >= cited > 0


@pytest.mark.parametrize("resource", LISTS)
def test_an_unknown_dispute_is_a_400_naming_dispute(client, disputes, resource):
    body = api(client, f"/api/v1/{resource}/", status=400, dispute="atlantis")
    assert [error["attr"] for error in body["errors"]] == ["dispute"]


def test_a_measure_filter_narrowed_to_the_second_dispute_answers_in_force_on_a_day(client, disputes):
    body = api(client, "/api/v1/measures/", dispute=SECOND, in_force_on="2025-03-01")
    assert {row["reference"]: row["rate_on_date"] for row in body["results"]} == {
        "CW-S1": "25",
        "CW-S2": "50",
        "CW-F2": None,
    }


def test_the_csv_of_a_list_narrowed_to_the_second_dispute(client, disputes):
    response = client.get("/api/v1/measures/", {"dispute": SECOND, "format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = body(response).decode()
    assert "CW-S1" in rows and "M03" not in rows


def test_the_export_of_the_second_dispute(client, disputes):
    document = api(client, f"/api/v1/export/{SECOND}.json")
    text = json.dumps(document)
    assert "CW-S1" in text and "CW-F2" in text and "M03" not in text
    response = client.get(f"/api/v1/export/{SECOND}.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(body(response)))
    measures = next(name for name in archive.namelist() if "measure" in name and name.endswith(".csv"))
    assert "CW-S2" in archive.read(measures).decode()


def test_the_feeds_and_calendar_of_the_second_dispute(client, disputes):
    feed = html(client, f"/disputes/{SECOND}/feed/")
    assert "Sylvania announces a cheese tariff" in feed and "canola" not in feed.lower()
    events = html(client, "/feeds/events/", dispute=SECOND)
    assert "Freedonian and Sylvanian ministers meet" in events and "canola" not in events.lower()
    assert "Fenwick" in html(client, "/actors/freedonia/feed/")  # an actor's feed spans its disputes
    calendar = html(client, f"/disputes/{SECOND}/calendar.ics")
    assert calendar.startswith("BEGIN:VCALENDAR") and "cheese" in calendar.lower()


def test_the_timeline_and_summary_of_the_second_dispute(client, disputes):
    timeline = api(client, f"/api/v1/disputes/{SECOND}/timeline/", limit=500)
    titles = " ".join(entry["title"] for entry in timeline["results"])
    assert "Sylvania announces a cheese tariff" in titles and "25% on Freedonian cheese" in titles
    summary = api(client, f"/api/v1/disputes/{SECOND}/summary/", on="2024-06-01")
    sides = {side["side"]: side for side in summary["data"]["sides"]}
    assert {m["reference"] for m in sides["sylvania"]["measures_in_force"]} == {"CW-S1", "CW-S2"}
    assert {m["reference"] for m in sides["freedonia"]["measures_in_force"]} == {"CW-F1", "CW-F2"}
    assert summary["text"]["en"].startswith("As of 1 June 2024, ")
    assert api(client, f"/api/v1/disputes/{SECOND}/summary/")["dispute"] == SECOND
