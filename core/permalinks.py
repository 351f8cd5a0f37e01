"""The public page address of a record (DESIGN.md section 7), in one place.

Models' ``get_absolute_url``, the API's ``html_url``, the pages, feeds, calendars and exports all take it from here.
"""

import re
from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language

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
        key = str(key)
        if not _PLAIN_KEY.fullmatch(key):  # reverse() checks and quotes anything else
            return reverse(f"pages:{kind}-detail", args=[key])
        before, after = _in_language_path(kind, get_language(), get_script_prefix())
        return f"{before}{key}{after}"
    return PAGE_PATHS[kind].format(key)


_PLAIN_KEY = re.compile(r"[-a-zA-Z0-9_]+")  # a pk or a slug
_SENTINEL = "7777777"  # matches both the int and the slug converters


@lru_cache(maxsize=64)
def _in_language_path(kind: str, language: str | None, script_prefix: str) -> tuple[str, str]:
    """The text before and after the key in ``kind``'s page path in ``language``: a page lists a hundred links,
    and resolving each through reverse() was a tenth of its rendering time."""
    path = reverse(f"pages:{kind}-detail", args=[_SENTINEL])
    before, _, after = path.rpartition(_SENTINEL)
    return before, after


@receiver(setting_changed)
def _forget_paths(*, setting, **kwargs) -> None:
    """A test that swaps the URL configuration or the languages gets the paths of the new ones."""
    if setting in {"ROOT_URLCONF", "LANGUAGES", "LANGUAGE_CODE", "PREFIX_DEFAULT_LANGUAGE"}:
        _in_language_path.cache_clear()
