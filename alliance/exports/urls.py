from django.urls import path

from alliance.exports import views

app_name = "exports"
urlpatterns = [
    path("mine/", views.own, name="own"),
    path("mine/<uuid:uuid>/", views.own_status, name="own_status"),
    path("mine/<uuid:uuid>/download/", views.own_download, name="own_download"),
    path("client/<uuid:uuid>/", views.client_exports, name="client"),
    path("<uuid:uuid>/", views.status, name="status"),
    path("<uuid:uuid>/download/", views.download, name="download"),
]
