"""PlacedAdoption rules: the decisions that a child should (and should no longer) be placed for adoption, against
Episodes, Header, AD1 and the previous year's return."""

from __future__ import annotations

import pandas as pd

from cpanalysis.categories import ADOPTED, PLACEMENT_ORDER_LS, SHORT_BREAK_LS
from cpanalysis.ssda903.rules.core import (
    AD1_FIELDS,
    PLACED_FOR_ADOPTION,
    Return,
    by_child,
    filled,
    has,
    previous,
    rule,
    show,
    year_end_of,
    year_start_of,
)

CEASED = ("DATE_PLACED_CEASED", "REASON_PLACED_CEASED")


def _latest(pa: pd.DataFrame) -> pd.Series:
    """Whether each row is its child's latest decision (the latest DATE_PLACED)."""
    return pa["DATE_PLACED"].eq(pa.groupby("CHILD")["DATE_PLACED"].transform("max"))


def _first_of(eps: pd.DataFrame, mask: pd.Series) -> pd.Series:
    """Whether each episode is its child's first (earliest DECOM) of those in `mask`."""
    sel = eps[mask]
    first = sel["DECOM"].eq(sel.groupby("CHILD")["DECOM"].transform("min"))
    return first.reindex(eps.index, fill_value=False)


@rule(
    "119",
    "placed_adoption",
    "DATE_PLACED_CEASED",
    "If the decision is made that a child should no longer be placed for adoption, both the date of that decision "
    "and its reason must be completed.",
)
def _119(r: Return):
    pa = r["placed_adoption"]
    return pa["DATE_PLACED_CEASED"].isna() != pa["REASON_PLACED_CEASED"].isna()


@rule(
    "563",
    "placed_adoption",
    "DATE_PLACED",
    "The child should no longer be placed for adoption but the date of the decision that the child should be placed "
    "for adoption is blank.",
)
def _563(r: Return):
    pa = r["placed_adoption"]
    return pa["DATE_PLACED"].isna() & pa["DATE_PLACED_CEASED"].notna() & pa["REASON_PLACED_CEASED"].notna()


@rule(
    "522",
    "placed_adoption",
    "DATE_PLACED_CEASED",
    "Date of the decision that the child should be placed for adoption must be on or before the date of the decision "
    "that they should no longer be placed for adoption.",
)
def _522(r: Return):
    pa = r["placed_adoption"]
    return pa["DATE_PLACED_CEASED"] < pa[
        "DATE_PLACED"
    ], lambda: "DATE_PLACED " + show(pa["DATE_PLACED"]) + (", DATE_PLACED_CEASED " + show(pa["DATE_PLACED_CEASED"]))


@rule(
    "579",
    "placed_adoption",
    "DATE_PLACED",
    "A new decision that the child should be placed for adoption cannot start while the previous decision is still "
    "open, or before it ceased: decisions must not overlap.",
)
def _579(r: Return):
    pa = r["placed_adoption"].sort_values(["CHILD", "DATE_PLACED"], kind="mergesort")
    same = pa["CHILD"].eq(pa["CHILD"].shift(1))
    ceased = pa["DATE_PLACED_CEASED"].shift(1)
    bad = same & (ceased.isna() | (pa["DATE_PLACED"] < ceased))
    return bad.reindex(r["placed_adoption"].index)


@rule(
    "583",
    "placed_adoption",
    "DATE_PLACED_CEASED",
    "More than one decision that the child should be placed for adoption, but an earlier one has no date it was "
    "revoked (DATE_PLACED_CEASED; it may be in a previous year).",
)
def _583(r: Return):
    pa = r["placed_adoption"]
    return ~_latest(pa) & pa["DATE_PLACED_CEASED"].isna()


@rule(
    "184",
    "placed_adoption",
    "DATE_PLACED",
    "Date of the decision that the child should be placed for adoption is before the child was born.",
)
def _184(r: Return):
    pa = r["placed_adoption"]
    dob = r.dob(pa)
    return pa["DATE_PLACED"] < dob, lambda: "DATE_PLACED " + show(pa["DATE_PLACED"]) + ", DOB " + show(dob)


