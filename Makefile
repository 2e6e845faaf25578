# Quick start: `make run` (install, demo data, serve on http://127.0.0.1:8000) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DANGJIAN_DEMO ?= 1

.PHONY: run test install lint serve demo clean-db

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -c requirements.lock -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Install, migrate, load the demo city once (later runs keep what was entered), serve (web + task worker).
run: install
	$(BIN)/dangjian migrate --noinput
	$(BIN)/dangjian demo --if-empty
	$(BIN)/dangjian collectstatic --noinput --verbosity 0
	BIN=$(BIN) sh scripts/serve.sh

# The whole suite: unit, integration and headless-Chromium tests. DATABASE_URL selects PostgreSQL.
test: install
	bash scripts/ensure-browser.sh
	$(BIN)/ruff check .
	DJANGO_SETTINGS_MODULE=dangjian.settings_test $(BIN)/dangjian makemigrations --check --dry-run >/dev/null
	DJANGO_SETTINGS_MODULE=dangjian.settings_test $(BIN)/python -m pytest -q $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
