"""Episodes rules: dates, reasons for new and ceased episodes, periods of care, placements by age."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from cpanalysis.categories import ADOPTED
from cpanalysis.ssda903.rules.core import (
    PLACED_FOR_ADOPTION,
    TEMPORARY,
    Return,
    age_on,
    blank_rule,
    flag,
    rule,
    show,
    year_end_of,
    year_labels,
    year_start_of,
)
from cpanalysis.ssda903.schema import year_start

blank_rule("143", "episodes", "RNE", "The code for reason for new episode has not been entered.")
blank_rule("144", "episodes", "LS", "The legal status code has not been entered.")
blank_rule("145", "episodes", "CIN", "Category of need code has not been entered.")
blank_rule("146", "episodes", "PLACE", "Placement type code has not been entered.")
blank_rule(
    "place_provider_blank",
    "episodes",
    "PLACE_PROVIDER",
    "Placement provider is blank for a placement that needs one (all but temporary placements and P1/P2 with PR0).",
    when=lambda t: ~t["PLACE"].isin(TEMPORARY + ("P1", "P2")),
    dfe=False,
)


# ---- Episodes --------------------------------------------------------------------------------------


@rule("356", "episodes", "DEC", "The date the episode ceased is before the date the same episode started.")
def _356(r: Return):
    eps = r["episodes"]
    return eps["DEC"] < eps["DECOM"], lambda: "DECOM " + show(eps["DECOM"]) + ", DEC " + show(eps["DEC"])


@rule("148", "episodes", "DEC/REC", "Date episode ceased and reason episode ceased must both be coded, or both blank.")
def _148(r: Return):
    eps = r["episodes"]
    return eps["DEC"].isna() != eps[
        "REC"
    ].isna(), lambda: "DEC " + show(eps["DEC"]) + ", REC " + eps["REC"].fillna("blank")


@rule("385", "episodes", "DEC", "Date episode ceased must be on or before the end of the current collection year.")
def _385(r: Return):
    eps = r["episodes"]
    return eps["DEC"] > year_end_of(eps), lambda: "DEC " + show(eps["DEC"]) + " in the " + year_labels(eps) + " return"


@rule(
    "354",
    "episodes",
    "DECOM",
    "Date episode started must be on or before the end of the current collection year (the episode starts after "
    "the end of the collection year its return is for).",
    scope="return",
)
def _outside(r: Return):
    eps = r["episodes"]
    return eps["DECOM"] > year_end_of(
        eps
    ), lambda: "DECOM " + show(eps["DECOM"]) + " in the " + year_labels(eps) + " return"


@rule(
    "episode_ended_before_year",
    "episodes",
    "DEC",
    "Episode ended before the collection year its return is for.",
    severity="warning",
    dfe=False,
    scope="return",
)
def _ended_before(r: Return):
    eps = r["episodes"]
    return eps["DEC"] < year_start_of(
        eps
    ), lambda: "DEC " + show(eps["DEC"]) + " in the " + year_labels(eps) + " return"


@rule(
    "overlapping_episodes",
    "episodes",
    "DEC",
    "Episode overlaps the child's next episode (it is open, or ends after the next one starts).",
    dfe=False,
)
def _overlap(r: Return):
    e = r.episodes()
    return e["HAS_NEXT"] & (e["DEC"].isna() | (e["NEXT_DECOM"] < e["DEC"])), (
        lambda: "DECOM " + show(e["DECOM"]) + ", DEC " + show(e["DEC"]) + "; next starts " + show(e["NEXT_DECOM"])
    )


@rule(
    "388",
    "episodes",
    "REC",
    "Reason episode ceased is coded new episode begins (X1), but there is no continuation episode on the same day; "
    "or another reason is coded but a new episode begins that day.",
)
def _388(r: Return):
    e = r.episodes()
    x1 = e["REC"].eq("X1") & e["DEC"].notna()
    no_continuation = x1 & (~e["HAS_NEXT"] | e["NEXT_DECOM"].ne(e["DEC"]))
    continued = e["REC"].notna() & e["REC"].ne("X1") & e["DEC"].notna() & e["NEXT_DECOM"].eq(e["DEC"])
    return no_continuation | continued, lambda: (
        "ends "
        + show(e["DEC"])
        + ", next starts "
        + show(e["NEXT_DECOM"])
        + " (the measures take the period of care to end on the X1 date)"
    ).where(~continued, "REC " + e["REC"].fillna("") + " but the next episode starts the same day")


@rule(
    "433",
    "episodes",
    "DECOM",
    "The reason for new episode suggests a continuation episode, but it does not start on the day the last one "
    "finished.",
)
def _433(r: Return):
    e = r.episodes()
    return e["RNE"].isin(["L", "P", "T", "B", "U"]) & e["HAS_PREV"] & e["DECOM"].ne(
        e["PREV_DEC"]
    ), lambda: "previous ended " + show(e["PREV_DEC"]) + ", this starts " + show(e["DECOM"])


def _changed(e: pd.DataFrame, cols: list[str]) -> pd.Series:
    return pd.concat([e[c].fillna("").ne(e["PREV_" + c].fillna("")) for c in cols], axis=1).any(axis=1)


_PLACE_COLS = ["PLACE", "PL_POST", "URN", "PLACE_PROVIDER"]


@rule(
    "434",
    "episodes",
    "RNE",
    "Reason for new episode is a change of legal status only, but the legal status did not change or the placement "
    "did.",
)
def _434(r: Return):
    e = r.episodes()
    return e["HAS_PREV"] & e["RNE"].eq("L") & (e["LS"].eq(e["PREV_LS"]) | _changed(e, _PLACE_COLS))


@rule(
    "435",
    "episodes",
    "RNE",
    "Reason for new episode is a change of placement only, but the legal status changed or the placement did not.",
)
def _435(r: Return):
    e = r.episodes()
    return e["HAS_PREV"] & e["RNE"].isin(["P", "T"]) & (e["LS"].ne(e["PREV_LS"]) | ~_changed(e, _PLACE_COLS))


@rule(
    "436",
    "episodes",
    "RNE",
    "Reason for new episode is that both placement and legal status changed, but this is not reflected in the data.",
)
def _436(r: Return):
    e = r.episodes()
    return e["HAS_PREV"] & e["RNE"].isin(["B", "U"]) & (e["LS"].eq(e["PREV_LS"]) | ~_changed(e, _PLACE_COLS))


@rule("380", "episodes", "PLACE", "A period of care cannot start with a temporary placement.")
def _380(r: Return):
    eps = r["episodes"]
    return eps["PLACE"].isin(TEMPORARY) & ~eps["RNE"].isin(["P", "B"])


@rule("381", "episodes", "PLACE", "A period of care cannot end with a temporary placement.")
def _381(r: Return):
    eps = r["episodes"]
    return eps["PLACE"].isin(TEMPORARY) & eps["REC"].notna() & eps["REC"].ne("X1")


@rule(
    "383", "episodes", "PLACE", "A child in a temporary placement must subsequently return to his/her normal placement."
)
def _383(r: Return):
    e = r.episodes()
    eps = r.in_order()
    two_back_same = eps["CHILD"].eq(eps["CHILD"].shift(2))
    place_two_back = eps["PLACE"].shift(2).where(two_back_same).reindex(e.index)
    return (
        e["HAS_PREV"]
        & two_back_same.reindex(e.index)
        & e["PREV_PLACE"].isin(TEMPORARY)
        & (e["RNE"].ne("P") | e["PLACE"].ne(place_two_back))
    )


@rule(
    "390", "episodes", "REC", "Reason episode ceased is adopted but child has not been previously placed for adoption."
)
def _390(r: Return):
    eps = r["episodes"]
    return eps["REC"].isin(ADOPTED) & ~eps["PLACE"].isin(PLACED_FOR_ADOPTION)


@rule(
    "437",
    "episodes",
    "REC",
    "Reason episode ceased is child has died or is aged 18 or over but there are further episodes.",
)
def _437(r: Return):
    e = r.episodes()
    return e["REC"].isin(["E2", "E15"]) & e["HAS_NEXT"]


def _seen(r: Return) -> pd.Series:
    """Over r.periods(): whether the episode starts inside the data in view. The first episode in view may continue a
    period begun before the data (a return holds only the episodes open in its year; the history, those open from
    its first year)."""
    if "seen" not in r._cache:
        wp = r.periods()
        seen_from = year_start_of(wp) if r.year is not None else pd.Timestamp(year_start(int(wp["YEAR"].min())))
        r._cache["seen"] = wp["DECOM"] >= seen_from
    return r._cache["seen"]


@rule(
    "period_start_not_s",
    "episodes",
    "RNE",
    "Episode starts a period of care (the previous one did not end X1 on the same day) but RNE is not S.",
    dfe=False,
)
def _not_s(r: Return):
    if r["episodes"].empty:
        return pd.Series(False, index=r["episodes"].index)
    wp = r.periods()
    mask = wp["EPISODE_IN_PERIOD"].eq(1) & wp["RNE"].ne("S") & _seen(r)
    return _align(r, mask), lambda: "RNE " + r["episodes"]["RNE"].fillna("blank")


@rule(
    "s_mid_period",
    "episodes",
    "RNE",
    "RNE S on an episode that follows an X1 on the same day: it continues the period of care.",
    severity="warning",
    dfe=False,
)
def _s_mid(r: Return):
    if r["episodes"].empty:
        return pd.Series(False, index=r["episodes"].index)
    wp = r.periods()
    return _align(r, wp["EPISODE_IN_PERIOD"].gt(1) & wp["RNE"].eq("S"))


def _align(r: Return, mask: pd.Series) -> pd.Series:
    """A mask over r.periods() as a mask over the episodes: episodes_with_periods sorts them as Return.in_order does
    (a stable sort by CHILD and DECOM), so its n-th row is in_order's n-th."""
    return pd.Series(mask.to_numpy(), index=r.in_order().index).reindex(r["episodes"].index)


