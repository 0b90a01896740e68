from django.urls import path

from alliance.alerts import views

app_name = "alerts"
urlpatterns = [path("<uuid:uuid>/", views.detail, name="detail")]
