# One command for each job; each creates .venv and installs what it needs first.
#   make book   build the HTML book into _build/html (executes the notebooks, cached)
#   make test   lint, unit tests, strict book build, checks of the built HTML
#   make bench  print the speed figures recorded in README.md
#   make lab    JupyterLab with working widgets
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

.PHONY: all venv book test lint unit bench lab clean distclean format

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

unit: $(STAMP)
	$(BIN)/python -m pytest -m "not book" tests

# The whole suite: lint, unit tests, then the strict book build and the tests of its HTML.
test: lint book
	$(BIN)/python -m pytest tests

bench: $(STAMP)
	$(BIN)/python -m benchmarks

lab: $(STAMP)
	$(BIN)/jupyter lab chapters

clean:
	rm -rf _build .pytest_cache .ruff_cache
	find . -name __pycache__ -not -path "./$(VENV)/*" -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) .cache *.egg-info
