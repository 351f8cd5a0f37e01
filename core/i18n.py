"""Records in the reader's language: each translated text field ``x`` has a French sibling ``x_fr``.

English is the reference text (always filled); the French sibling is shown to French readers when it is
filled, and the English otherwise. ``translated`` reads a model instance or a row dict (``values()`` rows,
summary data) alike, so pages, the API and the read models pick the language one way.
"""

from collections.abc import Mapping

from django.utils.translation import get_language

#: The languages records are written in, English first (the reference).
RECORD_LANGUAGES = ("en", "fr")


def in_french(language: str | None = None) -> bool:
    return (language or get_language() or "en").split("-")[0] == "fr"


def chosen(english, french_text, french: bool):
    """``french_text`` for a French reader (``french``, from ``in_french()`` once per answer) when it is written,
    else ``english``: what ``translated`` picks, without asking the active language for every text."""
    return french_text if french and french_text else english


def translated(record, name: str, language: str | None = None):
    """``record``'s ``name`` in ``language`` (the active one by default), falling back to English."""
    if in_french(language):
        french = record.get(f"{name}_fr") if isinstance(record, Mapping) else getattr(record, f"{name}_fr", "")
        if french:
            return french
    return record.get(name) if isinstance(record, Mapping) else getattr(record, name)
