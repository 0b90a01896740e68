"""Reminder emails (appointments, homework, questionnaires) as one daily digest, sent by the `alliance worker` background worker."""

from datetime import timedelta

from django.apps import AppConfig

SWEEP_EVERY = timedelta(minutes=15)


class RemindersConfig(AppConfig):
    name = "alliance.reminders"
    label = "reminders"

    def ready(self) -> None:
        from alliance.core.periodic import register_periodic
        from alliance.reminders.tasks import send_reminder_digests

        register_periodic(
            "reminders.send_digests", send_reminder_digests, every=SWEEP_EVERY
        )
