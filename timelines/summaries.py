"""Build a dispute's summary: what is in force per side on a day, counts, series and a paragraph.

The paragraph is written from the same data dict the API serves, so its numbers are the data's.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count
from django.utils import translation

from core.dates import DATE_MIN
from core.formatting import plain_decimal
from disputes.selectors import dispute_sides, side_of_country
from tariffs.choices import MeasureType, RateKind, RateState
from tariffs.exposure import METHOD, exposure_figures_with_measures, trade_covered, trade_covered_data
from tariffs.models import Measure, RatePeriod

from .models import TimelineEntry
from .state_of_play import latest_diplomacy, next_changes, open_cases

LATEST = 5
EXAMPLES = 3
GLANCE_MEASURES = 4  # the measures in force the dispute page names per side (the rest are counted)


def _in_english(text) -> str:
    """The read model's texts are stored in English, whatever language the request that built it."""
    with translation.override("en"):
        return str(text)


def build_summary(dispute, today: dt.date) -> dict:
    """The summary data of ``dispute`` as of ``today`` (JSON-ready)."""
    sides = dispute_sides(dispute)
    in_force = list(
        Measure.objects.filter(dispute=dispute)
        .in_force(on=today)
        .with_rate_on(today)
        .order_by("id")
        .values(
            "id",
            "reference",
            "title",
            "title_fr",
            "type",
            "product_description",
            "product_description_fr",
            "imposed_by__country",
            "rate_on_date",
        )
    )
    ids = [m["id"] for m in in_force]
    targets: dict[int, set[str]] = defaultdict(set)
    for row in Measure.applies_to.through.objects.filter(measure_id__in=ids).values("measure_id", "actor__country"):
        targets[row["measure_id"]].add(side_of_country(sides, row["actor__country"]))
    rate_kind = dict(RatePeriod.objects.filter(measure_id__in=ids).in_force_on(today).values_list("measure_id", "kind"))
    figures = exposure_figures_with_measures(dispute)

    by_side = []
    for side in sides:
        measures = [m for m in in_force if side_of_country(sides, m["imposed_by__country"]) == side.slug]
        against = sorted({t for m in measures for t in targets[m["id"]]} - {"", side.slug})
        covered = trade_covered(figures, in_force_ids=set(ids), side_measure_ids={m["id"] for m in measures})
        by_side.append(
            {
                "side": side.slug,
                "name": side.name,
                "name_fr": side.name_fr,
                "against": against,
                "measures_in_force": [
                    {
                        "id": m["id"],
                        "reference": m["reference"],
                        "title": m["title"],
                        "title_fr": m["title_fr"],
                        "type": m["type"],
                        "product_description": m["product_description"],
                        "product_description_fr": m["product_description_fr"],
                        "rate_percent": plain_decimal(m["rate_on_date"]),
                        "rate_kind": rate_kind.get(m["id"], ""),
                    }
                    for m in measures
                ],
                "count": len(measures),
                "trade_value": [{"currency": t["currency"], "amount": t["amount"]} for t in covered.totals()],
                "trade_covered": trade_covered_data(covered, today),
            }
        )

    counts_by_kind = dict(
        TimelineEntry.objects.filter(dispute=dispute).values_list("kind").annotate(n=Count("id")).order_by("kind")
    )
    latest = TimelineEntry.objects.filter(dispute=dispute, date__lte=today).order_by(
        "-date", "-record_type", "-record_id", "-key"
    )[:LATEST]
    upcoming = TimelineEntry.objects.filter(dispute=dispute, date__gt=today).order_by(
        "date", "record_type", "record_id", "key"
    )[:LATEST]
    data = {
        "as_of": today.isoformat(),
        "sides": by_side,
        "counts_by_kind": counts_by_kind,
        "counts": {
            "events": TimelineEntry.objects.filter(dispute=dispute, record_type="event").count(),
            "measures": Measure.objects.filter(dispute=dispute).count(),
            "cases": dispute.cases.count(),
            "measures_in_force": len(in_force),
        },
        "latest": [_entry_brief(e) for e in latest],
        "upcoming": [_entry_brief(e) for e in upcoming],
        **_series(monthly_series(dispute, sides, today)),
        "open_cases": open_cases(dispute, today),
        "latest_diplomacy": latest_diplomacy(dispute, today),
        "next_changes": next_changes(dispute, today),
        "trade_covered_method": _in_english(METHOD),
    }
    with translation.override("en"):
        data["text_en"] = summary_text_en(data, names={s.slug: s.name for s in sides}, today=today)
    data["text_fr"] = summary_text_fr(data, names=french_side_names(sides), today=today)
    return data


