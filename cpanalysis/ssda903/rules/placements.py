"""Placement rules: placement type against provider, Ofsted URN, reason for placement change, postcodes and
distance, temporary placements and short breaks (respite)."""

from __future__ import annotations

import pandas as pd

from cpanalysis.categories import SHORT_BREAK_LS
from cpanalysis.ssda903.rules.core import (
    TEMPORARY,
    Return,
    carried,
    flag,
    has,
    rule,
    show,
    year_end_of,
    year_start_of,
)
from cpanalysis.ssda903.schema import REASON_PLACE_CHANGE, year_start

FOSTER = ("U1", "U2", "U3", "U4", "U5", "U6")
UNREGISTERED = ("Z11", "Z12", "Z13", "Z14")  # from 2025/26
NO_URN = ("P1", "P3", "R1", "R2", "R5") + TEMPORARY + UNREGISTERED  # placements with no Ofsted URN
NO_URN_TO_2023 = ("H5", "P2", "Z1")  # also without a URN in the DfE's 222 up to 2022/23 (H5, P2, Z1 then listed)
URN_NOT_APPLICABLE = "XXXXXXX"  # the DfE's code for "no URN applies"


def _place_provider(code: str, provider: str, places: tuple[str, ...], message: str, invert: bool = False) -> None:
    """Register rule `code`: provider `provider` with a placement in `places` (outside it when `invert`)."""

    def check(r: Return):
        eps = r["episodes"]
        in_places = eps["PLACE"].isin(places)
        bad = eps["PLACE_PROVIDER"].eq(provider) & (~in_places if invert else in_places)
        return bad, lambda: "PLACE " + eps["PLACE"].fillna("blank") + ", PLACE_PROVIDER " + provider

    rule(code, "episodes", "PLACE_PROVIDER", message)(check)


_place_provider(
    "527",
    "PR1",
    ("P1", "R2", "R5"),
    "A placement provider code of PR1 cannot be associated with placements P1, R2 or R5.",
)
_place_provider(
    "528",
    "PR2",
    ("P1", "R2", "R5"),
    "A placement provider code of PR2 cannot be associated with placements P1, R2 or R5.",
)
_place_provider(
    "529",
    "PR3",
    ("A3", "A4", "A5", "A6", "K1", "K2", "P1") + FOSTER,
    "Placement provider code of PR3 cannot be associated with placements P1, A3 to A6, K1, K2 and U1 to U6 as these "
    "placements cannot be provided by other public organisations.",
)
_place_provider("530", "PR4", ("P1",), "A placement provider code of PR4 cannot be associated with placement P1.")
_place_provider("531", "PR5", ("P1",), "A placement provider code of PR5 cannot be associated with placement P1.")
_place_provider(
    "550", "PR0", ("P1",), "A placement provider code of PR0 can only be associated with placement P1.", invert=True
)


@rule("526", "episodes", "PLACE_PROVIDER", "Child is missing a placement provider code for at least one episode.")
def _526(r: Return):
    """Every placement but temporary ones and (from 2025/26) the unregistered Z11-Z14 needs a provider."""
    eps = r["episodes"]
    return eps["PLACE_PROVIDER"].isna() & ~eps["PLACE"].isin(
        TEMPORARY + UNREGISTERED
    ), lambda: "PLACE " + eps["PLACE"].fillna("blank")


@rule("213", "episodes", "PLACE_PROVIDER", "Placement provider information not required.")
def _213(r: Return):
    """Temporary placements (T0-T4) and, from 2025/26, the unregistered Z11-Z14 have no provider (the other side
    of 526)."""
    eps = r["episodes"]
    return eps["PLACE"].isin(TEMPORARY + UNREGISTERED) & eps[
        "PLACE_PROVIDER"
    ].notna(), lambda: "PLACE " + eps["PLACE"] + ", PLACE_PROVIDER " + eps["PLACE_PROVIDER"].fillna("")


@rule(
    "222",
    "episodes",
    "URN",
    "Ofsted Unique reference number (URN) should not be recorded for this placement type.",
)
def _222(r: Return):
    eps = r["episodes"]
    has_urn = eps["URN"].notna() & eps["URN"].ne(URN_NOT_APPLICABLE)
    no_urn = eps["PLACE"].isin(NO_URN) | (eps["PLACE"].isin(NO_URN_TO_2023) & (eps["YEAR"] <= 2023))
    return no_urn & has_urn, lambda: "PLACE " + eps["PLACE"] + ", URN " + eps["URN"].fillna("")