@rule("302", "episodes", "DECOM", "First episode starts before child was born.")
def _302(r: Return):
    eps = r["episodes"]
    dob = r.dob(eps)
    first = eps["DECOM"].eq(eps.groupby("CHILD")["DECOM"].transform("min"))
    return first & (eps["DECOM"] < dob), lambda: "starts " + show(eps["DECOM"]) + ", born " + show(dob)


@rule("352", "episodes", "DECOM", "Child who started to be looked after was aged 18 or over.")
def _352(r: Return):
    eps = r["episodes"]
    dob = r.dob(eps)
    return eps["RNE"].eq("S") & (
        age_on(dob, eps["DECOM"]) >= 18
    ), lambda: "starts " + show(eps["DECOM"]) + ", born " + show(dob)


def _age_rule(code: str, column: str, codes: tuple[str, ...], when: str, test: Callable, message: str) -> None:
    def check(r: Return):
        eps = r["episodes"]
        dob = r.dob(eps)
        age = r.episode_age(when)
        hit = test(age, eps["YEAR"].to_numpy()) if test.__code__.co_argcount == 2 else test(age)
        return eps[column].isin(codes) & flag(
            pd.Series(hit, index=eps.index)
        ), lambda: f"{column} " + eps[column].fillna("") + ", born " + show(dob)

    rule(code, "episodes", column, message)(check)


