from __future__ import annotations

from datetime import date

from django.urls import path, re_path, register_converter

from alliance.scheduling import views


class CalendarDateConverter:
    """A day as YYYY-MM-DD; an impossible date (2026-02-30) does not match."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> date:
        day = date.fromisoformat(value)
        # Calendars far outside living memory are typing mistakes, and the
        # first and last days of the calendar cannot be framed in a week.
        if not 1900 <= day.year <= 2200:
            raise ValueError("out of range")
        return day

    def to_url(self, value: date | str) -> str:
        return value.isoformat() if isinstance(value, date) else str(value)


register_converter(CalendarDateConverter, "calendar_date")

app_name = "scheduling"
urlpatterns = [
    path("", views.day, name="day"),
    path("day/<calendar_date:day>/", views.day, name="day"),
    path("week/<calendar_date:day>/", views.week, name="week"),
    path("new/", views.create, name="create"),
    path("series/new/", views.create_series, name="create_series"),
    path("appointments/<uuid:uuid>/", views.detail, name="detail"),
    path("appointments/<uuid:uuid>/edit/", views.edit, name="edit"),
    path("appointments/<uuid:uuid>/status/", views.change_status, name="status"),
    path("requests/<uuid:uuid>/decide/", views.decide_request, name="decide_request"),
    path(
        "appointments/<uuid:uuid>/edit-following/",
        views.edit_following,
        name="edit_following",
    ),
    path(
        "appointments/<uuid:uuid>/cancel-following/",
        views.cancel_following,
        name="cancel_following",
    ),
    path("feed/", views.feed_settings, name="feed_settings"),
    # The secret token is the only credential; see views.feed.
    re_path(r"^feed/(?P<token>[A-Za-z0-9_-]{1,64})\.ics$", views.feed, name="feed"),
]
