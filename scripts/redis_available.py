"""Exit 0 when the test Redis server answers, 1 otherwise (used by `make test`)."""

import os
import sys

import redis

url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
try:
    redis.Redis.from_url(url, socket_connect_timeout=3).ping()
except redis.RedisError:
    sys.exit(1)
sys.exit(0)
