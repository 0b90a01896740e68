from django.urls import path

from alliance.home import views

app_name = "home"
urlpatterns = [
    path("", views.index, name="index"),
    path("supervisees/", views.supervisees, name="supervisees"),
]
