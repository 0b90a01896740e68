from __future__ import annotations

from datetime import timedelta

from alliance.accounts.models import Supervision, User
from alliance.supervision.services import SessionInput, record_session
from conftest import TEST_PASSWORD


def data(supervisor, *, clients=(), actions=(), notes="Talked it through.", days_ago=1):
    return SessionInput(
        held_on=supervisor.practice.today() - timedelta(days=days_ago),
        clients=list(clients),
        actions=list(actions),
        notes=notes,
    )


def recorded(supervisor, supervisee, **kwargs):
    return record_session(supervisor, supervisee, data(supervisor, **kwargs))


def other_supervisor(practice, supervisee=None, email="sue@example.org"):
    """A second supervisor in the practice (of ``supervisee``, if given)."""
    sue = User.objects.create_user(
        email,
        TEST_PASSWORD,
        full_name="Sue Supervisor",
        role="supervisor",
        practice=practice,
    )
    if supervisee is not None:
        Supervision.objects.create(supervisor=sue, supervisee=supervisee)
    return sue


def supervise(supervisor, supervisee):
    Supervision.objects.create(supervisor=supervisor, supervisee=supervisee)
    supervisor.__dict__.pop("_supervisee_ids", None)  # asked once per user object
