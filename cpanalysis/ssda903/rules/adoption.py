"""AD1 rules: the adoption decision, match and adopters (PlacedAdoption rules are in placed_adoption.py)."""

from __future__ import annotations

import pandas as pd

from cpanalysis.categories import ADOPTED
from cpanalysis.ssda903.rules.core import (
    AD1_FIELDS,
    OC3_FIELDS,
    PLACED_FOR_ADOPTION,
    Return,
    by_child,
    code_rule,
    filled,
    pair_rule,
    rule,
    show,
)

WITH_FOSTER_CARER = ("A3", "A5")  # placed for adoption with the current foster carer(s)
NOT_WITH_FOSTER_CARER = ("A4", "A6")
SINGLE = ("M1", "F1")  # SEX_ADOPTR of one adopter
COUPLE = ("MM", "FF", "MF")
SAME_SEX = ("MM", "FF")

code_rule(
    "114",
    "ad1",
    "FOSTER_CARE",
    ("0", "1"),
    "Data entry for whether the adopter(s) were the child's foster carer(s) is invalid.",
    blank_ok=True,
)
code_rule("175", "ad1", "NB_ADOPTR", ("1", "2"), "The number of adopter(s) code is not a valid code.", blank_ok=True)
code_rule(
    "176", "ad1", "SEX_ADOPTR", SINGLE + COUPLE, "The gender of adopter(s) code is not a valid code.", blank_ok=True
)
code_rule(
    "177",
    "ad1",
    "LS_ADOPTR",
    ("L0", "L11", "L12", "L2", "L3", "L4"),
    "The legal status of adopter(s) code is not a valid code.",
    blank_ok=True,
)
pair_rule(
    "514",
    "ad1",
    ("LS_ADOPTR", ("L0",)),
    ("SEX_ADOPTR", SINGLE),
    "Legal status of adopters shows a single adopter (L0) but the genders of adopters show a couple.",
)
pair_rule(
    "517",
    "ad1",
    ("LS_ADOPTR", ("L3",)),
    ("SEX_ADOPTR", ("MF",)),
    "Legal status of adopters is L3, so the genders of adopters should be MF (a male and female couple).",
)
pair_rule(
    "518",
    "ad1",
    ("LS_ADOPTR", ("L4",)),
    ("SEX_ADOPTR", SAME_SEX),
    "Legal status of adopters is L4, so the genders of adopters should be MM or FF (a same-gender couple).",
)
pair_rule(
    "519",
    "ad1",
    ("LS_ADOPTR", ("L2",)),
    ("SEX_ADOPTR", COUPLE),
    "Legal status of adopters shows a civil partnership couple (L2) but the genders of adopters do not show a couple.",
)
pair_rule(
    "520",
    "ad1",
    ("LS_ADOPTR", ("L11",)),
    ("SEX_ADOPTR", ("MF",)),
    "Legal status of adopters shows a different-gender married couple (L11) but the genders of adopters are not MF.",
)
pair_rule(
    "524",
    "ad1",
    ("LS_ADOPTR", ("L12",)),
    ("SEX_ADOPTR", SAME_SEX),
    "Legal status of adopters is L12, so the genders of adopters should be MM or FF (a same-gender couple).",
)


@rule("151", "ad1", "CHILD", "All data items about a child's adoption must be completed, or all left blank.")
def _151(r: Return):
    ad1 = r["ad1"]
    given = ad1[list(AD1_FIELDS)].notna()
    return given.any(axis=1) & ~given.all(
        axis=1
    ), lambda: "blank: " + given.apply(lambda row: ", ".join(c for c in AD1_FIELDS if not row[c]), axis=1).astype(str)


@rule(
    "511",
    "ad1",
    "SEX_ADOPTR",
    "Two adopters (NB_ADOPTR 2), so the genders of adopters should be MM, FF or MF, not a single adopter's code.",
)
def _511(r: Return):
    ad1 = r["ad1"]
    return ad1["NB_ADOPTR"].eq("2") & ad1["SEX_ADOPTR"].isin(SINGLE)


