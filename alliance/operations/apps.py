from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "alliance.operations"
    label = "operations"
    verbose_name = "Operations"
