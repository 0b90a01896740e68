from django.apps import AppConfig


class ChartConfig(AppConfig):
    name = "alliance.chart"
    label = "chart"
    verbose_name = "Client chart"
