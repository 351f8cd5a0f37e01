# TradeWatch: `make run` serves the app, `make test` runs the suite. Both set themselves up.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Every dataset by default; one of them with e.g. `make run DATASET=canada-china`.
DATASET ?= --all

.DEFAULT_GOAL := help
.PHONY: help run setup test lint format migrate load check-python clean bench vendor stack backup restore loadtest lock audit audit-db

help:
	@echo "make run    set up (venv, install, migrate, load $(DATASET)) and serve http://$(HOST):$(PORT)/"
	@echo "make test   set up the dev environment and run the whole test suite"
	@echo "make lint   ruff check and format check"
	@echo "make stack  gunicorn + Celery worker + beat against local PostgreSQL and Redis (no Docker)"
	@echo "make backup / make restore FILE=…   pg_dump / pg_restore of DATABASE_URL"
	@echo "make vendor re-vendor the front-end libraries (vis-timeline, Chart.js, axe-core, TimelineJS) into static/vendor/"
	@echo "make bench  benchmarks against PostgreSQL: timeline refresh (1k/10k/100k events), API vs raw SQL, search, pages, export memory"
	@echo "make lock   re-pin requirements*.lock (with hashes) from the ranges in requirements*.txt"
	@echo "make audit  known vulnerabilities of the locked packages (pip-audit, offline database) and bandit"
	@echo "make audit-db  refresh the offline vulnerability database (needs the internet)"

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "TradeWatch needs Python 3.11 or newer (found %s)" % sys.version.split()[0])'

# Installs come from the hash-pinned locks only (--require-hashes, --no-deps: nothing unlisted, nothing altered).
PIP_LOCKED := $(PY) -m pip install --quiet --require-hashes --no-deps

$(VENV)/.runtime-installed: requirements.lock | check-python
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP_LOCKED) -r requirements.lock
	touch $@

$(VENV)/.dev-installed: requirements.lock requirements-dev.lock | check-python
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP_LOCKED) -r requirements-dev.lock
	touch $@ $(VENV)/.runtime-installed

# requirements*.txt hold the ranges we accept; the locks pin every package (dependencies included)
# with the hashes of its files. The dev lock is constrained by the runtime lock, so both agree.
PIP_COMPILE := $(PY) -m piptools compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links --no-emit-trusted-host --annotation-style=line
lock: | check-python
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -c 'import piptools' 2>/dev/null || $(PY) -m pip install --quiet 'pip-tools>=7.4,<7.7'
	$(PIP_COMPILE) $(LOCK_ARGS) -o requirements.lock requirements.txt
	$(PIP_COMPILE) $(LOCK_ARGS) -c requirements.lock -o requirements-dev.lock requirements-dev.txt

# Vulnerability audit that works offline: pip-audit asks a local OSV endpoint serving the database
# in $(AUDIT_DB) (refreshed by `make audit-db` when online); bandit reads our code. Exit status 2
# and a clear message when the database is missing or stale: "not checked" is never "no findings".
AUDIT_DB ?= .audit/osv-pypi.zip
AUDIT_MAX_AGE_DAYS ?= 7
audit: $(VENV)/.dev-installed
	$(PY) -m scripts.audit --db $(AUDIT_DB) --max-age-days $(AUDIT_MAX_AGE_DAYS) requirements-dev.lock

audit-db: $(VENV)/.dev-installed
	$(PY) -m scripts.audit --db $(AUDIT_DB) --refresh

migrate: $(VENV)/.runtime-installed
	$(PY) manage.py migrate --noinput

load: migrate
	$(PY) manage.py load_dataset $(DATASET)

setup: load

run: setup
	@echo ""
	@echo "TradeWatch is starting at http://$(HOST):$(PORT)/ (admin at http://$(HOST):$(PORT)/admin/)."
	@echo "To create an admin user, run:  $(PY) manage.py createsuperuser"
	@echo ""
	$(PY) manage.py runserver $(HOST):$(PORT)

# Two pytest-xdist workers, a test file each at a time (a file's fixed resources stay with one worker); each
# worker has its own test database and Redis databases (tests/parallel.py). TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= 2
test: $(VENV)/.dev-installed
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile --durations=15 $(PYTEST_ARGS)

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The production processes without Docker, against local PostgreSQL and Redis: gunicorn, one
# Celery worker and beat (honcho runs the Procfile). Override any variable on the command line.
STACK_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/tradewatch
# Redis databases 6 and 7: the tests' brokers and caches use 0, 4, 5, 8 and 13, and a running stack's worker must
# not take a test's tasks.
STACK_BROKER_URL ?= redis://127.0.0.1:6379/6
STACK_CACHE_URL ?= redis://127.0.0.1:6379/7
STACK_ENV = DATABASE_URL=$(STACK_DATABASE_URL) CELERY_BROKER_URL=$(STACK_BROKER_URL) REDIS_CACHE_URL=$(STACK_CACHE_URL) \
	DJANGO_DEBUG=false DJANGO_SECURE_SSL_REDIRECT=false DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost \
	DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-local-stack-only-secret-key-not-for-the-internet-0123456789} PORT=$(PORT)

stack: $(VENV)/.dev-installed
	$(PY) -c 'import os, psycopg2; from urllib.parse import urlsplit; u = urlsplit("$(STACK_DATABASE_URL)"); \
	c = psycopg2.connect(host=u.hostname, port=u.port or 5432, user=u.username, password=u.password, dbname="postgres"); \
	c.autocommit = True; cur = c.cursor(); cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [u.path[1:]]); \
	cur.fetchone() or cur.execute("CREATE DATABASE " + u.path[1:])'
	$(STACK_ENV) $(PY) manage.py migrate --noinput
	$(STACK_ENV) $(PY) manage.py load_dataset $(DATASET)
	$(STACK_ENV) $(PY) manage.py collectstatic --noinput -v 0
	$(STACK_ENV) PATH=$(CURDIR)/$(VENV)/bin:$$PATH $(VENV)/bin/honcho start

# Load test of the `make stack` processes on loopback with wrk (apt-get install wrk).
loadtest: $(VENV)/.dev-installed
	$(PY) -m bench.loadtest $(LOADTEST_ARGS)

# Backups of the PostgreSQL database in DATABASE_URL (pg_dump custom format, restorable into an
# empty database): `make backup [FILE=…]`, `make restore FILE=…`.
backup:
	bash scripts/backup.sh $(FILE)

# A restore bypasses the ORM: the data version is bumped so no cached answer outlives it.
restore: $(VENV)/.runtime-installed
	bash scripts/restore.sh $(FILE)
	$(PY) manage.py bump_data_version

# Front-end libraries from the npm registry, pinned in package-lock.json, copied into static/vendor/.
vendor:
	npm ci --no-audit --no-fund && node scripts/vendor.mjs

bench: $(VENV)/.dev-installed
	$(PY) -m bench.bench_timelines $(BENCH_ARGS)
	$(PY) -m bench.bench_api $(BENCH_ARGS)
	$(PY) -m bench.bench_search $(BENCH_SEARCH_ARGS)
	$(PY) -m bench.bench_pages $(BENCH_PAGES_ARGS)
	$(PY) -m bench.bench_export $(BENCH_EXPORT_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .audit
