"""Property-based: corrupt a small clean two-year extract the ways exports go wrong, and the loader never
raises a traceback, always balances rows read = used + rejected, and never changes a figure without a
finding (an error or warning, or a row corrected or rejected) or a clear InputError (issue 12).

The clean extract is built so that every value is checked by something: each episode and Header row is in
both years' returns, or its dates are tied to the neighbouring episode (REC X1), so a shifted date,
blanked cell, mangled code or dropped row is always visible. (A plausible change, e.g. one valid code for
another, cannot be seen by any validator and is not generated.)"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cpanalysis.errors import InputError
from cpanalysis.ssda903 import load

EP_COLS = ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC"]
HD_COLS = ["CHILD", "SEX", "DOB", "ETHNIC"]
DATES = {"DECOM", "DEC", "DOB"}
CODES = {"RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "REC", "SEX", "ETHNIC"}

CLEAN = {
    "2019-episodes.csv": (
        EP_COLS,
        [
            ["A", "01/05/2018", "S", "C2", "N1", "U4", "PR1", "", ""],
            ["B", "01/01/2019", "S", "V2", "N4", "U6", "PR4", "", ""],
            ["C", "15/03/2019", "S", "C1", "N2", "K2", "PR4", "", ""],
        ],
    ),
    "2020-episodes.csv": (
        EP_COLS,
        [
            ["A", "01/05/2018", "S", "C2", "N1", "U4", "PR1", "01/06/2019", "X1"],
            ["A", "01/06/2019", "P", "C2", "N1", "U6", "PR4", "", ""],
            ["B", "01/01/2019", "S", "V2", "N4", "U6", "PR4", "", ""],
            ["C", "15/03/2019", "S", "C1", "N2", "K2", "PR4", "10/10/2019", "X1"],
            ["C", "10/10/2019", "L", "C2", "N2", "K2", "PR4", "", ""],
        ],
    ),
    "2019-header.csv": (
        HD_COLS,
        [["A", "1", "01/02/2010", "WBRI"], ["B", "2", "03/04/2012", "BAFR"], ["C", "1", "05/06/2006", "AIND"]],
    ),
    "2020-header.csv": (
        HD_COLS,
        [["A", "1", "01/02/2010", "WBRI"], ["B", "2", "03/04/2012", "BAFR"], ["C", "1", "05/06/2006", "AIND"]],
    ),
}
FILES = sorted(CLEAN)
FORMATS = ["%d/%m/%Y 00:00", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d 00:00:00"]


def _figures(data) -> tuple[pd.DataFrame, pd.DataFrame]:
    eps = data["episodes"][EP_COLS].sort_values(["CHILD", "DECOM"]).reset_index(drop=True)
    hd = data["header"][HD_COLS].sort_values("CHILD").reset_index(drop=True)
    return eps, hd


def _write(folder: Path, files: dict, encoding: str, newline: str) -> None:
    for name, (cols, rows) in files.items():
        text = newline.join([",".join(cols)] + [",".join(r) for r in rows]) + newline
        (folder / name).write_bytes(text.encode(encoding))


@st.composite
def corruption(draw):
    """One corruption of one file: (kind, file, row index, column index, parameter)."""
    kind = draw(
        st.sampled_from(["blank", "mangle", "lower", "shift", "reformat", "duplicate", "drop", "rename", "reorder"])
    )
    name = draw(st.sampled_from(FILES))
    cols, rows = CLEAN[name]
    return (
        kind,
        name,
        draw(st.integers(0, len(rows) - 1)),
        draw(st.integers(0, len(cols) - 1)),
        draw(st.integers(-400, 400).filter(lambda d: d != 0)),
        draw(st.sampled_from(FORMATS)),
    )


def _changed_date(value: str, kind: str, days: int, fmt: str) -> str:
    """A dd/mm/yyyy date shifted by `days` or written in `fmt`; anything else (an earlier change reformatted it)
    unchanged."""
    d = pd.to_datetime(value, format="%d/%m/%Y", errors="coerce")
    if pd.isna(d):
        return value
    return (d + pd.Timedelta(days=days)).strftime("%d/%m/%Y") if kind == "shift" else d.strftime(fmt)


def apply(files: dict, c) -> None:
    kind, name, i, j, days, fmt = c
    cols, rows = files[name]
    if not rows:
        return
    i = min(i, len(rows) - 1)  # an earlier change may have dropped rows
    col = cols[j]
    value = rows[i][j]
    if kind == "blank":
        rows[i][j] = ""
    elif kind == "mangle" and col in CODES and value:
        rows[i][j] = "ZZ9"
    elif kind == "lower" and col in CODES and value:
        rows[i][j] = value.lower()
    elif kind in ("shift", "reformat") and col in DATES and value:
        rows[i][j] = _changed_date(value, kind, days, fmt)
    elif kind == "duplicate":
        rows.insert(i, list(rows[i]))
    elif kind == "drop":
        del rows[i]
    elif kind == "rename":
        cols[j] = col.lower().replace("_", " ")
    elif kind == "reorder":
        order = list(range(len(cols)))
        order[0], order[j] = order[j], order[0]
        files[name] = ([cols[k] for k in order], [[r[k] for k in order] for r in rows])


CLEAN_FIGURES = None


def _clean_figures():
    global CLEAN_FIGURES
    if CLEAN_FIGURES is None:
        with tempfile.TemporaryDirectory() as d:
            _write(Path(d), CLEAN, "utf-8", "\n")
            data = load(d)
            assert data.quality[data.quality["severity"] != "info"].empty, data.quality
            CLEAN_FIGURES = _figures(data)
    return CLEAN_FIGURES


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    changes=st.lists(corruption(), min_size=1, max_size=3),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
    newline=st.sampled_from(["\n", "\r\n"]),
)
@example(  # one date reformatted twice: the second change finds no dd/mm/yyyy date to change (found by the fuzzer)
    changes=[
        ("reformat", "2019-header.csv", 1, 2, 22, "%d.%m.%Y"),
        ("reformat", "2019-header.csv", 1, 2, 22, "%d/%m/%Y 00:00"),
    ],
    encoding="utf-8",
    newline="\n",
)
def test_corrupted_extract_never_silently_changes_a_figure(changes, encoding, newline):
    clean_eps, clean_hd = _clean_figures()
    files = {name: (list(cols), [list(r) for r in rows]) for name, (cols, rows) in CLEAN.items()}
    for c in changes:
        apply(files, c)
    with tempfile.TemporaryDirectory() as d:
        _write(Path(d), files, encoding, newline)
        try:
            data = load(d)
        except InputError as exc:
            assert any(name in str(exc) for name in FILES) or "collection year" in str(exc), str(exc)
            return
        acc = data.accounting
        assert (acc["rows_read"] == acc["used"] + acc["rejected"]).all()
        assert acc["rows_read"].sum() == sum(len(rows) for _, rows in files.values())
        eps, hd = _figures(data)
        if not (eps.equals(clean_eps) and hd.equals(clean_hd)):
            q = data.quality
            said = q["severity"].isin(["error", "warning"]) | q["outcome"].isin(["corrected", "rejected"])
            assert said.any(), f"figures changed silently by {changes}"
