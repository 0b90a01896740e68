from django.urls import path

from alliance.measures import employment_views, kiosk_views, outcomes_views, views

app_name = "measures"
urlpatterns = [
    path("episodes/<uuid:uuid>/assign/", views.assign, name="assign"),
    path("episodes/<uuid:uuid>/start/", views.start, name="start"),
    path(
        "episodes/<uuid:uuid>/employment/",
        employment_views.record_employment,
        name="employment",
    ),
    path("episodes/<uuid:uuid>/<slug:instrument>/", views.history, name="history"),
    path("episodes/<uuid:uuid>/<slug:instrument>/chart.svg", views.chart, name="chart"),
    path("schedules/<uuid:uuid>/stop/", views.stop, name="stop"),
    path("<uuid:uuid>/", views.detail, name="detail"),
    path("prompts/<uuid:uuid>/dismiss/", views.dismiss_prompt, name="dismiss_prompt"),
    path("<uuid:uuid>/enter/", views.enter, name="enter"),
    path("<uuid:uuid>/submit/", views.submit, name="submit"),
    path("<uuid:uuid>/correct/", views.correct, name="correct"),
    path("<uuid:uuid>/kiosk/", kiosk_views.kiosk_start, name="kiosk_start"),
    path("kiosk/<uuid:uuid>/", kiosk_views.kiosk, name="kiosk"),
    path("kiosk/<uuid:uuid>/submit/", kiosk_views.kiosk_submit, name="kiosk_submit"),
    path("kiosk/<uuid:uuid>/done/", kiosk_views.kiosk_done, name="kiosk_done"),
    path("kiosk/<uuid:uuid>/exit/", kiosk_views.kiosk_exit, name="kiosk_exit"),
]

# Practice outcomes: aggregates for the practice admin and clinicians.
urlpatterns += [
    path("outcomes/", outcomes_views.outcomes_page, name="outcomes"),
    path("outcomes.csv", outcomes_views.outcomes_csv, name="outcomes_csv"),
    path(
        "outcomes-episodes.csv",
        outcomes_views.outcomes_episodes_csv,
        name="outcomes_episodes_csv",
    ),
]
