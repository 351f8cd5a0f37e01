"""Limit/offset pagination with the contract's bounds: limit defaults to 50, at most 500."""

from django.conf import settings
from django.utils.translation import gettext
from rest_framework import pagination
from rest_framework.exceptions import ValidationError


class LimitOffsetPagination(pagination.LimitOffsetPagination):
    default_limit = 50
    max_limit = settings.API_MAX_LIMIT
    max_offset = 10**9  # beyond any real list, and within the database's integer range
    #: Set for a search's list (``core.search.newest_matches``): whether more records match than it holds.
    more_matches: bool | None = None

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        if self.more_matches is not None:
            body = {"count": response.data.pop("count"), "more_matches": self.more_matches}
            if self.more_matches:
                body["note"] = gettext(
                    "More records match than this list holds: it holds the %(limit)d newest matches, ranked. "
                    "A date window or another filter reaches the older ones."
                ) % {"limit": settings.SEARCH_MATCH_LIMIT}
            response.data = {**body, **response.data}
            response["X-More-Matches"] = "true" if self.more_matches else "false"  # a CSV page says it too
        return response

    def get_paginated_response_schema(self, schema):
        described = super().get_paginated_response_schema(schema)
        properties = described["properties"]
        properties["count"] = {
            **properties["count"],
            "description": "How many records the list holds. A search (`q`) holds at most "
            f"{settings.SEARCH_MATCH_LIMIT} matches, the newest.",
        }
        properties["more_matches"] = {
            "type": "boolean",
            "description": "Searches (`q`) only: whether more records match than the list holds. Narrow the "
            "search (a date window, another filter) to reach the older ones.",
        }
        properties["note"] = {"type": "string", "description": "Why the list holds fewer records than match."}
        return described

    def get_limit(self, request):
        raw = request.query_params.get(self.limit_query_param)
        if raw is None or raw == "":
            return self.default_limit
        return self._bounded(raw, self.limit_query_param, low=1, high=self.max_limit)

    def get_offset(self, request):
        raw = request.query_params.get(self.offset_query_param)
        if raw is None or raw == "":
            return 0
        return self._bounded(raw, self.offset_query_param, low=0, high=self.max_offset)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        bounds = {self.limit_query_param: (1, self.max_limit), self.offset_query_param: (0, self.max_offset)}
        for parameter in parameters:
            low, high = bounds[parameter["name"]]
            parameter["schema"] = {**parameter["schema"], "minimum": low, "maximum": high}
        return parameters

    @staticmethod
    def _bounded(raw: str, name: str, *, low: int, high: int | None) -> int:
        try:
            value = int(raw)
        except ValueError:
            raise ValidationError({name: [f"A whole number is required, not {raw!r}."]}) from None
        if value < low or (high is not None and value > high):
            bound = f"between {low} and {high}" if high is not None else f"at least {low}"
            raise ValidationError({name: [f"Must be {bound}."]})
        return value
