# Tren de Aragua explainer — build and test.  Two commands do everything on a fresh machine:
#   make book   # create .venv, install the pinned requirements, build the HTML book
#   make test   # everything a release needs (builds the book first if needed, incl. browser tests)
# and two more test commands: `make check`, the quick gate before a commit (no build), and `make test-all`,
# which adds the slow guards (run weekly in CI).
SHELL := /bin/bash
.ONESHELL:
.SHELLFLAGS := -euo pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HTML := _build/html
JB_FLAGS := -W --keep-going
SOURCES := $(shell find chapters explainer bookbuild data _ext _static _templates es locale -type f -not -path '*/__pycache__/*' 2>/dev/null) \
           _config.yml _toc.yml references.bib intro.md
ES_SRC := _build/es-src

.PHONY: book test test-all test-site check test-fast lint serve lab clean checksums bench bench-reader venv rebuild browser pdf
.DEFAULT_GOAL := book

venv: $(STAMP)
$(STAMP): requirements.txt constraints.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -c constraints.txt
	$(BIN)/python -m pip check
	touch $@

book: $(HTML)/index.html
	@echo "The book is at $(CURDIR)/$(HTML)/index.html  (serve it with: make serve)"

# The data are validated first (a bad table stops here, with a short message, before any chapter runs);
# bookbuild.cache then clears the execution cache if what chapters read changed, and executes the
# chapters that have no cached result in parallel, so that the Sphinx build only renders.
# Two editions: bookbuild.editions reports any Spanish passage or string that is missing or behind the
# English (the tests fail on them) and assembles the Spanish project in $(ES_SRC) (its pages, the English
# configuration in Spanish); bookbuild.cache executes both editions' chapters; `editions build` renders
# the two at once (logs in _build/build-{en,es}.log) and publishes the Spanish one at $(HTML)/es/.
$(HTML)/index.html: $(STAMP) $(SOURCES)
	$(BIN)/python -m explainer.data
	$(BIN)/python -m bookbuild.checks
	$(BIN)/python -m bookbuild.editions
	$(BIN)/python -m bookbuild.editions stage
	$(BIN)/python -m bookbuild.cache
	$(BIN)/python -m bookbuild.editions build $(JB_FLAGS)
	touch $@

rebuild: $(STAMP)  ## re-render every page (e.g. after changing a Sphinx extension or the theme)
	$(BIN)/python -m explainer.data
	$(BIN)/python -m bookbuild.editions stage
	$(BIN)/python -m bookbuild.cache
	$(BIN)/python -m bookbuild.editions build $(JB_FLAGS) --all

# The browser comes first: with no Chromium (and no way to install one) nothing runs. The PDF edition is
# built too, so the tests check the site exactly as it is published (the home page links the PDF).
test: lint browser book pdf
	$(BIN)/python -m pytest -m "not slow"

# The slow guards too (marker `slow`): every reader notebook from a fresh environment, every page through
# axe in both colour modes, every chart rendered again, a CI cache restore. The weekly CI run uses it.
test-all: lint browser book pdf
	$(BIN)/python -m pytest

lint: $(STAMP)  ## the code style checks CI runs (ruff; configuration in pyproject.toml)
	$(BIN)/ruff check explainer bookbuild _ext tests bench scripts

browser: $(STAMP)  ## find Chromium for the browser tests, or install it
	$(BIN)/python tests/browser.py --provision

# The gate before a commit, and the pull-request check in CI: no build, no browser, no chapter execution.
check: lint  ## lint, the data validation, the prose ⇄ data checker, the editions' staleness, unit and data tests
	$(BIN)/python -m explainer.data
	$(BIN)/python -m bookbuild.checks
	$(BIN)/python -m bookbuild.editions --strict
	$(BIN)/python -m pytest -m "not build and not browser and not chapters and not slow"

test-fast: check  ## the former name of `make check`

# The pull-request build check in CI: the book built, and the tests of the built site that need no browser.
test-site: book
	$(BIN)/python -m pytest -m "build and not browser and not chapters and not slow"

serve: book
	@echo "Serving on http://127.0.0.1:8000/ (Ctrl+C to stop)"
	$(BIN)/python -m http.server 8000 --bind 127.0.0.1 --directory $(HTML)

LAB_STAMP := $(VENV)/.lab-installed
$(LAB_STAMP): $(STAMP) requirements-lab.txt
	$(BIN)/python -m pip install --quiet -r requirements-lab.txt -c constraints.txt
	touch $@

# JupyterLab on the chapters, installed once. The chapters open as notebooks (jupytext; jupytext.toml says
# how they are saved). Jupyter refuses to run as root unless told, as in a container.
lab: $(LAB_STAMP)
	$(BIN)/jupyter lab --ip 127.0.0.1 $(if $(filter 0,$(shell id -u)),--allow-root) chapters/

pdf: $(HTML)/book.pdf $(HTML)/es/book.pdf  ## the whole book as one PDF per edition, printed by headless Chromium (the tests build them too)
	@echo "The PDF editions are at $(CURDIR)/$(HTML)/book.pdf and $(CURDIR)/$(HTML)/es/book.pdf"

$(HTML)/book.pdf: $(HTML)/index.html _ext/bookpdf.py | browser
	$(BIN)/python _ext/bookpdf.py

$(HTML)/es/book.pdf: $(HTML)/index.html _ext/bookpdf.py | browser
	$(BIN)/python _ext/bookpdf.py --lang es

checksums: $(STAMP)  ## record new SHA-256 checksums after a reviewed data change
	$(BIN)/python -m explainer.data --write-hashes

bench: book
	$(BIN)/python bench/benchmark.py

bench-reader: book  ## every page on an emulated phone and slow 4G network, against a stock Jupyter Book
	$(BIN)/python bench/reader_speed.py

clean:
	rm -rf _build figures/*.png figures/*.csv .pytest_cache
