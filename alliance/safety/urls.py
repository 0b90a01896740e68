from django.urls import path

from alliance.safety import views

app_name = "safety"
urlpatterns = [
    path("clients/<uuid:uuid>/", views.plan, name="plan"),
    path("clients/<uuid:uuid>/edit/", views.edit, name="edit"),
    path("clients/<uuid:uuid>/pdf/", views.plan_download, name="pdf"),
    path("versions/<uuid:uuid>/", views.version, name="version"),
    path("mine/", views.mine, name="mine"),
    path("mine/<uuid:uuid>/pdf/", views.mine_download, name="mine_pdf"),
]
