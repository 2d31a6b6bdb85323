# ipaudit — developer commands. Only python3 and make are needed on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
OUT    ?= out

.DEFAULT_GOAL := help

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-8s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,spark]'
	touch $(STAMP)

install: $(STAMP) ## create .venv and install ipaudit with test and lint tools and the Spark engine

demo: $(STAMP) ## audit the shipped sample extract and say where the reports are
	$(BIN)/ipaudit audit sample_data/extract --as-of 2025-06-30 --out $(OUT) --fail-on never

# Bytecode is written even where the environment says PYTHONDONTWRITEBYTECODE: every xdist
# worker, CLI subprocess and Spark Python worker of a test run would otherwise compile ipaudit
# (and pytest rewrite every test module) from source again, ~5 s of a one-minute suite.
test: $(STAMP) ## run the whole test suite on every core
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -n auto --dist loadfile --no-loadscope-reorder

test-quick: $(STAMP) ## run the test suite without the tests marked slow
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -n auto --dist loadfile --no-loadscope-reorder -m "not slow"

lint: $(STAMP) ## ruff and mypy
	$(BIN)/ruff check ipaudit tests bench
	$(BIN)/mypy ipaudit

bench: $(STAMP) ## audit vs. floor at 100k and 1M patients, CSV and Parquet (BENCH_SIZES=100k for a quick run)
	nice -n 10 $(BIN)/python bench/bench.py

bench-huge: $(STAMP) ## audit 100 M documents (10 M patients) from Parquet once: time and peak RSS
	nice -n 10 $(BIN)/python bench/bench.py --huge 10M

bench-evidence: $(STAMP) ## reading free text, v2 vs. v1 (non_negated_match), 1 M documents as the bench has them and all distinct
	nice -n 10 $(BIN)/python bench/evidence_speed.py
	nice -n 10 $(BIN)/python bench/evidence_speed.py --distinct

docs: $(STAMP) ## regenerate docs/rules.md from the rules' own metadata
	$(BIN)/ipaudit rules --format markdown > docs/rules.md

sample: $(STAMP) ## regenerate the shipped sample extract
	rm -rf sample_data && $(BIN)/ipaudit sample sample_data --patients 300 --seed 1 --as-of 2025-06-30 --xlsx sample_data/extract.xlsx

clean: ## remove the virtual environment and outputs
	rm -rf $(VENV) $(OUT) build *.egg-info

.PHONY: help install demo test test-quick lint bench bench-huge bench-evidence docs sample clean
