from django.urls import path

from alliance.supervision import views

app_name = "supervision"
urlpatterns = [
    path("", views.session_list, name="list"),
    path("new/", views.new, name="new"),
    path("<uuid:uuid>/", views.detail, name="detail"),
    path("<uuid:uuid>/edit/", views.edit, name="edit"),
    path("<uuid:uuid>/final/", views.finalise, name="finalise"),
    path("actions/<uuid:uuid>/done/", views.action_done, name="action_done"),
]
