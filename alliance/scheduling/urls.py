from django.urls import path

from alliance.scheduling import views

app_name = "scheduling"
urlpatterns = [path("", views.day, name="day")]
