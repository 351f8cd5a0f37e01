from django.apps import AppConfig
from django.conf import settings


class TradeWatchConfig(AppConfig):
    """The project's wiring; on start-up, bounds every wait on PostgreSQL (tradewatch/db_timeouts.py) and checks a
    kept connection at each request's and task's start (tradewatch/db_health.py)."""

    name = "tradewatch"
    verbose_name = "TradeWatch"

    def ready(self):
        engines = {database["ENGINE"] for database in settings.DATABASES.values()}
        if "django.db.backends.postgresql" in engines:
            from celery.signals import task_prerun
            from django.core.signals import request_started

            from . import db_health, db_timeouts

            db_timeouts.install(answer_timeout=settings.DATABASE_ANSWER_TIMEOUT)
            # After Django's own receiver (connected when django.db is imported), which drops obsolete connections.
            request_started.connect(db_health.close_if_server_hung_up, dispatch_uid="tradewatch.db_health")
            task_prerun.connect(db_health.close_if_server_hung_up, dispatch_uid="tradewatch.db_health", weak=False)