def _series(series: dict) -> dict:
    return {"series": series["rows"], "series_currency": series["currency"]}


def glance_of(data: dict) -> dict:
    """``data`` as the dispute page reads it: each side's measures in force cut to the first
    ``GLANCE_MEASURES`` (their number stays in the side's ``count``); everything else as it is."""
    sides = [
        side | {"measures_in_force": side.get("measures_in_force", [])[:GLANCE_MEASURES]}
        for side in data.get("sides", [])
    ]
    return data | {"sides": sides}


def _entry_brief(entry: TimelineEntry) -> dict:
    return {
        "date": entry.date.isoformat(),
        "date_precision": entry.date_precision,
        "kind": entry.kind,
        "side": entry.side,
        "title": entry.title,
        "title_fr": entry.title_fr,
        "record_type": entry.record_type,
        "record_id": entry.record_id,
    }


def monthly_series(dispute, sides, today: dt.date) -> dict:
    """Per side, at the end of each month (or on ``today`` for the current month): the measures in force and
    the trade they cover (tariffs.exposure, in the currency most figures use; no figures, no trade)."""
    periods = list(
        RatePeriod.objects.filter(measure__dispute=dispute, state=RateState.IN_FORCE).values_list(
            "measure_id", "valid_from", "valid_to", "measure__imposed_by__country"
        )
    )
    # A date stored before the range was enforced must not make the series centuries long.
    start = max(min([dispute.started_on, *(p[1] for p in periods)]), DATE_MIN)
    months = []
    first = start.replace(day=1)
    while first <= today:
        last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
        months.append(min(last, today))
        if last == dt.date.max:
            break
        first = last + dt.timedelta(days=1)
    side_of = {country: side_of_country(sides, country) for *_, country in periods}
    figures = exposure_figures_with_measures(dispute) if months else []
    currency = _most_used_currency(figures)
    rows = []
    known: dict[tuple, str] = {}  # the months between two changes have the same trade covered
    for day in months:
        active: dict[str, set[int]] = {side.slug: set() for side in sides}
        for measure_id, valid_from, valid_to, country in periods:
            side = side_of[country]
            if side and valid_from <= day and (valid_to is None or day <= valid_to):
                active[side].add(measure_id)
        row = {"month": day.strftime("%Y-%m"), **{side: len(ids) for side, ids in active.items()}}
        if currency:
            in_force = frozenset().union(*active.values())
            trade = {}
            for side, ids in active.items():
                if (in_force, side) not in known:
                    result = trade_covered(figures, in_force_ids=set(in_force), side_measure_ids=ids)
                    amount = sum(
                        (c.figure.amount for c in result.figures if c.figure.currency == currency), start=Decimal(0)
                    )
                    known[(in_force, side)] = plain_decimal(amount)
                trade[side] = known[(in_force, side)]
            row["trade"] = trade
        rows.append(row)
    return {"rows": rows, "currency": currency}


def _most_used_currency(figures) -> str | None:
    counts: dict[str, int] = defaultdict(int)
    for figure, _ids in figures:
        counts[figure.currency] += 1
    return sorted(counts.items(), key=lambda c: (-c[1], c[0]))[0][0] if counts else None


def _long_date(day: dt.date) -> str:
    months = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December"]  # fmt: skip
    return f"{day.day} {months[day.month - 1]} {day.year}"


def _product(measure: dict) -> str:
    """A short name for the products: the description up to its first aside, within about 60 characters."""
    text = re.sub(r"\s*\([^)]*\)", "", measure["product_description"] or measure["title"])
    for mark in (":", ";", " — "):
        text = text.split(mark)[0]
    if len(text) > 60:
        text = text[:60].rsplit(" ", 1)[0] + "…"
    return text[0].lower() + text[1:] if text[:2] != text[:2].upper() else text


def _example(measure: dict) -> str:
    product = _product(measure)
    if measure["rate_percent"] is not None:
        if measure.get("rate_kind") == RateKind.OVER_QUOTA:
            return f"{measure['rate_percent']}% above quota on {product}"
        return f"{measure['rate_percent']}% on {product}"
    return f"{MeasureType(measure['type']).label.lower()} on {product}"


