from __future__ import annotations

import pytest

from alliance.aftercare.tests.helpers import noon, score, to_active, to_aftercare


@pytest.fixture
def portal(as_user, cleo):
    """Cleo signed in to her portal."""
    return as_user(cleo.user)


@pytest.fixture
def treated(cleo, alice, consent_text):
    """Cleo's episode in active treatment, PHQ-9 15 at the start and 6 at the end."""
    episode = to_active(cleo.current_episode(), alice, consent_text, at=noon(300))
    from alliance.aftercare.tests.helpers import phq9

    score(episode, alice, "phq9", phq9(15), at=noon(290))
    score(episode, alice, "phq9", phq9(6), at=noon(201))
    return episode


@pytest.fixture
def in_aftercare(treated, alice):
    """Cleo's episode entered aftercare 200 days ago (noon UTC)."""
    return to_aftercare(treated, alice, at=noon(200))
