# One command to run the platform, one to test it. See README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: run test lint install install-test services browser bench clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when pyproject.toml changes.
$(VENV)/.install-stamp: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.install-test-stamp: pyproject.toml $(VENV)/.install-stamp
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.install-stamp
install-test: $(VENV)/.install-test-stamp

# Embedded mode: SQLite file, tasks in-process, periodic jobs by run_scheduler, DEBUG on. Works with no
# PostgreSQL, Redis or Docker.
run: export DEBUG ?= true
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py load_demo_responses
	@echo "Serving on http://$(HOST):$(PORT)/  (staff login: http://$(HOST):$(PORT)/akun/masuk/)"
	@# The periodic jobs (docs/operations.md) run beside the web server, without a broker; both stop together.
	$(PY) manage.py run_scheduler & scheduler=$$!; trap 'kill $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver --noreload $(HOST):$(PORT)

# Starts PostgreSQL or Redis only if they are not already answering.
services:
	@bash .ci/services

browser:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

lint: export SECRET_KEY ?= insecure-test-only-key-0123456789-abcdefghijklmnopqrstuvwxyz
lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	DATABASE_URL=$(TEST_DATABASE_URL) $(PY) manage.py makemigrations --check --dry-run

# Tests run production-like (DEBUG off), so they need a SECRET_KEY; this one is for tests only.
test: export SECRET_KEY ?= insecure-test-only-key-0123456789-abcdefghijklmnopqrstuvwxyz
test: install-test services browser lint
	TEST_DATABASE_URL=$(TEST_DATABASE_URL) bash .ci/test-suite

bench: install-test services
	@command -v wrk >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq wrk >/dev/null)
	@for b in bench/*; do [ -x "$$b" ] && [ -f "$$b" ] && echo "== $$b" && "$$b"; done

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
