"""Feeds and calendars, at unprefixed addresses: they are in English whatever the reader's language."""

from django.urls import path

from . import calendars, coming_up, feeds

app_name = "feeds"

urlpatterns = [
    path("feeds/events/", feeds.NewEventsFeed(), name="events"),
    path("disputes/<slug:slug>/feed/", feeds.DisputeFeed(), name="dispute"),
    path("disputes/<slug:slug>/calendar.ics", calendars.dispute_calendar, name="dispute-calendar"),
    path("actors/<slug:slug>/feed/", feeds.ActorFeed(), name="actor"),
    path("coming-up/calendar.ics", coming_up.coming_up_calendar, name="coming-up-calendar"),
]
