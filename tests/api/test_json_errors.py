"""Every answer under /api/ is JSON: an unknown format names the ``format`` parameter, an unknown path is a 404."""

import pytest

pytestmark = pytest.mark.django_db


def attrs(response) -> set[str]:
    return {error["attr"] for error in response.json()["errors"]}


@pytest.mark.parametrize("url", ["/api/v1/events/", "/api/v1/actors/china/", "/api/v1/disputes/canada-china/summary/"])
def test_an_unknown_format_is_a_400_naming_the_format_parameter_and_its_choices(anonymous, url):
    response = anonymous.get(url, {"format": "xml"})
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    (error,) = response.json()["errors"]
    assert error["attr"] == "format" and "json" in error["detail"] and "csv" in error["detail"]


@pytest.mark.parametrize("url", ["/api/v1/nothing/", "/api/v2/events/", "/api/", "/api/v1/events/1/nothing/"])
def test_an_unknown_path_under_the_api_is_a_json_404(anonymous, url):
    response = anonymous.get(url)
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json()["errors"][0]["code"] == "not_found"


def test_an_api_path_without_its_trailing_slash_still_redirects(anonymous):
    response = anonymous.get("/api/v1/actors?limit=1")
    assert response.status_code == 301 and response["Location"] == "/api/v1/actors/?limit=1"
