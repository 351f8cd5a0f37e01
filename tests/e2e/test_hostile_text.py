"""End to end in Chromium: hostile titles and names (see tests/hostile_text.py) are drawn as text on
the dispute page and the embed page, with the Content-Security-Policy and without it: nothing is
injected, nothing runs, the page does not navigate away, and the titles read as typed."""

import contextlib
from urllib.parse import unquote

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.hostile_text import BREAKOUT, ENTITIES, HANDLER, SLUG, TITLES, store_hostile_dispute

pytestmark = pytest.mark.django_db(transaction=True)

# Records every dialog an injected script would open, before any of the page's own code runs.
HOOK = """
window.__hostile = [];
for (const name of ["alert", "confirm", "prompt", "print"]) {
  window[name] = (message) => { window.__hostile.push(`${name}(${message})`); };
}
"""
INJECTED = (
    "meta[http-equiv], img, svg, iframe, object, embed, [onerror], [onload],"
    " script:not([src]):not([type='application/json'])"
)


@pytest.fixture(params=["with CSP", "without CSP"])
def csp(request, settings):
    """Both ways: the CSP is the second line of defence, the escaping must hold without it."""
    if request.param == "without CSP":
        settings.CONTENT_SECURITY_POLICY = None
    return request.param == "with CSP"


@pytest.fixture
def hostile_site(transactional_db, live_server):
    store_hostile_dispute()
    return live_server.url


@pytest.fixture
def hooked(page):
    """The page with dialogs hooked, every request recorded, and the attacker's site answering (so
    that a redirect to it would succeed and be seen)."""
    page.add_init_script(HOOK)
    page.requested = []
    page.on("request", lambda request: page.requested.append(request.url))
    page.route(
        "https://evil.example/**", lambda route: route.fulfill(status=200, content_type="text/html", body="evil")
    )
    return page


def visit(page, url, csp, ready):
    response = page.goto(url)
    assert response.status == 200, url
    policy = response.headers.get("content-security-policy", "")
    assert ("script-src 'self'" in policy) == csp
    # If the drawing never comes, the checks that follow say why; then the test asks for it again.
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_selector(ready, timeout=15_000)
    page.wait_for_timeout(1_500)  # a refresh after 0 seconds would have left by now


def assert_nothing_ran(page, url, site):
    assert unquote(page.url) == unquote(url), "navigated away"
    assert page.evaluate("window.__hostile") == []
    assert page.eval_on_selector_all(INJECTED, "found => found.map(e => e.outerHTML)") == []
    assert [u for u in page.requested if not u.startswith(site) and not u.startswith("data:")] == []
    assert page.problems == [], "\n".join(page.problems)  # no console error, CSP violation, failed request


def texts(page, selector):
    return page.eval_on_selector_all(selector, "found => found.map(e => e.textContent.trim())")


@pytest.mark.parametrize(
    ("query", "refused"),
    [("", False), ("?group_by=" + BREAKOUT, True), ("?group_by=kind", False)],
    ids=["plain", "hostile group_by", "by kind"],
)
def test_the_dispute_page_draws_hostile_titles_as_text(hostile_site, hooked, csp, query, refused):
    url = f"{hostile_site}/en/disputes/{SLUG}/{query}"
    visit(hooked, url, csp, "#timeline-widget[data-ready=true]")
    assert_nothing_ran(hooked, url, hostile_site)
    assert hooked.locator("#timeline-widget[data-ready=true]").count() == 1

    drawn = texts(hooked, "#timeline-widget .vis-item-content")
    assert {TITLES["event"], f"DS999 opened: {TITLES['case']}"} <= set(drawn)
    assert any(TITLES["measure"] in title for title in drawn)
    listed = texts(hooked, "ol.timeline-list > li > a")
    assert {TITLES["event"], TITLES["measure"], f"DS999: {TITLES['case']}"} <= set(listed)
    lanes = set(texts(hooked, "#timeline-widget .vis-label"))
    assert lanes >= ({BREAKOUT, ENTITIES} if "kind" not in query else {"Announcement"})
    assert hooked.title().startswith(HANDLER)
    alerts = texts(hooked, "#timeline [role=alert]")
    assert alerts == (["Lanes: Choose lanes by side or by kind."] if refused else [])


def test_the_url_of_a_hostile_group_by_is_unchanged_and_shown_nowhere(hostile_site, hooked, csp):
    url = f"{hostile_site}/en/disputes/{SLUG}/?group_by=%3C%2Fscript%3E%3Cmeta%20http-equiv%3Drefresh%3E"
    visit(hooked, url, csp, "#timeline-widget[data-ready=true]")
    assert_nothing_ran(hooked, url, hostile_site)
    assert hooked.locator("#timeline-widget[data-ready=true]").count() == 1
    assert "http-equiv=refresh>" not in hooked.locator("body").inner_text()  # the parameter, in any form
    assert hooked.locator("#timeline-group-by").input_value() == "side"


def test_the_embed_draws_hostile_titles_and_side_names_as_text(hostile_site, hooked, csp):
    url = f"{hostile_site}/en/disputes/{SLUG}/embed/"
    visit(hooked, url, csp, "#timelinejs[data-ready=true]")
    assert_nothing_ran(hooked, url, hostile_site)
    assert hooked.locator("#timelinejs[data-ready=true]").count() == 1
    assert set(texts(hooked, ".tl-timegroup-message")) == {BREAKOUT, ENTITIES}
    markers = texts(hooked, ".tl-timemarker .tl-headline")
    for title in TITLES.values():
        assert any(marker.endswith(title) for marker in markers), (title, markers)
