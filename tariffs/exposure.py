"""Trade covered on a day: the one rule that turns exposure figures into a total per side.

The method, as documented on the dispute page and in the API:

1. A figure counts only if it is a value of trade (exports or imports, with an amount) and covers at least
   one measure in force on the day; a figure whose measures are all suspended or ended counts for nothing.
2. Each figure counts at most once, and no product is counted twice: figures are taken from the most specific
   (fewest measures covered) to the broadest, then the most recent, preferring one year's value to a derived
   share and both to a multi-year average of the same years; a figure is skipped when one of its measures is
   already covered by a figure taken before it (so "canola products" is not added on top of canola meal and canola oil).
3. A figure that covers some measures that are not in force on the day is counted in full but marked
   ``partial``: the total then reads "up to".
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from core.formatting import plain_decimal

from .choices import ExposureBasis, TradeFlow
from .models import ExposureFigure

METHOD = _(
    "Trade covered counts each sourced trade figure at most once: only values of exports or imports covering at "
    "least one measure in force on the date; the most specific figure for each measure, then the most recent (one "
    "year's value before a derived share, both before a multi-year average of the same years); a broader figure "
    "is left out when a measure it covers is already counted. A figure that also covers measures not in force on "
    'the date is counted in full and marked partial: the total then reads "up to".'
)

BASIS_PREFERENCE = {ExposureBasis.ONE_YEAR: 0, ExposureBasis.DERIVED_SHARE: 1, ExposureBasis.MULTI_YEAR_AVERAGE: 2}


@dataclass
class CoveredFigure:
    figure: ExposureFigure
    measure_ids: frozenset[int]
    in_force_ids: frozenset[int]

    @property
    def partial(self) -> bool:
        return self.in_force_ids != self.measure_ids


@dataclass
class TradeCovered:
    figures: list[CoveredFigure] = field(default_factory=list)

    @property
    def partial(self) -> bool:
        return any(f.partial for f in self.figures)

    def totals(self) -> list[dict]:
        """Per currency: the amount (a plain decimal string) and whether it is an upper bound."""
        amounts: dict[str, Decimal] = defaultdict(Decimal)
        partial: dict[str, bool] = defaultdict(bool)
        for covered in self.figures:
            amounts[covered.figure.currency] += covered.figure.amount
            partial[covered.figure.currency] |= covered.partial
        return [{"currency": c, "amount": plain_decimal(a), "up_to": partial[c]} for c, a in sorted(amounts.items())]


def exposure_figures_with_measures(dispute) -> list[tuple[ExposureFigure, frozenset[int]]]:
    """The dispute's trade-value figures, each with every measure it covers (its ``measure`` and ``measures``)."""
    figures = list(
        ExposureFigure.objects.filter(
            dispute=dispute, amount__isnull=False, flow__in=[TradeFlow.EXPORTS, TradeFlow.IMPORTS]
        ).prefetch_related("measures")
    )
    result = []
    for figure in figures:
        ids = {m.pk for m in figure.measures.all()}
        if figure.measure_id:
            ids.add(figure.measure_id)
        if ids:
            result.append((figure, frozenset(ids)))
    return result


def trade_covered(
    figures: list[tuple[ExposureFigure, frozenset[int]]], *, in_force_ids: set[int], side_measure_ids: set[int]
) -> TradeCovered:
    """The figures counted for one side: ``side_measure_ids`` are that side's measures in force on the day,
    ``in_force_ids`` every measure in force on the day (to tell a partly covered figure)."""
    candidates = [(f, ids) for f, ids in figures if ids & side_measure_ids]
    candidates.sort(
        key=lambda c: (len(c[1]), -(c[0].year_to or c[0].year), BASIS_PREFERENCE.get(c[0].basis, 9), c[0].pk)
    )

    counted: set[int] = set()
    result = TradeCovered()
    for figure, ids in candidates:
        if ids & counted:
            continue
        counted |= ids
        result.figures.append(CoveredFigure(figure, ids, frozenset(ids & in_force_ids)))
    result.figures.sort(key=lambda c: c.figure.pk)
    return result


def covered_figure_data(covered: CoveredFigure) -> dict:
    figure = covered.figure
    return {
        "id": figure.pk,
        "reference": figure.reference,
        "description": figure.description,
        "description_fr": figure.description_fr,
        "product": figure.product,
        "flow": figure.flow,
        "year": figure.year,
        "year_to": figure.year_to,
        "period": figure.period,
        "basis": figure.basis,
        "hs_codes": figure.hs_code_list,
        "amount": plain_decimal(figure.amount),
        "currency": figure.currency,
        "measures": sorted(covered.measure_ids),
        "measures_in_force": sorted(covered.in_force_ids),
        "partial": covered.partial,
    }


def trade_covered_data(result: TradeCovered, day: dt.date) -> dict:
    """The JSON shape served by the API and stored in the summary."""
    return {
        "on": day.isoformat(),
        "totals": result.totals(),
        "partial": result.partial,
        "figures": [covered_figure_data(c) for c in result.figures],
    }
