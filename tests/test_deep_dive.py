"""Deep dives as papers of their own: in the batch run (deep_dives/, not the committee pack) and alone
(`cpanalysis deep-dive`), static, checked for identifiers."""

from __future__ import annotations

import pytest
from factories import notebook

from cpanalysis.batch import run
from cpanalysis.cli import main
from cpanalysis.deep_dive import notebook_for, write_paper
from cpanalysis.errors import InputError

DEEP_DIVE_PARAMS = 'period = "quarter"\ncohort_year = 0'  # beside the shared ones


STATIC = "import os\nprint('static' if os.environ.get('CPANALYSIS_STATIC') else 'live', 'cohort', cohort_year)"


@pytest.fixture()
def notebooks(tmp_path):
    d = tmp_path / "notebooks"
    d.mkdir()
    notebook(d / "05_pack.ipynb", "print('pack part')", "committee", DEEP_DIVE_PARAMS)
    notebook(d / "06_deep_dive_stability.ipynb", STATIC, "deep-dive", DEEP_DIVE_PARAMS)
    return d


def test_the_batch_writes_deep_dives_apart_from_the_pack(notebooks, tmp_path, d2i_sample):
    run_dir, manifest = run(data_dir=d2i_sample, out=tmp_path / "out", notebooks_dir=notebooks, progress=False)
    assert manifest["failed"] == []
    assert {nb["name"]: nb["audience"] for nb in manifest["notebooks"]}["06_deep_dive_stability"] == "deep-dive"
    assert (run_dir / "deep_dives" / "html" / "06_deep_dive_stability.html").exists()
    assert not (run_dir / "notebooks" / "06_deep_dive_stability.ipynb").exists()
    pack = (run_dir / "committee_pack.html").read_text()
    assert "pack part" in pack and "06_deep_dive_stability title" not in pack


def test_a_paper_alone_runs_static_with_its_parameters(notebooks, tmp_path, d2i_sample, capfd):
    """A deep dive on its own: static, its parameters applied and hidden; its kernel is the batch's (Unix sockets),
    so the reader is not warned about an unencrypted TCP kernel."""
    html = write_paper(
        "stability",
        d2i_sample,
        "2020-12-31",
        out=tmp_path / "papers",
        overrides={"06_deep_dive_stability": {"cohort_year": "2018"}},
        notebooks_dir=notebooks,
    )
    assert html.name == "stability.html" and html.parent.name.startswith("deep_dive_stability_2020-12-31_")
    text = html.read_text()
    assert "static cohort 2018" in text and "cohort_year = 0" not in text  # code and parameters hidden
    assert (html.parent / "notebook.ipynb").exists()
    assert "running over TCP" not in capfd.readouterr().err


def test_an_unknown_deep_dive_is_a_readable_error(notebooks, capsys):
    with pytest.raises(InputError, match="no deep dive called 'costs'"):
        notebook_for("costs", notebooks)
    assert notebook_for("stability", notebooks).name == "06_deep_dive_stability.ipynb"
    assert main(["deep-dive", "nonsense"]) == 2
    assert "no deep dive called 'nonsense'" in capsys.readouterr().err


def test_a_failing_paper_stops_with_its_cell_and_error(tmp_path, d2i_sample):
    """A deep dive whose code fails: one InputError naming the paper, the cell and the error, not a traceback."""
    d = tmp_path / "notebooks"
    d.mkdir()
    notebook(d / "06_deep_dive_stability.ipynb", "raise ValueError('no cohort')", "deep-dive", DEEP_DIVE_PARAMS)
    with pytest.raises(InputError, match=r"deep dive 'stability' failed in cell \d+: ValueError: no cohort"):
        write_paper("stability", d2i_sample, "2020-12-31", out=tmp_path / "papers", notebooks_dir=d)