_age_rule(
    "386", "REC", ADOPTED, "DEC", lambda a: a >= 18, "Reason episode ceased is adopted but child has reached age 18."
)
_age_rule(
    "387",
    "REC",
    ("E5", "E6"),
    "DEC",
    lambda a: a < 14,
    "Reason episode ceased is child moved into independent living arrangement, but the child is aged under 14.",
)
_age_rule(
    "389",
    "REC",
    ("E7",),
    "DEC",
    lambda a: a < 16,
    "Reason episode ceased is that child transferred to adult social care services, but child is aged under 16.",
)
_age_rule(
    "407",
    "REC",
    ("E43", "E44", "E45", "E46", "E47", "E48"),
    "DEC",
    lambda a: a >= 18,
    "Reason episode ceased is Special Guardianship Order, but child has reached age 18.",
)
_age_rule(
    "460",
    "REC",
    ("E17",),
    "DEC",
    lambda a: a < 18,
    "Reason episode ceased is that child stayed with current carers at 18 (or above), but child is aged under 18.",
)
_age_rule(
    "370",
    "PLACE",
    ("P2",),
    "DECOM",
    lambda a, y: a < np.where(y >= 2024, 16, 15),
    "Child in independent living should be at least 15 (16 from 2023/24).",
)
_age_rule("372", "PLACE", ("R5",), "DECOM", lambda a: a < 10, "Child in youth custody or prison should be at least 10.")
_age_rule("373", "PLACE", ("S1",), "DECOM", lambda a: a < 4, "Child placed in a school should be at least 4 years old.")
_age_rule(
    "374",
    "PLACE",
    ("P3",),
    "DECOM",
    lambda a: a < 14,
    "Child in residential employment should be at least 14 years old.",
)
_age_rule(
    "358",
    "LS",
    ("J1", "J2", "J3"),
    "DECOM",
    lambda a: a < 10,
    "Child with this legal status (youth justice, J1-J3) should not be under 10.",
)


