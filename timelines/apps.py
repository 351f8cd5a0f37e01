from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TimelinesConfig(AppConfig):
    name = "timelines"
    verbose_name = _("Timelines")

    def ready(self):
        from . import signals  # noqa: F401  (connects the refresh-on-commit receivers)