@rule(
    "217",
    "episodes",
    "RNE",
    "Children who are placed for adoption with current foster carers (placement types A3 or A5) must have a reason "
    "for new episode of S, T or U.",
)
def _217(r: Return):
    """From 1 April 2015."""
    eps = r["episodes"]
    since = eps["DECOM"] >= pd.Timestamp("2015-04-01")
    return eps["PLACE"].isin(["A3", "A5"]) & since & ~eps["RNE"].isin(
        ["S", "T", "U"]
    ), lambda: "RNE " + eps["RNE"].fillna("blank")


@rule(
    "217t",
    "episodes",
    "PLACE",
    "Placement type 'P2' is not a valid placement type from 28 October 2023 (the episode is open or ends after it).",
)
def _217t(r: Return):
    eps = r["episodes"]
    return eps["PLACE"].eq("P2") & (
        eps["DEC"].isna() | (eps["DEC"] > pd.Timestamp("2023-10-28"))
    ), lambda: "DEC " + show(eps["DEC"])


@rule(
    "336",
    "episodes",
    "PLACE",
    "Child does not have a foster placement immediately prior to being placed for adoption with current foster "
    "carer(s) with consent (A3/A4).",
)
def _336(r: Return):
    e = r.episodes()
    ok_before = FOSTER + ("A3", "A4", "A5", "A6")
    return e["PLACE"].isin(["A3", "A4"]) & e["HAS_PREV"] & ~e["PREV_PLACE"].isin(
        ok_before
    ), lambda: "previous PLACE " + e["PREV_PLACE"].fillna("blank")


@rule(
    "378",
    "episodes",
    "PLACE",
    "A child who is placed with parent(s) cannot be looked after under a single period "
    "of accommodation under Section 20 of the Children Act 1989 (PLACE P1 with LS V2).",
)
def _378(r: Return):
    eps = r["episodes"]
    return eps["PLACE"].eq("P1") & eps["LS"].eq("V2")


@rule("382", "episodes", "PLACE", "A child receiving respite care (LS V3/V4) cannot be in a temporary placement.")
def _382(r: Return):
    eps = r["episodes"]
    return eps["LS"].isin(SHORT_BREAK_LS) & eps["PLACE"].isin(
        TEMPORARY
    ), lambda: "LS " + eps["LS"] + ", PLACE " + eps["PLACE"]


@rule(
    "384",
    "episodes",
    "PLACE",
    "A child receiving respite care (LS V3/V4) cannot be in a long-term foster placement (U1/U4).",
)
def _384(r: Return):
    eps = r["episodes"]
    return eps["LS"].isin(SHORT_BREAK_LS) & eps["PLACE"].isin(
        ["U1", "U4"]
    ), lambda: "LS " + eps["LS"] + ", PLACE " + eps["PLACE"]


@rule(
    "408",
    "episodes",
    "LS",
    "Child is placed for adoption with a placement order (A5/A6), but no placement order (LS E1) has been recorded.",
)
def _408(r: Return):
    eps = r["episodes"]
    return eps["PLACE"].isin(["A5", "A6"]) & eps["LS"].ne(
        "E1"
    ), lambda: "PLACE " + eps["PLACE"] + ", LS " + eps["LS"].fillna("blank")


@rule(
    "516",
    "episodes",
    "PLACE",
    "Reason episode ceased is a special guardianship order to former foster carer(s) (E45/E46), but the child was not "
    "in a foster placement (U1-U6).",
)
def _516(r: Return):
    eps = r["episodes"]
    return eps["REC"].isin(["E45", "E46"]) & ~eps["PLACE"].isin(
        FOSTER
    ), lambda: "REC " + eps["REC"] + ", PLACE " + eps["PLACE"].fillna("blank")


# ---- temporary placements: how long, how many --------------------------------------------------------


def _days(r: Return) -> pd.Series:
    """Days each episode lasted (an open one, to the end of its return's year)."""
    eps = r["episodes"]
    return (eps["DEC"].fillna(year_end_of(eps)) - eps["DECOM"]).dt.days


def _too_long(code: str, places: tuple[str, ...], column: str, rule_column: str, days: int, message: str) -> None:
    """Register rule `code`: an episode whose `column` is in `places` lasting more than `days` days."""

    def check(r: Return):
        eps = r["episodes"]
        lasted = _days(r)
        return eps[column].isin(places) & (lasted > days), (
            lambda: f"{column} " + eps[column].fillna("") + ", " + lasted.astype("Int64").astype(str) + " days"
        )

    rule(code, "episodes", rule_column, message)(check)