def supported_accommodation(year: int) -> tuple[str, int]:
    """The placement code of semi-independent or supported accommodation in collection `year` and the youngest
    age at which a child may start in it (DfE rule 371): H5 at 14 to 2022/23, H5 at 16 in 2023/24, K3 at 16 from
    2024/25."""
    return ("K3" if year >= 2025 else "H5"), (16 if year >= 2024 else 14)


@rule(
    "371",
    "episodes",
    "PLACE",
    "Child in semi-independent living accommodation not subject to children's homes regulations (H5) should be at "
    "least 14 (16 from 2023/24); from 2024/25, child in supported accommodation (K3) should be at least 16.",
)
def _371(r: Return):
    """By the row's collection year (supported_accommodation); the age on the episode's DECOM."""
    eps = r["episodes"]
    codes, years = pd.factorize(eps["YEAR"])
    rules = [supported_accommodation(int(y)) for y in years]
    place = pd.Series(np.array([p for p, _ in rules] + [""], dtype=object)[codes], index=eps.index)
    youngest = pd.Series(np.array([a for _, a in rules] + [0])[codes], index=eps.index)
    age = r.episode_age("DECOM")
    return (
        flag(eps["PLACE"].eq(place) & (age < youngest)),
        lambda: (
            "PLACE "
            + eps["PLACE"].fillna("")
            + ", aged "
            + (age.astype("Int64").astype(str))
            + " on DECOM, at least "
            + youngest.astype(str)
            + " in the "
            + year_labels(eps)
            + " return"
        ),
    )


# ---- the order of episodes, and the start of the child's first ----------------------------------------


@rule("142", "episodes", "DEC", "A new episode has started, but the previous episode has not ended.")
def _142(r: Return):
    e = r.episodes()
    return e["HAS_NEXT"] & (e["DEC"].isna() | e["REC"].isna()), lambda: "next starts " + show(e["NEXT_DECOM"])


@rule("501", "episodes", "DECOM", "A new episode has started before the end date of the previous episode.")
def _501(r: Return):
    e = r.episodes()
    return e["DECOM"] < e["PREV_DEC"], lambda: "starts " + show(e["DECOM"]) + ", previous ended " + show(e["PREV_DEC"])


