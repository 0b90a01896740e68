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
        from django.db.models.signals import post_migrate

        from alliance.clients.signals import episode_moved
        from alliance.core.periodic import register_periodic
        from alliance.measures.management.commands.refresh_measures import (
            backfill_after_migrate,
        )
        from alliance.measures.services import on_episode_moved
        from alliance.measures.tasks import tracking_sweep

        episode_moved.connect(on_episode_moved, dispatch_uid="measures.due")
        # The upgrade that adds the stored states builds them once.
        post_migrate.connect(
            backfill_after_migrate, sender=self, dispatch_uid="measures.backfill"
        )
        register_periodic(
            "measures.tracking_sweep", tracking_sweep, every=timedelta(hours=6)
        )
