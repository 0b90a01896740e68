from django.urls import path

from alliance.chart import session_views, views

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
    path("notes/sessions/<uuid:uuid>/", session_views.session, name="session"),
    path("notes/<uuid:uuid>/edit/", session_views.edit, name="note_edit"),
    path("notes/<uuid:uuid>/sign/", session_views.sign, name="note_sign"),
    path("notes/<uuid:uuid>/cosign/", session_views.cosign, name="note_cosign"),
    path("notes/<uuid:uuid>/addendum/", session_views.addendum, name="note_addendum"),
]
