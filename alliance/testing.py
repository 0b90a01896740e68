"""Pytest plugin loaded first (``-p alliance.testing`` in pyproject.toml): the test
environment must exist before Django reads its settings."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

os.environ.setdefault(
    "SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789"
)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
# One var directory per process: pytest-xdist workers each load this plugin, so
# parallel workers never share a secret key, key file, upload or instrument.
_VAR_DIR = tempfile.mkdtemp(prefix="alliance-test-")
os.environ["ALLIANCE_VAR_DIR"] = _VAR_DIR
atexit.register(shutil.rmtree, _VAR_DIR, ignore_errors=True)
