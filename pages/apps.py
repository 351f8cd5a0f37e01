from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    """The analysts' pages: the top layer, reading disputes, tariffs and timelines."""

    name = "pages"
    verbose_name = _("Pages")

    def ready(self):
        from timelines.signals import dispute_refreshed

        from .dispute_page import warm

        dispute_refreshed.connect(warm, dispatch_uid="pages.dispute_page.warm")
