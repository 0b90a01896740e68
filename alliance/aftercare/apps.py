from django.apps import AppConfig


class AftercareConfig(AppConfig):
    name = "alliance.aftercare"
    label = "aftercare"
