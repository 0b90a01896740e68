from django.urls import path

from alliance.techniques import views

app_name = "techniques"
urlpatterns = [
    path("", views.technique_list, name="list"),
    path("<slug:slug>/", views.technique_detail, name="detail"),
]