def _money(currency: str, amount: str) -> str:
    value = Decimal(amount)
    for size, suffix in ((Decimal(10) ** 9, "B"), (Decimal(10) ** 6, "M")):
        if value >= size:
            return f"{currency} {plain_decimal((value / size).quantize(Decimal('0.1')))}{suffix}"
    return f"{currency} {plain_decimal(value)}"


def _end(sentence: str) -> str:
    """Close a sentence, without a full stop after an ellipsis."""
    return sentence if sentence.endswith("…") else sentence + "."


def _highest_rates_first(side: dict) -> list[dict]:
    return sorted(
        side["measures_in_force"],
        key=lambda m: (-(Decimal(m["rate_percent"]) if m["rate_percent"] else Decimal(-1)), m["title"]),
    )


def _listing(named: list[str], count: int, *, including: str, more: str, colon: str, conjunction: str) -> str:
    """ ", including a, b, c and 2 more" when some are left out, else ": a, b and c"."""
    if count > len(named):
        return f"{including} {', '.join(named)}{conjunction}{count - len(named)} {more}"
    return colon + ", ".join(named[:-1]) + (conjunction if len(named) > 1 else "") + named[-1]


def summary_text_en(data: dict, *, names: dict[str, str], today: dt.date) -> str:
    """A short English paragraph written from ``data`` alone."""
    sentences = []
    for side in data["sides"]:
        count = side["count"]
        if not count:
            continue
        against = " and ".join(names.get(s, s) for s in side["against"]) or "the other side"
        noun = "measure" if count == 1 else "measures"
        named = [_example(m) for m in _highest_rates_first(side)[:EXAMPLES]]
        listed = _listing(named, count, including=", including", more="more", colon=": ", conjunction=" and ")
        sentence = _end(f"{side['name']} has {count} {noun} in force against {against}{listed}")
        totals = side.get("trade_covered", {}).get("totals", [])
        if totals:
            covered = " and ".join(
                ("up to " if v["up_to"] else "") + _money(v["currency"], v["amount"]) for v in totals
            )
            sentence += f" Where figures are known, they cover trade worth {covered} a year."
        sentences.append(sentence)
    if not sentences:
        return f"As of {_long_date(today)}, no measures are in force."
    return f"As of {_long_date(today)}, " + " ".join(sentences)


FRENCH_MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
                 "novembre", "décembre"]  # fmt: skip


def _money_fr(currency: str, amount: str) -> str:
    value = Decimal(amount)
    for size, word in ((Decimal(10) ** 9, "milliards"), (Decimal(10) ** 6, "millions")):
        if value >= size:
            short = plain_decimal((value / size).quantize(Decimal("0.1")))
            return f"{_french_number(short)} {word} {currency}"
    return f"{_french_number(plain_decimal(value))} {currency}"


def _french_number(text: str) -> str:
    return text.replace(".", ",")


# The French names of the products, keyed by the short English name the summary derives from the description.
FRENCH_PRODUCTS = {
    "canola seed from Richardson International and Viterra": "les graines de canola de Richardson International "
    "et de Viterra",
    "canola seed": "les graines de canola",
    "rapeseed from Canada": "les graines de canola (colza) du Canada",
    "rapeseed": "les graines de canola (colza)",
    "rapeseed oil": "l'huile de canola",
    "rapeseed oil cakes and meal": "les tourteaux de canola",
    "canola oil": "l'huile de canola",
    "canola meal": "les tourteaux de canola",
    "peas": "les pois",
    "pork": "le porc",
    "beef": "le bœuf",
    "aquatic products other than lobsters and crabs": "les produits aquatiques autres que les homards et les crabes",
    "aquatic products": "les produits aquatiques",
    "lobsters and crabs": "les homards et les crabes",
    "electric and certain hybrid passenger cars, trucks, buses…": "les voitures, camions et autobus électriques et "
    "certains hybrides",
    "electric vehicles": "les véhicules électriques",
    "chinese-made electric vehicles, up to 49,000 a year": "les véhicules électriques fabriqués en Chine, "
    "jusqu'à 49\u00a0000 par an",
    "steel products listed in Schedule 2 of the China Surtax…": "les produits d'acier de l'annexe 2 du décret de "
    "surtaxe sur la Chine",
    "aluminium products listed in Schedule 2 of the China Surtax…": "les produits d'aluminium de l'annexe 2 du décret "
    "de surtaxe sur la Chine",
    "batteries and battery parts": "les batteries et leurs pièces",
    "semiconductors": "les semi-conducteurs",
    "solar products": "les produits solaires",
    "critical minerals and related products, including natural…": "les minéraux critiques et produits connexes",
    "halogenated butyl rubber": "le caoutchouc butyle halogéné",
    "steel goods": "les marchandises en acier",
    "steel goods containing steel melted and poured in China": "les marchandises contenant de l'acier fondu et coulé "
    "en Chine",
    "aluminium goods containing aluminium smelted and cast in…": "les marchandises contenant de l'aluminium fondu et "
    "coulé en Chine",
}


