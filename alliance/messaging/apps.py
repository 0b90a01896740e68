from datetime import timedelta

from django.apps import AppConfig

# How often waiting message emails are looked at (the hourly limit and quiet
# hours make some wait; a failed send is retried).
SWEEP_EVERY = timedelta(minutes=10)


class MessagingConfig(AppConfig):
    name = "alliance.messaging"
    label = "messaging"

    def ready(self) -> None:
        from alliance.core.periodic import register_periodic
        from alliance.messaging.tasks import send_message_notices

        register_periodic(
            "messaging.send_notices", send_message_notices, every=SWEEP_EVERY
        )
