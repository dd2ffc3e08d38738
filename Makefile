# The two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip --disable-pip-version-check
PORT ?= 8000
PYTEST_WORKERS ?= 2
RUNTIME_STAMP := $(VENV)/.installed-runtime
DEV_STAMP := $(VENV)/.installed-dev
NODE_STAMP := node_modules/.installed

.PHONY: run test test-fast lint format check-system clean messages compilemessages

# The translation catalogues (locale/<language>/LC_MESSAGES/django.po), compiled to
# the .mo files Django reads. The .mo files are committed too, so a deployment needs
# no gettext; a test fails if one no longer matches its .po.
PO_FILES := $(wildcard locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)
# What `make messages` leaves out: other apps and the staff pages, not translated yet.
# Of surveys, the customer's side is in: its public pages, the answer form and the
# service that saves answers.
MESSAGES_IGNORE := .venv/* node_modules/* var/* tests/* bench/* scripts/* static/* \
	customers/* improvements/* qms/* core/templates/* templates/registration/* \
	feedback/templates/feedback/complaints/* feedback/templates/feedback/communication/* \
	surveys/design/* surveys/campaigns/* surveys/migrations/* surveys/templates/surveys/design/* \
	surveys/templates/surveys/campaigns/* surveys/templates/surveys/responses/* \
	surveys/responses/models.py surveys/responses/views.py surveys/responses/selectors.py \
	surveys/responses/hooks.py surveys/responses/demo.py surveys/responses/metrics.py \
	surveys/responses/evidence.py surveys/responses/filters.py surveys/responses/urls.py

check-system:
	@scripts/check-system "$(PYTHON)"

$(VENV)/bin/python:
	@scripts/check-system "$(PYTHON)"
	"$(PYTHON)" -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# A stamp per requirements file: a second `make run` skips the install.
$(RUNTIME_STAMP): requirements.txt | $(VENV)/bin/python
	$(PIP) install --quiet -r requirements.txt
	@touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PIP) install --quiet -r requirements-dev.txt
	@touch $@ $(RUNTIME_STAMP)

# axe-core and vnu-jar (the Nu HTML checker), which the browser tests run on each page
# they visit. No install scripts: vnu-jar's would download a Java runtime, and the
# tests use the system's (Debian: default-jre-headless).
$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed for the browser tests' axe-core and HTML checker: install Node.js and npm (Debian/Ubuntu: apt-get install nodejs npm)." >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error --ignore-scripts
	@touch $@

# Links in emails (the demo's included) point at the port the server runs on, unless
# SITE_URL is set in the environment.
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: check-system $(RUNTIME_STAMP) $(MO_FILES)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	@echo
	@echo "  Open $(SITE_URL)/ (Ctrl-C stops the web server, the worker and beat)"
	@$(PY) manage.py demo_logins
	@echo
	PORT=$(PORT) $(VENV)/bin/honcho start -f Procfile -p $(PORT)

# Each run gets a fresh broker folder; each xdist worker its own test database.
test: check-system $(DEV_STAMP) $(NODE_STAMP) $(MO_FILES)
	@broker=$$(mktemp -d) && trap 'rm -rf "$$broker"' EXIT && \
	BROKER_DIR="$$broker" $(VENV)/bin/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# While working: everything but the browser (tests/e2e) and integration tests
# (tests/integration), so no npm. `make test` and CI still run everything.
test-fast: check-system $(DEV_STAMP) $(MO_FILES)
	@broker=$$(mktemp -d) && trap 'rm -rf "$$broker"' EXIT && \
	BROKER_DIR="$$broker" $(VENV)/bin/pytest -n $(PYTEST_WORKERS) \
		--ignore=tests/e2e --ignore=tests/integration $(PYTEST_ARGS)

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/lint-imports
	$(VENV)/bin/bandit -c pyproject.toml -q -r core customers feedback surveys improvements qms bench scripts manage.py
	@# Test code holds fake passwords and runs our own interpreter in subprocesses.
	$(VENV)/bin/bandit -c pyproject.toml -q -r tests -s B105,B106,B404,B603
	scripts/audit

format: $(DEV_STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

%.mo: %.po
	@if command -v msgfmt >/dev/null; then msgfmt --check -o $@ $<; \
	else echo "msgfmt is missing, so $@ was not rebuilt from $<: install gettext (Debian/Ubuntu: apt-get install gettext; macOS: brew install gettext)." >&2; fi

compilemessages: $(MO_FILES)

# After changing a translatable string: refresh the catalogues, translate the new
# entries (msgstr ""), then `make compilemessages`.
messages: $(RUNTIME_STAMP)
	$(PY) manage.py makemessages --all --no-wrap --no-obsolete $(addprefix --ignore=,$(MESSAGES_IGNORE))

clean:
	rm -rf $(VENV) var node_modules
