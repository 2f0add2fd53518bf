"""`cpanalysis project`: the demand model's projection as a CSV (date, category, central, low, high)."""

from __future__ import annotations

import pandas as pd
import pytest

from cpanalysis import projection as pj
from cpanalysis.cli import main


def test_project_writes_one_row_per_month_end_and_category(d2i_sample, tmp_path, capsys):
    out = tmp_path / "projection.csv"
    code = main(
        [
            "project",
            str(d2i_sample),
            "--start",
            "2020-03-31",
            "--end",
            "2022-03-31",
            "--months",
            "6",
            "--simulations",
            "50",
            "--backtest-simulations",
            "20",
            "--output",
            str(out),
        ]
    )
    assert code == 0
    table = pd.read_csv(out, dtype={"date": str})
    assert list(table.columns) == ["date", "category", "central", "low", "high"]
    assert table["date"].unique().tolist() == [
        "2022-04-30",
        "2022-05-31",
        "2022-06-30",
        "2022-07-31",
        "2022-08-31",
        "2022-09-30",
    ]
    assert table["category"].unique().tolist() == [*pj.CATEGORIES, pj.TOTAL]
    assert len(table) == 6 * (len(pj.CATEGORIES) + 1)
    assert (table["low"] <= table["central"]).all() and (table["central"] <= table["high"]).all()
    # the categories add up to the total (the central projection, each rounded to 0.01; the ranges do not add)
    by_date = table[table["category"] != pj.TOTAL].groupby("date")["central"].sum()
    total = table[table["category"] == pj.TOTAL].set_index("date")["central"]
    assert (by_date - total).abs().max() <= 0.005 * len(pj.CATEGORIES) + 1e-9


@pytest.mark.parametrize(
    "args, message",
    [
        (["--start", "2022-03-31", "--end", "2020-03-31"], "reference window is empty"),
        (["--start", "2021-03-31", "--end", "2023-03-31"], "after the data end"),
        (["--start", "2021-03-31", "--end", "2022-03-31", "--months", "0"], "at least 1"),
        (["--start", "31st March", "--end", "2022-03-31"], "is not a date"),
    ],
)
def test_project_bad_input_exits_2_with_one_message(d2i_sample, args, message, capsys):
    assert main(["project", str(d2i_sample), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
