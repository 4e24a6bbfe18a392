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

# Leaflet from the npm registry (pinned in frontend/package-lock.json), copied into the static files (not committed).
LEAFLET := src/cityservices/static/vendor/leaflet
$(LEAFLET)/leaflet.js: frontend/package.json frontend/package-lock.json
	npm ci --prefix frontend --no-audit --no-fund
	mkdir -p $(LEAFLET)
	cp frontend/node_modules/leaflet/dist/leaflet.js frontend/node_modules/leaflet/dist/leaflet.css $(LEAFLET)/
	cp -r frontend/node_modules/leaflet/dist/images $(LEAFLET)/
	cp frontend/node_modules/leaflet.markercluster/dist/leaflet.markercluster.js \
	   frontend/node_modules/leaflet.markercluster/dist/MarkerCluster.css $(LEAFLET)/
	touch $@

# Swagger UI for /api/docs, from the same pinned npm install: served from this site, never from a CDN.
SWAGGER := src/cityservices/static/vendor/swagger-ui
$(SWAGGER)/swagger-ui-bundle.js: $(LEAFLET)/leaflet.js
	mkdir -p $(SWAGGER)
	cp frontend/node_modules/swagger-ui-dist/swagger-ui-bundle.js frontend/node_modules/swagger-ui-dist/swagger-ui.css \
	   frontend/node_modules/swagger-ui-dist/favicon-32x32.png frontend/node_modules/swagger-ui-dist/LICENSE $(SWAGGER)/
	touch $@

install: $(STAMP) $(LEAFLET)/leaflet.js $(SWAGGER)/swagger-ui-bundle.js

run: install
	$(BIN)/cityservices load-demo --if-empty
	$(BIN)/cityservices serve

lint: install
	$(BIN)/ruff check src tests scripts benchmarks
	$(BIN)/ruff format --check src tests scripts benchmarks
	$(BIN)/mypy src scripts

# Tests run in TEST_WORKERS processes (pytest-xdist; `auto` = one per CPU core, 0 = in this process). Each worker has
# its own SQLite files (its own tmp dir) and PostgreSQL databases (uuid-named, tests/conftest.py); `--dist loadfile`
# keeps a file's tests on one worker, so module- and session-scoped fixtures (loaded databases, the browser's
# servers) are built once per file; the browser files all go, first, to one worker (tests/conftest.py), which loads
# the demo data and starts their servers once. pytest-cov combines the workers' coverage.
TEST_WORKERS ?= 2
XDIST := -n $(TEST_WORKERS) --dist loadfile

test: lint
	$(BIN)/pytest $(XDIST) --cov --cov-report=term:skip-covered --cov-fail-under=80

test-fast: install
	$(BIN)/pytest $(XDIST) -m "not slow and not postgres" -q

format: install
	$(BIN)/ruff format src tests scripts benchmarks
	$(BIN)/ruff check --fix src tests scripts benchmarks

bench: install
	$(BIN)/python benchmarks/load_demo.py
	$(BIN)/python benchmarks/nearest.py
	$(BIN)/python benchmarks/routing.py --db
	$(BIN)/python benchmarks/search_latency.py
	$(BIN)/python benchmarks/search_baselines.py --no-embedding

demo-data: install
	$(BIN)/python scripts/build_qingdao_dataset.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .coverage
