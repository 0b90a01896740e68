from django.urls import path

from alliance.alerts import views

app_name = "alerts"
# Reviewing one alert, /alerts/<uuid>/, is ``chart:alert`` (alliance.chart): the
# page shows the client's safety plan beside it.
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<uuid:uuid>/duty/", views.duty_open, name="duty_open"),
]
