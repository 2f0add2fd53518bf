"""`cpanalysis measures` on the public fake 903 data sets: the fixed CSV contract other tools read, and clear
errors. The values themselves are checked by hand on tiny histories in test_adoption.py (measures table and CLI end
to end) and test_population.py."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

CONTRACT = ["cla_at_end", "starts", "ceased", "adopted", "ceased_sgo"]
COUNTS = CONTRACT + ["A2_children", "A3_n", "waiting_for_adoption", "stability_3plus_n", "stability_long_term_n"]


def _measures(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cpanalysis.cli", "measures", *args], capture_output=True, text=True)


def test_contract_on_the_public_sample(tmp_path, d2i_sample):
    out = tmp_path / "m.csv"
    res = _measures(
        str(d2i_sample),
        "--start",
        "2019-04-01",
        "--end",
        "2020-03-31",
        "--output",
        str(out),
        "--la-code",
        "E06000049",
    )
    assert res.returncode == 0, res.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("measure,value\n") and "\r" not in text
    table = pd.read_csv(out)
    assert list(table.columns) == ["measure", "value"]
    measures = list(table["measure"])
    assert measures[:5] == CONTRACT and {"A1", "A2", "A10", "A3_pct", "rate_per_10k"} <= set(measures)
    assert len(measures) == len(set(measures))
    values = table.set_index("measure")["value"]
    # counts are written as whole numbers (no "177.0"), means and percentages with at most one decimal
    lines = dict(line.split(",", 1) for line in text.splitlines()[1:])
    assert all(lines[m].isdigit() for m in COUNTS)
    assert all(lines[m] == "" or len(lines[m].partition(".")[2]) <= 1 for m in lines)
    # the adopted and SGO leavers are among the ceased; the rate is the looked-after count over Cheshire East's ONS
    # mid-2019 estimate (year ending 31/03/2020), 76,769 children aged 0-17, x 10,000, rounded
    assert values["adopted"] + values["ceased_sgo"] <= values["ceased"]
    assert values["rate_per_10k"] == int(values["cla_at_end"] / 76769 * 10000 + 0.5)


@pytest.mark.parametrize(
    "start, end, message",
    [
        ("2020-04-01", "2019-03-31", "the period is empty"),
        ("2019-13-01", "2020-03-31", "not a date"),
        ("2019-02-30", "2020-03-31", "--start '2019-02-30' is not a date"),
    ],
)
def test_bad_dates_exit_2_with_a_message(start, end, message, d2i_validator):
    res = _measures(str(d2i_validator), "--start", start, "--end", end)
    assert res.returncode == 2 and message in res.stderr and "Traceback" not in res.stderr


def test_missing_data_folder_exits_2(tmp_path):
    res = _measures(str(tmp_path / "nowhere"), "--start", "2019-04-01", "--end", "2020-03-31")
    assert res.returncode == 2 and "Traceback" not in res.stderr
