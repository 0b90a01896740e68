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

# With REDIS_URL set (`make test-redis`), every process keys its cache entries
# under its own prefix, so parallel workers and runs sharing one Redis never see
# each other's sessions or curves; the keys are deleted when the process ends.
if os.environ.get("REDIS_URL"):
    _PREFIX = f"alliance-test-{os.getpid()}-{os.urandom(4).hex()}"
    os.environ["CACHE_KEY_PREFIX"] = _PREFIX

    def _delete_redis_keys() -> None:
        import redis

        try:
            server = redis.Redis.from_url(os.environ["REDIS_URL"])
            for key in server.scan_iter(match=f"{_PREFIX}:*", count=500):
                server.delete(key)
        except redis.RedisError:
            pass

    atexit.register(_delete_redis_keys)
