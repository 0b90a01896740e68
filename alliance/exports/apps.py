from datetime import timedelta

from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "alliance.exports"
    label = "exports"
    verbose_name = "Record exports"

    def ready(self) -> None:
        from alliance.core.periodic import register_periodic
        from alliance.exports.tasks import sweep_exports

        # Expired exports are deleted within the hour.
        register_periodic("exports.sweep", sweep_exports, every=timedelta(hours=1))
