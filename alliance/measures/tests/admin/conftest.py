from __future__ import annotations

import pytest


@pytest.fixture
def episode(cleo):
    return cleo.current_episode()


@pytest.fixture
def draft(alice, episode):
    from alliance.measures.services import start_administration

    return start_administration(episode, "phq9", mode="clinician", by=alice)
