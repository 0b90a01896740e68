from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def practice_folder(settings, tmp_path):
    """Each test gets its own empty practice folder, so a real var/techniques
    folder on the developer's machine never changes the results."""
    folder = tmp_path / "techniques"
    folder.mkdir()
    settings.ALLIANCE_TECHNIQUES_DIR = folder
    return folder
