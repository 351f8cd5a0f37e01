"""``/products/?hs=1205&on=D``: every measure touching an HS code on a day, in every dispute, whoever imposed it.

A heading matches its subheadings and the reverse: 1205 finds lines coded 1205 and 120510, and 120510 finds
lines coded 12 and 1205 too. Each measure carries its status and rate on D (``with_status_on``,
``with_rate_on``). Three queries, whatever the number of measures.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.shortcuts import render

from tariffs.models import Measure, ProductLine

from .analyst_forms import ProductsForm


def touching(hs: str) -> Q:
    """Product lines whose code is ``hs``, one of its subheadings, or one of the headings above it."""
    headings = [hs[:length] for length in range(2, len(hs))]
    return Q(hs_code__startswith=hs) | Q(hs_code__in=headings)


def measures_touching(hs: str, day: dt.date) -> list[Measure]:
    """Measures with a product line touching ``hs``, each with ``status_on_date``, ``rate_on_date`` and
    ``matching_lines`` (its lines that touch ``hs``), by dispute then announcement."""
    lines = ProductLine.objects.filter(touching(hs))
    return list(
        Measure.objects.filter(Exists(lines.filter(measure=OuterRef("pk"))))
        .with_status_on(day)
        .with_rate_on(day)
        .select_related("dispute", "imposed_by")
        .prefetch_related(
            "applies_to", Prefetch("product_lines", queryset=lines.order_by("hs_code"), to_attr="matching_lines")
        )
        .order_by("dispute__started_on", "dispute__slug", "announced_on", "id")
    )


def products(request):
    form = ProductsForm(request.GET)
    hs, day = form.hs_code(), form.day()
    context = {"form": form, "hs": hs, "day": day, "measures": measures_touching(hs, day) if hs else None}
    return render(request, "pages/products.html", context)
