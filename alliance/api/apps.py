from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "alliance.api"
    label = "api"
    verbose_name = "REST API"
