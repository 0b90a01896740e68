"""Exit 0 when the test PostgreSQL server answers, 1 otherwise (used by `make test`)."""

import os
import sys

import psycopg

url = os.environ.get("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
try:
    psycopg.connect(url, connect_timeout=3).close()
except psycopg.Error:
    sys.exit(1)
sys.exit(0)
