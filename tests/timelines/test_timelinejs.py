"""The timeline as a Knight Lab TimelineJS3 document (`?format=timelinejs`) and the embed page,
on the real Canada–China data."""

import datetime as dt
import html
import json
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disputes.models import Dispute
from disputes.selectors import dispute_sides
from tariffs.models import MeasureLink
from tests.factories import ActorFactory, DisputeFactory, EventFactory, MeasureFactory, SourceFactory
from timelines.models import TimelineEntry
from timelines.services import refresh_dispute
from timelines.timelinejs import date_parts, escalation_phases, inert_html, measure_links, measure_windows

pytestmark = pytest.mark.django_db
D = dt.date
URL = "/api/v1/disputes/canada-china/timeline/"
EMBED = "/en/disputes/canada-china/embed/"


@pytest.fixture(autouse=True)
def fresh_throttles():
    cache.clear()  # anonymous read throttles count in the cache
    yield
    cache.clear()


def timelinejs(client, **params):
    response = client.get(URL, {"format": "timelinejs", **params})
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def as_date(parts):
    return D(parts["year"], parts.get("month", 1), parts.get("day", 1))


def test_every_timeline_entry_is_one_slide_keyed_by_the_entry_key(client, canada_china):
    document = timelinejs(client)
    keys = list(TimelineEntry.objects.filter(dispute=canada_china).values_list("key", flat=True))
    assert len(keys) > 100  # the whole timeline in one document, not a page of 50
    assert [slide["unique_id"] for slide in document["events"]] == keys
    assert document["title"]["text"]["headline"] == html.escape(canada_china.title)
    assert document["title"]["unique_id"] not in keys
    assert document["scale"] == "human"


def test_dates_are_parts_that_honour_the_entry_precision(client, canada_china):
    slides = {slide["unique_id"]: slide for slide in timelinejs(client)["events"]}
    precisions = set()
    for entry in TimelineEntry.objects.filter(dispute=canada_china):
        slide = slides[entry.key]
        precisions.add(entry.date_precision)
        expected = {"day": {"year", "month", "day"}, "month": {"year", "month"}, "year": {"year"}}
        assert set(slide["start_date"]) == expected[entry.date_precision], entry.key
        assert as_date(slide["start_date"]) == entry.date.replace(
            month=1 if entry.date_precision == "year" else entry.date.month,
            day=1 if entry.date_precision != "day" else entry.date.day,
        )
        if entry.end_date and entry.end_date != entry.date:
            assert as_date(slide["end_date"]) == entry.end_date.replace(
                day=1 if entry.date_precision != "day" else entry.end_date.day
            )
        else:
            assert "end_date" not in slide
    assert {"day", "month"} <= precisions
    assert any("end_date" in slide for slide in slides.values())


def test_a_trudeau_visit_known_to_the_month_has_no_day(client):
    slide = next(s for s in timelinejs(client)["events"] if "second Annual Leaders" in s["text"]["headline"])
    assert slide["start_date"] == {"year": 2017, "month": 12}


def test_date_parts_of_each_precision():
    day = D(2019, 6, 25)
    assert date_parts(day, "day") == {"year": 2019, "month": 6, "day": 25}
    assert date_parts(day, "month") == {"year": 2019, "month": 6}
    assert date_parts(day, "year") == {"year": 2019}


def test_groups_are_the_names_of_the_sides(client, canada_china):
    names = {side.slug: side.name for side in dispute_sides(canada_china)}
    slides = {slide["unique_id"]: slide for slide in timelinejs(client)["events"]}
    for key, side in TimelineEntry.objects.filter(dispute=canada_china).values_list("key", "side"):
        assert slides[key]["group"] == (names[side] if side else "Both sides or neither"), key
    groups = {slide["group"] for slide in slides.values()}
    assert {"Canada", "China"} <= groups <= {*names.values(), "Both sides or neither"}


def test_the_first_source_is_the_media_credit_and_link_and_every_source_is_linked_in_the_text(client, canada_china):
    slides = {slide["unique_id"]: slide for slide in timelinejs(client)["events"]}
    for entry in TimelineEntry.objects.filter(dispute=canada_china):
        slide = slides[entry.key]
        first = entry.sources[0]
        media = slide["media"]
        assert media["url"].startswith("<blockquote>") and media["url"].endswith("</blockquote>")
        if first["url"]:
            assert media["link"] == first["url"] and media["link_target"] == "_blank"
        assert html.unescape(media["credit"]).startswith(first["publisher"])
        for source in entry.sources:
            if source["url"]:
                assert f'href="{html.escape(source["url"])}"' in slide["text"]["text"]
        assert f'/events/{entry.record_id}/"' in slide["text"]["text"] or entry.record_type != "event"
    assert any("link" in slide["media"] for slide in slides.values())


