from datetime import timedelta

from django.apps import AppConfig


class AftercareConfig(AppConfig):
    name = "alliance.aftercare"
    label = "aftercare"

    def ready(self) -> None:
        # Framework hooks only: clients announces phase moves by signal (it
        # never imports later apps, ADR 0003); the worker's timetable; the
        # reminder digest's list of things due.
        from alliance.aftercare.selectors import due_followups
        from alliance.aftercare.services import on_episode_moved
        from alliance.aftercare.tasks import followup_sweep
        from alliance.clients.signals import episode_moved
        from alliance.core.periodic import register_digest_items, register_periodic

        episode_moved.connect(on_episode_moved, dispatch_uid="aftercare.followups")
        register_periodic(
            "aftercare.followup_sweep", followup_sweep, every=timedelta(hours=1)
        )
        register_digest_items(
            "aftercare.followups",
            due_followups,
            preference="questionnaires",
            singular="follow-up check-in",
            plural="follow-up check-ins",
        )
