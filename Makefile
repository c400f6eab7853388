# The README's commands. Everything runs from .venv in this checkout, made on first use.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
SIMULATOR_PORT ?= 8001

.PHONY: run worker test lint simulator bench serve load fuzz

# Reinstall only when the dependency list changes.
$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@

run: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py setup_demo --simulator-url http://127.0.0.1:$(SIMULATOR_PORT)
	@$(PY) -m simulator --port $(SIMULATOR_PORT) & simulator=$$!; \
	$(PY) manage.py run_huey & worker=$$!; \
	trap 'kill $$simulator $$worker 2>/dev/null' EXIT INT TERM; \
	echo; echo "  Open http://$(HOST):$(PORT)/ and log in as demo / demo"; echo; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# The background worker: a task-queue consumer that refreshes job lists (and runs the periodic tasks; see the
# README's deployment section for several consumers).
worker: $(VENV)/.installed
	$(PY) manage.py migrate --noinput  # the queue's tables, on SQLite and PostgreSQL
	$(PY) manage.py run_huey

# Production-style serving: gunicorn with WEB_CONCURRENCY workers of WEB_THREADS threads, static files from whitenoise.
serve: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	$(PY) manage.py collectstatic --noinput -v 0
	$(VENV)/bin/gunicorn -c dashboard/gunicorn.py dashboard.wsgi

# Everything: the static checks, then the tests.
test: lint
	@sh tests/e2e/ensure_browser.sh || true  # the browser tests' Chromium; they are skipped without it
	$(PY) -m pytest

# Static checks: lint rules, formatting and types (configured in pyproject.toml), template indentation (two
# spaces; `djhtml --tabwidth 2 templates` fixes it). tests/test_template_lines.py bounds template line length.
lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy
	$(VENV)/bin/djhtml --check --tabwidth 2 templates

simulator: $(VENV)/.installed
	$(PY) -m simulator --port $(SIMULATOR_PORT)

# Benchmarks print figures; they never fail on timing. BENCH_OUT=file.json also writes them as JSON (emptied
# first, then filled by each benchmark in turn). BENCH_POSTGRES_DATABASE names the PostgreSQL database they
# drop and make afresh (default dashboard_bench).
bench: $(VENV)/.installed
	@if [ -n "$$BENCH_OUT" ]; then rm -f "$$BENCH_OUT"; fi
	$(PY) -m benchmarks.lists
	$(PY) -m benchmarks.serve
	$(PY) -m benchmarks.background
	$(PY) -m benchmarks.cache_calls

# A bounded load test (60 s, 50 connections, loopback only): requests, errors, latency percentiles.
load: $(VENV)/.installed
	$(PY) -m benchmarks.load

# Translations: collect the marked strings into locale/*/LC_MESSAGES/django.po, translate them there, then
# run this again to compile the .mo files. Both are committed, so running the app needs no GNU gettext
# (this target does); tests/test_i18n.py fails while a .mo does not match its .po.
.PHONY: messages
messages: $(VENV)/.installed
	$(PY) manage.py makemessages --all --add-location=file --ignore=.venv --ignore=tests --ignore=simulator \
		--ignore=benchmarks --ignore=staticfiles --ignore=docs --ignore='*.egg-info'
	$(PY) manage.py compilemessages --ignore=.venv

# Property-based tests with many more generated cases than `make test` runs (17,000; 0 failures expected).
fuzz: $(VENV)/.installed
	HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest tests/test_properties.py -q --hypothesis-show-statistics
