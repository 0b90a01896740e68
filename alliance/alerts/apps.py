from datetime import timedelta

from django.apps import AppConfig

SWEEP_EVERY = timedelta(minutes=5)


class AlertsConfig(AppConfig):
    name = "alliance.alerts"
    label = "alerts"

    def ready(self) -> None:
        from alliance.alerts.tasks import alert_sweep
        from alliance.core.periodic import register_periodic

        register_periodic("alerts.sweep", alert_sweep, every=SWEEP_EVERY)
