from django.urls import path

from alliance.chart import views

app_name = "chart"
urlpatterns = [
    path("<uuid:uuid>/", views.client, name="client"),
]