@rule(
    "1003",
    "placed_adoption",
    "DATE_PLACED",
    "Date of the decision that the child should be placed for adoption is before the child started to be looked after.",
)
def _1003(r: Return):
    pa, eps = r["placed_adoption"], r["episodes"]
    started = by_child(pa, eps[eps["RNE"].eq("S")], "min", "DECOM")
    return pa["DATE_PLACED"] < started, lambda: "DATE_PLACED " + show(pa["DATE_PLACED"]) + ", started " + show(started)


@rule(
    "117",
    "placed_adoption",
    "DATE_PLACED",
    "Date of a decision that the child should (or should no longer) be placed for adoption is after the end of the "
    "collection year or after the child ceased to be looked after.",
)
def _117(r: Return):
    pa = r["placed_adoption"]
    last = r.in_order().drop_duplicates("CHILD", keep="last")
    ended = pa["CHILD"].map(last.set_index("CHILD")["DEC"]).astype("datetime64[ns]")
    limit = year_end_of(pa).where(ended.isna() | (ended > year_end_of(pa)), ended)
    return (pa["DATE_PLACED"] > limit) | (pa["DATE_PLACED_CEASED"] > limit)


@rule(
    "118",
    "placed_adoption",
    "DATE_PLACED_CEASED",
    "Date of the decision that the child should no longer be placed for adoption is before the collection year or "
    "before the child started to be looked after.",
)
def _118(r: Return):
    pa, eps = r["placed_adoption"], r["episodes"]
    started = by_child(pa, eps[~eps["LS"].isin(SHORT_BREAK_LS)], "min", "DECOM")
    ceased = pa["DATE_PLACED_CEASED"]
    return (ceased < year_start_of(pa)) | (ceased < started)


@rule(
    "525",
    "placed_adoption",
    "DATE_PLACED_CEASED",
    "The decision that the child should be placed for adoption was reversed, so the child cannot be adopted (AD1 "
    "data given).",
)
def _525(r: Return):
    pa, ad1 = r["placed_adoption"], r["ad1"]
    adopted = ad1.loc[filled(ad1, AD1_FIELDS), "CHILD"]
    return _latest(pa) & pa["DATE_PLACED_CEASED"].notna() & has(pa["CHILD"], adopted)


# ---- episodes against the decisions ------------------------------------------------------------------


def _no_decision(code: str, mask, message: str) -> None:
    """Register rule `code`: an episode in `mask(episodes)` for a child with no PlacedAdoption row."""

    def check(r: Return):
        eps = r["episodes"]
        return mask(eps) & ~has(eps["CHILD"], r["placed_adoption"]["CHILD"])

    rule(code, "episodes", "CHILD", message)(check)


_no_decision(
    "551",
    lambda e: e["PLACE"].isin(PLACED_FOR_ADOPTION),
    "Child has been placed for adoption but there is no date of the decision that they should be placed for adoption.",
)
_no_decision(
    "553",
    lambda e: e["LS"].eq("E1"),
    "Placement order granted (LS E1) but there is no date of the decision that the child should be placed for "
    "adoption.",
)
_no_decision(
    "555",
    lambda e: e["LS"].eq("D1"),
    "Freeing order granted (LS D1) but there is no date of the decision that the child should be placed for adoption.",
)


def _decided_after_order(code: str, ls: str, message: str) -> None:
    """Register rule `code`: the decision to place (the child's earliest DATE_PLACED) is after the start of the
    child's first episode with legal status `ls` (the order)."""

    def check(r: Return):
        eps = r["episodes"]
        decided = by_child(eps, r["placed_adoption"], "min", "DATE_PLACED")
        return _first_of(eps, eps["LS"].eq(ls)) & (decided > eps["DECOM"])

    rule(code, "episodes", "DECOM", message)(check)


_decided_after_order(
    "554",
    "E1",
    "Date of decision that the child should be placed for adoption should be on or prior to the date the placement "
    "order was granted.",
)
_decided_after_order(
    "556",
    "D1",
    "Date of decision that the child should be placed for adoption should be on or prior to the date the freeing "
    "order was granted.",
)


@rule(
    "552",
    "episodes",
    "DECOM",
    "Date of decision to place a child for adoption should be on or prior to the date the child was placed for "
    "adoption.",
)
def _552(r: Return):
    eps = r["episodes"]
    decided = by_child(eps, r["placed_adoption"], "max", "DATE_PLACED")
    return _first_of(eps, eps["PLACE"].isin(PLACED_FOR_ADOPTION)) & (eps["DECOM"] < decided)


