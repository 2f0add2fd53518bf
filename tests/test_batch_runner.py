"""The batch runner on tiny notebooks: parameters, outputs, manifest, and a broken notebook that does not
stop the others."""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from factories import notebook

from cpanalysis.batch import CONSTRAINTS_FILE, constraints, notebook_parameters, parse_overrides, run
from cpanalysis.errors import InputError


@pytest.fixture()
def notebooks(tmp_path):
    d = tmp_path / "notebooks"
    d.mkdir()
    notebook(
        d / "01_quality.ipynb",
        "from pathlib import Path\nimport pandas as pd\n"
        "Path(output_dir, 'tables').mkdir(parents=True, exist_ok=True)\n"
        "pd.DataFrame({'a': [1]}).to_csv(Path(output_dir, 'tables', 'dq.csv'), index=False)",
        audience="analyst",
    )
    notebook(
        d / "02_ok.ipynb",
        "from pathlib import Path\nimport pandas as pd\n"
        "Path(output_dir, 'tables').mkdir(parents=True, exist_ok=True)\n"
        "pd.DataFrame({'period_end': [period_end], 'n': [n], 'n_type': [type(n).__name__]})"
        ".to_csv(Path(output_dir, 'tables', 'counts.csv'), index=False)\nprint('period', period_end)",
        extra_params="n = 1",
    )
    notebook(d / "03_broken.ipynb", "x = 1\nraise ValueError('deliberately broken')")
    notebook(d / "04_after.ipynb", "print('still ran')")
    return d


def test_run_goes_on_past_a_broken_notebook_and_reports_it(notebooks, tmp_path, d2i_sample):
    run_dir, manifest = run(
        data_dir=d2i_sample,
        period_end="2021-03-31",
        out=tmp_path / "out",
        overrides=parse_overrides([["02_ok.n", "7"]]),
        notebooks_dir=notebooks,
        progress=False,
    )
    status = {nb["name"]: nb["status"] for nb in manifest["notebooks"]}
    assert status == {"01_quality": "ok", "02_ok": "ok", "03_broken": "failed", "04_after": "ok"}
    assert manifest["failed"] == ["03_broken"]
    err = next(nb["error"] for nb in manifest["notebooks"] if nb["name"] == "03_broken")
    assert err["error"] == "ValueError" and err["message"] == "deliberately broken" and err["cell"] is not None
    # outputs: executed notebooks, HTML, the stitched pack (committee only), XLSX, manifest on disk
    assert run_dir.name.startswith("2021-03-31_")
    # the failed section's partial output, traceback and code go to the analyst folder, not the committee's
    assert (run_dir / "analyst" / "notebooks" / "FAILED_03_broken.ipynb").exists()
    assert (
        not (run_dir / "notebooks" / "03_broken.ipynb").exists() and not (run_dir / "html" / "03_broken.html").exists()
    )
    assert (run_dir / "html" / "02_ok.html").exists() and (run_dir / "analyst" / "html" / "01_quality.html").exists()
    pack = (run_dir / "committee_pack.html").read_text()
    assert "02_ok title" in pack and "04_after title" in pack and "01_quality title" not in pack
    assert "still ran" in pack and "raise ValueError" not in pack  # code hidden
    # the pack says at the top that it is INCOMPLETE and names the failed section, with no traceback or path
    assert pack.index("INCOMPLETE") < pack.index("02_ok title") and "03_broken title" in pack
    assert "Traceback" not in pack and "deliberately broken" not in pack and str(tmp_path) not in pack
    assert (run_dir / "committee_pack.pdf").read_bytes().startswith(b"%PDF")
    counts = pd.read_excel(run_dir / "committee_tables.xlsx", sheet_name="counts")
    assert counts.loc[0, "N"] == 7 and counts.loc[0, "Period end"] == pd.Timestamp("2021-03-31")  # typed cells
    assert counts.loc[0, "N type"] == "int"  # the override "7" typed as the default's type (n = 1), not a string
    assert (run_dir / "analyst" / "analyst_tables.xlsx").exists()
    assert "ANALYST ONLY" in (run_dir / "analyst" / "ANALYST_ONLY.txt").read_text()
    on_disk = json.loads((run_dir / "manifest.json").read_text())
    assert on_disk["parameters"]["period_end"] == "2021-03-31"
    # the 40 903 CSVs read (not the LICENSE beside them), each with its hash and row count
    assert len(on_disk["inputs"]) == 40 and all(len(i["sha256"]) == 64 for i in on_disk["inputs"])
    assert sum(i["rows"] for i in on_disk["inputs"]) == 21441
    assert on_disk["versions"]["pandas"] == pd.__version__
    # the constraints file the environment is built from (make installs with pip -c constraints.txt)
    assert on_disk["constraints"]["sha256"] == hashlib.sha256(CONSTRAINTS_FILE.read_bytes()).hexdigest()


