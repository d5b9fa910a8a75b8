# The two README commands: `make run` and `make test`. `make setup` is the install part of both.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app webapp
# `make run PORT=5001` when 5000 is taken
PORT ?= 5000

.PHONY: setup run test lint bench bench-inbox bench-audit assets services browser

setup: $(VENV)/.installed assets

$(VENV)/.installed: pyproject.toml
	@# the Japanese font embedded in PDF notices (membership/documents.py)
	@test -f /usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-ipaexfont >/dev/null; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: node_modules/.installed
	$(BIN)/python tools/vendor_assets.py

run: setup
	$(FLASK) db upgrade
	$(FLASK) demo load
	$(FLASK) demo logins
	@echo "MAMIS on http://127.0.0.1:$(PORT)"
	MAMIS_BASE_URL=$${MAMIS_BASE_URL:-http://127.0.0.1:$(PORT)} $(FLASK) run --host 127.0.0.1 --port $(PORT)

# Browser tests drive Debian's chromium; Playwright's own download does not work here.
browser:
	@test -x /usr/bin/chromium || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-ipaexfont >/dev/null; }

# PostgreSQL and Redis on 127.0.0.1 for the tests; started only if they are not running.
services:
	@bash tools/start_services.sh

test: setup browser services
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check .

bench: setup services
	$(BIN)/python bench/engine_throughput.py

# 1,000,000 human tasks on PostgreSQL (a few minutes)
bench-inbox: setup services
	$(BIN)/python bench/inbox.py

# 3,000,000 audit rows on PostgreSQL (about two minutes)
bench-audit: setup services
	$(BIN)/python bench/audit.py
