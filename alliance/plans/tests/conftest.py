from __future__ import annotations

import pytest

from alliance.plans.tests.helpers import make_goal


@pytest.fixture
def episode(cleo):
    return cleo.current_episode()


@pytest.fixture
def goal(episode):
    return make_goal(episode)
