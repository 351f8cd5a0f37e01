"""Enumerations of the disputes app: stable lowercase codes with translated labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ActorKind(models.TextChoices):
    STATE = "state", _("State")
    GOVERNMENT_BODY = "government_body", _("Government body")
    OFFICIAL = "official", _("Official")
    ORGANISATION = "organisation", _("International organisation")
    COMPANY = "company", _("Company")
    ASSOCIATION = "association", _("Industry association")
    SUBNATIONAL = "subnational", _("Subnational government")


class DisputeStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    DE_ESCALATING = "de_escalating", _("De-escalating")
    RESOLVED = "resolved", _("Resolved")
    DORMANT = "dormant", _("Dormant")


class PartyRole(models.TextChoices):
    PRINCIPAL = "principal", _("Principal party")
    ALLY = "ally", _("Ally")
    THIRD_PARTY = "third_party", _("Third party")


class CaseForum(models.TextChoices):
    WTO = "wto", _("WTO dispute settlement")
    TRADE_REMEDY = "trade_remedy", _("Domestic trade-remedy investigation")
    DOMESTIC_INVESTIGATION = "domestic_investigation", _("Other domestic investigation")
    COURT = "court", _("Court")
    OTHER = "other", _("Other")


class CaseStage(models.TextChoices):
    INITIATED = "initiated", _("Investigation initiated")
    CONSULTATIONS_REQUESTED = "consultations_requested", _("Consultations requested")
    CONSULTATIONS_HELD = "consultations_held", _("Consultations held")
    PANEL_REQUESTED = "panel_requested", _("Panel requested")
    PANEL_ESTABLISHED = "panel_established", _("Panel established")
    PANEL_COMPOSED = "panel_composed", _("Panel composed")
    PRELIMINARY_DETERMINATION = "preliminary_determination", _("Preliminary determination")
    EXTENDED = "extended", _("Deadline extended")
    FINAL_DETERMINATION = "final_determination", _("Final determination")
    SUSPENDED = "suspended", _("Suspended")
    REPORT_CIRCULATED = "report_circulated", _("Report circulated")
    APPEALED = "appealed", _("Appealed")
    ADOPTED = "adopted", _("Adopted")
    LAPSED = "lapsed", _("Lapsed")
    SETTLED = "settled", _("Settled")


class DatePrecision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")


class EventKind(models.TextChoices):
    LEADER_CALL = "leader_call", _("Leaders' call")
    LEADER_MEETING = "leader_meeting", _("Leaders' meeting")
    MINISTERIAL_MEETING = "ministerial_meeting", _("Ministerial meeting")
    OFFICIALS_MEETING = "officials_meeting", _("Officials' meeting")
    COMMISSION_MEETING = "commission_meeting", _("Commission meeting")
    ANNOUNCEMENT = "announcement", _("Announcement")
    LEGAL_INSTRUMENT = "legal_instrument", _("Legal instrument")
    MEASURE_IN_FORCE = "measure_in_force", _("Measure takes effect")
    WTO_STEP = "wto_step", _("WTO step")
    TRADE_REMEDY_STEP = "trade_remedy_step", _("Trade-remedy step")
    STATEMENT = "statement", _("Statement")
    VISIT = "visit", _("Visit or mission")
    APPOINTMENT = "appointment", _("Appointment or credentials")
    DETENTION_OR_COURT = "detention_or_court", _("Detention or court")
    CORPORATE = "corporate", _("Corporate move")
    MARKET_MOVE = "market_move", _("Market move")
    OTHER = "other", _("Other")


class EventLevel(models.TextChoices):
    LEADER = "leader", _("Leader")
    MINISTER = "minister", _("Minister")
    DEPUTY = "deputy", _("Deputy or vice minister")
    OFFICIAL = "official", _("Official")
    AMBASSADOR = "ambassador", _("Ambassador")
    SUBNATIONAL = "subnational", _("Subnational leader")


class ParticipantRole(models.TextChoices):
    PARTICIPANT = "participant", _("Participant")
    HOST = "host", _("Host")
    CO_CHAIR = "co_chair", _("Co-chair")
    ANNOUNCER = "announcer", _("Announcer")
    SUBJECT = "subject", _("Subject")


class Confidence(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class SourceKind(models.TextChoices):
    OFFICIAL = "official", _("Official document")
    NEWS = "news", _("News report")
    ANALYSIS = "analysis", _("Analysis")
    DATA = "data", _("Data release")
    REFERENCE = "reference", _("Reference work")
