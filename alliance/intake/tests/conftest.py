from __future__ import annotations

import pytest

from alliance.intake.tests.helpers import start


@pytest.fixture
def intake(cleo):
    return start(cleo)
