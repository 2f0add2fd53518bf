"""The data-quality table: one row per finding, each naming the file, row, child, column and rule.

`outcome` says what became of the row: *used* (kept as it is), *corrected* (kept after a fix the
message describes) or *rejected* (left out of the analysis, for the reason the message gives).
"""

from __future__ import annotations

import pandas as pd

COLUMNS = ["file", "row", "year", "table", "CHILD", "column", "rule", "severity", "outcome", "message"]
SEVERITIES = ("error", "warning", "info")
OUTCOMES = ("used", "corrected", "rejected")


def empty() -> pd.DataFrame:
    """A data-quality table with no rows (a copy of one made once: building it column by column is slow)."""
    return _EMPTY.copy()


_EMPTY = pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})


def make(
    rows: pd.DataFrame,
    *,
    table: str,
    column: str,
    rule: str,
    severity: str,
    outcome: str,
    message: str | pd.Series,
) -> pd.DataFrame:
    """Findings for each row of `rows` (a slice of a canonical table with SOURCE_FILE, SOURCE_ROW, YEAR,
    CHILD)."""
    assert severity in SEVERITIES and outcome in OUTCOMES
    if rows.empty:
        return empty()
    return pd.DataFrame(
        {
            "file": rows["SOURCE_FILE"].to_numpy(),
            "row": rows["SOURCE_ROW"].to_numpy(),
            "year": rows["YEAR"].to_numpy(),
            "table": table,
            "CHILD": rows["CHILD"].astype(object).to_numpy() if "CHILD" in rows else None,
            "column": column,
            "rule": rule,
            "severity": severity,
            "outcome": outcome,
            "message": message.loc[rows.index].to_numpy() if isinstance(message, pd.Series) else message,
        }
    )


def file_level(file: str, year: int | None, table: str, column: str, rule: str, severity: str, message: str):
    """A finding about a whole file (no row)."""
    return pd.DataFrame([[file, None, year, table, None, column, rule, severity, "used", message]], columns=COLUMNS)


def concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else empty()
