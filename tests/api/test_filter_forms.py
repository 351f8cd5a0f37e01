"""The list endpoints build each FilterSet's form class once, and still validate every request on its own."""

import pytest

from core.api.viewsets import with_form_class_kept
from disputes.filters import EventFilter

pytestmark = pytest.mark.django_db


def test_the_events_filter_form_class_is_built_once_and_bad_values_are_still_a_400_naming_them(client):
    assert client.get("/api/v1/events/?kind=statement").status_code == 200
    kept = with_form_class_kept(EventFilter)._kept_form_class
    bad = client.get("/api/v1/events/?date_after=soon")
    assert bad.status_code == 400 and "date_after" in bad.content.decode()
    good = client.get("/api/v1/events/?date_after=2025-01-01&kind=statement")
    assert good.status_code == 200 and all(row["kind"] == "statement" for row in good.json()["results"])
    assert with_form_class_kept(EventFilter)._kept_form_class is kept
    assert with_form_class_kept(EventFilter).__name__ == "EventFilter"


def test_a_kept_forms_bound_fields_are_djangos_and_their_help_text_is_translated_when_read():
    from django.forms import BoundField
    from django.utils import translation

    from tariffs.filters import MeasureFilter

    kept = with_form_class_kept(MeasureFilter)
    filterset = kept({"in_force_on": "2025-03-20"})
    assert filterset.is_valid()
    form = filterset.form
    for name, field in form.fields.items():
        ours, djangos = form[name], BoundField(form, field, name)
        assert type(ours) is not BoundField
        assert {**vars(ours), "help_text": ours.help_text} == vars(djangos), name
    with translation.override("fr"):  # read in the language of the moment
        french = str(kept({}).form["hs"].help_text)
    with translation.override("en"):
        english = str(form["hs"].help_text)
    assert french.startswith("Préfixe") and english.startswith("HS code prefix"), (french, english)


@pytest.mark.parametrize("filterset_class", [EventFilter, "tariffs.filters.MeasureFilter"])
def test_a_kept_forms_choice_check_accepts_exactly_the_choices_django_accepts(filterset_class):
    from django import forms
    from django.utils.module_loading import import_string

    if isinstance(filterset_class, str):
        filterset_class = import_string(filterset_class)
    form = with_form_class_kept(filterset_class)({}).form
    checked = 0
    for name, field in form.fields.items():
        if not isinstance(field, forms.ChoiceField) or isinstance(field, forms.ModelChoiceField):
            continue
        keys = [str(key) for key, _ in field.choices]
        for value in [*keys, "nonsense", "", "null", keys[-1].upper(), f"{keys[-1]} "]:
            assert field.valid_value(value) == type(field).valid_value(field, value), (name, value)
        checked += 1
    assert checked >= 2


def test_a_kind_not_among_the_choices_is_a_400_naming_it(client):
    bad = client.get("/api/v1/events/", {"kind": "statements"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["attr"] == "kind"
    assert client.get("/api/v1/events/", {"kind": "statement"}).status_code == 200
