"""URL wiring of TradeWatch: the API and admin unprefixed, the pages under /en/ and /fr/."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from pages.changes_feed import ChangesFeed

from . import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("", include("tradewatch.api")),
    path("admin/", admin.site.urls),
    path("", include("pages.feed_urls")),  # Atom feeds and calendars, in English
    path("feeds/changes/", ChangesFeed(), name="changes-feed"),
    *i18n_patterns(path("", include("pages.urls")), prefix_default_language=True),
]
