from django.apps import AppConfig


class TerminationConfig(AppConfig):
    name = "alliance.termination"
    label = "termination"
