# The two commands a newcomer needs:  make run   and   make test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test venv dev lint bench demo

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

venv: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e .

dev: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	$(BIN)/pip install --quiet --no-deps -e .

run: venv  ## install, migrate and serve on http://127.0.0.1:8000 (SQLite in your data dir)
	$(BIN)/spasmtrack serve

test: dev  ## lint and type-check, then every test: SQLite, PostgreSQL, browser
	bash scripts/test.sh

lint: dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

demo: venv
	$(BIN)/spasmtrack demo

bench: dev
	bash scripts/bench.sh
