from django.apps import AppConfig


class ToolboxConfig(AppConfig):
    name = "alliance.toolbox"
    label = "toolbox"
