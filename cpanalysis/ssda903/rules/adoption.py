"""AD1 and PlacedAdoption rules: the adoption decision, match and placement dates."""

from __future__ import annotations

import pandas as pd

from cpanalysis.categories import ADOPTED
from cpanalysis.ssda903.rules.core import (
    PLACED_FOR_ADOPTION,
    Return,
    by_child,
    rule,
)

# ---- AD1 and PlacedAdoption ------------------------------------------------------------------------


@rule(
    "ad1_not_adopted",
    "ad1",
    "CHILD",
    "AD1 row for a child with no episode ending in adoption (REC E11/E12).",
    severity="warning",
    dfe=False,
    scope="history",
)
def _ad1_not_adopted(r: Return):
    adopted = r["episodes"].loc[r["episodes"]["REC"].isin(ADOPTED), "CHILD"]
    return ~r["ad1"]["CHILD"].isin(adopted)


@rule(
    "adopted_without_ad1",
    "episodes",
    "REC",
    "Child adopted (REC E11/E12) with no AD1 row: excluded from A2.",
    severity="warning",
    dfe=False,
    scope="history",
)
def _adopted_without_ad1(r: Return):
    eps = r["episodes"]
    if r["ad1"].empty:
        return pd.Series(False, index=eps.index)
    return eps["REC"].isin(ADOPTED) & ~eps["CHILD"].isin(r["ad1"]["CHILD"])


@rule(
    "333",
    "ad1",
    "DATE_INT",
    "Date should be placed for adoption must be on or prior to the date of matching child with adopter(s).",
)
def _333(r: Return):
    ad1 = r["ad1"]
    return ad1["DATE_MATCH"].notna() & (ad1["DATE_INT"].isna() | (ad1["DATE_INT"] > ad1["DATE_MATCH"]))


@rule(
    "331",
    "ad1",
    "DATE_MATCH",
    "Date of matching child and adopter(s) should be the same as, or prior to, the date of placement for adoption.",
)
def _331(r: Return):
    eps = r["episodes"]
    placed = eps[eps["REC"].isin(ADOPTED)]
    return r["ad1"]["DATE_MATCH"] > by_child(r["ad1"], placed, "min", "DECOM")


@rule(
    "334",
    "ad1",
    "DATE_INT",
    "Date child started to be looked after in latest period of care must be on or prior to the date should be "
    "placed for adoption.",
)
def _334(r: Return):
    eps = r["episodes"]
    starts = eps[eps["RNE"].eq("S")]
    return r["ad1"]["DATE_INT"] < by_child(r["ad1"], starts, "max", "DECOM")


@rule(
    "521",
    "episodes",
    "DECOM",
    "Date of the decision that adoption is in the child's best interests must be on or prior to the date the child "
    "is placed for adoption.",
)
def _521(r: Return):
    eps = r["episodes"]
    decided = by_child(eps, r["ad1"], "max", "DATE_INT")
    return eps["PLACE"].isin(PLACED_FOR_ADOPTION) & (decided > eps["DECOM"])


@rule(
    "placed_ceased_before_placed",
    "placed_adoption",
    "DATE_PLACED_CEASED",
    "Adoption plan ceased before the decision date.",
    dfe=False,
)
def _pa_order(r: Return):
    pa = r["placed_adoption"]
    return pa["DATE_PLACED_CEASED"] < pa["DATE_PLACED"]


@rule(
    "552",
    "episodes",
    "DECOM",
    "Date of decision to place a child for adoption should be on or prior to the date the child was placed for "
    "adoption.",
)
def _552(r: Return):
    eps = r["episodes"]
    adopt = eps[eps["PLACE"].isin(PLACED_FOR_ADOPTION)]
    first = adopt["DECOM"].eq(adopt.groupby("CHILD")["DECOM"].transform("min")).reindex(eps.index, fill_value=False)
    decided = by_child(eps, r["placed_adoption"], "max", "DATE_PLACED")
    return first & (eps["DECOM"] < decided)


@rule(
    "554",
    "episodes",
    "DECOM",
    "Date of decision that the child should be placed for adoption should be on or prior to the date the placement "
    "order was granted.",
)
def _554(r: Return):
    eps = r["episodes"]
    e1 = eps[eps["LS"].eq("E1")]
    first = e1["DECOM"].eq(e1.groupby("CHILD")["DECOM"].transform("min")).reindex(eps.index, fill_value=False)
    decided = by_child(eps, r["placed_adoption"], "min", "DATE_PLACED")
    return first & (decided > eps["DECOM"])
