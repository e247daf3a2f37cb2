# One command for each job; each creates .venv and installs what it needs first.
#   make book   build the HTML book into _build/html (executes the notebooks, cached)
#   make test   lint, unit tests, strict book build, checks of the built HTML
#   make bench  print the speed figures recorded in README.md
#   make lab    JupyterLab with working widgets
#   make test-envs  the package on the versions readers have: Colab's (test-colab) and the
#                   lowest that pyproject.toml admits (test-lowest); each in its own venv
#   make clean  remove build outputs (keeps .venv; `make distclean` removes it too)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BOOK_FLAGS := -W -n --keep-going

# Kernels started by the book build see this and stay quiet (no progress bars, static widgets).
export RESNEXT_BOOK_BUILD
export PYTHONHASHSEED := 0
export TF_CPP_MIN_LOG_LEVEL := 2

.PHONY: all venv book test lint unit bench lab clean distclean format test-envs test-colab test-lowest \
	axe-core

all: book

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

book: $(STAMP)
	RESNEXT_BOOK_BUILD=1 $(BIN)/python tools/build_book.py $(BOOK_FLAGS)

lint: $(STAMP)
	$(BIN)/ruff check helpers tests chapters tools benchmarks _ext
	$(BIN)/ruff format --check helpers tests chapters tools benchmarks _ext

format: $(STAMP)
	$(BIN)/ruff check --fix helpers tests chapters tools benchmarks _ext
	$(BIN)/ruff format helpers tests chapters tools benchmarks _ext

# The docstring examples of helpers run with the unit tests (--doctest-modules).
unit: $(STAMP)
	$(BIN)/python -m pytest -m "not book and not envs" --doctest-modules helpers tests

# The whole suite: lint, unit tests, then the strict book build and the tests of its HTML.
test: lint book
	$(BIN)/python -m pytest -m "not envs" --doctest-modules helpers tests

# --- the versions readers have -----------------------------------------------------------------
# Colab-like: Colab's published library versions (tests/envs/colab-2026-08.txt, used as pip
# constraints). The test copies a chapter alone into an empty folder, lets its set-up cell
# install the package into this venv, runs it to the end and checks that pip changed nothing
# but this package; then the unit tests run on the same versions.
COLAB_VENV  := .venv-colab
COLAB_PINS  := tests/envs/colab-2026-08.txt
LOWEST_VENV := .venv-lowest
FAST_TESTS  := -m "not slow and not book and not browser and not envs" -p no:cacheprovider

$(COLAB_VENV)/.installed: $(COLAB_PINS)
	rm -rf $(COLAB_VENV)
	$(PYTHON) -m venv $(COLAB_VENV)
	$(COLAB_VENV)/bin/python -m pip install --quiet -c $(COLAB_PINS) pip
	$(COLAB_VENV)/bin/python -m pip install --quiet -c $(COLAB_PINS) tensorflow keras numpy \
		matplotlib scikit-learn ipywidgets ipython ipykernel jupyter_client pytest nbformat
	touch $@

$(LOWEST_VENV)/.installed: tests/envs/lowest.txt
	rm -rf $(LOWEST_VENV)
	$(PYTHON) -m venv $(LOWEST_VENV)
	$(LOWEST_VENV)/bin/python -m pip install --quiet -r tests/envs/lowest.txt
	touch $@

test-colab: $(STAMP) $(COLAB_VENV)/.installed
	RESNEXT_COLAB_PYTHON=$(COLAB_VENV)/bin/python $(BIN)/python -m pytest -m envs \
		tests/test_colab_setup.py
	PYTHONPATH=$(CURDIR) $(COLAB_VENV)/bin/python -m pytest $(FAST_TESTS) tests

test-lowest: $(LOWEST_VENV)/.installed
	PYTHONPATH=$(CURDIR) $(LOWEST_VENV)/bin/python -m pytest $(FAST_TESTS) tests

test-envs: test-colab test-lowest

bench: $(STAMP)
	$(BIN)/python -m benchmarks

# JupyterLab with working widgets and the book's MyST rendered (jupyterlab-myst, installed from
# requirements.txt): admonitions, dropdown solutions, math, {ref} and {cite} roles.
lab: $(STAMP)
	$(BIN)/jupyter lab chapters

# axe-core, the accessibility checker the browser tests inject into every page, is vendored in
# tests/vendor/axe-core so the tests run offline. This fetches the pinned version again from npm.
AXE_VERSION := 4.14.1
axe-core:
	rm -rf .cache/axe-core && mkdir -p .cache/axe-core
	cd .cache/axe-core && npm pack --silent axe-core@$(AXE_VERSION) && tar xzf axe-core-$(AXE_VERSION).tgz
	cp .cache/axe-core/package/axe.min.js .cache/axe-core/package/LICENSE tests/vendor/axe-core/
	echo >> tests/vendor/axe-core/axe.min.js

clean:
	rm -rf _build .pytest_cache .ruff_cache
	find . -name __pycache__ -not -path "./$(VENV)/*" -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) $(COLAB_VENV) $(LOWEST_VENV) .cache *.egg-info
