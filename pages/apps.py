from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    """The analysts' pages: the top layer, reading disputes, tariffs and timelines."""

    name = "pages"
    verbose_name = _("Pages")
