# roster-pipeline: two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT := out
START := 2027-02-01
WEEKS := 4
RULES := au-vic
TIME_LIMIT := 30

.PHONY: install demo roster-demo test lint bench clean pipeline ui

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# The main job on the embedded default (DuckDB): a roster from the command line, then the whole
# Dagster pipeline (contracts, weekly solves, warehouse, SQL models, dashboards).
demo: roster-demo pipeline
	@echo "open the dashboards with: make ui   (then http://127.0.0.1:3000)"

roster-demo: install
	$(BIN)/roster sample --registrars 45 --sites 3 --weeks $(WEEKS) --start $(START) --seed 7 --out $(OUT)/sample
	$(BIN)/roster solve $(OUT)/sample --start $(START) --weeks $(WEEKS) --rules $(RULES) \
		--time-limit $(TIME_LIMIT) --out $(OUT)/roster.csv --xlsx $(OUT)/roster.xlsx
	$(BIN)/roster validate $(OUT)/sample $(OUT)/roster.csv --rules $(RULES) --summary
	@echo "department: $(OUT)/sample (department.xlsx and CSVs)"
	@echo "roster:     $(OUT)/roster.csv and $(OUT)/roster.xlsx"

test: install
	$(BIN)/pytest -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: install
	$(BIN)/python benchmarks/roster_targets.py

clean:
	rm -rf $(OUT) .pytest_cache .hypothesis

# ---- Dagster pipeline (docs/pipeline.md). Weeks must be roster partitions: at most 4 weeks ahead.
PIPELINE_WEEKS := 2026-10-05 2026-10-12 2026-10-19 2026-10-26
PIPELINE_START := $(firstword $(PIPELINE_WEEKS))
PIPELINE_END := $(lastword $(PIPELINE_WEEKS))
PIPELINE_TIME_LIMIT := 3
export DAGSTER_HOME := $(CURDIR)/.dagster_home
PIPELINE_ENV := ROSTER_DEPARTMENT=$(OUT)/pipeline-sample ROSTER_DUCKDB=$(OUT)/warehouse.duckdb \
	ROSTER_RULES=$(RULES) ROSTER_TIME_LIMIT=$(PIPELINE_TIME_LIMIT) ROSTER_FIRST_WEEK=$(PIPELINE_START)

$(DAGSTER_HOME)/dagster.yaml: deploy/dagster.yaml
	mkdir -p $(DAGSTER_HOME)
	cp deploy/dagster.yaml $@

$(OUT)/pipeline-sample/registrars.csv: | $(STAMP)
	$(BIN)/roster sample --registrars 45 --sites 3 --weeks $(WEEKS) --start $(PIPELINE_START) --seed 7 \
		--out $(OUT)/pipeline-sample

# Materialise the whole pipeline for the sample department on DuckDB, with no daemon: contracts,
# the 4 weekly solves in order and the SQL models in one run, then one dashboard run per week.
pipeline: install $(DAGSTER_HOME)/dagster.yaml $(OUT)/pipeline-sample/registrars.csv
	$(PIPELINE_ENV) $(BIN)/dagster asset materialize -m roster_pipeline.definitions \
		--select 'not group:dashboards and not group:joblines and not group:repairs' --partition-range $(PIPELINE_START)...$(PIPELINE_END)
	for week in $(PIPELINE_WEEKS); do \
		$(PIPELINE_ENV) $(BIN)/dagster asset materialize -m roster_pipeline.definitions \
			--select fairness_dashboard --partition $$week || exit 1; \
	done
	@echo "warehouse: $(OUT)/warehouse.duckdb; run history: $(DAGSTER_HOME) (see it with make ui)"

# The Dagster UI (and daemon, for schedules and UI backfills) on http://127.0.0.1:3000
ui: install $(DAGSTER_HOME)/dagster.yaml $(OUT)/pipeline-sample/registrars.csv
	$(PIPELINE_ENV) $(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

