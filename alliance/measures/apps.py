from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "alliance.measures"
    label = "measures"
    verbose_name = "Measurement-based care"
