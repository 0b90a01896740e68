from django.urls import path

from alliance.journal import views

app_name = "journal"
urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("mine/<uuid:uuid>/", views.entry, name="entry"),
    path("mine/<uuid:uuid>/share/", views.share, name="share"),
    path("clients/<uuid:uuid>/", views.client_journal, name="client"),
]
