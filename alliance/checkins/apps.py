from django.apps import AppConfig


class CheckinsConfig(AppConfig):
    name = "alliance.checkins"
    label = "checkins"
