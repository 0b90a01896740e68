from django.apps import AppConfig


class TechniquesConfig(AppConfig):
    name = "alliance.techniques"
    label = "techniques"
    verbose_name = "Technique library"
