"""cs-demand-model 0.5.1 (Social Finance / D2I's demand model, the sector's peer) run side by side with ours.

It is installed into its own virtual environment, bench/.venv-cs-demand-model (git-ignored), never into the
project's: its pins (pandas, numpy) differ from ours. `predict` runs its own command line
(`demand-model predict SOURCE --start --end --prediction_date --export`) on the same folder of 903 extracts
and returns its daily projected total, its wall time and its peak memory (the child process's own maximum
resident set size, read inside it). Its total leaves out its NOT_IN_CARE columns (children it has moved out
of care are still carried in its table).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

import pandas as pd

PEER = "cs-demand-model==0.5.1"
VENV = Path(__file__).resolve().parent / ".venv-cs-demand-model"

# run inside the peer's venv: its CLI in-process, then print its own peak RSS (kB on Linux) as JSON on stderr
_RUNNER = """
import json, resource, sys
from cs_demand_model.__main__ import cli
try:
    cli(sys.argv[1:], standalone_mode=False)
finally:
    print(json.dumps({"peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}), file=sys.stderr)
"""


def peer_python() -> Path:
    """The peer venv's python, creating the venv (pip install of PEER and openpyxl for its export) on first use."""
    py = VENV / "bin" / "python"
    if not (VENV / ".installed").exists():
        venv.create(VENV, with_pip=True)
        subprocess.run([str(py), "-m", "pip", "install", "--quiet", PEER, "openpyxl"], check=True, capture_output=True)
        (VENV / ".installed").touch()
    return py


def peer_total(prediction: pd.DataFrame) -> pd.Series:
    """The peer's projected children looked after per day: every (age band, placement) column except
    NOT_IN_CARE."""
    in_care = [c for c in prediction.columns if "NOT_IN_CARE" not in str(c)]
    return prediction[in_care].sum(axis=1).rename("peer")


def read_export(path: Path) -> pd.DataFrame:
    """The peer's --export workbook: one row per day, a column per (age band, placement) written as a tuple
    string ("('TEN_TO_SIXTEEN', 'FOSTERING')")."""
    raw = pd.read_excel(path, header=0, index_col=0)
    raw.columns = [ast.literal_eval(c) if str(c).startswith("(") else c for c in raw.columns]
    raw.index = pd.to_datetime(raw.index)
    return raw


def predict(data: Path, start: pd.Timestamp, end: pd.Timestamp, until: pd.Timestamp) -> tuple[pd.Series, float, float]:
    """The peer's projected total per day from `end` to `until`, from its reference window `start`..`end`;
    with its wall time (s) and peak memory (MB)."""
    py = peer_python()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "prediction.xlsx"
        args = ["predict", str(Path(data).resolve()), "-s", f"{start:%Y-%m-%d}", "-e", f"{end:%Y-%m-%d}"]
        args += ["--pd", f"{until:%Y-%m-%d}", "--export", str(out)]
        t0 = time.perf_counter()
        run = subprocess.run([str(py), "-c", _RUNNER, *args], capture_output=True, text=True, cwd=tmp)
        seconds = time.perf_counter() - t0
        if run.returncode != 0 or not out.exists():
            sys.exit(f"cs-demand-model failed on {data}:\n{run.stderr[-2000:]}")
        peak_kb = json.loads(run.stderr.strip().splitlines()[-1])["peak_kb"]
        return peer_total(read_export(out)), seconds, peak_kb / 1024
