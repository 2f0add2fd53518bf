"""Every notebook runs top to bottom under papermill: on the embedded synthetic data with its defaults
(nbval runs them too, see Makefile), with another period end, on the external D2I sample, and with a bad
parameter it stops with a readable message."""

from __future__ import annotations

from pathlib import Path

import nbformat
import papermill
import pytest
from papermill.exceptions import PapermillExecutionError

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))


def execute(nb: Path, tmp_path: Path, **params) -> nbformat.NotebookNode:
    out = tmp_path / nb.name
    papermill.execute_notebook(
        str(nb),
        str(out),
        parameters={"output_dir": str(tmp_path / "out"), **params},
        kernel_name="python3",
        progress_bar=False,
        cwd=str(nb.parent),
    )
    return nbformat.read(out, as_version=4)


def test_every_notebook_declares_the_shared_parameters():
    assert NOTEBOOKS, "no notebooks found"
    for nb in NOTEBOOKS:
        declared = papermill.inspect_notebook(str(nb))
        assert {"data_dir", "period_end", "la_code", "period", "output_dir"} <= set(declared), nb.name


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_runs_on_the_d2i_sample_with_another_period_end(nb, tmp_path, d2i_sample):
    executed = execute(nb, tmp_path, data_dir=str(d2i_sample), period_end="2020-12-31")
    assert any(c.get("outputs") for c in executed.cells if c.cell_type == "code")
    assert list((tmp_path / "out" / "tables").glob("*.csv")), "the notebook saved no table"


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_period_end_after_the_data_stops_with_a_readable_message(nb, tmp_path, d2i_sample):
    with pytest.raises(PapermillExecutionError) as err:
        execute(nb, tmp_path, data_dir=str(d2i_sample), period_end="2030-03-31")
    assert err.value.ename == "InputError"
    assert "after the last date in the data" in err.value.evalue
