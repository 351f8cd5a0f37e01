"""The public page address of a record (DESIGN.md section 7), in one place.

Models' ``get_absolute_url``, the API's ``html_url``, the pages, feeds, calendars and exports all take it from here.
"""

from django.urls import reverse

PAGE_PATHS = {
    "actor": "/actors/{}/",
    "dispute": "/disputes/{}/",
    "case": "/cases/{}/",
    "event": "/events/{}/",
    "measure": "/measures/{}/",
    "source": "/sources/{}/",
}


def record_url(kind: str, key, *, in_language: bool = False) -> str:
    """The page of the ``kind`` record ``key`` ("event", 7).

    By default the language-neutral path (``/events/7/``, which sends each reader to their language): the one the
    API and the exports publish. With ``in_language``, the path in the active language (``/en/events/7/``).
    """
    if in_language:
        return reverse(f"pages:{kind}-detail", args=[key])
    return PAGE_PATHS[kind].format(key)
