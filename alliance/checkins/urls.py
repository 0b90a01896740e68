from django.urls import path

from alliance.checkins import views

app_name = "checkins"
urlpatterns = [
    path("new/", views.new, name="new"),
    path("mine/", views.mine, name="mine"),
    path("mine/<uuid:uuid>/", views.done, name="done"),
    path("clients/<uuid:uuid>/", views.client_checkins, name="client"),
]
