from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "alliance.reports"
    label = "reports"
    verbose_name = "Practice reports and the audit log page"
