from django.urls import path

from alliance.homework import views

app_name = "homework"
# The between-sessions review, /homework/episodes/<uuid>/review/, is
# ``chart:homework_review`` (alliance.chart): it composes other apps' cards.
urlpatterns = [
    path("episodes/<uuid:uuid>/assign/", views.assign, name="assign"),
    path("<uuid:uuid>/end/", views.end, name="end"),
    path("entries/<uuid:uuid>/comment/", views.comment, name="comment"),
    path("mine/<uuid:uuid>/<str:day>/", views.entry, name="entry"),
    path("mine/<uuid:uuid>/<str:day>/autosave/", views.autosave, name="autosave"),
]
