# The README's two commands: `make run` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed-dev

.PHONY: run test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
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

clean:
	rm -rf $(VENV) outputs/*/ data/synthetic/*/ .pytest_cache