_too_long("375", ("T1",), "PLACE", "DEC", 42, "Hospitalisation coded as a temporary placement (T1) exceeds six weeks.")
_too_long(
    "376",
    ("T3",),
    "PLACE",
    "DEC",
    21,
    "Temporary placements coded as being due to holiday of usual foster carer(s) (T3) cannot exceed three weeks.",
)
_too_long(
    "379",
    ("T4",),
    "PLACE",
    "DEC",
    7,
    "Temporary placements for unspecified reason (placement code T4) cannot exceed seven days.",
)
_too_long(
    "365", ("V3",), "LS", "DEC", 17, "Any individual short-term respite placement (LS V3) must not exceed 17 days."
)


@rule(
    "377",
    "episodes",
    "PLACE",
    "Only two temporary placements coded as being due to holiday of usual foster carer(s) (T3) are allowed in any "
    "12-month period: this is the third or later in the return.",
)
def _377(r: Return):
    eps = r.in_order()
    t3 = eps["PLACE"].eq("T3")
    nth = t3.astype(int).groupby([eps["YEAR"], eps["CHILD"]]).cumsum()
    return (t3 & (nth > 2)).reindex(r["episodes"].index)


@rule(
    "366",
    "episodes",
    "RNE",
    "A child cannot change placement during the course of an individual short-term respite break (LS V3 with RNE "
    "other than S).",
)
def _366(r: Return):
    eps = r["episodes"]
    return eps["LS"].eq("V3") & eps["RNE"].ne("S"), lambda: "RNE " + eps["RNE"].fillna("blank")


@rule(
    "367",
    "episodes",
    "DECOM",
    "The maximum amount of respite care (LS V3) allowable is 75 days in any 12-month period.",
)
def _367(r: Return):
    """Days of each V3 episode inside its return's year, summed over the child's V3 episodes of that year."""
    eps = r["episodes"]
    start = eps["DECOM"].clip(lower=year_start_of(eps))
    end = eps["DEC"].fillna(year_end_of(eps)).clip(upper=year_end_of(eps))
    v3 = eps["LS"].eq("V3")
    days = (end - start).dt.days.clip(lower=0).where(v3, 0)
    total = days.groupby([eps["YEAR"], eps["CHILD"]]).transform("sum")
    return v3 & (total > 75), lambda: total.astype("Int64").astype(str) + " days of V3 in the year"


@rule(
    "426",
    "episodes",
    "LS",
    "A child receiving respite care cannot be recorded under a legal status of V3 and V4 in the same year (this V4 "
    "episode's child also has V3 episodes).",
)
def _426(r: Return):
    eps = r["episodes"]
    has_v3 = eps["LS"].eq("V3").groupby([eps["YEAR"], eps["CHILD"]]).transform("any")
    return eps["LS"].eq("V4") & has_v3


# ---- reason for placement change ---------------------------------------------------------------------


@rule(
    "226",
    "episodes",
    "REASON_PLACE_CHANGE",
    "Reason for placement change is not required for temporary placements (nor for the move into one).",
)
def _226(r: Return):
    e = r.episodes()
    prev_reason = r.in_order()
    prev_reason = prev_reason.groupby("CHILD")["REASON_PLACE_CHANGE"].shift(1).reindex(e.index)
    return e["PLACE"].isin(TEMPORARY) & (e["REASON_PLACE_CHANGE"].notna() | flag(prev_reason.notna()))


REASON_PLACE_CHANGE_FROM = pd.Timestamp(year_start(REASON_PLACE_CHANGE[0].first_year))  # the item's first year


@rule(
    "225",
    "episodes",
    "REASON_PLACE_CHANGE",
    "Reason for placement change must be recorded (the episode ends X1 and the next one is a change of placement, "
    "neither of them temporary).",
)
def _225(r: Return):
    """An episode ceasing X1 (on or after 1 April 2016, when the item began) whose next episode's RNE is P, B, T or
    U, neither placement temporary (T0-T4)."""
    e = r.episodes()
    moved = e["REC"].eq("X1") & e["NEXT_RNE"].isin(["P", "B", "T", "U"])
    not_temporary = ~e["PLACE"].isin(TEMPORARY) & ~e["NEXT_PLACE"].isin(TEMPORARY)
    since = e["DEC"] >= REASON_PLACE_CHANGE_FROM
    blank = e["REASON_PLACE_CHANGE"].isna() & carried(e, "REASON_PLACE_CHANGE")
    return (
        moved & not_temporary & since & blank,
        lambda: (
            "next RNE "
            + e["NEXT_RNE"].fillna("")
            + ", PLACE "
            + e["PLACE"].fillna("")
            + " to "
            + e["NEXT_PLACE"].fillna("")
        ),
    )


@rule(
    "233",
    "episodes",
    "REASON_PLACE_CHANGE",
    "Reason for placement change is not required when the episode has not ceased.",
)
def _233(r: Return):
    eps = r["episodes"]
    return eps["DEC"].isna() & eps[
        "REASON_PLACE_CHANGE"
    ].notna(), lambda: "REASON_PLACE_CHANGE " + eps["REASON_PLACE_CHANGE"].fillna("")


