# Two commands on a fresh machine: `make run` and `make test`. Only python3 (3.11+) and make needed.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: setup run test test-fast bench lint format docs-check clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

run: setup  ## set up, load demo data into the embedded database, serve the web app
	$(VENV)/bin/rltcare serve

test: setup  ## the whole suite (browser and PostgreSQL tests skip outside CI when unavailable)
	$(PY) -m pytest -q

test-fast: setup
	$(PY) -m pytest -q -m "not slow and not browser and not postgres"

bench: setup  ## each benchmark prints its ratio to a reference run in the same process
	@for script in benchmarks/bench_*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

lint: setup
	$(VENV)/bin/ruff check src tests benchmarks scripts
	$(VENV)/bin/ruff format --check src tests benchmarks scripts

format: setup
	$(VENV)/bin/ruff check --fix src tests benchmarks scripts
	$(VENV)/bin/ruff format src tests benchmarks scripts

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build dist src/*.egg-info
