from django.conf import settings
from django.urls import translate_url

NATIVE_NAMES = {"en": "English", "fr": "Français"}


def language_alternates(request):
    """The current page in each language: hreflang links, and the language switcher (query kept).

    The switcher is a set of links, not a form: a page then carries no per-visitor token and one
    rendering serves every anonymous reader (tradewatch/response_cache.py).
    """
    alternates = [(code, translate_url(request.path, code)) for code, _ in settings.LANGUAGES]
    query = request.META.get("QUERY_STRING", "")
    links = [(code, f"{url}?{query}" if query else url, NATIVE_NAMES.get(code, code)) for code, url in alternates]
    return {"language_alternates": alternates, "language_links": links}
