"""The interactive API docs (Swagger UI at /api/docs/, ReDoc at /api/redoc/) load everything from this
origin: no script, style, font, image or frame from a CDN or Google Fonts."""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

DOCS = ["/api/docs/", "/api/redoc/"]


class Addresses(HTMLParser):
    """Every address a page asks the browser to load or connect to (src, href, srcset, preconnect,
    inline ``@import`` and ``url()`` in styles)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self._in_style = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self._in_style = tag == "style"
        for name in ("src", "href", "srcset", "data", "spec-url", "poster", "action"):
            if attrs.get(name):
                self.urls.append(attrs[name])
        if attrs.get("style"):
            self.urls += re.findall(r"url\(\s*['\"]?([^'\")]+)", attrs["style"])

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.urls += re.findall(r"url\(\s*['\"]?([^'\")]+)", data)
            self.urls += re.findall(r"@import\s+['\"]([^'\"]+)", data)


def other_origins(urls):
    return [url for url in urls if urlsplit(url).netloc not in ("", "testserver") or url.startswith("//")]


@pytest.mark.parametrize("path", DOCS)
def test_the_api_docs_load_nothing_from_another_origin(client, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    urls = Addresses(html).urls
    assert any("/static/drf_spectacular_sidecar/" in url for url in urls)  # the vendored copy
    assert other_origins(urls) == []
    assert "https://" not in " ".join(urls) and "fonts.googleapis" not in html and "fonts.gstatic" not in html
