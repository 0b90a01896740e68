from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "alliance.home"
    label = "home"
