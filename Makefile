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

.PHONY: install demo test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: install
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
