"""Signals other apps listen to, so clients never imports a later app.

``episode_moved(episode, transition, by, request)`` is sent inside the
transaction of ``services.transition_episode`` after the move is saved: a
receiver that raises rolls the whole move back. Later apps (termination,
aftercare) connect receivers in their ``AppConfig.ready``.
"""

from django.dispatch import Signal

episode_moved = Signal()
