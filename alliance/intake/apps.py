from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "alliance.intake"
    label = "intake"