def _adoptions(r: Return) -> pd.DataFrame:
    """Episodes ending in adoption (REC E11/E12), with the collection year their DEC falls in (`_YEAR`)."""
    eps = r["episodes"]
    out = eps[eps["REC"].isin(ADOPTED) & eps["DEC"].notna()]
    dec = out["DEC"]
    return out.assign(_YEAR=dec.dt.year + (dec.dt.month > 3).astype(int))


def _adopted_in_row_year(r: Return) -> pd.Series:
    """For each AD1 row: whether the child has an episode ending in adoption in the row's collection year."""
    ad1 = r["ad1"]
    keys = _adoptions(r)[["CHILD", "_YEAR"]].drop_duplicates()
    m = ad1[["CHILD", "YEAR"]].reset_index().merge(keys, left_on=["CHILD", "YEAR"], right_on=["CHILD", "_YEAR"])
    return ad1.index.isin(m["index"])


@rule(
    "601",
    "ad1",
    "CHILD",
    "The child was adopted during the year but some of the adoption data items have not been completed.",
)
def _601(r: Return):
    ad1 = r["ad1"]
    return pd.Series(_adopted_in_row_year(r), index=ad1.index) & ad1[list(AD1_FIELDS)].isna().any(axis=1)


@rule("602", "ad1", "CHILD", "The episodes for this child do not show that they were adopted during the year.")
def _602(r: Return):
    ad1 = r["ad1"]
    return filled(ad1, AD1_FIELDS) & ~pd.Series(_adopted_in_row_year(r), index=ad1.index)


@rule(
    "335",
    "ad1",
    "FOSTER_CARE",
    "Whether the adopters were the child's foster carers (FOSTER_CARE) does not match the last placement: 0 with "
    "placement A3/A5 (with current foster carer), or 1 with A4/A6.",
)
def _335(r: Return):
    ad1 = r["ad1"]
    placed = _adoptions(r).drop_duplicates("CHILD", keep="last").set_index("CHILD")["PLACE"]
    place = ad1["CHILD"].map(placed)
    fc = ad1["FOSTER_CARE"]
    bad = (fc.eq("0") & place.isin(WITH_FOSTER_CARER)) | (fc.eq("1") & place.isin(NOT_WITH_FOSTER_CARER))
    return bad, lambda: "FOSTER_CARE " + fc.fillna("blank") + ", PLACE " + place.fillna("blank").astype(str)


@rule(
    "582",
    "episodes",
    "DEC",
    "Child ceased to be looked after through adoption on the date they were matched with adopters: the match is "
    "usually before the adoption.",
    severity="warning",
)
def _582(r: Return):
    eps = r["episodes"]
    matched = by_child(eps, r["ad1"], "max", "DATE_MATCH")
    return eps["REC"].isin(ADOPTED) & eps["DEC"].eq(matched)


@rule(
    "523",
    "ad1",
    "DATE_INT",
    "Date of the decision that the child should be placed for adoption should be the same as the date of the decision "
    "that adoption is in the child's best interests (DATE_INT).",
)
def _523(r: Return):
    ad1 = r["ad1"]
    decided = by_child(ad1, r["placed_adoption"], "max", "DATE_PLACED")
    bad = ad1["DATE_INT"].notna() & decided.notna() & ad1["DATE_INT"].ne(decided)
    return bad, lambda: "DATE_INT " + show(ad1["DATE_INT"]) + ", DATE_PLACED " + show(decided)


@rule("134", "ad1", "CHILD", "Adoption data should not be entered for a child with care leaver (OC3) data.")
def _134(r: Return):
    ad1, oc3 = r["ad1"], r["oc3"]
    leavers = oc3.loc[filled(oc3, OC3_FIELDS), ["CHILD", "YEAR"]].drop_duplicates()
    m = ad1[["CHILD", "YEAR"]].reset_index().merge(leavers, on=["CHILD", "YEAR"])
    return filled(ad1, AD1_FIELDS) & ad1.index.isin(m["index"])


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
