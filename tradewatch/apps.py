from django.apps import AppConfig
from django.conf import settings


class TradeWatchConfig(AppConfig):
    """The project's wiring; on start-up, bounds every wait on PostgreSQL (tradewatch/db_timeouts.py)."""

    name = "tradewatch"
    verbose_name = "TradeWatch"

    def ready(self):
        engines = {database["ENGINE"] for database in settings.DATABASES.values()}
        if "django.db.backends.postgresql" in engines:
            from . import db_timeouts

            db_timeouts.install(answer_timeout=settings.DATABASE_ANSWER_TIMEOUT)
