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

.PHONY: install demo roster-demo web-demo serve test lint bench clean pipeline ui postgres-up postgres-down \
	pipeline-postgres production

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# The main job on the embedded default (DuckDB): a roster from the command line, then the whole
# Dagster pipeline (contracts, weekly solves, warehouse, SQL models, dashboards).
demo: roster-demo pipeline web-demo
	@echo "open the dashboards with: make ui   (then http://127.0.0.1:3000)"
	@echo "open the web service with: make serve   (then http://127.0.0.1:8000; demo users above)"

# The web service's demo users and the pipeline's weekly rosters published (idempotent).
web-demo: install
	$(PIPELINE_ENV) $(BIN)/roster users demo

# The web service on the demo warehouse: registrar portal, manager console, API (/docs).
# ROSTER_WEB_TODAY puts the service's date inside the demo's weeks; plain HTTP on 127.0.0.1 only.
serve: install
	$(PIPELINE_ENV) ROSTER_WEB_TODAY=$(PIPELINE_TODAY) ROSTER_WEB_INSECURE_COOKIES=1 \
		ROSTER_WEB_SECRET_FILE=$(OUT)/web_secret $(BIN)/roster serve --host 127.0.0.1 --port 8000

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
# the web demo's date: Tuesday of the pipeline's first week
PIPELINE_TODAY := 2026-10-06
PIPELINE_TIME_LIMIT := 10
# partitions are department|week; the department is named by its folder
PIPELINE_DEPARTMENT := pipeline-sample
export DAGSTER_HOME := $(CURDIR)/.dagster_home
# The demo's runs execute their steps in the run's own process (ROSTER_EXECUTOR=in_process; the
# definitions' default is a process per step): its steps form one chain, and a process per step cost
# 82 s of make pipeline's 281 s outside the solves against 39 s of 262 s (benchmarks/README.md).
PIPELINE_ENV := ROSTER_DEPARTMENT=$(OUT)/$(PIPELINE_DEPARTMENT) ROSTER_DUCKDB=$(OUT)/warehouse.duckdb \
	ROSTER_RULES=$(RULES) ROSTER_TIME_LIMIT=$(PIPELINE_TIME_LIMIT) ROSTER_FIRST_WEEK=$(PIPELINE_START) \
	ROSTER_EXECUTOR=$(or $(ROSTER_EXECUTOR),in_process)

$(DAGSTER_HOME)/dagster.yaml: deploy/dagster.yaml
	mkdir -p $(DAGSTER_HOME)
	cp deploy/dagster.yaml $@

$(OUT)/$(PIPELINE_DEPARTMENT)/registrars.csv: | $(STAMP)
	$(BIN)/roster sample --registrars 45 --sites 3 --weeks $(WEEKS) --start $(PIPELINE_START) --seed 7 \
		--out $(OUT)/$(PIPELINE_DEPARTMENT)

# Materialise the whole pipeline for the sample department on DuckDB, with no daemon: contracts,
# the 4 weekly solves in order and the SQL models in one run, then one dashboard run per week.
pipeline: install $(DAGSTER_HOME)/dagster.yaml $(OUT)/$(PIPELINE_DEPARTMENT)/registrars.csv
	$(PIPELINE_ENV) $(BIN)/dagster asset materialize -m roster_pipeline.definitions \
		--select 'not group:dashboards and not group:joblines and not group:repairs' --partition-range '$(PIPELINE_DEPARTMENT)|$(PIPELINE_START)...$(PIPELINE_DEPARTMENT)|$(PIPELINE_END)'
	for week in $(PIPELINE_WEEKS); do \
		$(PIPELINE_ENV) $(BIN)/dagster asset materialize -m roster_pipeline.definitions \
			--select fairness_dashboard --partition "$(PIPELINE_DEPARTMENT)|$$week" || exit 1; \
	done
	@if [ -n "$$ROSTER_WAREHOUSE_URL" ]; then w="Postgres at ROSTER_WAREHOUSE_URL"; else w=$(OUT)/warehouse.duckdb; fi; \
		echo "warehouse: $$w; run history: $(DAGSTER_HOME) (see it with make ui)"

# The Dagster UI (and daemon, for schedules and UI backfills) on http://127.0.0.1:3000
ui: install $(DAGSTER_HOME)/dagster.yaml $(OUT)/$(PIPELINE_DEPARTMENT)/registrars.csv
	$(PIPELINE_ENV) $(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000


# ---- Postgres (docs/deploy.md). A throwaway local cluster in out/pgdata on 127.0.0.1:$(PG_PORT),
# started as the unprivileged `postgres` user when run as root (PostgreSQL refuses root).
PG_PORT := 55432
PG_DATA := $(OUT)/pgdata
PG_ADMIN := postgresql://postgres@127.0.0.1:$(PG_PORT)
PROD_HOME := $(CURDIR)/.dagster_prod
PROD_ENV := DAGSTER_HOME=$(PROD_HOME) DAGSTER_PG_USER=postgres DAGSTER_PG_PASSWORD= \
	DAGSTER_PG_HOST=127.0.0.1 DAGSTER_PG_PORT=$(PG_PORT) DAGSTER_PG_DB=dagster \
	ROSTER_WAREHOUSE_URL=$(PG_ADMIN)/roster

postgres-up:
	@mkdir -p $(OUT) && chmod 755 $(OUT)
	@deploy/local-postgres.sh status $(PG_DATA) >/dev/null 2>&1 || deploy/local-postgres.sh start $(PG_DATA) $(PG_PORT)
	@for db in roster dagster; do deploy/local-postgres.sh createdb $(PG_DATA) $(PG_PORT) $$db; done

postgres-down:
	deploy/local-postgres.sh stop $(PG_DATA)

# The whole pipeline into the local Postgres warehouse (database `roster`), Dagster's runs in
# Postgres too (database `dagster`): the same rows as `make pipeline` on DuckDB.
pipeline-postgres: install postgres-up
	mkdir -p $(PROD_HOME) && cp deploy/production/dagster.yaml $(PROD_HOME)/dagster.yaml
	$(PROD_ENV) PATH=$(BIN):$$PATH deploy/init-pools.sh
	$(PROD_ENV) $(MAKE) pipeline DAGSTER_HOME=$(PROD_HOME)
	$(PROD_ENV) $(BIN)/roster warehouse tables

# The production shape on one machine: the daemon (queued runs, schedules, sensors, backfills) and
# the webserver, both on the Postgres instance, on http://127.0.0.1:3000. Ctrl-C stops both.
production: install postgres-up $(OUT)/$(PIPELINE_DEPARTMENT)/registrars.csv
	mkdir -p $(PROD_HOME) && cp deploy/production/dagster.yaml $(PROD_HOME)/dagster.yaml
	$(PROD_ENV) PATH=$(BIN):$$PATH deploy/init-pools.sh
	$(PROD_ENV) $(PIPELINE_ENV) $(BIN)/dagster-daemon run -w workspace.yaml & \
	trap 'kill $$!' EXIT INT TERM; \
	$(PROD_ENV) $(PIPELINE_ENV) $(BIN)/dagster-webserver -w workspace.yaml -h 127.0.0.1 -p 3000
