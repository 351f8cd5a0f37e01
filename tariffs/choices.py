"""Enumerations of the tariffs app: stable lowercase codes with translated labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MeasureType(models.TextChoices):
    SURTAX = "surtax", _("Surtax")
    TARIFF = "tariff", _("Tariff")
    ANTI_DUMPING = "anti_dumping", _("Anti-dumping duty")
    COUNTERVAILING = "countervailing", _("Countervailing duty")
    SAFEGUARD = "safeguard", _("Safeguard")
    TARIFF_RATE_QUOTA = "tariff_rate_quota", _("Tariff-rate quota")
    IMPORT_SUSPENSION = "import_suspension", _("Import suspension")
    EXPORT_CONTROL = "export_control", _("Export control")
    INVESTIGATION = "investigation", _("Investigation")
    SANITARY = "sanitary", _("Sanitary or phytosanitary measure")
    OTHER = "other", _("Other")


class MeasureStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed, not imposed")
    ANNOUNCED = "announced", _("Announced")
    IN_FORCE = "in_force", _("In force")
    SUSPENDED = "suspended", _("Suspended")
    ENDED = "ended", _("Ended")


class RateKind(models.TextChoices):
    STANDARD = "standard", _("Standard")
    PROVISIONAL_DEPOSIT = "provisional_deposit", _("Provisional deposit")
    DEFINITIVE = "definitive", _("Definitive")
    IN_QUOTA = "in_quota", _("In quota")
    OVER_QUOTA = "over_quota", _("Over quota")


class RateState(models.TextChoices):
    IN_FORCE = "in_force", _("In force")
    SUSPENDED = "suspended", _("Suspended")


class StackedOn(models.TextChoices):
    """What a rate is added to, as the sources say ("" when they do not say)."""

    NOT_STATED = "", _("Not stated")
    MFN = "mfn", _("The MFN (most-favoured-nation) tariff")
    MEASURE = "measure", _("Another measure")


class ExemptionKind(models.TextChoices):
    TRADE_AGREEMENT = "trade_agreement", _("Goods qualifying under a trade agreement")
    CUSMA_COMPLIANT = "cusma_compliant", _("CUSMA/USMCA-compliant goods")
    IN_TRANSIT = "in_transit", _("Goods in transit")
    REMISSION = "remission", _("Remission or refund")
    REMISSION_ORDER = "remission_order", _("Remission order")
    QUOTA = "quota", _("Within a quota")
    PRODUCT = "product", _("Excluded product")
    OTHER = "other", _("Other")


class HsCodeBasis(models.TextChoices):
    OFFICIAL = "official", _("Official (from the legal text)")
    INFERRED = "inferred", _("Inferred from product names")


class LinkType(models.TextChoices):
    RETALIATES_AGAINST = "retaliates_against", _("Retaliates against")
    RESPONDS_TO = "responds_to", _("Responds to")
    INVESTIGATES = "investigates", _("Investigates")
    AMENDS = "amends", _("Amends")
    SUPERSEDES = "supersedes", _("Supersedes")
    SUSPENDS = "suspends", _("Suspends")
    IMPLEMENTS = "implements", _("Implements")


class TradeFlow(models.TextChoices):
    EXPORTS = "exports", _("Exports")
    IMPORTS = "imports", _("Imports")
    TOTAL_TRADE = "total_trade", _("Total trade")
    REVENUE = "revenue", _("Revenue or receipts")
    OTHER = "other", _("Other")


class ExposureBasis(models.TextChoices):
    ONE_YEAR = "one_year", _("One year's value")
    MULTI_YEAR_AVERAGE = "multi_year_average", _("Multi-year average")
    DERIVED_SHARE = "derived_share", _("Derived share of a larger figure")
