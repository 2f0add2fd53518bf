"""Builders of tiny canonical 903 frames for unit tests (dates as 'dd/mm/yyyy' strings or None)."""

from __future__ import annotations

import pandas as pd

from cpanalysis.ssda903.schema import TABLES, TEXT


def frame(table: str, rows: list[dict], year: int = 2020) -> pd.DataFrame:
    """A canonical frame of `table` from dicts: missing columns blank, dates parsed, YEAR set."""
    spec = TABLES[table]
    df = pd.DataFrame(rows, columns=list(spec.columns))
    for col in spec.columns:
        if col in spec.dates:
            df[col] = pd.to_datetime(df[col], format="%d/%m/%Y").astype("datetime64[ns]")
        else:
            df[col] = df[col].astype(TEXT)
    df["YEAR"] = year
    df["SOURCE_FILE"] = f"{year}-{table}.csv"
    df["SOURCE_ROW"] = range(2, len(df) + 2)
    return df


def episodes_frame(rows: list[dict], year: int = 2020) -> pd.DataFrame:
    """Episodes; each row needs CHILD, DECOM, RNE, LS, PLACE and may give DEC/REC (else open)."""
    defaults = {"CIN": "N1", "PLACE_PROVIDER": "PR1"}
    df = frame("episodes", [{**defaults, **r} for r in rows], year)
    return df.sort_values(["CHILD", "DECOM"], kind="mergesort").reset_index(drop=True)


def header_frame(rows: list[dict], year: int = 2020) -> pd.DataFrame:
    return frame("header", [{"SEX": "1", **r} for r in rows], year)
