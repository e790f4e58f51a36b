# Quick start: `make run` (serve the demo) and `make test` (the whole suite). Both set up .venv.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
POS_PORT ?= 5001

.PHONY: run test install install-test system-packages system-packages-test bench clean translations assets engine clean-engine

# Debian packages pip cannot provide: cairo and a Cyrillic font for the DOCX diagrams, and
# Chromium for the browser tests, LibreOffice and poppler for the document layout tests (see tools/system-packages.sh; skipped with a hint when not root).
SYSTEM_PACKAGES = libcairo2 fonts-dejavu-core
TEST_SYSTEM_PACKAGES = $(SYSTEM_PACKAGES) chromium libreoffice-writer-nogui poppler-utils

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed system-packages assets
install-test: $(VENV)/.installed-test system-packages-test assets

# The browser modeller and viewer: bpmn-js and esbuild from the npm registry at the versions of
# package-lock.json (npm ci), bundled by frontend/build.mjs into workbench/static/build/ (git-
# ignored). Without Node.js the pages show the server's SVG diagrams (CI=true makes it an error).
ASSETS := workbench/static/build/.built
assets: $(ASSETS)
$(ASSETS): package.json package-lock.json $(wildcard frontend/*)
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --no-audit --no-fund && npm run build && touch $@; \
	elif [ "$$CI" = "true" ]; then echo "CI=true but npm is missing: install Node.js 20 and npm" >&2; exit 1; \
	else echo "npm not found: the modeller is not built; pages show the server's SVG (install Node.js 20 and npm)"; fi

## engine: compile the pure points engine with mypyc, in place (quotes about 1.7x faster; needs a
## C compiler; setup.py). Edit a compiled module and the import refuses it until `make engine`
## runs again; `make clean-engine` goes back to pure Python.
engine: $(VENV)/.installed-test
	LOYALTY_COMPILE_ENGINE=1 $(BIN)/python setup.py -q build_ext --inplace
	@$(BIN)/python -c "from loyalty_core.engine import compiled_engine; assert compiled_engine(); print('engine compiled')"

clean-engine:
	rm -f loyalty_core/*.so loyalty_core/engine/*.so

system-packages:
	@bash tools/system-packages.sh $(SYSTEM_PACKAGES)

system-packages-test:
	@bash tools/system-packages.sh $(TEST_SYSTEM_PACKAGES)

## run: migrate, load the demo into an empty database (not with WORKBENCH_ENV=production), serve
## the workbench (PORT), the POS API
## (POS_PORT, its own gunicorn workers) and the job worker
run: install
	$(BIN)/workbench db upgrade
	$(BIN)/workbench demo --if-empty
	$(BIN)/workbench serve --host $(HOST) --port $(PORT) --pos-port $(POS_PORT)

## test: ruff (lint, then format check), the behave acceptance suite of the core, then pytest (PostgreSQL tests need TEST_DATABASE_URL)
test: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/behave features/ --format progress --no-snippets --summary
	$(BIN)/pytest

## bench: the benchmarks of bench/ (run by hand; they print their figures)
bench: install-test
	$(BIN)/python bench/quote_rate.py
	$(BIN)/python bench/pos_throughput.py
	$(BIN)/python bench/process_models_bench.py

clean: clean-engine
	rm -rf $(VENV) instance/*.db .pytest_cache node_modules workbench/static/build

## translations: extract every marked string (Python and templates) and merge it into the .po
## catalogues; then translate the new empty msgstr entries (tests/workbench/test_i18n_catalogue.py
## names them). The app compiles the catalogues itself when it starts.
translations: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output --project=loyalty-workbench \
	  -o workbench/translations/messages.pot workbench gap_analysis
	$(BIN)/pybabel update -i workbench/translations/messages.pot -d workbench/translations \
	  --no-fuzzy-matching --ignore-obsolete
	@# The extraction time would change on every run and make parallel branches conflict on it.
	sed -i '/^"POT-Creation-Date: /d' workbench/translations/*/LC_MESSAGES/messages.po
