from django.apps import AppConfig


class HomeworkConfig(AppConfig):
    name = "alliance.homework"
    label = "homework"

    def ready(self) -> None:
        # Entering aftercare or closing ends the episode's open homework.
        from alliance.clients.signals import episode_moved
        from alliance.homework.services import on_episode_moved

        episode_moved.connect(
            on_episode_moved, dispatch_uid="homework.end_with_treatment"
        )
