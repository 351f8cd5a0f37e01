"""Helpers of the fast list rows (rows built straight from ``values()`` queries) that know no domain."""

from collections import defaultdict


def base_url(request) -> str:
    """The scheme and host the request came to ("https://tradewatch.example"), empty without a request."""
    return request.build_absolute_uri("/")[:-1] if request is not None else ""


def grouped(queryset, key: str, columns: tuple[str, ...], build) -> dict:
    """``build(row)`` for each row of ``queryset``, grouped by its ``key`` column, in query order."""
    groups = defaultdict(list)
    for row in queryset.values_list(key, *columns):
        groups[row[0]].append(build(row[1:]))
    return groups
