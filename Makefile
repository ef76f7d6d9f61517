# Resilience Warehouse — `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
# Panels here are small (450 x 25): one BLAS thread is 10-60x faster than the default
# thread pool on a 2-core machine (measured in bench/bench_resampling.py).
export OPENBLAS_NUM_THREADS ?= 1
SCRATCH := build/test
DB ?= warehouse.duckdb

.DEFAULT_GOAL := help
.PHONY: help install install-test lock demo demo-data build estimate report test lint bench bench-firm example-us example-china docs clean

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}'

$(VENV)/bin/python:
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found); set PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installs come from the lock files (exact versions, sha256 hashes), the package itself
# without dependencies; `make lock` refreshes the locks from pyproject.toml's ranges.
$(STAMP): requirements.lock pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $@

$(TEST_STAMP): requirements-test.lock $(STAMP)
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements-test.lock
	@touch $@

LOCK_TOOLS := build/lock-tools
# `make lock` keeps every pin pyproject.toml still allows and resolves only what changed;
# `make lock UPGRADE=1` moves every package to the newest version in its range.
LOCK_UPGRADE := $(if $(UPGRADE),--upgrade,)
lock: ## Re-resolve requirements.lock and requirements-test.lock from pyproject.toml (pip-compile, hashes; UPGRADE=1: newest)
	@test -x $(LOCK_TOOLS)/bin/pip-compile || { $(PYTHON) -m venv $(LOCK_TOOLS) && $(LOCK_TOOLS)/bin/pip install --quiet "pip-tools==7.6.2"; }
	$(LOCK_TOOLS)/bin/pip-compile --quiet $(LOCK_UPGRADE) --generate-hashes --strip-extras --no-emit-index-url --no-emit-find-links --extra test --output-file requirements-test.lock pyproject.toml
	@# the runtime lock takes the test lock's versions, so the two environments never differ
	$(LOCK_TOOLS)/bin/pip-compile --quiet $(LOCK_UPGRADE) --generate-hashes --strip-extras --no-emit-index-url --no-emit-find-links --constraint requirements-test.lock --output-file requirements.lock pyproject.toml

install: $(STAMP) ## Create .venv and install the package with its pinned dependencies

install-test: $(TEST_STAMP) ## Install the test extras too

demo-data: $(STAMP) ## Regenerate the synthetic demo inputs in data/demo (byte-identical)
	$(BIN)/python -m resilience.demo --out data/demo

build: $(STAMP) ## Seed and build the warehouse (dbt build) into $(DB)
	RESILIENCE_DB=$(DB) $(BIN)/resilience build

estimate: $(STAMP) ## Estimate every table of both papers, write results.* and reports/tables
	RESILIENCE_DB=$(DB) $(BIN)/resilience estimate

report: $(STAMP) ## Write the HTML report reports/index.html
	RESILIENCE_DB=$(DB) $(BIN)/resilience report

demo: $(STAMP) ## Fresh machine: install, build the warehouse, estimate, the specification curves, write the report
	RESILIENCE_DB=$(DB) $(BIN)/resilience build
	RESILIENCE_DB=$(DB) $(BIN)/resilience estimate
	RESILIENCE_DB=$(DB) $(BIN)/resilience sensitivity
	RESILIENCE_DB=$(DB) $(BIN)/resilience report
	@echo
	@echo "Warehouse: $(abspath $(DB))   (schemas reference, staging, intermediate, marts, results)"
	@echo "Tables:    $(abspath reports/tables)/"
	@echo "Report:    $(abspath reports/index.html)"
	@echo "The demo data is SYNTHETIC (python/resilience/demo.py), not official statistics."

test: $(TEST_STAMP) ## Build and test the warehouse in a scratch DuckDB file, then run pytest
	rm -rf $(SCRATCH) && mkdir -p $(SCRATCH)
	RESILIENCE_DB=$(SCRATCH)/warehouse.duckdb $(BIN)/dbt build --target-path $(SCRATCH)/target --log-path $(SCRATCH)/logs
	RESILIENCE_TEST_WAREHOUSE=$(abspath $(SCRATCH))/warehouse.duckdb $(BIN)/python -m pytest

lint: $(TEST_STAMP) ## ruff (lint + format check) over the Python code (package, tests, bench, dbt Python models), sqlfluff over the SQL
	$(BIN)/ruff check python tests/python bench models
	$(BIN)/ruff format --check python tests/python bench models
	$(BIN)/sqlfluff lint models macros analysis tests/dbt

bench: $(STAMP) ## Run the benchmarks and write bench/results.md
	$(BIN)/python bench/run_all.py

PEER_CAP_GB ?= 16
bench-firm: $(STAMP) ## make bench plus the firm scale (100 M values; DuckDB capped at 4 GB, numpy peer last, capped at PEER_CAP_GB)
	$(BIN)/python bench/run_all.py --firm --peer-memory-cap-gb $(PEER_CAP_GB)

example-us: $(STAMP) ## Real-data example: US states 1970-1986 (Munnell), index + regression
	$(BIN)/resilience example-us

example-china: $(STAMP) ## Real-data example: China provinces 2010-2023 (S&T yearbook, World Bank)
	$(BIN)/resilience example-china

docs: $(STAMP) ## Generate the dbt docs site into target/ (index.html and the one-file static_index.html)
	RESILIENCE_DB=$(DB) $(BIN)/resilience docs

clean: ## Remove build artefacts (keeps .venv and the warehouse)
	rm -rf target logs build reports/tables
