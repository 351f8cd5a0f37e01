"""Content negotiation that names the ``format`` parameter when it asks for a format we do not have."""

from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation


class ContentNegotiation(DefaultContentNegotiation):
    """DRF's negotiation, but ``?format=xml`` is a 400 listing the formats (DRF answers a bare 404)."""

    def filter_renderers(self, renderers, format):
        matching = [renderer for renderer in renderers if renderer.format == format]
        if not matching:
            choices = ", ".join(dict.fromkeys(renderer.format for renderer in renderers))
            raise ValidationError(
                {self.settings.URL_FORMAT_OVERRIDE: [f"Unknown format “{format[:40]}”: choose one of {choices}."]},
                code="invalid_choice",
            )
        return matching
