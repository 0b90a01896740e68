from django.urls import path

from alliance.aftercare import views

app_name = "aftercare"
urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("mine/<uuid:uuid>/", views.followup, name="followup"),
    path("booster/", views.request_booster, name="request_booster"),
    path("clients/<uuid:uuid>/", views.client_aftercare, name="client"),
    path("boosters/<uuid:uuid>/respond/", views.respond, name="respond"),
]
