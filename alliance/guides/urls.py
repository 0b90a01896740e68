from django.urls import path

from alliance.guides import views

app_name = "guides"
urlpatterns = [
    path("", views.library, name="library"),
    path("read/<slug:slug>/", views.detail, name="detail"),
    path("clients/<uuid:uuid>/share/", views.share, name="share"),
    path("mine/", views.mine, name="mine"),
    path("mine/<slug:slug>/", views.mine_detail, name="mine_detail"),
]