def _product_fr(measure: dict) -> str:
    """The products in French; never the English description (a reference to the measure when no name is known)."""
    english = _product(measure)
    return (
        FRENCH_PRODUCTS.get(english)
        or FRENCH_PRODUCTS.get(english.lower())
        or (f"les produits de la mesure {measure['reference']}" if measure.get("reference") else "les produits visés")
    )


def _example_fr(measure: dict) -> str:
    product = _product_fr(measure)
    if measure["rate_percent"] is not None:
        rate = f"{_french_number(measure['rate_percent'])}\u00a0%"
        if measure.get("rate_kind") == RateKind.OVER_QUOTA:
            return f"{rate} hors contingent sur {product}"
        return f"{rate} sur {product}"
    with translation.override("fr"):
        return f"{str(MeasureType(measure['type']).label).lower()} sur {product}"


def summary_text_fr(data: dict, *, names: dict[str, str], today: dt.date) -> str:
    """The same paragraph in French, written from the same ``data``, product names included."""
    day = f"{'1er' if today.day == 1 else today.day} {FRENCH_MONTHS[today.month - 1]} {today.year}"
    parts = []
    for side in data["sides"]:
        count = side["count"]
        if not count:
            continue
        against = " et ".join(french_with_article(names.get(s, s)) for s in side["against"]) or "l'autre partie"
        noun = "mesure" if count == 1 else "mesures"
        named = [_example_fr(m) for m in _highest_rates_first(side)[:EXAMPLES]]
        more = "autre" if count - len(named) == 1 else "autres"
        listed = _listing(named, count, including=", dont", more=more, colon="\u00a0: ", conjunction=" et ")
        sentence = _end(
            f"{names.get(side['side'], side['name'])}\u00a0: {count} {noun} en vigueur contre {against}{listed}"
        )
        totals = side.get("trade_covered", {}).get("totals", [])
        if totals:
            covered = " et ".join(
                ("d'au plus " if v["up_to"] else "de ") + _money_fr(v["currency"], v["amount"]) for v in totals
            )
            sentence += f" Là où les chiffres sont connus, elles visent des échanges {covered} par an."
        parts.append(sentence)
    if not parts:
        return f"Au {day}, aucune mesure n'est en vigueur."
    return f"Au {day} — " + " ".join(parts)


def french_side_names(sides) -> dict[str, str]:
    """Each side's name in French, from the country of its principal state (e.g. Chine)."""
    from django_countries import countries

    names = {}
    with translation.override("fr"):
        for side in sides:
            code = sorted(side.countries)[0] if side.countries else ""
            names[side.slug] = str(dict(countries).get(code, side.name)) if code else side.name
    return names


# French country names that take "le", "les" or no elision despite their ending.
_MASCULINE = {"Mexique", "Cambodge", "Mozambique", "Zimbabwe", "Belize", "Suriname"}


def french_with_article(name: str) -> str:
    """ "la Chine", "le Canada", "l'Inde", "les États-Unis": the article a French sentence needs."""
    if not name:
        return name
    if name.startswith(("États", "Pays", "Émirats", "Philippines", "Comores", "Maldives", "Seychelles")):
        return f"les {name}"
    if name[0] in "AEIOUÉÈÊÂÎÔÛaeiouéèêâîôû":
        return f"l'{name}"
    if name.split()[0].endswith("e") and name not in _MASCULINE:
        return f"la {name}"
    return f"le {name}"
