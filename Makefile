# Waymark: `make run` serves the demo on http://127.0.0.1:5000, `make test` runs the whole suite.
VENV := .venv
PYTHON := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app app
SYSTEM_PYTHON ?= python3
CHROMIUM ?= /usr/bin/chromium
PYTEST_ARGS ?=

# Debian packages: fonts and HarfBuzz subsetting for the PDF board pack; Chromium for the browser tests.
PDF_PACKAGES := fonts-dejavu-core libharfbuzz-subset0

.PHONY: run test install install-test assets chromium pdf-packages bench load

run: install pdf-packages
	$(FLASK) db upgrade
	$(FLASK) demo load --if-empty
	@echo
	@$(FLASK) demo sign-ins
	@echo
	@echo "Waymark is at http://127.0.0.1:5000 (Ctrl+C stops it)."
	$(FLASK) run --host 127.0.0.1 --port 5000

test: install-test pdf-packages chromium
	$(PYTHON) -m pytest $(PYTEST_ARGS)
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "Running the suite again on PostgreSQL ($$TEST_DATABASE_URL)"; \
		WAYMARK_TEST_DATABASE=postgresql $(PYTHON) -m pytest $(PYTEST_ARGS); \
	fi

# Performance: every page measured at 40 workstreams x 48 periods and at 5 x 4 (OUT=path writes JSON).
bench: install pdf-packages
	$(PYTHON) bench/run.py $(if $(OUT),--out $(OUT))

# Load: gunicorn (2 workers) on PostgreSQL with 50 simulated users for 60 s, on 127.0.0.1 only.
load: install
	$(PYTHON) -m bench.load $(if $(OUT),--out $(OUT))

$(VENV)/bin/python:
	$(SYSTEM_PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml package.json | $(VENV)/bin/python
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e '.[test]'
	npm install --no-audit --no-fund --silent
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

pdf-packages:
	@missing=$$(for p in $(PDF_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -z "$$missing" ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		echo "Installing $$missing for the PDF board pack"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else \
		echo "The PDF board pack prints best with: sudo apt-get install -y $$missing"; \
	fi

# The browser tests drive Debian's Chromium (Playwright's own browser download is not used).
chromium:
	@if [ -x "$(CHROMIUM)" ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "The browser tests need Chromium at $(CHROMIUM): run 'sudo apt-get install -y chromium' (or set CHROMIUM=path)."; \
		exit 1; \
	fi

# Rebuilds static/ from the pinned npm packages (the built files are committed, so run and test need no Node).
assets: install
	npm install --no-audit --no-fund --silent
	$(PYTHON) -m app.rag > static/scss/components/_rag_palette.scss
	npx sass --pkg-importer=node --quiet-deps --style=compressed --no-source-map static/scss/waymark.scss static/css/waymark.css
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js static/vendor/
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/
