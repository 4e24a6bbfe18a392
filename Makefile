# The single entry point: `make run` serves the platform with the demo data; `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export CITYSERVICES_TEST_PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres

.PHONY: install run test test-fast lint format bench demo-data clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/cityservices load-demo --if-empty
	$(BIN)/cityservices serve

lint: install
	$(BIN)/ruff check src tests scripts benchmarks
	$(BIN)/ruff format --check src tests scripts benchmarks
	$(BIN)/mypy src scripts

test: lint
	$(BIN)/pytest --cov --cov-report=term:skip-covered --cov-fail-under=80

test-fast: install
	$(BIN)/pytest -m "not slow and not postgres" -q

format: install
	$(BIN)/ruff format src tests scripts benchmarks
	$(BIN)/ruff check --fix src tests scripts benchmarks

bench: install
	$(BIN)/python benchmarks/load_demo.py

demo-data: install
	$(BIN)/python scripts/build_qingdao_dataset.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .coverage
