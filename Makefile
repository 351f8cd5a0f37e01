# TradeWatch: `make run` serves the app, `make test` runs the suite. Both set themselves up.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
DATASET ?= canada-china

.DEFAULT_GOAL := help
.PHONY: help run setup test lint format migrate load check-python clean bench vendor

help:
	@echo "make run    set up (venv, install, migrate, load $(DATASET)) and serve http://$(HOST):$(PORT)/"
	@echo "make test   set up the dev environment and run the whole test suite"
	@echo "make lint   ruff check and format check"
	@echo "make vendor re-vendor the front-end libraries (vis-timeline, Chart.js, axe-core) into static/vendor/"
	@echo "make bench  benchmarks against PostgreSQL: timeline refresh (1k/10k/100k events), API vs raw SQL"

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "TradeWatch needs Python 3.11 or newer (found %s)" % sys.version.split()[0])'

$(VENV)/.runtime-installed: requirements.txt | check-python
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | check-python
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime-installed

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

test: $(VENV)/.dev-installed
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Front-end libraries from the npm registry, pinned in package-lock.json, copied into static/vendor/.
vendor:
	npm ci --no-audit --no-fund && node scripts/vendor.mjs

bench: $(VENV)/.dev-installed
	$(PY) -m bench.bench_timelines $(BENCH_ARGS)
	$(PY) -m bench.bench_api $(BENCH_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
