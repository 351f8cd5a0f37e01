from django.urls import path

from . import embed, views

app_name = "pages"

urlpatterns = [
    path("", views.home, name="home"),
    path("disputes/<slug:slug>/", views.dispute_detail, name="dispute-detail"),
    path("disputes/<slug:slug>/embed/", embed.timeline_embed, name="dispute-embed"),
    path("measures/", views.measure_list, name="measure-list"),
    path("measures/<int:pk>/", views.measure_detail, name="measure-detail"),
    path("events/<int:pk>/", views.event_detail, name="event-detail"),
    path("actors/<slug:slug>/", views.actor_detail, name="actor-detail"),
    path("cases/<int:pk>/", views.case_detail, name="case-detail"),
    path("sources/<int:pk>/", views.source_detail, name="source-detail"),
    path("search/", views.search, name="search"),
]
