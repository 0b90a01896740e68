from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from alliance.clients.services import transition_episode
from alliance.toolbox.services import add_skill_from_library


@pytest.fixture
def portal(as_user, cleo):
    """Cleo signed in to her portal."""
    return as_user(cleo.user)


@pytest.fixture
def skill(alice, cleo):
    """Grounding, added to Cleo's toolbox by Alice."""
    return add_skill_from_library(cleo, "grounding", by=alice)


def close_care(client, *, days_ago=0):
    """Close the client's open episode (referral → closed) ``days_ago`` days ago."""
    transition_episode(
        client.current_episode(),
        "closed",
        by=client.clinician,
        reason="Treatment complete.",
        discharge="completed",
        at=timezone.now() - timedelta(days=days_ago),
    )
