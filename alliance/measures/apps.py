from datetime import timedelta

from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "alliance.measures"
    label = "measures"
    verbose_name = "Measurement-based care"

    def ready(self) -> None:
        # A move of phase changes what is due (clients announces it by
        # signal); the worker refits expected-recovery curves and re-judges
        # "not on track" a few times a day.
        from alliance.clients.signals import episode_moved
        from alliance.core.periodic import register_periodic
        from alliance.measures.services import on_episode_moved
        from alliance.measures.tasks import tracking_sweep

        episode_moved.connect(on_episode_moved, dispatch_uid="measures.due")
        register_periodic(
            "measures.tracking_sweep", tracking_sweep, every=timedelta(hours=6)
        )
