# Two commands set everything up: `make app` (serve the board apps) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8866

.PHONY: install app test bench golden clean

install: $(STAMP)

# Reinstall only when the dependencies change.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

app: install
	$(BIN)/planlib serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest

# The benchmarks also need the bench extra (squigglepy, the rival the appraisal is timed against).
BENCH_STAMP := $(VENV)/.installed-bench

$(BENCH_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python -m benchmarks $(BENCH)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis

# Deliberately regenerate the golden results (review the diff before committing).
golden: install
	$(BIN)/python -m tests.golden.regenerate
