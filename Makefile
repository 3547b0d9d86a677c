# ecommerce_behavior: two commands on a fresh machine, `make build` then `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin

export DO_NOT_TRACK := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DBT_PROFILES_DIR := $(CURDIR)
export DBT_PROJECT_DIR := $(CURDIR)
# the publication BI reads, and the work database dbt builds into (docs/publishing.md)
export DUCKDB_PATH ?= warehouse/ecommerce_behavior.duckdb
export DUCKDB_BUILD_PATH ?= warehouse/build/ecommerce_behavior.duckdb
NPROC := $(shell nproc 2>/dev/null || echo 2)
# two dbt threads per core: a node is partly dbt's own Python work (DECISIONLOG P9)
export DBT_THREADS ?= $(shell echo $$(( $(NPROC) * 2 )))

.PHONY: help venv build check generate test dbt-build lint pytest docs sample bench spark-test spark-cluster-test dashboards bi-test clean

help:
	@echo "make build   create .venv, build and test the committed sample (or RAW_PATH=DIR), publish the marts"
	@echo "make check   in seconds, no build: contracts, generated files, docs, layout, lint of changed SQL"
	@echo "make generate  rewrite the files generated from the yml (mart interface, marts tables, exposures)"
	@echo "make test    dbt build (models + tests), sqlfluff and ruff lint, pytest"
	@echo "make docs    dbt docs generate into a static site (site/index.html)"
	@echo "make spark-test  the whole project on Apache Spark, compared mart by mart with DuckDB"
	@echo "make spark-cluster-test  the same on a local Spark cluster (master, worker, Thrift server)"
	@echo "make dashboards  Superset on 127.0.0.1:8088 with the five growth dashboards (after make build)"
	@echo "make bi-test  the dashboards checked against the marts, rendered in headless Chromium, locked down"
	@echo "              (README_IMAGES=1: the screenshots replace the README's, docs/images)"
	@echo "make sample  regenerate the committed sample in data/sample (generator, fixed seed)"
	@echo "make bench   benchmark the build against a floor and a peer (benchmarks/README.md)"
	@echo "make clean   remove build artefacts and the local warehouse"

$(VENV)/.installed: requirements.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, found " + sys.version.split()[0]'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

venv: $(VENV)/.installed

# Write-audit-publish (docs/publishing.md): dbt build into the work database, then, only
# when everything passed, the marts published to $(DUCKDB_PATH) and warehouse/exports.
# Your own data and vars: make build RAW_PATH=/data/shop VARS='{as_of: "2024-06-30"}'
# (FULL_REFRESH=1 rebuilds the incremental models from scratch). RAW_PATH and VARS reach
# publish.py as environment variables, taken literally ($(value ...): make expands nothing
# in them), never pasted into the command line: quotes, `;`, `$` or backticks are data.
override RAW_PATH := $(value RAW_PATH)
override VARS := $(value VARS)
export RAW_PATH VARS
override export ACCEPT_HISTORY_CHANGE := $(value ACCEPT_HISTORY_CHANGE)
build: venv
	$(BIN)/python scripts/publish.py $(if $(FULL_REFRESH),--full-refresh)
	$(BIN)/python scripts/summary.py

dbt-build: venv
	@mkdir -p $(dir $(DUCKDB_BUILD_PATH))
	$(BIN)/dbt build

# The parse-level loop (docs/testing.md): no build, well under a minute.
check: venv
	@mkdir -p $(dir $(DUCKDB_BUILD_PATH))  # sqlfluff's dbt templater opens the work database
	$(BIN)/python scripts/check.py

# The files that restate the yml (scripts/generate.py); `make check` says when they are stale.
generate: venv
	$(BIN)/python scripts/generate.py

# sqlfluff on every core: each process templates and lints its share of the files
lint: venv
	$(BIN)/sqlfluff lint --processes $(NPROC) models analyses tests
	$(BIN)/ruff check scripts tests

# pytest on every core: each worker takes whole test files (their module fixtures are built
# once), the slowest files first (tests/python/conftest.py; --no-loadscope-reorder keeps
# that order, xdist would sort files by their number of tests); PYTEST_WORKERS=0 runs
# in-process.
PYTEST_WORKERS ?= $(NPROC)
pytest: venv
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder

test: dbt-build lint pytest

docs: venv
	@mkdir -p $(dir $(DUCKDB_BUILD_PATH)) site
	$(BIN)/dbt docs generate --static
	cp target/static_index.html site/index.html
	@echo "docs: open site/index.html"

# The committed sample (data/sample): generator output at a small size, fixed seed (DECISIONLOG D7).
SAMPLE_ARGS := --customers 1000 --events 50000 --seed 20240101 --messiness light
sample: venv
	$(BIN)/python scripts/generate_data.py --out $(CURDIR)/data/sample $(SAMPLE_ARGS)

# Spark: its own venv (.venv-spark), a build of everything on Spark, then the parity test
# (tests/spark) against DuckDB. docs/spark.md.
spark-test:
	bash scripts/spark_test.sh

# A Spark standalone cluster on 127.0.0.1 (master, worker, Thrift server; own venv
# .venv-spark-cluster), dbt build --target spark_cluster, the parity test, everything
# stopped by pid. docs/spark.md, "On a Spark cluster".
spark-cluster-test:
	bash scripts/spark_cluster_test.sh

# Superset dashboards (docs/dashboards.md): own venv .venv-superset (bi/superset/requirements.txt),
# the published $(DUCKDB_PATH) read-only and locked down, served by gunicorn on
# 127.0.0.1:$(SUPERSET_PORT); accounts admin and viewer, passwords made per instance (printed once).
SUPERSET_PORT ?= 8088
dashboards:
	SUPERSET_PORT=$(SUPERSET_PORT) $(PYTHON) scripts/superset.py serve

# Every chart against the marts (chart-data API vs DuckDB), every dashboard rendered in headless
# Chromium (Debian's chromium + chromium-driver, apt-get if missing); PNGs in
# warehouse/bi_screenshots, or in docs/images (the README's) with README_IMAGES=1. Also
# the lock-down probes, the viewer's role, and a bounded load check on 127.0.0.1.
bi-test:
	$(if $(README_IMAGES),BI_SCREENSHOT_DIR=$(CURDIR)/docs/images) $(PYTHON) scripts/superset.py bi-test

# Benchmark (benchmarks/results.md, results.png). The committed results add 100M events
# (about an hour, the profile's DuckDB memory limit): BENCH_ARGS="--tiers 1M,10M,100M".
BENCH_ARGS ?= --tiers 1M,10M --runs 3
bench: venv
	$(BIN)/python scripts/bench.py $(BENCH_ARGS)

clean:
	rm -rf target logs site warehouse/*.duckdb warehouse/*.wal warehouse/*.current warehouse/*.publications warehouse/duckdb_tmp warehouse/build warehouse/exports warehouse/superset
