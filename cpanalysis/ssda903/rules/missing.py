"""Missing rules: missing and away-from-placement episodes inside care, in order, after birth."""

from __future__ import annotations

import pandas as pd

from cpanalysis.ssda903.rules.core import (
    Return,
    lookup,
    rule,
)


@rule("missing_end_before_start", "missing", "MIS_END", "Missing episode ends before it starts.", dfe=False)
def _mis_order(r: Return):
    mis = r["missing"]
    return mis["MIS_END"] < mis["MIS_START"]


@rule(
    "574",
    "missing",
    "MIS_START",
    "A missing or away period cannot start while the previous one is still open; such periods should not overlap.",
)
def _574(r: Return):
    mis = r["missing"]
    m = mis.assign(_END=mis["MIS_END"].fillna(mis["MIS_START"])).sort_values(
        ["CHILD", "_END", "MIS_START"], kind="mergesort"
    )
    same = m["CHILD"].eq(m["CHILD"].shift(1))
    prev_end = m["MIS_END"].shift(1)
    bad = same & (prev_end.isna() | (m["MIS_START"] < prev_end))
    return bad.reindex(mis.index)


def _in_care(r: Return) -> pd.Series:
    """For each missing row: did MIS_START fall within one of the child's episodes (open ones to date)?"""
    mis, eps = r["missing"], r["episodes"]
    m = mis[["CHILD", "MIS_START"]].reset_index().merge(eps[["CHILD", "DECOM", "DEC"]], on="CHILD", how="left")
    inside = (m["MIS_START"] >= m["DECOM"]) & (m["DEC"].isna() | (m["MIS_START"] <= m["DEC"]))
    return inside.groupby(m["index"]).any().reindex(mis.index, fill_value=False)


@rule(
    "578",
    "missing",
    "MIS_START",
    "The date the child started to be missing is after the child ceased to be looked after.",
)
def _578(r: Return):
    mis, eps = r["missing"], r["episodes"]
    last_end = eps.groupby("CHILD")["DEC"].agg(lambda s: pd.NaT if s.isna().any() else s.max())
    ended = lookup(mis["CHILD"], last_end)
    return mis["MIS_START"] > ended


@rule(
    "581",
    "missing",
    "MIS_START",
    "Child is missing but was not looked after that day (no episode holds the start date).",
)
def _581(r: Return):
    return ~_in_care(r)


@rule("586", "missing", "MIS_START", "Dates of missing periods are before the child's date of birth.")
def _586(r: Return):
    mis = r["missing"]
    dob = mis["DOB"].fillna(r.dob(mis))
    return mis["MIS_START"].notna() & (mis["MIS_START"] <= dob)
