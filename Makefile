# Quick start: `make run` (serve the demo) and `make test` (the whole suite). Both set up .venv.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install install-test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## run: migrate, load the demo into an empty database, serve workbench + POS API with gunicorn
run: install
	$(BIN)/workbench db upgrade
	$(BIN)/workbench demo --if-empty
	$(BIN)/workbench serve --host $(HOST) --port $(PORT)

## test: the behave acceptance suite of the core, then pytest (PostgreSQL tests need TEST_DATABASE_URL)
test: install-test
	$(BIN)/behave features/ --format progress --no-snippets --summary
	$(BIN)/pytest

## bench: the benchmarks of bench/ (run by hand; they print their figures)
bench: install-test
	$(BIN)/python bench/quote_rate.py
	$(BIN)/python bench/pos_throughput.py
	$(BIN)/python bench/process_models_bench.py

clean:
	rm -rf $(VENV) instance/*.db .pytest_cache
