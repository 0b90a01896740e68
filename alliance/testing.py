"""Pytest plugin loaded first (``-p alliance.testing`` in pyproject.toml): the test
environment must exist before Django reads its settings."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault(
    "SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789"
)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ["ALLIANCE_VAR_DIR"] = tempfile.mkdtemp(prefix="alliance-test-")
