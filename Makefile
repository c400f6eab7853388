# The README's commands. Everything runs from .venv in this checkout, made on first use.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
SIMULATOR_PORT ?= 8001

.PHONY: run test lint simulator bench

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
	trap 'kill $$simulator 2>/dev/null' EXIT INT TERM; \
	echo; echo "  Open http://$(HOST):$(PORT)/ and log in as demo / demo"; echo; \
	$(PY) manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m pytest

lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

simulator: $(VENV)/.installed
	$(PY) -m simulator --port $(SIMULATOR_PORT)

bench: $(VENV)/.installed
	$(PY) -m benchmarks.lists
