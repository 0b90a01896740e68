from django.urls import path

from alliance.alerts import views

app_name = "alerts"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<uuid:uuid>/", views.detail, name="detail"),
    path("<uuid:uuid>/duty/", views.duty_open, name="duty_open"),
]