# ---- postcodes and distance --------------------------------------------------------------------------


def _distance(eps: pd.DataFrame) -> pd.Series:
    return pd.to_numeric(eps["PL_DISTANCE"], errors="coerce")


@rule(
    "392d",
    "episodes",
    "PL_POST",
    "Home and placement postcodes should not be same unless the placement type is P1.",
)
def _392d(r: Return):
    eps = r["episodes"]
    return eps["HOME_POST"].notna() & eps["HOME_POST"].eq(eps["PL_POST"]) & eps["PLACE"].ne(
        "P1"
    ), lambda: "PLACE " + eps["PLACE"].fillna("blank") + ", postcodes " + eps["PL_POST"].fillna("")


@rule(
    "398",
    "episodes",
    "PL_POST",
    "Postcodes or distance completed but child looked after under legal status V3 or V4 (short breaks).",
)
def _398(r: Return):
    eps = r["episodes"]
    filled = eps["HOME_POST"].notna() | eps["PL_POST"].notna() | eps["PL_DISTANCE"].notna()
    return eps["LS"].isin(SHORT_BREAK_LS) & filled


@rule(
    "392a",
    "episodes",
    "PL_DISTANCE",
    "Child is looked after but no distance is recorded (not needed for short breaks, V3/V4, or for children who are "
    "or were UASC).",
)
def _392a(r: Return):
    """Checked on the rows of files that carry distances at all (core.carried): the DfE works the distance out from
    the postcodes, and an extract without the column has none to report (392b asks for the postcodes)."""
    eps = r["episodes"]
    looked_after = ~eps["LS"].isin(SHORT_BREAK_LS) & ~has(eps["CHILD"], _uasc_children(r))
    return carried(eps, "PL_DISTANCE") & looked_after & eps["PL_DISTANCE"].isna()


@rule(
    "392b",
    "episodes",
    "HOME_POST/PL_POST",
    "Child is looked after but no postcodes are recorded (home and placement postcodes; not needed for short "
    "breaks, V3/V4, or for children who are or were UASC).",
)
def _392b(r: Return):
    """Each postcode checked on the rows of files that carry it (core.carried)."""
    eps = r["episodes"]
    looked_after = ~eps["LS"].isin(SHORT_BREAK_LS) & ~has(eps["CHILD"], _uasc_children(r))
    missing = (eps["HOME_POST"].isna() & carried(eps, "HOME_POST")) | (eps["PL_POST"].isna() & carried(eps, "PL_POST"))
    return (
        looked_after & missing,
        lambda: "HOME_POST " + eps["HOME_POST"].fillna("blank") + ", PL_POST " + eps["PL_POST"].fillna("blank"),
    )


@rule(
    "454",
    "episodes",
    "PL_DISTANCE",
    "Placement distance from home is over 350 miles (999.9, the code for not known, excepted).",
    severity="warning",
)
def _454(r: Return):
    miles = _distance(r["episodes"])
    return flag((miles > 350) & miles.ne(999.9)), lambda: "PL_DISTANCE " + r["episodes"]["PL_DISTANCE"].fillna("")


def _uasc_children(r: Return) -> pd.Series:
    """Children with a filled-in UASC row (this year's or, when at hand, last year's)."""
    tables = [r["uasc"]] + [t for t in [(r.prev or {}).get("uasc")] if t is not None]
    return pd.concat([t.loc[t[["SEX", "DOB", "DUC"]].notna().any(axis=1), "CHILD"] for t in tables])


@rule(
    "164",
    "episodes",
    "PL_DISTANCE",
    "Distance is not valid (a number from 0 to 999.9). Please check a valid postcode has been entered.",
)
def _164(r: Return):
    """For children who are not (and were not) UASC."""
    eps = r["episodes"]
    miles = _distance(eps)
    bad = eps["PL_DISTANCE"].notna() & ~miles.between(0, 999.9)
    return bad & ~has(eps["CHILD"], _uasc_children(r)), lambda: "PL_DISTANCE " + eps["PL_DISTANCE"].fillna("")


@rule(
    "406",
    "episodes",
    "PL_DISTANCE",
    "Child is Unaccompanied Asylum-Seeking Child (UASC) or was formerly UASC. Distance should be blank.",
)
def _406(r: Return):
    eps = r["episodes"]
    return eps["PL_DISTANCE"].notna() & has(
        eps["CHILD"], _uasc_children(r)
    ), lambda: "PL_DISTANCE " + eps["PL_DISTANCE"].fillna("")
