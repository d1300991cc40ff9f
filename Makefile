# Two commands matter: `make run` and `make test`. The rest are parts of them.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
RUN_PRODUCTS ?= 300
# `make run PORT=8123` serves elsewhere; the demo logins and email links follow.
PORT ?= 8000

export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test lint format system-packages emoji-font node-tools services \
        migrate worker beat clients test-unit test-e2e test-fuzz test-security \
        bench clean

$(INSTALLED): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

## Serve the shop at http://127.0.0.1:$(PORT) on SQLite with a demo catalogue.
run: export DJANGO_SETTINGS_MODULE := shop.settings.local
run: export SITE_URL := http://127.0.0.1:$(PORT)
run: $(INSTALLED) emoji-font
	mkdir -p var
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py seed_demo --products $(RUN_PRODUCTS)
	$(PY) manage.py demo_users
	$(PY) manage.py demo_delivery
	$(PY) manage.py demo_store_staff
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

## Lint, then the whole suite on PostgreSQL and Redis.
test: $(INSTALLED) system-packages services node-tools lint clients
	$(VENV)/bin/pytest

lint: $(INSTALLED)
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

format: $(INSTALLED)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

system-packages:
	scripts/ensure-system-packages.sh

## Clients generated from the OpenAPI schema type-check a shopper's flow:
## Python (openapi-python-client, mypy --strict) and TypeScript
## (openapi-typescript, tsc --strict; npm packages in clients/typescript).
CLIENTS := var/clients
clients: $(INSTALLED)
	mkdir -p $(CLIENTS)
	DJANGO_SETTINGS_MODULE=shop.settings.test $(PY) manage.py spectacular \
	  --validate --fail-on-warn --file $(CLIENTS)/schema.yaml
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/openapi-python-client generate \
	  --path $(CLIENTS)/schema.yaml --output-path $(CLIENTS)/freshcart_client \
	  --meta none --overwrite --fail-on-warning --config clients/openapi-python-client.yaml
	MYPYPATH=$(CLIENTS) $(VENV)/bin/mypy --strict --no-incremental \
	  clients/python/shopper_flow.py
	cd clients/typescript && npm ci --no-audit --no-fund --loglevel=error
	clients/typescript/node_modules/.bin/openapi-typescript $(CLIENTS)/schema.yaml \
	  --output $(CLIENTS)/schema.d.ts
	clients/typescript/node_modules/.bin/tsc -p clients/typescript

# axe-core for the accessibility gate (tests/e2e/test_accessibility.py) and
# Lighthouse for the page-quality gate (tests/e2e/test_lighthouse.py; 13 needs
# Node 22), from the npm registry into node_modules/ (not committed), pinned
# exactly. One install: npm drops what a later --no-save install does not
# name. The stamp's name carries the versions, so changing one reinstalls.
NODE_TOOLS := axe-core@4.11.0 lighthouse@12.2.3
NODE_TOOLS_STAMP := node_modules/.installed-$(subst @,-,$(subst $() ,_,$(NODE_TOOLS)))
node-tools: $(NODE_TOOLS_STAMP)
$(NODE_TOOLS_STAMP):
	npm install -E --no-save --no-package-lock --no-audit --no-fund $(NODE_TOOLS)
	touch $@

# The demo pictures are drawn from this font; without it they are initials.
emoji-font:
	scripts/ensure-system-packages.sh fonts-noto-color-emoji \
	  || echo "fonts-noto-color-emoji could not be installed: demo pictures show initials"

services:
	scripts/ensure-services.sh

## Each gate alone (they all run in `make test`).
test-unit: $(INSTALLED) services
	$(VENV)/bin/pytest -m "not e2e and not fuzz"
test-e2e: $(INSTALLED) system-packages services node-tools
	$(VENV)/bin/pytest -m e2e
test-fuzz: $(INSTALLED) services
	$(VENV)/bin/pytest -m fuzz
test-security: $(INSTALLED) services
	$(VENV)/bin/pytest tests/security

## Background work against Redis (see README: "Workers").
worker: $(INSTALLED)
	$(VENV)/bin/celery -A shop worker -Q default,emails,invoices --loglevel INFO
beat: $(INSTALLED)
	$(VENV)/bin/celery -A shop beat --loglevel INFO

## Load and race figures against a 10,000-product shop (docs/performance.md).
bench: $(INSTALLED) system-packages services
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) var