def test_constraints_records_the_file_hash_and_the_packages_that_differ_from_it(tmp_path):
    lock = tmp_path / "constraints.txt"
    lock.write_text(f"# a comment\npandas=={pd.__version__}\nnumpy==0.0.1  # too old\nno-such-package==1.0\n")
    got = constraints(lock)
    assert got["file"] == "constraints.txt"
    assert got["sha256"] == hashlib.sha256(lock.read_bytes()).hexdigest()
    assert got["differs"] == {
        "numpy": {"pinned": "0.0.1", "installed": np.__version__},
        "no-such-package": {"pinned": "1.0", "installed": "not installed"},
    }
    assert constraints(tmp_path / "none.txt") == {"file": "none.txt", "sha256": None, "differs": None}


def test_unknown_per_notebook_override_is_refused(notebooks):
    with pytest.raises(InputError, match="has no parameter nope"):
        notebook_parameters(notebooks / "02_ok.ipynb", {}, parse_overrides([["02_ok.nope", "1"]]))


def test_shared_parameters_only_go_to_notebooks_that_declare_them(notebooks):
    params = notebook_parameters(notebooks / "04_after.ipynb", {"data_dir": "d", "period": "year"}, {})
    assert params == {"data_dir": "d"}


def test_loaded_data_are_shared_through_the_cache_folder(tmp_path, monkeypatch, d2i_sample):
    from cpanalysis import context

    monkeypatch.setenv(context.CACHE_ENV, str(tmp_path / "cache"))
    (tmp_path / "cache").mkdir()
    context._load_cached.cache_clear()
    first = context.load_data(d2i_sample)
    assert len(list((tmp_path / "cache").glob("*.pkl"))) == 1
    # a new kernel: nothing cached in the process, and loading from the files would fail
    context._load_cached.cache_clear()
    monkeypatch.setattr(context, "load", lambda path: (_ for _ in ()).throw(AssertionError("loaded again")))
    again = context.load_data(d2i_sample)
    pd.testing.assert_frame_equal(again["episodes"], first["episodes"])
    context._load_cached.cache_clear()


def test_the_scorecard_columns_are_worked_out_once_a_run(tmp_path, monkeypatch, d2i_sample):
    """Context.scorecard_columns: the first notebook of a run works them out and shares them in the run's folder;
    another kernel reads them back (notes too) without working them out; outside a run they are worked out."""
    from cpanalysis import context, scorecard

    monkeypatch.setenv(context.CACHE_ENV, str(tmp_path / "cache"))
    (tmp_path / "cache").mkdir()
    context._load_cached.cache_clear()
    ctx = context.setup(data_dir=d2i_sample, la_code="E06000049", output_dir=tmp_path / "out")
    first = ctx.scorecard_columns()
    expected = scorecard.quarter_columns(ctx.data, ctx.period_end, ctx.la_code)
    assert list(first) == list(expected)
    for label, table in expected.items():
        pd.testing.assert_frame_equal(first[label], table)
    monkeypatch.setattr(scorecard, "quarter_columns", lambda *a: (_ for _ in ()).throw(AssertionError("again")))
    again = ctx.scorecard_columns()
    for label, table in expected.items():
        pd.testing.assert_frame_equal(again[label], table)
        assert again[label].attrs == table.attrs
    monkeypatch.delenv(context.CACHE_ENV)
    with pytest.raises(AssertionError, match="again"):
        ctx.scorecard_columns()
    context._load_cached.cache_clear()


