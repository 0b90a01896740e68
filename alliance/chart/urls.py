from django.urls import path

from alliance.chart import views

# Included at the site root: each page keeps the address of the app it shows.
app_name = "chart"
urlpatterns = [
    path("clients/<uuid:uuid>/", views.client, name="client"),
    path("alerts/<uuid:uuid>/", views.alert, name="alert"),
    path(
        "homework/episodes/<uuid:uuid>/review/",
        views.homework_review,
        name="homework_review",
    ),
]