def test_headlines_and_texts_are_escaped_html(client):
    slide = next(s for s in timelinejs(client)["events"] if "second Annual Leaders" in s["text"]["headline"])
    assert "Leaders&#x27; Dialogue" in slide["text"]["headline"]
    assert "<script" not in json.dumps(timelinejs(client))


# TimelineJS3 3.9.11 (src/js/media/MediaType.js): the patterns tried before its blockquote type that
# are not anchored to the start or the end of media.url.
TIMELINEJS_EARLIER_MEDIA_TYPES = [
    r"youtu\.be",
    r"<blockquote class=['\"]twitter-tweet['\"]",
    r"google.+?\/maps\/@([-\d.]+),([-\d.]+)",
    r"documentcloud.org\/",
    r"^.*imgur.com\/.+$",
    r"^.*\.pdf(\?.*)?(\#.*)?",
    r"spotify",
    r"iframe",
]


def test_a_source_title_naming_a_pdf_a_video_or_a_map_stays_a_quotation():
    title = "Order.PDF, see youtu.be/x, google.com/maps/@1,2, spotify, <iframe> & imgur.com/a on documentcloud.org/b"
    media_url = f"<blockquote><p>{inert_html(title)}</p></blockquote>"
    assert [p for p in TIMELINEJS_EARLIER_MEDIA_TYPES if re.search(p, media_url)] == []
    assert html.unescape(media_url) == f"<blockquote><p>{title}</p></blockquote>"


# --- eras ----------------------------------------------------------------------------------------


def test_the_canada_china_eras_are_the_two_escalation_phases_in_order(client, canada_china):
    document = timelinejs(client)
    eras = [(as_date(era["start_date"]), as_date(era["end_date"]), era["text"]["headline"]) for era in document["eras"]]
    last = max(as_date(slide.get("end_date", slide["start_date"])) for slide in document["events"])
    assert eras == [
        (D(2019, 3, 1), D(2022, 4, 30), "Phase 1: 3 measures (China 3)"),
        # The rubber duty (M07) has no known deposit window, so no phase counts it as in force.
        (D(2024, 8, 26), last, "Phase 2: 14 measures (China 8, Canada 6)"),
    ]
    first = min(as_date(slide["start_date"]) for slide in document["events"])
    for (start, end, _), following in zip(eras, [*eras[1:], None], strict=True):
        assert first <= start < end <= last
        assert following is None or end < following[0]


def test_eras_are_cut_to_the_filtered_slides(client):
    document = timelinejs(client, date_after="2025-01-01", date_before="2025-12-31")
    first = min(as_date(slide["start_date"]) for slide in document["events"])
    last = max(as_date(slide.get("end_date", slide["start_date"])) for slide in document["events"])
    assert first >= D(2025, 1, 1) and last <= D(2025, 12, 31)
    # Phase 1 (2019–2022) is outside the slides; phase 2 (from 2024, still going) is cut to them.
    assert [(as_date(e["start_date"]), as_date(e["end_date"])) for e in document["eras"]] == [(first, last)]
    assert document["eras"][0]["text"]["headline"].startswith("Phase 2:")


@pytest.fixture
def two_rounds():
    """Canada suspends a product in 2020; China answers with a tariff in 2021, still in force."""
    dispute = DisputeFactory()
    canada, china = ActorFactory(name="Canada", country="CA"), ActorFactory(name="China", country="CN")
    dispute.parties.create(actor=canada, side="canada", role="principal")
    dispute.parties.create(actor=china, side="china", role="principal")
    first = MeasureFactory(dispute=dispute, imposed_by=canada, announced_on=D(2020, 1, 1))
    first.rate_periods.create(valid_from=D(2020, 1, 15), valid_to=D(2020, 6, 30), rate_percent=10)
    answer = MeasureFactory(dispute=dispute, imposed_by=china, announced_on=D(2021, 1, 1))
    answer.rate_periods.create(valid_from=D(2021, 2, 1), rate_percent=25)
    proposed = MeasureFactory(dispute=dispute, imposed_by=canada, announced_on=D(2023, 5, 1))  # never in force
    return dispute, first, answer, proposed


