"""cs-demand-model 0.5.1 (Social Finance / D2I's demand model, the sector's peer) run side by side with ours.

It is installed into its own virtual environment, bench/.venv-cs-demand-model (git-ignored), never into the
project's: its pins (pandas, numpy) differ from ours. `predict` runs its own command line
(`demand-model predict SOURCE --start --end --prediction_date --export`) on the same folder of 903 extracts
and returns its daily projected total, its wall time and its peak memory: the child process's own maximum
resident set size (VmHWM, read inside it), or the peak of it and its worker processes together, sampled, if
larger. Its total leaves out its NOT_IN_CARE columns (children it has moved out of care are still carried in its
table).
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

# The child's own peak is its memory map's high-water mark (VmHWM, reset by exec). Not ru_maxrss: Linux carries
# the parent's resident size at the fork into the child's, so a small child reports its parent's size. A tool that
# works in worker processes (ours: the backtest's cutoffs) is measured with them: a thread samples the resident
# size of the child and all its descendants together every 50 ms, and the peak is the larger of that and VmHWM.
_PEAK_KB = """
import os, re, threading, time

def _kb(pid, field):
    try:
        return int(re.search(field + r":\\s+(\\d+)", open(f"/proc/{pid}/status").read()).group(1))
    except (OSError, AttributeError):
        return 0

def _tree_kb(root):
    children = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                ppid = int(open(f"/proc/{d}/stat").read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(d))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += _kb(pid, "VmRSS")
        todo += children.get(pid, [])
    return total

_tree_peak = [0]

def _sample():
    while True:
        _tree_peak[0] = max(_tree_peak[0], _tree_kb(os.getpid()))
        time.sleep(0.05)

if os.path.exists("/proc/self/status"):
    threading.Thread(target=_sample, daemon=True).start()

def peak_kb():
    import resource
    own = _kb("self", "VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return max(own, _tree_peak[0])
"""

# run inside the peer's venv: its CLI in-process, then print its own peak RSS (kB) as JSON on stderr
_RUNNER = (
    _PEAK_KB
    + """
import json, sys
from cs_demand_model.__main__ import cli
try:
    cli(sys.argv[1:], standalone_mode=False)
finally:
    print(json.dumps({"peak_kb": peak_kb()}), file=sys.stderr)
"""
)


_OURS = (
    _PEAK_KB
    + """
import json, sys
from cpanalysis.cli import main
rc = main(sys.argv[1:])
print(json.dumps({"peak_kb": peak_kb()}), file=sys.stderr)
sys.exit(rc)
"""
)


def _measured(cmd: list[str], cwd: str, env: dict | None = None) -> tuple[float, float]:
    """Run `cmd` (a python -c runner above), returning its wall time (s) and its own peak RSS (MB)."""
    t0 = time.perf_counter()
    run = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, env=env)
    seconds = time.perf_counter() - t0
    if run.returncode != 0:
        sys.exit(f"{cmd[3:5]} failed:\n{run.stderr[-2000:]}")
    return seconds, json.loads(run.stderr.strip().splitlines()[-1])["peak_kb"] / 1024


def ours(data: Path, start: pd.Timestamp, end: pd.Timestamp, months: int, sims: int) -> tuple[pd.Series, float, float]:
    """`cpanalysis project` on the same data and window, in its own process with no dataset cache (as the peer
    has none): its projected total per month end, wall time (s) and peak memory (MB)."""
    import os

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "projection.csv"
        args = ["project", str(Path(data).resolve()), "--start", f"{start:%Y-%m-%d}", "--end", f"{end:%Y-%m-%d}"]
        args += ["--months", str(months), "--simulations", str(sims), "--output", str(out)]
        env = {**os.environ, "CPANALYSIS_CACHE": "off"}
        seconds, peak = _measured([sys.executable, "-c", _OURS, *args], tmp, env)
        p = pd.read_csv(out, parse_dates=["date"])
        return p[p["category"] == "Total"].set_index("date")["central"].rename("ours"), seconds, peak


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
        seconds, peak = _measured([str(py), "-c", _RUNNER, *args], tmp)
        return peer_total(read_export(out)), seconds, peak


def side_by_side(data: Path, end: pd.Timestamp, months: int = 36, sims: int = 500, window: int = 24) -> None:
    """Print ours and the peer's wall time, peak memory (and the peer's over ours) and projected total at 12, 24 and
    36 months, on the same data and reference window (`window` months to `end`)."""
    start = end - pd.DateOffset(months=window)
    mine, s1, m1 = ours(data, start, end, months, sims)
    theirs, s2, m2 = predict(data, start, end, end + pd.DateOffset(months=months))
    print(f"   {'cpanalysis project (own process, no cache)':<53} {s1:8.1f} s   peak RSS {m1:8.0f} MB")
    print(f"   {PEER + ' predict (own venv)':<53} {s2:8.1f} s   peak RSS {m2:8.0f} MB")
    # a ratio measured in one run travels between machines and loads better than either time alone
    print(f"   {'the peer against us (ratios, this run)':<53} {s2 / s1:8.2f} x  peak RSS {m2 / m1:8.2f} x")
    for h in (12, 24, 36):
        when = end + pd.offsets.MonthEnd(h)
        a = mine.get(when, float("nan"))
        b = theirs.asof(when) if len(theirs) else float("nan")
        print(f"   looked after in {h} months ({when:%d/%m/%Y}): cpanalysis {a:,.0f}, cs-demand-model {b:,.0f}")
