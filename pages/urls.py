from django.urls import path

from . import actor_page, changes_page, coming_up, compare, dispute_list, embed, products, views

app_name = "pages"

urlpatterns = [
    path("", views.home, name="home"),
    path("disputes/<slug:slug>/", views.dispute_detail, name="dispute-detail"),
    path("disputes/<slug:slug>/embed/", embed.timeline_embed, name="dispute-embed"),
    path("measures/", views.measure_list, name="measure-list"),
    path("measures/<int:pk>/", views.measure_detail, name="measure-detail"),
    path("events/<int:pk>/", views.event_detail, name="event-detail"),
    path("actors/<slug:slug>/", actor_page.actor_detail, name="actor-detail"),
    path("cases/<int:pk>/", views.case_detail, name="case-detail"),
    path("sources/<int:pk>/", views.source_detail, name="source-detail"),
    path("search/", views.search, name="search"),
    path("products/", products.products, name="products"),
    path("coming-up/", coming_up.coming_up, name="coming-up"),
    path("changes/", changes_page.changes, name="changes"),
    path("disputes/", dispute_list.dispute_list, name="dispute-list"),
    path("compare/", compare.compare, name="compare"),
]
