"""Hostile text for the tests of the pages (Django and browser): payloads, and a dispute made of them.

Each payload is markup that would run or redirect if a page wrote it unescaped: it closes the
``<script>`` element it sits in, injects a ``<meta http-equiv="refresh">`` redirect (which works
despite the Content-Security-Policy), adds an element with an event handler, or is text that turns
into markup once something decodes it.
"""

import datetime as dt

from disputes.choices import CaseForum, CaseStage
from disputes.models import Case, CaseCitation, Dispute, DisputeParty, EventCitation
from tests.factories import ActorFactory, EventFactory, MeasureFactory, RatePeriodFactory, SourceFactory
from timelines.services import refresh_dispute

BREAKOUT = '</script><script>alert(1)</script><meta http-equiv="refresh" content="0;url=https://evil.example/">'
HANDLER = "<img src=x onerror=alert(2)>"
ATTRIBUTE = "\"'><svg onload=alert(3)>"
COMMENT = "<!--<script>"  # the "script data double escaped" state: swallows the next </script>
ENTITIES = "&lt;img src=x onerror=alert(4)&gt;"  # harmless as text, unless some code decodes it first
PAYLOADS = [BREAKOUT, HANDLER, ATTRIBUTE, COMMENT, ENTITIES]

# The record titles: each one distinct, so a test can find it drawn as text.
TITLES = {kind: f"{BREAKOUT} {HANDLER} {kind}" for kind in ("event", "measure", "case")}
SLUG = "hostile"


def store_hostile_dispute() -> dict:
    """A dispute whose every text is hostile: its title and summary, its sides' names, an event, a
    measure with a rate period, a case, and the title, publisher and quotes of their source; with
    its timeline built. Returns the records by name."""
    everything = " ".join(PAYLOADS)
    dispute = Dispute.objects.create(slug=SLUG, title=HANDLER, summary=everything, started_on=dt.date(2024, 1, 1))
    ours = ActorFactory(name=BREAKOUT, short_name="", country="CA", slug="hostile-ours")
    theirs = ActorFactory(name="Theirs", short_name=ENTITIES, country="CN", slug="hostile-theirs")
    DisputeParty.objects.create(dispute=dispute, actor=ours, side="ours")
    DisputeParty.objects.create(dispute=dispute, actor=theirs, side="theirs")
    source = SourceFactory(title=BREAKOUT, publisher=ATTRIBUTE, url="https://example.org/hostile")
    event = EventFactory(
        dispute=dispute, title=TITLES["event"], summary=everything, outcome=COMMENT, location=ATTRIBUTE
    )
    event.participations.create(actor=ours, role="participant")
    EventCitation.objects.create(event=event, source=source, quote=everything)
    measure = MeasureFactory(dispute=dispute, imposed_by=ours, title=TITLES["measure"], summary=everything)
    measure.applies_to.add(theirs)
    RatePeriodFactory(measure=measure, valid_from=dt.date(2025, 3, 20), valid_to=dt.date(2025, 9, 1))
    case = Case.objects.create(
        dispute=dispute, forum=CaseForum.WTO, reference="DS999", title=TITLES["case"], summary=everything,
        complainant=theirs, respondent=ours, stage=CaseStage.CONSULTATIONS_REQUESTED, initiated_on=dt.date(2025, 4, 1),
    )  # fmt: skip
    CaseCitation.objects.create(case=case, source=source, quote=BREAKOUT)
    refresh_dispute(dispute_id=dispute.pk, today=dt.date(2025, 6, 5), full=True)
    return {"dispute": dispute, "event": event, "measure": measure, "case": case, "actor": ours, "source": source}