def test_the_baseline_projection_is_simulated_once_a_run(tmp_path, monkeypatch, d2i_sample):
    """Context.projection: the cost notebook's fit and simulation, shared in the run's folder like the scorecard; the
    sufficiency deep dive's kernel reads the same counts back without simulating; other settings are another run
    of the model; outside a run it is simulated."""
    from cpanalysis import context
    from cpanalysis import projection as pj

    monkeypatch.setenv(context.CACHE_ENV, str(tmp_path / "cache"))
    (tmp_path / "cache").mkdir()
    context._load_cached.cache_clear()
    ctx = context.setup(data_dir=d2i_sample, output_dir=tmp_path / "out")
    fitted, sim = ctx.projection(6, 12, 20)
    d = ctx.data
    states = pj.monthly_states(d["episodes"], d["header"], d.data_start, d.data_end)
    expected = pj.simulate(pj.fit(states, ctx.period_end, 6, pj.ENTRY_DAMPING), 12, 20)
    np.testing.assert_array_equal(sim.counts, expected.counts)
    simulated = []
    monkeypatch.setattr(pj, "simulate", lambda *a, **k: simulated.append(a) or expected)
    again_fit, again = ctx.projection(6, 12, 20)
    assert simulated == []
    np.testing.assert_array_equal(again.counts, sim.counts)
    pd.testing.assert_frame_equal(again_fit.stock, fitted.stock)
    ctx.projection(6, 24, 20)
    assert len(simulated) == 1
    monkeypatch.delenv(context.CACHE_ENV)
    ctx.projection(6, 12, 20)
    assert len(simulated) == 2
    context._load_cached.cache_clear()


def test_the_run_removes_its_shared_data(tmp_path, d2i_sample):
    from cpanalysis.context import CACHE_ENV

    nbs = tmp_path / "nbs"
    nbs.mkdir()
    notebook(nbs / "01_ok.ipynb", "import os\nprint(os.environ['CPANALYSIS_DATA_CACHE'])")
    run_dir, manifest = run(data_dir=d2i_sample, out=tmp_path / "out", notebooks_dir=nbs, progress=False)
    assert manifest["failed"] == []
    text = (run_dir / "notebooks" / "01_ok.ipynb").read_text()
    folder = re.search(r"(/[^\s\"\\]*cpanalysis-data-[^\s\"\\]*)", text).group(1)
    assert not Path(folder).exists() and CACHE_ENV not in os.environ


def test_overrides_take_the_type_of_the_default():
    from cpanalysis.batch import _typed

    assert _typed("100", {"inferred_type_name": "None", "default": "500"}) == 100
    assert _typed("0.5", {"inferred_type_name": "None", "default": "0.25"}) == 0.5
    assert _typed("yes", {"inferred_type_name": "None", "default": "False"}) is True
    assert _typed("2024-03-31", {"inferred_type_name": "None", "default": '""'}) == "2024-03-31"
    with pytest.raises(InputError, match="'many' is not a int"):
        _typed("many", {"name": "simulations", "inferred_type_name": "None", "default": "500"})


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"period_end": "2030-01-01"}, "after the last date in the data"),
        ({"la_code": "XYZ"}, "not an English LA code"),
        ({"period": "month"}, "not one of quarter, year"),
        ({"overrides": {"*": {"nosuch": "1"}}}, "no notebook declares a parameter nosuch"),
        ({"overrides": {"09_missing": {"n": "1"}}}, "there is no notebook 09_missing"),
        ({"overrides": {"02_ok": {"n": "seven"}}}, "'seven' is not a int"),
    ],
)
def test_bad_parameters_stop_the_run_before_any_notebook_and_leave_no_run_folder(
    notebooks, tmp_path, d2i_sample, kwargs, message
):
    out = tmp_path / "out"
    with pytest.raises(InputError, match=message):
        run(data_dir=d2i_sample, out=out, notebooks_dir=notebooks, progress=False, **kwargs)
    assert not out.exists() or not any(out.iterdir())


