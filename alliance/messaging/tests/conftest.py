from __future__ import annotations

import pytest


@pytest.fixture
def portal(as_user, cleo):
    """Cleo signed in to her portal."""
    return as_user(cleo.user)
