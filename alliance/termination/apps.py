"""The end of treatment: readiness review, termination summary (clinician and client versions) and the relapse-prevention plan."""

from django.apps import AppConfig


class TerminationConfig(AppConfig):
    name = "alliance.termination"
    label = "termination"

    def ready(self) -> None:
        # Framework hook: moving an episode to termination opens its readiness
        # review, inside the transition's transaction (clients.signals).
        from alliance.clients.signals import episode_moved
        from alliance.termination.services import on_episode_moved

        episode_moved.connect(on_episode_moved, dispatch_uid="termination.open_review")
