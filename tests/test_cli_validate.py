"""`cpanalysis validate`: summary, data-quality CSV, and exit code 2 with a clear message on bad input."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cpanalysis.cli", *args], capture_output=True, text=True)


def test_validate_prints_summary_and_writes_quality_table(tmp_path, d2i_validator):
    out = tmp_path / "dq.csv"
    res = run("validate", str(d2i_validator), "--output", str(out))
    assert res.returncode == 0, res.stderr
    # its bad REASON_PLACED_CEASED codes are reported under the DfE's rule for that list, 120
    assert "rows read: 25,943" in res.stdout and " 120 " in res.stdout
    dq = pd.read_csv(out)
    assert list(dq.columns) == [
        "file",
        "row",
        "year",
        "table",
        "CHILD",
        "column",
        "rule",
        "severity",
        "outcome",
        "message",
    ]
    assert (dq["rule"] == "120").sum() > 0 and (dq["rule"] == "380").sum() > 50


def test_missing_column_exits_2_naming_file_and_column(tmp_path):
    (tmp_path / "2020-episodes.csv").write_text("CHILD,RNE,LS,PLACE,DEC,REC\nA,S,C1,U4,,\n")
    res = run("validate", str(tmp_path))
    assert res.returncode == 2
    assert "2020-episodes.csv" in res.stderr and "DECOM" in res.stderr
    assert "Traceback" not in res.stderr


def test_no_903_tables_exits_2(tmp_path):
    res = run("validate", str(tmp_path))
    assert res.returncode == 2 and "no 903 tables found" in res.stderr and "Traceback" not in res.stderr
