# Two commands set everything up: `make app` (serve the board apps) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# axe-core (the accessibility checker the tests run in Chromium, offline), pinned in package-lock.json.
AXE := node_modules/axe-core/axe.min.js
HOST ?= 127.0.0.1
PORT ?= 8866

.PHONY: install app test bench golden clean

install: $(STAMP)

# Reinstall only when the dependencies change. The nbconvert template and setting make
# `jupyter nbconvert --to html` write notebooks that load nothing from the internet.
NBCONVERT := planlib/templates/nbconvert
$(STAMP): pyproject.toml $(NBCONVERT)/jupyter_nbconvert_config.json $(NBCONVERT)/planlib_offline/index.html.j2
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	mkdir -p $(VENV)/share/jupyter/nbconvert/templates $(VENV)/etc/jupyter
	cp -R $(NBCONVERT)/planlib_offline $(VENV)/share/jupyter/nbconvert/templates/
	cp $(NBCONVERT)/jupyter_nbconvert_config.json $(VENV)/etc/jupyter/jupyter_nbconvert_config.json
	touch $(STAMP)

# npm ci installs exactly what package-lock.json pins; redone only when the lock changes.
$(AXE): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(AXE)

app: install
	$(BIN)/planlib serve --host $(HOST) --port $(PORT)

test: install $(AXE)
	$(BIN)/python -m pytest

# The benchmarks also need the bench extra (squigglepy, the rival the appraisal is timed against).
BENCH_STAMP := $(VENV)/.installed-bench

$(BENCH_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python -m benchmarks $(BENCH)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis node_modules

# Deliberately regenerate the golden results (review the diff before committing).
golden: install
	$(BIN)/python -m tests.golden.regenerate
