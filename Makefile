# The README's two commands: `make run` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed-dev

LOCK    = constraints.txt

.PHONY: run test lint bench lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# the exact versions of constraints.txt (pyproject.toml keeps the ranges the package supports)
$(STAMP): pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c $(LOCK) -e ".[dev]"
	touch $(STAMP)

## run: the quarterly committee pack on the embedded synthetic data, into outputs/<period-end>_<time>/
run: $(STAMP)
	$(BIN)/cpanalysis run

## test: lint, then the whole test suite (unit, notebooks, end-to-end batch)
test: $(STAMP)
	$(BIN)/ruff check cpanalysis tests bench notebooks
	$(BIN)/ruff format --check cpanalysis tests bench notebooks
	$(BIN)/python -m pytest -n 2 tests
	$(BIN)/python -m pytest --nbval-lax notebooks  # serial: nbval runs a notebook's cells as items sharing one kernel

lint: $(STAMP)
	$(BIN)/ruff check cpanalysis tests bench notebooks
	$(BIN)/ruff format --check cpanalysis tests bench notebooks

## bench: times the batch run and the heavy functions at LA and national size, and a 10-authority region on Dask (1 and 2 workers)
bench: $(STAMP)
	$(BIN)/python bench/run_bench.py

## lock: regenerate constraints.txt: the newest versions pyproject.toml allows, installed into a fresh venv and frozen
lock:
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet --upgrade pip
	.venv-lock/bin/python -m pip install --quiet -e ".[dev]"
	{ echo "# Exact versions for make (pip install -c constraints.txt -e .[dev]); pyproject.toml keeps the ranges."; \
	  echo "# Regenerate with: make lock (a fresh venv of .[dev], then pip freeze without the project itself)."; \
	  .venv-lock/bin/python -m pip freeze --exclude-editable | grep -vi "cpanalysis"; } > $(LOCK).new
	mv $(LOCK).new $(LOCK)
	rm -rf .venv-lock

clean:
	rm -rf $(VENV) outputs/*/ data/synthetic/*/ .pytest_cache
