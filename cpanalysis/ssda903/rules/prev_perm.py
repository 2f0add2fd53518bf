"""PrevPerm rules: the permanence option a child had before this period of care, the local authority that
arranged it, and the PrevPerm table against Header."""

from __future__ import annotations

import pandas as pd

from cpanalysis.ssda903.rules.core import (
    Return,
    by_child,
    code_rule,
    has,
    header_rules,
    rule,
    show,
    year_start_of,
)

PREV_PERM_CODES = ("P1", "P2", "P3", "P4", "Z1")
# DfE local authority codes, and the codes for a permanence order arranged outside England.
LA_CODES = (
    "800",
    "889",
    "822",
    "301",
    "304",
    "303",
    "330",
    "825",
    "837",
    "302",
    "846",
    "370",
    "350",
    "890",
    "867",
    "380",
    "305",
    "801",
    "351",
    "873",
    "823",
    "895",
    "896",
    "381",
    "909",
    "202",
    "908",
    "331",
    "306",
    "841",
    "830",
    "831",
    "878",
    "371",
    "835",
    "332",
    "840",
    "307",
    "308",
    "811",
    "881",
    "845",
    "390",
    "916",
    "203",
    "876",
    "850",
    "311",
    "204",
    "884",
    "312",
    "205",
    "313",
    "805",
    "919",
    "310",
    "309",
    "420",
    "921",
    "206",
    "207",
    "886",
    "810",
    "382",
    "314",
    "340",
    "888",
    "208",
    "856",
    "383",
    "855",
    "209",
    "925",
    "341",
    "201",
    "821",
    "352",
    "806",
    "887",
    "826",
    "315",
    "929",
    "812",
    "391",
    "926",
    "892",
    "813",
    "802",
    "928",
    "891",
    "392",
    "316",
    "815",
    "353",
    "931",
    "879",
    "836",
    "851",
    "874",
    "807",
    "354",
    "317",
    "870",
    "318",
    "372",
    "857",
    "333",
    "935",
    "343",
    "803",
    "373",
    "342",
    "893",
    "356",
    "355",
    "871",
    "394",
    "334",
    "933",
    "882",
    "936",
    "861",
    "852",
    "319",
    "860",
    "808",
    "393",
    "866",
    "210",
    "357",
    "894",
    "883",
    "880",
    "358",
    "211",
    "937",
    "869",
    "320",
    "359",
    "865",
    "384",
    "335",
    "336",
    "212",
    "868",
    "872",
    "885",
    "344",
    "877",
    "213",
    "938",
    "816",
    "999",
) + ("WAL", "SCO", "NUK", "NIR")


code_rule(
    "631", "prev_perm", "PREV_PERM", PREV_PERM_CODES, "Previous permanence option not a valid value.", blank_ok=True
)
code_rule(
    "633",
    "prev_perm",
    "LA_PERM",
    LA_CODES,
    "Local authority code where previous permanence option was arranged is not a valid value.",
    blank_ok=True,
)


@rule(
    "635",
    "prev_perm",
    "PREV_PERM",
    "There are entries for date of order and local authority code where previous permanence option was "
    "arranged but previous permanence code is Z1.",
)
def _635(r: Return):
    """As the DfE's check is applied: LA_PERM or DATE_PERM given while PREV_PERM is blank."""
    p = r["prev_perm"]
    return (p["LA_PERM"].notna() | p["DATE_PERM"].notna()) & p["PREV_PERM"].isna()


@rule(
    "634",
    "prev_perm",
    "PREV_PERM",
    "There are entries for previous permanence options, but child has not started to be looked after from "
    "1 April 2016 onwards.",
    scope="return",
)
def _634(r: Return):
    """As the DfE's check is applied: PrevPerm filled in while none of the child's episodes in the return starts
    in the collection year (children with no episodes are left to other checks)."""
    p = r["prev_perm"]
    filled = p["PREV_PERM"].notna() | p["LA_PERM"].notna() | p["DATE_PERM"].notna()
    last = by_child(p, r["episodes"], "max", "DECOM")
    return filled & (last < year_start_of(p)), lambda: "latest DECOM " + show(last)


header_rules("prev_perm", "PrevPerm", "INT07", "INT16")


def date_perm_earliest(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """DATE_PERM (dd/mm/yyyy, ZZ for an unknown day or month, ZZZZ for an unknown year) as the earliest date it
    may be, and whether it is readable (blank and a wholly unknown year are readable, with no date)."""
    t = text.str.upper().str.strip()
    unknown_year = t.str.fullmatch(r"(?:\d{2}|ZZ)/(?:\d{2}|ZZ)/ZZZZ").fillna(False).astype(bool)
    filled = t.str.replace(r"^ZZ/", "01/", regex=True).str.replace(r"^(\d{2})/ZZ/", r"\1/01/", regex=True)
    date = pd.to_datetime(filled.where(~unknown_year), format="%d/%m/%Y", errors="coerce").astype("datetime64[ns]")
    return date, t.isna() | unknown_year | date.notna()


@rule(
    "632",
    "prev_perm",
    "DATE_PERM",
    "Date of previous permanence order not a valid value, or not before the child's first episode (the earliest "
    "date a partial date may be).",
)
def _632(r: Return):
    p = r["prev_perm"]
    date, readable = date_perm_earliest(p["DATE_PERM"])
    first = by_child(p, r["episodes"], "min", "DECOM")
    return ~readable | (
        date >= first
    ), lambda: "DATE_PERM " + p["DATE_PERM"].fillna("blank") + ", first DECOM " + show(first)


PREV_PERM_FROM = pd.Timestamp("2016-04-01")  # PrevPerm is returned for children starting care from 1 April 2016


@rule(
    "630",
    "episodes",
    "RNE",
    "Information on previous permanence option should be returned (the child started to be looked after in the year "
    "with no PrevPerm row, no PREV_PERM, or no LA_PERM and DATE_PERM for an order other than Z1).",
    scope="return",
)
def _630(r: Return):
    """An episode with RNE S starting in the collection year (and on or after 1 April 2016), where PrevPerm is
    given at all (as the DfE's tool applies it: with no PrevPerm table there is nothing to check against)."""
    eps, p = r["episodes"], r["prev_perm"]
    if p.empty:
        return pd.Series(False, index=eps.index)
    started = eps["RNE"].eq("S") & (eps["DECOM"] >= year_start_of(eps)) & (eps["DECOM"] >= PREV_PERM_FROM)
    p = p.drop_duplicates("CHILD", keep="last").set_index("CHILD")
    perm = eps["CHILD"].map(p["PREV_PERM"])
    no_order_details = perm.ne("Z1") & (eps["CHILD"].map(p["LA_PERM"]).isna() | eps["CHILD"].map(p["DATE_PERM"]).isna())
    why = pd.Series("LA_PERM or DATE_PERM blank for PREV_PERM " + perm.fillna(""), index=eps.index, dtype=object)
    why = why.mask(perm.isna(), "PREV_PERM blank").mask(~has(eps["CHILD"], p.index), "no PrevPerm row")
    return started & (perm.isna() | no_order_details), why
