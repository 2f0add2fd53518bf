"""Missing rules: missing and away-from-placement episodes inside care, in the collection year, in order,
after birth, closed when the placement ends, carried over from last year's return; and the Missing table
against Header."""

from __future__ import annotations

import pandas as pd

from cpanalysis.ssda903.rules.core import (
    Return,
    code_rule,
    header_rules,
    lookup,
    rule,
    show,
    year_end_of,
    year_start_of,
)


@rule(
    "567",
    "missing",
    "MIS_END",
    "The date that the missing episode or episode that the child was away from placement without authorisation "
    "ended is before the date that it started.",
)
def _567(r: Return):
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
    by_child = eps.groupby("CHILD")["DEC"]
    last_end = by_child.max().where(by_child.count() == by_child.size())  # NaT while any episode is open
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


code_rule("1006", "missing", "MISSING", ("M", "A"), "Missing type invalid.", blank_ok=True)


@rule(
    "565",
    "missing",
    "MISSING",
    "The date that the child started to be missing or away from placement without authorisation has been "
    "completed but whether the child was missing or away from placement without authorisation has not been "
    "completed.",
)
def _565(r: Return):
    mis = r["missing"]
    return mis["MIS_START"].notna() & mis["MISSING"].isna()


@rule(
    "566",
    "missing",
    "MISSING",
    "The date that the child's episode of being missing or away from placement without authorisation ended has "
    "been completed but whether the child was missing or away without authorisation has not been completed.",
)
def _566(r: Return):
    mis = r["missing"]
    return mis["MIS_END"].notna() & mis["MISSING"].isna()


@rule(
    "570",
    "missing",
    "MIS_START",
    "The date that the child started to be missing or away from placement without authorisation is after the "
    "end of the collection year.",
    scope="return",
)
def _570(r: Return):
    mis = r["missing"]
    return mis["MIS_START"] > year_end_of(mis), lambda: "MIS_START " + show(mis["MIS_START"])


@rule(
    "571",
    "missing",
    "MIS_END",
    "The date that the child ceased to be missing or away from placement without authorisation is before the "
    "start or after the end of the collection year.",
    scope="return",
)
def _571(r: Return):
    mis = r["missing"]
    end = mis["MIS_END"]
    return (end < year_start_of(mis)) | (end > year_end_of(mis)), lambda: "MIS_END " + show(end)


@rule(
    "575",
    "missing",
    "MIS_END",
    "If the placement from which the child goes missing/away from placement without authorisation ends, the "
    "missing/away from placement without authorisation period in the missing module must also have an end date.",
)
def _575(r: Return):
    """Open missing periods that started within an episode that has ended (DECOM <= MIS_START <= DEC)."""
    mis, eps = r["missing"], r["episodes"]
    open_ = mis.loc[mis["MIS_END"].isna(), ["CHILD", "MIS_START"]].reset_index()
    m = open_.merge(eps.loc[eps["DEC"].notna(), ["CHILD", "DECOM", "DEC"]], on="CHILD")
    hit = m.loc[(m["MIS_START"] >= m["DECOM"]) & (m["MIS_START"] <= m["DEC"]), "index"]
    return pd.Series(mis.index.isin(hit), index=mis.index)


@rule(
    "576",
    "missing",
    "MIS_START",
    "There is an open missing/away from placement without authorisation period in last year's return and there "
    "is no corresponding period recorded at the start of this year.",
    scope="return",
)
def _576(r: Return):
    """The child's first missing period this year does not start on the day last year's open one started."""
    mis = r["missing"]
    last = (r.prev or {}).get("missing")
    if last is None or last.empty or mis.empty:
        return pd.Series(False, index=mis.index)
    first = mis["MIS_START"].fillna(pd.Timestamp.max).groupby(mis["CHILD"]).transform("min")
    is_first = mis["MIS_START"].fillna(pd.Timestamp.max).eq(first) & ~mis.duplicated(["CHILD", "MIS_START"])
    open_last = last[last["MIS_END"].isna()].drop_duplicates("CHILD", keep="last").set_index("CHILD")["MIS_START"]
    was = lookup(mis["CHILD"], open_last)
    return is_first & was.notna() & mis["MIS_START"].ne(was), lambda: "open last year from " + show(was)


@rule(
    "580",
    "episodes",
    "REC",
    "Child is missing when cease being looked after but reason episode ceased not 'E8'.",
)
def _580(r: Return):
    """An episode ends (DEC) on the 18th birthday, the day a missing period of the child's ends, with REC
    other than E8."""
    mis, eps = r["missing"], r["episodes"]
    dob = mis["DOB"].fillna(r.dob(mis))
    eighteen = mis.loc[(dob + pd.DateOffset(years=18)).eq(mis["MIS_END"])]
    m = eps[["CHILD", "DEC", "REC"]].reset_index().merge(eighteen[["CHILD", "MIS_END"]], on="CHILD")
    hit = m.loc[m["DEC"].eq(m["MIS_END"]) & m["REC"].ne("E8"), "index"]
    return pd.Series(eps.index.isin(hit), index=eps.index), lambda: "REC " + eps["REC"].fillna("blank")


header_rules("missing", "Missing", "INT04", "INT13")


def _periods(r: Return) -> pd.DataFrame:
    """The DfE's periods of care: runs of a child's episodes each starting on or before the previous one's DEC
    (CHILD, START = the first DECOM, END = the last episode's DEC)."""
    eps = r.episodes().loc[r.in_order().index]
    new = ~eps["HAS_PREV"] | (eps["DECOM"] > eps["PREV_DEC"])
    key = new.cumsum()
    return pd.DataFrame(
        {
            "CHILD": eps["CHILD"].groupby(key).first(),
            "START": eps["DECOM"].groupby(key).first(),
            "END": eps["DEC"].groupby(key).nth(-1).set_axis(key.drop_duplicates(keep="last")),
        }
    )


@rule(
    "577",
    "missing",
    "MIS_END",
    "Child ceased to be looked after but there is a missing/away from placement without authorisation period "
    "without an end date.",
)
def _577(r: Return):
    """Missing periods that fit none of the child's periods of care: open while the period of care has ended
    or began before it; or ending after it ended or before it began."""
    mis, eps = r["missing"], r["episodes"]
    if mis.empty or eps.empty:
        return pd.Series(False, index=mis.index)
    m = mis[["CHILD", "MIS_START", "MIS_END"]].reset_index().merge(_periods(r), on="CHILD")
    is_open = m["MIS_END"].isna()
    out = (
        (m["MIS_START"].notna() & is_open & m["END"].notna())
        | (is_open & (m["MIS_START"] < m["START"]))
        | (m["MIS_END"] > m["END"])
        | (m["MIS_END"] < m["START"])
    )
    bad = out.groupby(m["index"]).all()
    return pd.Series(mis.index.isin(bad.index[bad]), index=mis.index)
