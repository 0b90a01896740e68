# Alliance: `make run` sets up and serves the demo on SQLite; `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# pytest-xdist workers for the SQLite and PostgreSQL legs: one per core by default;
# `make test-sqlite WORKERS=0` runs in one process (easier to debug).
WORKERS ?= auto
XDIST := -n $(WORKERS) --dist worksteal
# The browser walks in two processes, each with its own demo server (building
# one takes most of a minute, so more processes than walks' worth would waste it).
BROWSER_WORKERS ?= 2

.PHONY: run test test-sqlite test-postgres test-redis test-browser lint migrations-check deploy-check demo install clean worker

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	DEBUG=1 ALLIANCE_DEMO=1 $(BIN)/alliance migrate --noinput
	DEBUG=1 ALLIANCE_DEMO=1 $(BIN)/alliance demo --if-empty
	DEBUG=1 ALLIANCE_DEMO=1 $(BIN)/alliance runserver 127.0.0.1:8000

demo: $(STAMP)
	DEBUG=1 ALLIANCE_DEMO=1 $(BIN)/alliance migrate --noinput
	DEBUG=1 ALLIANCE_DEMO=1 $(BIN)/alliance demo

worker: $(STAMP)
	DEBUG=1 $(BIN)/alliance worker

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@# Types (configured in pyproject.toml); settings load with DEBUG's defaults.
	DEBUG=1 $(BIN)/mypy

migrations-check: $(STAMP)
	DEBUG=1 ALLIANCE_VAR_DIR=$$(mktemp -d) $(BIN)/alliance makemigrations --check --dry-run

deploy-check: $(STAMP)
	@# Production settings: DEBUG off, real secret and hosts, HTTPS.
	DEBUG=0 SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(60))') \
	  ALLOWED_HOSTS=alliance.example.org ALLIANCE_VAR_DIR=$$(mktemp -d) \
	  $(BIN)/alliance check --deploy --fail-level WARNING

test: lint migrations-check deploy-check test-sqlite test-postgres test-redis test-browser

test-sqlite: $(STAMP)
	$(BIN)/pytest -m "not browser" -q $(XDIST)

# The PostgreSQL leg runs the tests that can reach the database: the rest
# (scoring, instrument files, pure functions) answer alike on any engine and
# the SQLite leg has run them.
test-postgres: $(STAMP)
	@if $(BIN)/python scripts/pg_available.py; then \
	  DATABASE_URL=$${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(BIN)/pytest -m "not browser" -q $(XDIST) --database-tests-only; \
	elif [ -n "$$CI" ]; then echo "PostgreSQL is required in CI but not reachable" >&2; exit 1; \
	else echo "SKIPPED: PostgreSQL tests (no server reachable at 127.0.0.1:5432)"; fi

# The tests that depend on the cache (sessions, lockouts, curves) again with
# REDIS_URL set, as a clinic network runs them; each process keys its entries
# under its own prefix (alliance/testing.py).
REDIS_TESTS := alliance/core/tests/test_redis.py \
  alliance/accounts/tests/test_session_limits.py \
  alliance/accounts/tests/test_lockout.py \
  alliance/accounts/tests/test_account_ceiling.py \
  alliance/measures/tests/charts/test_tracking.py

test-redis: $(STAMP)
	@if $(BIN)/python scripts/redis_available.py; then \
	  REDIS_URL=$${TEST_REDIS_URL:-redis://127.0.0.1:6379/15} $(BIN)/pytest -q $(XDIST) $(REDIS_TESTS); \
	elif [ -n "$$CI" ]; then echo "Redis is required in CI but not reachable" >&2; exit 1; \
	else echo "SKIPPED: Redis tests (no server reachable at 127.0.0.1:6379)"; fi

test-browser: $(STAMP)
	@if [ -x /usr/bin/chromium ]; then $(BIN)/pytest -m browser -q -n $(BROWSER_WORKERS) --dist worksteal; \
	elif [ -n "$$CI" ]; then echo "Chromium is required in CI but /usr/bin/chromium is missing" >&2; exit 1; \
	else echo "SKIPPED: browser tests (install Debian's chromium: apt-get install -y chromium)"; fi

clean:
	rm -rf $(VENV) var/*.sqlite3*
