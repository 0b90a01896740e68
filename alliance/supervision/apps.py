from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "alliance.supervision"
    label = "supervision"
