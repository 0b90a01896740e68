from django.urls import path

from alliance.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("two-step/dismiss/", views.dismiss_two_step, name="dismiss_two_step"),
    path("progress/", views.progress, name="progress"),
    path("measures/<uuid:uuid>/start/", views.start, name="start"),
    path("answers/<uuid:uuid>/", views.answer, name="answer"),
    path("answers/<uuid:uuid>/submit/", views.submit, name="submit"),
    path("answers/<uuid:uuid>/done/", views.done, name="done"),
]
