"""End to end in Chromium: Swagger UI and ReDoc draw the API docs with every request on this origin
(no Google Fonts, no logo from Redocly's CDN), served under a public host name as a deployment
would be (Swagger UI treats localhost specially)."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

HOST = "http://tradewatch.test"


@pytest.fixture
def public_docs(live_server, page, settings):
    """The page, with tradewatch.test answered by the live server, and every request for another
    host that the browser really sends (not one its Content-Security-Policy refused) recorded and
    refused."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "tradewatch.test"]
    page.elsewhere = []

    def refuse(route):
        page.elsewhere.append(route.request.url)
        route.abort()

    page.route("**/*", refuse)
    page.route(
        f"{HOST}/**",
        lambda route: route.fulfill(response=route.fetch(url=route.request.url.replace(HOST, live_server.url))),
    )
    return page


@pytest.mark.parametrize(
    ("path", "drawn"),
    [("/api/docs/", ".swagger-ui .opblock"), ("/api/redoc/", "[data-section-id]")],
    ids=["Swagger UI", "ReDoc"],
)
def test_the_api_docs_draw_with_every_request_on_this_origin(public_docs, path, drawn):
    response = public_docs.goto(HOST + path)
    assert response.status == 200
    public_docs.wait_for_selector(drawn, timeout=30_000)
    public_docs.wait_for_load_state("networkidle")
    assert public_docs.elsewhere == []
