"""The admin in Chromium as the people entering data use it, in a 1366 × 900 window: the add-event form fits,
autocomplete proposes what was typed first, and an event entered twice asks before it is saved."""

from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings as django_settings
from django.test import Client

from .accessibility import serious_violations
from .test_browser import open_page

WINDOW = {"width": 1366, "height": 900}
# Django's own admin markup, not ours: a tabular inline labels its inputs and selects by column header
# only, and the select2 autocomplete box has no name of its own.
ADMIN_RULES_OFF = ("label", "label-title-only", "select-name", "aria-input-field-name")


@pytest.fixture
def editor(site, browser, settings, django_user_model):
    """A signed-in editor's tab in a 1366 × 900 window (the live server speaks plain HTTP)."""
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    user = django_user_model.objects.create_superuser("editor", "editor@example.org", "correct horse battery")
    client = Client()
    client.force_login(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    context = browser.new_context(viewport=WINDOW, locale="en-CA", bypass_csp=True)  # axe-core is injected inline
    context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME, "value": cookie, "url": site}])
    tab = context.new_page()
    tab.problems = []
    # Failed loads are told by URL (the admin has no favicon, the browser asks anyway); script errors as such.
    tab.on(
        "response",
        lambda r: (
            tab.problems.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico")
            else None
        ),
    )
    tab.on(
        "console",
        lambda msg: (
            tab.problems.append(msg.text)
            if msg.type == "error" and not msg.text.startswith("Failed to load resource")
            else None
        ),
    )
    tab.on("pageerror", lambda exc: tab.problems.append(str(exc)))
    tab.site = site
    yield tab
    context.close()


def _add_row(tab, group):
    tab.locator(f"#{group}-group .add-row a").click()


def _choose(tab, group, row, term, choice):
    """Pick ``choice`` in the autocomplete of inline ``group``'s row ``row`` after typing ``term``."""
    tab.locator(f"#{group}-{row} .select2-selection").first.click()

    def answers_the_term(response):
        return "/admin/autocomplete/" in response.url and parse_qs(urlparse(response.url).query).get("term") == [term]

    with tab.expect_response(answers_the_term):
        tab.locator(".select2-container--open .select2-search__field").fill(term)
    tab.locator(".select2-results__option", has_text=choice).first.wait_for()
    texts = tab.locator(".select2-results__option").all_inner_texts()
    tab.locator(".select2-results__option", has_text=choice).first.click()
    return texts


def test_the_add_event_form_fits_a_1366_pixel_window_with_its_inlines(editor):
    open_page(editor, f"{editor.site}/admin/disputes/event/add/")
    _add_row(editor, "participations")
    _add_row(editor, "participations")
    _add_row(editor, "citations")
    editor.locator("fieldset.collapse summary").first.click()  # the case step, folded by default

    assert editor.locator("#participations-group tr.form-row:not(.empty-form)").count() == 2
    assert editor.locator("#citations-group tr.form-row:not(.empty-form)").count() == 2
    assert editor.locator("#id_case_stage").is_visible()
    width = editor.evaluate("document.scrollingElement.scrollWidth")
    assert width <= WINDOW["width"], width
    assert serious_violations(editor, ADMIN_RULES_OFF) == []
    assert editor.problems == []


def test_the_add_measure_form_fits_a_1366_pixel_window_with_its_inlines(editor):
    open_page(editor, f"{editor.site}/admin/tariffs/measure/add/")
    for group in ("rate_periods", "product_lines", "links_out"):
        _add_row(editor, group)

    width = editor.evaluate("document.scrollingElement.scrollWidth")
    assert width <= WINDOW["width"], width


def test_typing_li_qiang_in_a_participant_proposes_li_qiang_first(editor):
    open_page(editor, f"{editor.site}/admin/disputes/event/add/")
    _add_row(editor, "participations")

    proposals = _choose(editor, "participations", 0, "Li Qiang", "Li Qiang")

    assert proposals[0] == "Li Qiang"
    assert "Li Keqiang" in proposals[1:]
    assert editor.locator("#id_participations-0-actor option:checked").inner_text() == "Li Qiang"
    assert editor.problems == []


def test_an_event_entered_twice_asks_links_the_other_and_saves_when_confirmed(editor):
    from disputes.choices import EventKind
    from disputes.models import Actor, Dispute, Event, Source

    call = Event.objects.filter(kind=EventKind.LEADER_CALL, participations__isnull=False).order_by("date").first()
    assert call is not None
    actors = [p.actor for p in call.participations.order_by("id")]
    dispute = Dispute.objects.get(slug="canada-china")
    source = Source.objects.order_by("id").first()
    assert Actor.objects.filter(pk__in=[a.pk for a in actors]).count() == len(actors)

    query = f"dispute={dispute.pk}&title=The+same+call&kind={call.kind}&date={call.date.isoformat()}"
    open_page(editor, f"{editor.site}/admin/disputes/event/add/?{query}")
    editor.select_option("#id_date_precision", "day")
    for row, actor in enumerate(actors):
        _add_row(editor, "participations")
        _choose(editor, "participations", row, actor.name, actor.name)
    _choose(editor, "citations", 0, source.title[:20], source.title[:20])
    editor.locator('input[name="_save"]').click()
    editor.wait_for_load_state("networkidle")

    error = editor.locator(".errorlist.nonfield")
    assert "same date, kind and participants" in error.inner_text()
    link = error.locator("a", has_text=call.title)
    assert link.get_attribute("href") == f"/admin/disputes/event/{call.pk}/change/"
    assert not Event.objects.filter(title="The same call").exists()
    assert serious_violations(editor, ADMIN_RULES_OFF) == []

    editor.check("#id_save_anyway")
    editor.locator('input[name="_save"]').click()
    editor.wait_for_load_state("networkidle")

    assert "was added successfully" in editor.locator(".messagelist").inner_text()
    saved = Event.objects.get(title="The same call")
    assert {p.actor_id for p in saved.participations.all()} == {a.pk for a in actors}
    assert editor.problems == []