def phases_of(dispute):
    return escalation_phases(measure_windows(dispute, dispute_sides(dispute)), measure_links(dispute))


def test_measures_active_at_different_times_are_different_phases(two_rounds):
    dispute, *_ = two_rounds
    phases = phases_of(dispute)
    assert [(p.number, p.start, p.end, p.measures) for p in phases] == [
        (1, D(2020, 1, 1), D(2020, 6, 30), (("canada", 1),)),
        (2, D(2021, 1, 1), None, (("china", 1),)),
    ]


def test_a_retaliation_link_joins_the_answer_to_the_phase_it_answers(two_rounds):
    dispute, first, answer, _ = two_rounds
    MeasureLink.objects.create(from_measure=answer, to_measure=first, type="retaliates_against", source=SourceFactory())
    phases = phases_of(dispute)
    assert [(p.start, p.end, p.measures) for p in phases] == [(D(2020, 1, 1), None, (("canada", 1), ("china", 1)))]


def test_a_measure_suspended_then_resumed_keeps_its_phase_open(two_rounds):
    dispute, first, *_ = two_rounds
    first.rate_periods.create(valid_from=D(2020, 7, 1), valid_to=D(2020, 12, 31), rate_percent=10, state="suspended")
    first.rate_periods.create(valid_from=D(2021, 1, 1), rate_percent=10)
    phases = phases_of(dispute)
    assert [(p.start, p.end) for p in phases] == [(D(2020, 1, 1), None)]


def test_the_document_of_a_new_dispute_has_its_own_eras(client, two_rounds):
    dispute, *_ = two_rounds
    EventFactory(dispute=dispute, date=D(2022, 3, 1))
    refresh_dispute(dispute_id=dispute.pk, today=D(2024, 1, 1), full=True)
    response = client.get(f"/api/v1/disputes/{dispute.slug}/timeline/", {"format": "timelinejs"})
    eras = response.json()["eras"]
    assert [(as_date(e["start_date"]), as_date(e["end_date"]), e["text"]["headline"]) for e in eras] == [
        (D(2020, 1, 1), D(2020, 6, 30), "Phase 1: 1 measure (Canada 1)"),
        # Still going: it ends with the last slide (the proposal announced on 1 May 2023).
        (D(2021, 1, 1), D(2023, 5, 1), "Phase 2: 1 measure (China 1)"),
    ]


# --- the contract of the timeline endpoint -------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "leader_call"},
        {"kind": ["measure_in_force", "measure_suspended"]},
        {"side": "china"},
        {"record_type": "measure"},
        {"date_after": "2025-03-01", "date_before": "2025-03-31"},
        {"actor": "mark-carney", "kind": "leader_meeting"},
    ],
)
def test_the_filters_of_the_json_timeline_apply(client, params):
    listed = client.get(URL, {**params, "limit": 500}).json()
    expected = [entry["key"] for entry in listed["results"]]
    assert 0 < len(expected) < 150
    assert [slide["unique_id"] for slide in timelinejs(client, **params)["events"]] == expected


