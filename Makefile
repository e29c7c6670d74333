# Two commands for a fresh machine: `make run` (app with demo data) and `make test` (whole suite).
# Both do the idempotent setup first: Debian packages, .venv, Python packages, translations, migrations.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app app
DEPS_STAMP := $(VENV)/.deps-stamp
MO := app/translations/zh/LC_MESSAGES/messages.mo
CERT_FONT := certificates/fonts/JiangcaiSerif-GB2312.otf
AXE := node_modules/axe-core/axe.min.js

.PHONY: run test setup system-deps db lint worker docs-screenshots

run: setup db
	@$(FLASK) demo load --with-certificates
	@bash scripts/run-dev.sh

worker: setup db
	$(VENV)/bin/huey_consumer app.worker.huey -k thread -w 2

# One test process per core (pytest-xdist); each PostgreSQL worker uses a database of its own, <name>_gw<n>.
# TEST_WORKERS=0 runs the suite in this process.
TEST_WORKERS ?= auto

test: setup
	@echo "== test suite on SQLite =="
	env -u TEST_DATABASE_URL $(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== test suite on $$TEST_DATABASE_URL =="; \
		$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS); \
	fi

setup: system-deps $(DEPS_STAMP) $(MO) $(CERT_FONT) $(AXE)

system-deps:
	@bash scripts/system-deps.sh

$(PY):
	$(PYTHON) -m venv $(VENV)

$(DEPS_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	@touch $@

$(MO): app/translations/zh/LC_MESSAGES/messages.po $(DEPS_STAMP)
	$(VENV)/bin/pybabel compile --use-fuzzy -d app/translations >/dev/null

$(CERT_FONT): app/certification/fonts.py $(DEPS_STAMP)
	$(PY) -m app.certification.fonts >/dev/null

# axe-core, which the browser tests inject into every key page (tests/browser/test_accessibility.py), pinned by
# package-lock.json; installed again only when the lock file changes.
$(AXE): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

db: setup
	@mkdir -p instance
	@$(FLASK) db upgrade

lint: setup
	$(VENV)/bin/ruff check app tests config.py

docs-screenshots: setup
	DOC_SCREENSHOTS_DIR=$(CURDIR)/docs/images $(PY) -m pytest tests/browser/test_doc_screenshots.py -q
