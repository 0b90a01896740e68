from __future__ import annotations

import pytest


@pytest.fixture
def portal(as_user, cleo):
    """Cleo signed in to her portal."""
    return as_user(cleo.user)


@pytest.fixture
def schedule(alice, cleo):
    from alliance.measures.services import schedule_measure

    return schedule_measure(
        cleo.current_episode(), "phq9", when="every_session", by=alice
    )
