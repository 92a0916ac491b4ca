# report-kit: `make run` builds every report under params/; `make test` runs the whole suite.
# Both set up .venv from scratch when needed (only Python 3.11, pip and make are assumed).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup run test test-fast lint lab bundle catalog system-deps clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (report-kit)" >/dev/null
	touch $(STAMP)

setup: $(STAMP)

run: setup
	$(BIN)/report-kit build

lint: setup
	$(BIN)/ruff check src tests $(wildcard bench tools)

# Two pytest workers: the slow tests mostly wait on kernels and browsers, so they overlap well on 2 cores.
PYTEST_WORKERS ?= 2

test: setup lint
	$(BIN)/pytest -q -n $(PYTEST_WORKERS) --durations=15

test-fast: setup
	$(BIN)/pytest -q -m "not slow"

# The Chinese message catalogue (report_kit.i18n): extract the msgids from src/ and argparse with Babel into
# src/report_kit/locale/zh_CN/LC_MESSAGES/report_kit.po (new ones untranslated), then compile the shipped .mo.
# Translate the empty msgstr entries it lists and run it again; tests/test_i18n.py fails until every one is done.
catalog: setup
	$(BIN)/python tools/catalog.py

# JupyterLab on the template with the project's kernel: the venv's kernelspec and jupytext pairing
# (notebooks/jupytext.toml) take precedence over any user-wide Jupyter setup. LAB_ARGS: extra options.
lab: setup
	JUPYTER_PREFER_ENV_PATH=1 $(BIN)/jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

# Offline install bundle for machines without internet: dist/report-kit-bundle-<version>/ and its .tar.gz, with
# the wheels for Linux x86_64 and aarch64 and Python 3.11-3.13 (README "Offline install"). BUNDLE_ARGS: e.g.
# --arch x86_64 --python 3.11, or --here for this machine only.
bundle: setup
	$(BIN)/python tools/bundle.py --out dist $(BUNDLE_ARGS)

# Headless Chromium and CJK fonts for the browser, PDF and screenshot tests; LibreOffice (without its GUI) to read
# old .doc/.wps/.xls files and to open summary.csv as a spreadsheet does in the CSV-injection test (Debian; root).
system-deps:
	@command -v chromium >/dev/null && command -v pdftotext >/dev/null && fc-list :lang=zh | grep -q . && \
	  command -v soffice >/dev/null || \
	  { apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk poppler-utils && \
	    apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui libreoffice-calc-nogui; }

clean:
	rm -rf $(VENV) outputs dist .pytest_cache .ruff_cache
