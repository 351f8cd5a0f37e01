"""The French catalogue is complete: every string has a translation and none is a fuzzy guess."""

import ast
from pathlib import Path

import pytest

from pages.templatetags.pages_tags import change_label, stage_label

CATALOGUE = Path(__file__).resolve().parent.parent / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def entries():
    for block in CATALOGUE.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        if not any(line.startswith("msgid ") for line in lines):
            continue
        flags = " ".join(line for line in lines if line.startswith("#,"))
        fields, current = {}, None
        for line in lines:
            if line.startswith("#"):
                continue
            if not line.startswith('"'):
                current, _, line = line.partition(" ")
                fields[current] = ""
            fields[current] += ast.literal_eval(line)
        if fields.get("msgid"):
            yield fields, flags


def test_every_french_string_is_translated_and_none_is_fuzzy():
    untranslated = [f["msgid"] for f, _ in entries() if not any(v for k, v in f.items() if k.startswith("msgstr"))]
    fuzzy = [f["msgid"] for f, flags in entries() if "fuzzy" in flags]
    assert untranslated == [] and fuzzy == []


@pytest.mark.parametrize(("label", "code", "french"), [(stage_label, "panel_established", "groupe spécial"),
                                                      (change_label, "ends", "prend fin")])  # fmt: skip
def test_codes_shown_on_the_pages_read_as_words_in_french(label, code, french):
    from django.utils import translation

    with translation.override("fr"):
        assert french in str(label(code)).lower()