@rule("353", "episodes", "DECOM", "No episode submitted can start before 14 October 1991.")
def _353(r: Return):
    eps = r["episodes"]
    return eps["DECOM"] < pd.Timestamp("1991-10-14"), lambda: "DECOM " + show(eps["DECOM"])


@rule("355", "episodes", "DEC", "Episode appears to have lasted for less than 24 hours (it ended the day it started).")
def _355(r: Return):
    eps = r["episodes"]
    return eps["DECOM"].eq(eps["DEC"]), lambda: "DECOM and DEC " + show(eps["DEC"])


@rule(
    "357",
    "episodes",
    "RNE",
    "If this is the first episode ever for this child, reason for new episode must be S.",
)
def _357(r: Return):
    """The child's first episode in view, when it starts inside the data's years (an earlier start may continue
    a period begun before them)."""
    eps = r["episodes"]
    first = eps["DECOM"].eq(eps.groupby("CHILD")["DECOM"].transform("min"))
    return first & (eps["DECOM"] >= _seen_from(r, eps)) & eps["RNE"].ne(
        "S"
    ), lambda: "RNE " + eps["RNE"].fillna("blank")


def _seen_from(r: Return, eps: pd.DataFrame) -> pd.Series | pd.Timestamp:
    """The first day the data in view covers: each row's year start in a return, the first year's in the history."""
    if r.year is not None or eps.empty:
        return year_start_of(eps)
    return pd.Timestamp(year_start(int(eps["YEAR"].min())))


@rule(
    "431",
    "episodes",
    "RNE",
    "The reason for new episode is started to be looked after, but the previous episode ended on the same day.",
)
def _431(r: Return):
    e = r.episodes()
    return e["RNE"].eq("S") & (e["DECOM"] <= e["PREV_DEC"]), lambda: "previous ended " + show(e["PREV_DEC"])


@rule(
    "432",
    "episodes",
    "RNE",
    "The child ceased to be looked after at the end of the previous episode but the reason for the new episode is "
    "not started to be looked after.",
)
def _432(r: Return):
    e = r.episodes()
    ceased = e["PREV_REC"].notna() & e["PREV_REC"].ne("X1")
    return e["HAS_PREV"] & ceased & e["RNE"].ne(
        "S"
    ), lambda: "previous REC " + e["PREV_REC"].fillna("") + ", RNE " + e["RNE"].fillna("blank")


@rule(
    "504",
    "episodes",
    "CIN",
    "The category of need code differs from that reported at start of current period of being looked after.",
)
def _504(r: Return):
    """Against the CIN of the period's first episode in view (a period runs on through X1 the same day)."""
    e = r.episodes()
    order = r.in_order().index
    continues = (e["PREV_REC"].eq("X1") & e["PREV_DEC"].eq(e["DECOM"])).loc[order]
    at_start = e.loc[order, "CIN"].groupby((~continues).cumsum()).transform("first").reindex(e.index)
    return (
        e["CIN"].ne(at_start) & at_start.notna(),
        lambda: "CIN " + e["CIN"].fillna("blank") + ", at the period's start " + (at_start.fillna("blank")),
    )


_age_rule(
    "234",
    "REASON_PLACE_CHANGE",
    ("CUSTOD",),
    "DEC",
    lambda a: a < 10,
    "A child aged under 10 can not change placement due to being admitted to custody (CUSTOD).",
)


@rule(
    "359",
    "episodes",
    "LS",
    "Child being looked after following 18th birthday must be accommodated under section 20(5) of the Children Act "
    "1989 in a community home (LS V2, PLACE K2).",
)
def _359(r: Return):
    """An episode open at the end of its return's year, the child 18 before then, not V2 in K2."""
    eps = r["episodes"]
    dob = r.dob(eps)
    over_18 = dob + pd.DateOffset(years=18) < year_end_of(eps)
    return flag(
        eps["DEC"].isna() & over_18 & ~(eps["LS"].eq("V2") & eps["PLACE"].eq("K2"))
    ), lambda: "born " + show(dob)