@rule(
    "557",
    "episodes",
    "REC",
    "Child for whom the decision was made that they should be placed for adoption has left care other than by "
    "adoption, but the decision that they should no longer be placed for adoption (date and reason) is not recorded.",
)
def _557(r: Return):
    eps, pa = r["episodes"], r["placed_adoption"]
    left = eps["REC"].notna() & ~eps["REC"].isin(ADOPTED + ("X1",))
    open_decision = pa.loc[_latest(pa) & pa[list(CEASED)].isna().any(axis=1), "CHILD"]
    undecided = ~has(eps["CHILD"], pa["CHILD"]) | has(eps["CHILD"], open_decision)
    return (eps["PLACE"].isin(PLACED_FOR_ADOPTION) | eps["LS"].isin(PLACEMENT_ORDER_LS)) & left & undecided


@rule(
    "558",
    "episodes",
    "REC",
    "The child was adopted, so the latest decision that they should be placed for adoption was not reversed: its "
    "date the child should no longer be placed for adoption should be blank.",
)
def _558(r: Return):
    """The DfE's condition: an adopted child with more than one decision in the return, the latest reversed (one
    decision, reversed, is not this rule's case)."""
    eps, pa = r["episodes"], r["placed_adoption"]
    several = pa.groupby("CHILD")["CHILD"].transform("size") > 1
    reversed_ = pa.loc[several & _latest(pa) & pa["DATE_PLACED_CEASED"].notna(), "CHILD"]
    return eps["REC"].isin(ADOPTED) & has(eps["CHILD"], reversed_)


# ---- against the previous year's return (each year's return only) --------------------------------------


def _against_last_year(r: Return) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    return r["placed_adoption"], previous(r, "placed_adoption")


@rule(
    "559",
    "placed_adoption",
    "DATE_PLACED",
    "The decision that the child should be placed for adoption was made before this collection year, but the child "
    "has no such decision in the previous year's return.",
    scope="return",
)
def _559(r: Return):
    pa, last = _against_last_year(r)
    if last is None:
        return pd.Series(False, index=pa.index)
    return (pa["DATE_PLACED"] < year_start_of(pa)) & ~has(pa["CHILD"], last["CHILD"])


@rule(
    "560",
    "placed_adoption",
    "DATE_PLACED",
    "Date of the decision that the child should be placed for adoption is different from last year's, but last "
    "year's decision was still open (it did not cease).",
    scope="return",
)
def _560(r: Return):
    pa, last = _against_last_year(r)
    if last is None:
        return pd.Series(False, index=pa.index)
    was_open = last.loc[last["DATE_PLACED_CEASED"].isna(), ["CHILD", "DATE_PLACED"]]
    kept = pa[["CHILD", "DATE_PLACED"]].merge(was_open, on=["CHILD", "DATE_PLACED"])["CHILD"]
    lost = was_open.loc[~has(was_open["CHILD"], kept), "CHILD"]
    return has(
        pa["CHILD"], lost
    ), lambda: "last year's open decision " + show(by_child(pa, was_open, "max", "DATE_PLACED"))


@rule(
    "561",
    "placed_adoption",
    "DATE_PLACED",
    "Date of the decision that the child should be placed for adoption is the same as last year's, but last year's "
    "return shows that decision had ceased.",
    scope="return",
)
def _561(r: Return):
    pa, last = _against_last_year(r)
    if last is None:
        return pd.Series(False, index=pa.index)
    ceased = last.loc[filled(last, CEASED), ["CHILD", "DATE_PLACED"]].drop_duplicates()
    m = pa[["CHILD", "DATE_PLACED"]].reset_index().merge(ceased, on=["CHILD", "DATE_PLACED"])
    return pa.index.isin(m["index"])


@rule(
    "584",
    "placed_adoption",
    "DATE_PLACED",
    "Last year's decision that the child should be placed for adoption ceased, so a decision this year must be a new "
    "one, dated after last year's.",
    scope="return",
)
def _584(r: Return):
    pa, last = _against_last_year(r)
    if last is None:
        return pd.Series(False, index=pa.index)
    ceased = last[filled(last, CEASED)]
    latest_ceased = by_child(pa, ceased, "max", "DATE_PLACED")
    return pa["DATE_PLACED"] <= latest_ceased, lambda: "last year's ceased decision " + show(latest_ceased)