def test_a_bad_filter_is_a_400_naming_it(client):
    response = client.get(URL, {"format": "timelinejs", "date_after": "5 June"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "date_after"


def test_an_unknown_dispute_is_a_404(client):
    response = client.get("/api/v1/disputes/no-such-dispute/timeline/", {"format": "timelinejs"})
    assert response.status_code == 404 and response.json()["type"] == "client_error"


def test_conditional_get_answers_304_and_the_json_format_has_its_own_etag(client):
    first = client.get(URL, {"format": "timelinejs"})
    assert first.status_code == 200 and first["ETag"]
    again = client.get(URL, {"format": "timelinejs"}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert client.get(URL, {"format": "json"})["ETag"] != first["ETag"]


def add_rows(dispute, count=5):
    actor = dispute.parties.first().actor
    for i in range(count):
        event = EventFactory(dispute=dispute, date=D(2025, 5, i + 1), title=f"canola statement {i}")
        event.participations.create(actor=actor, role="participant")
        measure = MeasureFactory(dispute=dispute, imposed_by=actor, title=f"canola duty {i}")
        measure.rate_periods.create(valid_from=D(2025, 1, 1), rate_percent=10)
    refresh_dispute(dispute_id=dispute.pk, today=D(2025, 6, 5), full=True)


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", [f"{URL}?format=timelinejs", f"{URL}?format=timelinejs&actor=CA", EMBED])
def test_query_count_does_not_grow_with_entries(client, canada_china, url):
    before = queries(client, url)
    count = TimelineEntry.objects.filter(dispute=canada_china).count()
    add_rows(canada_china)
    assert TimelineEntry.objects.filter(dispute=canada_china).count() >= count + 15
    cache.clear()
    assert queries(client, url) == before


def test_the_schema_mentions_the_timelinejs_format():
    from drf_spectacular.generators import SchemaGenerator

    operation = SchemaGenerator().get_schema(request=None, public=True)["paths"]["/api/v1/disputes/{slug}/timeline/"]
    parameters = {p["name"]: p for p in operation["get"]["parameters"]}
    assert "timelinejs" in parameters["format"]["schema"]["enum"]
    assert "format=timelinejs" in operation["get"]["description"]


# --- the embed page ------------------------------------------------------------------------------


def embedded_document(response):
    found = re.search(rb'<script id="timelinejs-data" type="application/json">(.*?)</script>', response.content, re.S)
    return json.loads(found.group(1))


def test_the_embed_page_carries_the_same_document_with_links_in_its_language(client):
    response = client.get("/fr/disputes/canada-china/embed/", {"side": "china"})
    assert response.status_code == 200
    document = embedded_document(response)
    api = timelinejs(client, side="china")
    assert [s["unique_id"] for s in document["events"]] == [s["unique_id"] for s in api["events"]]
    assert [(e["start_date"], e["end_date"]) for e in document["eras"]] == [
        (e["start_date"], e["end_date"]) for e in api["eras"]
    ]
    assert "http://testserver/fr/disputes/canada-china/" in document["title"]["text"]["text"]
    assert re.search(r"http://testserver/fr/(events|measures|cases)/\d+/", document["events"][0]["text"]["text"])
    page = response.content.decode()
    assert 'data-language-url="/static/vendor/timelinejs/js/locale/fr.json"' in page
    assert "/api/v1/disputes/canada-china/timeline/?side=china&amp;format=timelinejs" in page


def test_the_embed_page_may_be_framed_anywhere_but_runs_only_its_own_scripts(client):
    response = client.get(EMBED)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors *" in policy and "script-src 'self'" in policy
    assert not response.has_header("X-Frame-Options")
    assert not response.cookies
    scripts = re.findall(rb"<script([^>]*)>", response.content)
    assert scripts and all(b" src=" in attrs or b'type="application/json"' in attrs for attrs in scripts)
    assert b"/static/vendor/timelinejs/js/timeline.js" in response.content
    assert b"/static/js/timeline-embed.js" in response.content
    assert b'data-language-url=""' in response.content  # English is built into TimelineJS


def test_other_pages_still_refuse_to_be_framed(client):
    response = client.get("/en/disputes/canada-china/")
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_the_embed_page_of_an_unknown_dispute_is_a_404(client):
    assert client.get("/en/disputes/no-such-dispute/embed/").status_code == 404


def test_the_embed_page_names_a_bad_filter(client):
    response = client.get(EMBED, {"kind": "tea_party"})
    assert response.status_code == 400
    assert b'role="alert"' in response.content and b"tea_party" in response.content
    assert b"timelinejs-data" not in response.content


def test_the_dispute_page_links_to_the_embed_and_the_timelinejs_data(client):
    page = client.get("/en/disputes/canada-china/").content.decode()
    assert 'href="/en/disputes/canada-china/embed/"' in page
    assert 'href="/api/v1/disputes/canada-china/timeline/?format=timelinejs"' in page


def test_an_embed_with_no_matching_entry_says_so(client):
    response = client.get(EMBED, {"date_after": "2099-01-01"})
    assert response.status_code == 200
    assert embedded_document(response)["events"] == [] and embedded_document(response)["eras"] == []
    assert b"No timeline entries match these filters." in response.content


def test_a_dispute_without_a_timeline_yet_gives_an_empty_document(client):
    dispute = DisputeFactory()
    body = client.get(f"/api/v1/disputes/{dispute.slug}/timeline/", {"format": "timelinejs"}).json()
    assert body["events"] == [] and body["eras"] == [] and body["title"]["unique_id"] == f"dispute:{dispute.slug}"
    assert Dispute.objects.filter(slug=dispute.slug).exists()
