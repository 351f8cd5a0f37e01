"""Health endpoints for load balancers and orchestrators.

``/healthz``: the process answers. ``/readyz``: the database and the broker are reachable (503 with
a JSON body naming what is down), within about a second per check even when a server is frozen.
Neither touches the session, the cache or the templates.
"""

import logging

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .db_timeouts import bounded_waits

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


# Each check answers within this many seconds, so /readyz answers before a balancer gives up on it.
CHECK_TIMEOUT = 1.0


def database_is_up() -> bool:
    try:
        if connection.vendor == "postgresql":
            # A fresh connection: the persistent one may be stuck on a frozen server.
            with bounded_waits(CHECK_TIMEOUT):
                probe = connection.Database.connect(**connection.get_connection_params())
                try:
                    with probe.cursor() as cursor:
                        cursor.execute("SELECT 1")
                finally:
                    probe.close()
        else:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        return True
    except Exception:
        logger.warning("readiness: the database is not reachable", exc_info=True)
        return False


def broker_is_up() -> bool:
    """True when the configured broker answers; with no broker (tasks run in-process) there is none to reach."""
    if not settings.CELERY_BROKER_URL:
        return True
    import redis

    try:
        client = redis.Redis.from_url(
            settings.CELERY_BROKER_URL, socket_connect_timeout=CHECK_TIMEOUT, socket_timeout=CHECK_TIMEOUT
        )
        return bool(client.ping())
    except Exception:
        logger.warning("readiness: the broker is not reachable", exc_info=True)
        return False


@never_cache
@require_GET
def readyz(request):
    checks = {"database": database_is_up(), "broker": broker_is_up()}
    down = sorted(name for name, up in checks.items() if not up)
    body = {
        "status": "ok" if not down else "unavailable",
        "checks": {k: "up" if v else "down" for k, v in checks.items()},
    }
    if down:
        body["down"] = down
    return JsonResponse(body, status=503 if down else 200)
