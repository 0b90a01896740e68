from django.apps import AppConfig


class GuidesConfig(AppConfig):
    name = "alliance.guides"
    label = "guides"
