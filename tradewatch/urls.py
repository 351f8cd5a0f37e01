"""URL wiring of TradeWatch."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("tradewatch.api")),
    path("admin/", admin.site.urls),
]
