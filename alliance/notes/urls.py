from django.urls import path

from alliance.notes import views

app_name = "notes"
urlpatterns = [
    path("start/<uuid:uuid>/", views.start, name="start"),
    path("sessions/<uuid:uuid>/", views.session_detail, name="session"),
    path("<uuid:uuid>/edit/", views.edit, name="edit"),
    path("<uuid:uuid>/sign/", views.sign, name="sign"),
    path("<uuid:uuid>/cosign/", views.cosign, name="cosign"),
    path("<uuid:uuid>/addendum/", views.addendum, name="addendum"),
    path("process/<uuid:uuid>/", views.process_note, name="process_note"),
]
