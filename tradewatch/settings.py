"""TradeWatch settings: every value that varies between machines comes from the environment.

With no environment at all the app runs embedded: SQLite in the project folder and Celery tasks
run in-process. ``DATABASE_URL`` and ``CELERY_BROKER_URL`` switch to PostgreSQL and Redis.
Malformed values fail at start-up rather than at the first request.
"""

import datetime
import re
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env is a convenience for development; real deployments set the environment.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def env_bool(name: str, default: bool) -> bool:
    """A boolean variable; anything but a clear yes or no stops the app."""
    raw = env.str(name, default="").strip().lower()
    if raw == "":
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_rate(name: str, default: str) -> str | None:
    """A throttle rate such as ``300/minute``; ``off`` turns the throttle off (None)."""
    raw = env.str(name, default=default).strip().lower()
    if raw == "off":
        return None
    if not re.fullmatch(r"[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)", raw):
        raise ImproperlyConfigured(f"{name} must be a rate such as 300/minute, or off; not {raw!r}.")
    return raw


DEBUG = env_bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is false.")
    # A fixed key only in debug mode (refused above in production).
    SECRET_KEY = "insecure-development-key-only-for-debug-mode"  # noqa: S105  # nosec B105

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_countries",
    "django_filters",
    "corsheaders",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "drf_standardized_errors",
    "simple_history",
    "import_export",
    "axes",
    "disputes",
    "tariffs",
    "timelines",
    "exchange",
    "pages",
    "tradewatch",  # wiring: bounds every wait on PostgreSQL at start-up (tradewatch/apps.py)
    "django_htmx",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "tradewatch.db_errors.DatabaseUnavailableMiddleware",  # a database outage answers 503, not 500
    "tradewatch.response_cache.ResponseCacheMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "core.api.language.QueryLanguageMiddleware",  # ?lang= on the API, checked against LANGUAGES
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "core.change_sets.ChangeSetMiddleware",  # one change set per request: its writes are one revision
    "django_htmx.middleware.HtmxMiddleware",
    # Last: turns a sign-in refused for too many failures into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tradewatch.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pages.context_processors.language_alternates",
            ],
        },
    },
]

WSGI_APPLICATION = "tradewatch.wsgi.application"

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
_db = DATABASES["default"]
DATABASE_CONNECT_TIMEOUT = env.int("DATABASE_CONNECT_TIMEOUT", default=2)
DATABASE_STATEMENT_TIMEOUT = env.int("DATABASE_STATEMENT_TIMEOUT", default=30)
DATABASE_ANSWER_TIMEOUT = env.float("DATABASE_ANSWER_TIMEOUT", default=2.0)
if DATABASE_CONNECT_TIMEOUT < 1:
    raise ImproperlyConfigured("DATABASE_CONNECT_TIMEOUT must be a number of seconds, 1 or more.")
if DATABASE_STATEMENT_TIMEOUT < 0:
    raise ImproperlyConfigured("DATABASE_STATEMENT_TIMEOUT must be a number of seconds, or 0 for none.")
if DATABASE_ANSWER_TIMEOUT <= 0:
    raise ImproperlyConfigured("DATABASE_ANSWER_TIMEOUT must be a number of seconds above 0.")
if _db["ENGINE"] not in ("django.db.backends.sqlite3", "django.db.backends.postgresql"):
    raise ImproperlyConfigured(f"DATABASE_URL must point to PostgreSQL or SQLite, not {_db['ENGINE']!r}.")