def test_cli_run_with_a_bad_parameter_exits_2_with_one_message(tmp_path, d2i_sample, capsys):
    from cpanalysis.cli import main

    code = main(["run", "--data", str(d2i_sample), "--out", str(tmp_path / "out"), "-p", "nosuch", "1"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and err.count("\n") == 0 and "nosuch" in err
    assert not (tmp_path / "out").exists()


def test_notebooks_run_side_by_side_and_the_pack_keeps_their_order(tmp_path, d2i_sample):
    """01 waits for a file that 02 writes: one at a time, 01 would give up and fail. Side by side both finish; the
    manifest lists them in the notebooks' order; each kernel starts in the notebooks' folder, and the run leaves
    the process's own working directory where it was (papermill's cwd= would move it, racing between threads).
    The kernels talk over Unix sockets (ipc), not TCP ports two kernels starting at once could both pick."""
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    marker = tmp_path / "02_was_here"
    notebook(
        nbs / "01_waits.ipynb",
        f"import os, time\nfor _ in range(300):\n    if os.path.exists({str(marker)!r}):\n        break\n"
        "    time.sleep(0.1)\nelse:\n    raise RuntimeError('02 never ran beside me')\nprint('kernel in', os.getcwd())",
    )
    notebook(
        nbs / "02_writes.ipynb",
        f"open({str(marker)!r}, 'w').close()\nimport json, ipykernel.connect\n"
        "print('transport', json.loads(open(ipykernel.connect.get_connection_file()).read())['transport'])",
    )
    here = os.getcwd()
    run_dir, manifest = run(data_dir=d2i_sample, out=tmp_path / "out", notebooks_dir=nbs, progress=False, workers=2)
    assert [nb["name"] for nb in manifest["notebooks"]] == ["01_waits", "02_writes"]
    assert manifest["failed"] == []
    assert f"kernel in {nbs}" in (run_dir / "notebooks" / "01_waits.ipynb").read_text()
    assert os.getcwd() == here
    assert "transport ipc" in (run_dir / "notebooks" / "02_writes.ipynb").read_text()


def test_without_unix_sockets_the_notebooks_run_one_at_a_time_on_tcp(tmp_path, d2i_sample, monkeypatch):
    """Where ZMQ has no ipc transport (some Windows builds) the kernels use TCP, whose ports two kernels starting
    at once could both pick: the notebooks then run one at a time, and still run."""
    import zmq

    from cpanalysis import batch

    monkeypatch.setattr(zmq, "has", lambda feature: feature != "ipc")
    assert batch._unix_socket_kernels(str(tmp_path)) is None
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    for name in ("01_a", "02_b"):
        notebook(
            nbs / f"{name}.ipynb",
            "import json, time, ipykernel.connect\n"
            "print('transport', json.loads(open(ipykernel.connect.get_connection_file()).read())['transport'])\n"
            f"t0 = time.time()\ntime.sleep(1)\nopen({str(tmp_path / name)!r}, 'w').write(f'{{t0}} {{time.time()}}')",
        )
    run_dir, manifest = run(data_dir=d2i_sample, out=tmp_path / "out", notebooks_dir=nbs, progress=False)
    assert manifest["failed"] == []
    assert "transport tcp" in (run_dir / "notebooks" / "01_a.ipynb").read_text()
    (_, a_end), (b_start, _) = (map(float, (tmp_path / n).read_text().split()) for n in ("01_a", "02_b"))
    assert b_start >= a_end  # 02 began after 01 ended


def test_a_finished_notebooks_kernel_is_shut_down_without_an_interrupt(tmp_path, monkeypatch):
    """jupyter_client interrupts a kernel before shutting it down, and ipykernel logged "ERROR | KeyboardInterrupt
    caught in kernel" in a run that was fine: the run's kernels are not interrupted while shutting down, and are
    otherwise (e.g. a cell stopped by hand)."""
    import asyncio

    from jupyter_client.manager import AsyncKernelManager

    from cpanalysis import batch

    interrupted = []

    async def interrupt(self) -> None:
        interrupted.append(self.shutting_down)

    monkeypatch.setattr(AsyncKernelManager, "_async_interrupt_kernel", interrupt)
    km = batch._unix_socket_kernels(str(tmp_path))()
    km.shutting_down = True
    asyncio.run(km._async_interrupt_kernel())
    assert interrupted == []
    km.shutting_down = False
    asyncio.run(km._async_interrupt_kernel())
    assert interrupted == [False]
