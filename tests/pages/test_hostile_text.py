"""Hostile text (titles, names, quotes, query parameters) is shown as text on every page, never run.

Each record of a dispute is titled with markup that breaks out of a ``<script>`` element, injects a
``<meta http-equiv="refresh">`` redirect (which works despite the Content-Security-Policy), or adds
an element with an event handler. The pages are parsed the way a browser tokenises them and must hold
no injected element, no event-handler attribute and no script other than our own files and JSON data.
"""

import json
import re
from html.parser import HTMLParser

import pytest
from django.utils.html import escape

from tests.hostile_text import BREAKOUT, ENTITIES, PAYLOADS, TITLES, store_hostile_dispute

pytestmark = pytest.mark.django_db

# What would be markup if a payload reached the page unescaped (ENTITIES is fine as text: "&lt;" shown).
RAW = ["<script>alert", "<meta http-equiv", "<img src=x", "<svg onload", "<!--<script>"]


class Elements(HTMLParser):
    """Every start tag of a page with its attributes, tokenised as a browser does (script data is
    raw text up to ``</script``)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))


def assert_nothing_injected(html: str, where: str = ""):
    for raw in RAW:
        assert raw not in html, (where, raw)
    for tag, attrs in Elements(html).tags:
        handlers = [name for name in attrs if name.startswith("on")]
        assert not handlers, (where, tag, attrs)
        assert tag not in ("svg", "img", "iframe", "object", "embed"), (where, tag, attrs)
        assert not (tag == "meta" and "http-equiv" in attrs), (where, attrs)
        if tag == "script":
            # Our scripts are same-origin files; anything else is inert JSON data.
            assert attrs.get("src", "").startswith("/static/") or attrs.get("type") == "application/json", (
                where,
                attrs,
            )


def script_json(html: str, element_id: str):
    match = re.search(rf'<script[^>]*\bid="{element_id}"[^>]*>(.*?)</script>', html, re.S)
    assert match, element_id
    return json.loads(match.group(1))


@pytest.fixture
def hostile():
    return store_hostile_dispute()


def get(client, url, params=None, **headers):
    response = client.get(url, params or {}, **headers)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_the_dispute_page_shows_hostile_titles_as_text_in_the_list_and_the_timeline_data(client, hostile):
    html = get(client, "/en/disputes/hostile/")
    assert_nothing_injected(html, "dispute page")
    data = script_json(html, "timeline-data")
    # The widget draws the titles the API gives, as given: the literal text, not something eaten by the HTML parser.
    contents = {row["title"] for row in client.get(data["api"], {"limit": 500}).json()["results"]}
    assert {TITLES["event"], f"DS999 opened: {TITLES['case']}"} <= contents
    assert any(TITLES["measure"] in title for title in contents)
    assert {group["content"] for group in data["groups"] if group["id"] != "other"} == {BREAKOUT, ENTITIES}
    assert [dataset["label"] for dataset in script_json(html, "series-data")["datasets"]] == [BREAKOUT, ENTITIES]
    # The accessible list shows the same titles, escaped.
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in html


def test_the_htmx_timeline_and_the_french_page_are_as_safe(client, hostile):
    partial = get(
        client, "/en/disputes/hostile/", {"kind": "announcement"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="timeline"
    )
    assert partial.lstrip().startswith('<div id="timeline"')
    assert_nothing_injected(partial, "htmx partial")
    assert_nothing_injected(get(client, "/fr/disputes/hostile/"), "French dispute page")


@pytest.mark.parametrize(
    "payload",
    [*PAYLOADS, "kind</script>", "side\u2028"],
    ids=["breakout", "handler", "attribute", "comment", "entities", "closing-tag", "line-separator"],
)
def test_a_hostile_group_by_is_refused_with_a_message_and_never_reflected(client, payload):
    html = get(client, "/en/disputes/canada-china/", {"group_by": payload})
    assert_nothing_injected(html, "group_by")
    # Not even escaped: the message names the choices, not what was sent (links to this view carry
    # it percent-encoded).
    assert payload not in html and escape(payload) not in html
    assert 'role="alert"' in html and "Lanes: Choose lanes by side or by kind." in html
    # The timeline is still shown, in the default lanes.
    data = script_json(html, "timeline-data")
    assert data["group_by"] == "side" and data["bounds"] and data["total"]


@pytest.mark.parametrize("choice", ["side", "kind"])
def test_a_valid_group_by_is_kept(client, choice):
    html = get(client, "/en/disputes/canada-china/", {"group_by": choice})
    assert script_json(html, "timeline-data")["group_by"] == choice
    assert 'role="alert"' not in html
    assert re.search(rf'<option value="{choice}" selected>', html)


def test_the_lane_labels_reach_the_timeline_script_as_json_data(client, hostile):
    labels = script_json(get(client, "/en/disputes/hostile/"), "timeline-kind-labels")
    assert labels["leader_call"] and labels["announcement"]


def test_the_refusal_of_a_bad_group_by_is_in_the_reader_s_language(client):
    html = get(client, "/fr/disputes/canada-china/", {"group_by": "lanes"})
    assert "Lignes: Choisissez des lignes par camp ou par catégorie." in html


@pytest.mark.parametrize(
    ("url", "parameter"),
    [("/en/disputes/canada-china/", name) for name in ("kind", "side", "record_type", "date_after", "actor")]
    + [("/en/measures/", name) for name in ("in_force_on", "imposed_by", "type", "hs", "ordering", "page", "q")],
)
def test_hostile_filter_values_are_shown_as_text(client, url, parameter):
    for payload in PAYLOADS:
        response = client.get(url, {parameter: payload})
        assert response.status_code == 200, (url, parameter)
        assert_nothing_injected(response.content.decode(), f"{url}?{parameter}")


def test_record_pages_show_hostile_text_as_text(client, hostile):
    pages = {
        "event": f"/en/events/{hostile['event'].pk}/",
        "measure": f"/en/measures/{hostile['measure'].pk}/",
        "case": f"/en/cases/{hostile['case'].pk}/",
        "actor": f"/en/actors/{hostile['actor'].slug}/",
        "source": f"/en/sources/{hostile['source'].pk}/",
        "measures": "/en/measures/",
        "home": "/en/",
    }
    for name, url in pages.items():
        html = get(client, url)
        assert_nothing_injected(html, name)
        if name != "home":
            assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html, name


def test_the_search_page_shows_hostile_queries_and_results_as_text(client, hostile):
    html = get(client, "/en/search/", {"q": "alert"})
    assert_nothing_injected(html, "search results")
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in html
    for payload in PAYLOADS:
        assert_nothing_injected(get(client, "/en/search/", {"q": payload}), f"search for {payload}")


def test_the_embed_page_carries_hostile_text_only_as_escaped_json(client, hostile):
    html = get(client, "/en/disputes/hostile/embed/")
    assert_nothing_injected(html, "embed")
    document = script_json(html, "timelinejs-data")
    assert document["events"]
    assert_nothing_injected(get(client, "/en/disputes/hostile/embed/", {"group_by": BREAKOUT}), "embed group_by")
    # A hostile filter value is refused (400) and shown escaped.
    response = client.get("/en/disputes/hostile/embed/", {"date_after": BREAKOUT})
    assert response.status_code == 400
    assert_nothing_injected(response.content.decode(), "embed bad filter")


def test_the_embed_document_gives_timelinejs_group_names_it_shows_as_text(client, hostile):
    """TimelineJS strips the tags of a group name by reading it as HTML and keeping its text
    (``DOMParser``, ``textContent``), then writes that text into the page as HTML: the side's name
    must come out of both steps as the name, and make no element."""
    html = get(client, "/en/disputes/hostile/embed/")
    groups = {event["group"] for event in script_json(html, "timelinejs-data")["events"]}
    drawn = [Decoded(group).text for group in groups]  # what TimelineJS writes as HTML
    for fragment in drawn:
        assert_nothing_injected(f"<p>{fragment}</p>", "group label")
    assert {Decoded(fragment).text for fragment in drawn} == {BREAKOUT, ENTITIES}


class Decoded(HTMLParser):
    """The text of an HTML fragment, as ``new DOMParser().parseFromString(...).body.textContent``."""

    def __init__(self, fragment: str):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.feed(fragment)
        self.close()
        self.text = "".join(self.parts)

    def handle_data(self, data):
        self.parts.append(data)