if _db["ENGINE"] == "django.db.backends.postgresql":
    _db["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    # A kept connection is checked at each request's start without a round trip (tradewatch/db_health.py), not by
    # Django's SELECT 1.
    _db["CONN_HEALTH_CHECKS"] = False
    # A down or frozen server fails a request within seconds instead of holding it until gunicorn
    # kills the worker: bounded connecting, statements the server cancels, keepalives and
    # tcp_user_timeout for a host that vanished; for a server that accepts TCP but never answers,
    # only the client can decide (tradewatch/db_timeouts.py). DATABASE_URL's own parameters win.
    _db["OPTIONS"] = {
        "connect_timeout": DATABASE_CONNECT_TIMEOUT,
        **({"options": f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT}s"} if DATABASE_STATEMENT_TIMEOUT else {}),
        "keepalives": 1,
        "keepalives_idle": 30,
        "keepalives_interval": 10,
        "keepalives_count": 3,
        "tcp_user_timeout": 30_000,
        **_db.get("OPTIONS", {}),
    }
    # Test runs use their own database next to the configured one.
    _db.setdefault("TEST", {})["NAME"] = env.str("DATABASE_TEST_NAME", default="test_tradewatch")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Sign-in lockout (django-axes): wrong passwords lock that username from that address -----
# By username and address together, so a stranger cannot lock an editor out from elsewhere.
# `python manage.py axes_reset` (or axes_reset_username USERNAME) lifts lockouts at once.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out sign-in before any password check
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
if AXES_FAILURE_LIMIT < 1:
    raise ImproperlyConfigured("LOGIN_FAILURE_LIMIT must be a number of failed sign-ins, 1 or more.")
LOGIN_LOCKOUT_MINUTES = env.int("LOGIN_LOCKOUT_MINUTES", default=15)
if LOGIN_LOCKOUT_MINUTES < 1:
    raise ImproperlyConfigured("LOGIN_LOCKOUT_MINUTES must be a number of minutes, 1 or more.")
AXES_COOLOFF_TIME = datetime.timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.client_address.client_address"
AXES_LOCKOUT_CALLABLE = "tradewatch.login_lockout.lockout_response"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalisation (Canada's official languages) ------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français")]
# The official names of the languages, shown in the switcher in their own language.
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "DJANGO_STATICFILES_STORAGE",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# In development, whitenoise serves straight from the app folders (no collectstatic needed).
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# --- Security (production values come with DJANGO_DEBUG=false) ------------------------------
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Proxies in front of the app that append the client's address to X-Forwarded-For (0: none, the
# connection's address is the client). Throttles and the login lockout count on that address
# (core/client_address.py); a header the client wrote is never trusted.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 (no proxy) or the number of proxies in front of the app.")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG

# --- REST framework -------------------------------------------------------------------------
API_MAX_LIMIT = 500
# A search lists (counts, ranks, pages through) at most this many matches, the newest; past it the answer says
# that more records match (core/search.py: exact counts of a word found in most records cost a whole read).
SEARCH_MATCH_LIMIT = env.int("SEARCH_MATCH_LIMIT", default=1000)
if SEARCH_MATCH_LIMIT < 1:
    raise ImproperlyConfigured("SEARCH_MATCH_LIMIT must be at least 1.")
# List reads prepared once per shape of request (core/api/prepared.py): "first" checks a shape's statements
# against the ORM's at its first read in a process, "every" at every read (the tests), "off" prepares nothing.
PREPARED_READS_CHECK = env("PREPARED_READS_CHECK", default="first")
if PREPARED_READS_CHECK not in ("first", "every", "off"):
    raise ImproperlyConfigured("PREPARED_READS_CHECK must be first, every or off.")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.DjangoModelPermissionsOrAnonReadOnly"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": [
        "core.api.rendering.FastJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
        "core.api.rendering.SafeCSVRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "core.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "core.api.negotiation.ContentNegotiation",
    "DEFAULT_THROTTLE_CLASSES": [
        "core.api.throttling.AnonReadThrottle",
        "core.api.throttling.WriteThrottle",
    ],
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,  # our throttles use core.client_address; any other agrees
    "DEFAULT_THROTTLE_RATES": {
        "anon_read": env_rate("API_ANON_READ_RATE", default="300/minute"),
        "write": env_rate("API_WRITE_RATE", default="120/minute"),
    },
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "tradewatch.db_errors.api_exception_handler",  # drf-standardized-errors', outages as 503
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": True,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
DRF_STANDARDIZED_ERRORS = {
    "ENABLE_IN_DEBUG_FOR_UNHANDLED_EXCEPTIONS": False,
    "EXCEPTION_HANDLER_CLASS": "core.api.errors.ExceptionHandler",  # 413 JSON for a body over the limit
}
SPECTACULAR_SETTINGS = {
    "TITLE": "TradeWatch API",
    "DESCRIPTION": (
        "Trade disputes between governments as structured, cited data: measures with dated rates, "
        "events, cases and sources. Reading is public; writing needs `Authorization: Token <key>`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "ActorKindEnum": "disputes.choices.ActorKind",
        "DisputeStatusEnum": "disputes.choices.DisputeStatus",
        "PartyRoleEnum": "disputes.choices.PartyRole",
        "CaseForumEnum": "disputes.choices.CaseForum",
        "CaseStageEnum": "disputes.choices.CaseStage",
        "DatePrecisionEnum": "disputes.choices.DatePrecision",
        "EventKindEnum": "disputes.choices.EventKind",
        "EventLevelEnum": "disputes.choices.EventLevel",
        "ParticipantRoleEnum": "disputes.choices.ParticipantRole",
        "ConfidenceEnum": "disputes.choices.Confidence",
        "SourceKindEnum": "disputes.choices.SourceKind",
        "MeasureTypeEnum": "tariffs.choices.MeasureType",
        "MeasureStatusEnum": "tariffs.choices.MeasureStatus",
        "RateKindEnum": "tariffs.choices.RateKind",
        "RateStateEnum": "tariffs.choices.RateState",
        "HsCodeBasisEnum": "tariffs.choices.HsCodeBasis",
        "LinkTypeEnum": "tariffs.choices.LinkType",
        "TradeFlowEnum": "tariffs.choices.TradeFlow",
        "ExemptionKindEnum": "tariffs.choices.ExemptionKind",
        "ValidationErrorEnum": "drf_standardized_errors.openapi_serializers.ValidationErrorEnum.choices",
        "ClientErrorEnum": "drf_standardized_errors.openapi_serializers.ClientErrorEnum.choices",
        "ServerErrorEnum": "drf_standardized_errors.openapi_serializers.ServerErrorEnum.choices",
        "ErrorCode401Enum": "drf_standardized_errors.openapi_serializers.ErrorCode401Enum.choices",
        "ErrorCode403Enum": "drf_standardized_errors.openapi_serializers.ErrorCode403Enum.choices",
        "ErrorCode404Enum": "drf_standardized_errors.openapi_serializers.ErrorCode404Enum.choices",
        "ErrorCode405Enum": "drf_standardized_errors.openapi_serializers.ErrorCode405Enum.choices",
        "ErrorCode406Enum": "drf_standardized_errors.openapi_serializers.ErrorCode406Enum.choices",
        "ErrorCode415Enum": "drf_standardized_errors.openapi_serializers.ErrorCode415Enum.choices",
        "ErrorCode429Enum": "drf_standardized_errors.openapi_serializers.ErrorCode429Enum.choices",
        "ErrorCode500Enum": "drf_standardized_errors.openapi_serializers.ErrorCode500Enum.choices",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_standardized_errors.openapi_hooks.postprocess_schema_enums",
    ],
}
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_EXPOSE_HEADERS = ["X-More-Matches"]  # a search's answer says whether more records match (a CSV page too)

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
if CELERY_BROKER_URL and not CELERY_BROKER_URL.startswith(("redis://", "rediss://", "memory://")):
    raise ImproperlyConfigured("CELERY_BROKER_URL must be a redis:// or rediss:// URL.")
# No broker configured: run tasks in-process so a newcomer needs nothing installed.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Publishes other than an edit's (beat, a worker's sweep) retry briefly; an edit's refresh is sent once,
# within a fraction of a second, and swept up later if the broker is out (timelines/queueing.py).
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
# A task whose worker died unacknowledged goes back to the queue after the visibility timeout: a little
# longer than a task may run, so a running task is never handed out twice; checked every 10 s.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT + 60),
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
TIMELINES_SWEEP_SECONDS = env.int("TIMELINES_SWEEP_SECONDS", default=120)
if TIMELINES_SWEEP_SECONDS < 10:
    raise ImproperlyConfigured("TIMELINES_SWEEP_SECONDS must be a number of seconds, 10 or more.")
CELERY_BEAT_SCHEDULE = {
    "refresh-all-timelines-nightly": {
        "task": "timelines.tasks.refresh_all_disputes",
        "schedule": crontab(
            hour=env.int("TIMELINES_NIGHTLY_HOUR", default=0), minute=env.int("TIMELINES_NIGHTLY_MINUTE", default=5)
        ),
    },
    # Refresh requests the queue lost (broker outage, message dropped) are sent again; edits need
    # no further edit to show. Workers sweep on start too (timelines/tasks.py).
    "sweep-refresh-requests": {
        "task": "timelines.tasks.sweep_refresh_requests",
        "schedule": TIMELINES_SWEEP_SECONDS,
        "options": {"expires": TIMELINES_SWEEP_SECONDS},
    },
}

# --- Logging: one record per line on stdout, JSON in production ----------------------------
LOG_LEVEL = env.str("DJANGO_LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("DJANGO_LOG_FORMAT", default="plain" if DEBUG else "json")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured("DJANGO_LOG_FORMAT must be plain or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
}

# --- Cache: Redis when configured, failing open (a cache outage slows pages, never breaks them)
REDIS_CACHE_URL = env.str("REDIS_CACHE_URL", default="")
if REDIS_CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_CACHE_URL,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }
    DJANGO_REDIS_IGNORE_EXCEPTIONS = True
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Anonymous answers (API and pages) are kept in the cache, keyed by the data version (tradewatch/response_cache.py).
# Only a cache shared by every process can hold them: a per-process cache would miss other processes' writes.
RESPONSE_CACHE_SECONDS = env.int("RESPONSE_CACHE_SECONDS", default=300 if REDIS_CACHE_URL else 0)
if RESPONSE_CACHE_SECONDS < 0:
    raise ImproperlyConfigured("RESPONSE_CACHE_SECONDS must be 0 (off) or a number of seconds.")

# --- Content-Security-Policy: everything from this origin; the pages carry no inline code ----
CONTENT_SECURITY_POLICY = {
    # The interactive API docs (Swagger UI, ReDoc) start themselves with inline scripts.
    "EXCLUDE_URL_PREFIXES": ["/api/docs/", "/api/redoc/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # Scripts stay strictly same-origin; vis-timeline's standalone build injects its own <style>
        # elements and positions items with style attributes, so styles may be inline.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# --- TradeWatch -----------------------------------------------------------------------------
DATASETS_DIR = env.path("TRADEWATCH_DATASETS_DIR", default=BASE_DIR / "datasets")

# --- Bulk import in admin (django-import-export) ---------------------------------------------
# A file is imported in one transaction; exported cells starting with = + - @ are neutralised.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
