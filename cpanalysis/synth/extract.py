"""Yearly 903 extracts cut from simulated care histories, the way a case system produces them.

Collection year Y covers 1 April Y-1 to 31 March Y. Its files hold:
- Episodes: every episode open at any time in the year; those still open on 31 March with DEC and REC blank;
  special guardianship orders under that year's codes (E43/E44 to 2017/18, E45-E48 from 2018/19).
- Header: every child with an episode in the year's Episodes; UASC: those of them who are (or were) UASC.
- AD1: children adopted (REC E11/E12) in the year, with the decision (DATE_INT) and match dates.
- PlacedAdoption: children in the year's Episodes with a decision that they should be placed for adoption
  made by 31 March (DATE_PLACED), with DATE_PLACED_CEASED and REASON_PLACED_CEASED if the plan ceased by then;
  a decision that ceased is in the return of the year it ceased and not in later ones (DfE rules 118, 561, 584).
- Reviews: the statutory chain (cpanalysis.reviews: 20 working days after a period of care starts, 3 months
  after the first, then every 6 months after the last held), mostly held a few days early, about 1 in 20 late;
  participation codes by age at the review (PN0 under 4).
- Missing: a minority of children, mostly teenagers and most of all those in residential care; a few go missing
  many times (M), some are away without authorisation (A).
- PrevPerm: children starting a period of care, most with no previous permanence order (Z1).
- OC2: the cohort looked after continuously for 12 months at 31 March (cpanalysis.health.oc2_cohort), with
  health, SDQ and offending outcomes near England's published rates (data/reference/synthetic_calibration.csv).
- OC3: relevant and former relevant care leavers (left at 16 or older, not home or adopted) whose 17th to 21st
  birthday falls in the year, until a year in which they are reported to have died.
- Episodes carry PL_DISTANCE (miles from home to placement): a few miles for placements in the LA's own area,
  further for those outside it.
All of these draw their chances from hashes of the rows (_key), not from the simulation's random stream, so the
Episodes, Header and the other tables do not depend on them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.core.util.hashing import combine_hash_arrays, hash_array

from cpanalysis.categories import SHORT_BREAK_LS
from cpanalysis.health import oc2_cohort
from cpanalysis.periods import episodes_with_periods, period_bounds
from cpanalysis.population import age_in_years
from cpanalysis.reviews import FIRST_WORKING_DAYS, add_working_days
from cpanalysis.ssda903.rules.leavers import RELEVANT_DAYS
from cpanalysis.ssda903.rules.placements import NO_URN
from cpanalysis.ssda903.schema import REASON_PLACE_CHANGE, year_end, year_start

DAY = pd.Timedelta(days=1)
HOME_POSTCODES = np.array(["CW1", "CW2", "CW4", "CW5", "CW11", "CW12", "SK9", "SK10", "SK11", "SK12", "ST7"])
AWAY_POSTCODES = np.array(["M20", "WA1", "WA4", "ST4", "L17", "CH1", "B23", "SK4", "WV6", "LL11", "BL3", "OL9"])


SGO_SPLIT_YEAR = 2019  # E45-E48 replace E43/E44 from the 2018/19 collection (cpanalysis.ssda903.schema)
OLDER_SGO = {"E45": "E43", "E46": "E43", "E47": "E44", "E48": "E44"}
TO_OTHER_CARER = {"E45": "E47", "E46": "E48"}  # the same order, to a carer who was not the child's foster carer


def _key(*cols: pd.Series) -> np.ndarray:
    """A stable pseudo-random integer per row from its values (same row, same number, every year)."""
    h = pd.util.hash_pandas_object(pd.concat(cols, axis=1), index=False).to_numpy()
    return (h % np.uint64(1_000_003)).astype(np.int64)


def _u(salt: str, *cols: pd.Series) -> np.ndarray:
    """A stable uniform number in [0, 1) per row, a different one for each salt."""
    # hash_pandas_object of the frame [salt, *cols] by row, without a column of the salt: its hash taken once
    salted = np.full(len(cols[0]), hash_array(np.array([salt], dtype=object))[0], dtype=np.uint64)
    h = combine_hash_arrays(iter([salted, *(hash_array(c._values) for c in cols)]), 1 + len(cols))
    return (h % np.uint64(2**40)).astype(np.float64) / 2**40


def _birthday(dob: pd.Series, years: int) -> pd.Series:
    return dob + pd.DateOffset(years=years)


def cut_year(h: dict[str, pd.DataFrame], year: int) -> dict[str, pd.DataFrame]:
    """The 903 tables of collection `year`, cut from `histories(...)` (dates as datetime64; see module doc)."""
    start, end = pd.Timestamp(year_start(year)), pd.Timestamp(year_end(year))
    eps = h["episodes"].sort_values(["CHILD", "DECOM"], kind="mergesort")
    eps = eps.assign(PLACEMENT_START=eps["DECOM"].where(eps["RNE"].ne("L")).groupby(eps["CHILD"]).ffill())
    eps["PLACEMENT_START"] = eps["PLACEMENT_START"].fillna(eps["DECOM"])
    eps["REASON_PLACE_CHANGE"] = _reason_place_change(eps) if year >= REASON_PLACE_CHANGE_YEAR else np.nan
    eps = eps[(eps["DECOM"] <= end) & (eps["DEC"].isna() | (eps["DEC"] >= start))].copy()
    still_open = eps["DEC"] > end
    eps.loc[still_open, "DEC"] = pd.NaT
    eps.loc[still_open, ["REC", "REASON_PLACE_CHANGE"]] = np.nan
    not_foster = ~eps["PLACE"].str.startswith("U")  # an SGO to former foster carers (E45/E46) is from foster care
    eps["REC"] = eps["REC"].mask(not_foster, eps["REC"].replace(TO_OTHER_CARER))  # DfE rule 516
    if year < SGO_SPLIT_YEAR:  # the older code list: E43 former foster carer, E44 other carer
        eps["REC"] = eps["REC"].replace(OLDER_SGO)
    key = _key(eps["CHILD"], eps["PLACEMENT_START"])  # a change of legal status only (RNE L) keeps the placement
    own = eps["PLACE_PROVIDER"].eq("PR1")
    eps["HOME_POST"] = HOME_POSTCODES[_key(eps["CHILD"]) % len(HOME_POSTCODES)]
    letters = np.array(list("ABDEFGHJLNPQRSTUWXYZ"))
    inward = pd.Series(key % 10, index=eps.index).astype(str) + letters[key // 10 % 20] + letters[key // 200 % 20]
    eps["PL_POST"] = (
        pd.Series(
            np.where(
                own | eps["PLACE"].eq("P1"),
                HOME_POSTCODES[key % len(HOME_POSTCODES)],
                AWAY_POSTCODES[key % len(AWAY_POSTCODES)],
            ),
            index=eps.index,
        )
        + " "
        + inward
    )  # a full postcode, so two placements rarely share one (DfE rules 435/436 compare them)
    needs_urn = eps["PLACE"].str[0].isin(["K", "R", "S"]) | eps["PLACE"].isin(["U4", "U5", "U6"])
    needs_urn &= ~eps["PLACE"].isin(NO_URN)  # DfE rule 222
    eps["URN"] = np.where(needs_urn, "SC" + pd.Series(key % 900_000 + 100_000, index=eps.index).astype(str), "XXXXXXX")
    eps["PL_DISTANCE"] = _distance(eps)
    children = h["children"].set_index("CHILD")
    short = eps["LS"].isin(SHORT_BREAK_LS)  # no postcodes or distance for short breaks (DfE rule 398)
    eps.loc[short, ["HOME_POST", "PL_POST", "PL_DISTANCE"]] = np.nan
    eps.loc[eps["CHILD"].map(children["UASC"]).astype(bool), "PL_DISTANCE"] = np.nan  # nor a UASC's distance: 406
    kids = children.loc[eps["CHILD"].unique()].reset_index()
    sex = kids["SEX"].map({"1": "M", "2": "F"}) if year >= 2025 else kids["SEX"]
    header = pd.DataFrame({"CHILD": kids["CHILD"], "SEX": sex, "DOB": kids["DOB"], "ETHNIC": kids["ETHNIC"]})
    header["UPN"] = _upn(kids["CHILD"], kids["DOB"], year)
    breaks_only = eps["LS"].isin(SHORT_BREAK_LS).groupby(eps["CHILD"]).all()
    girls = kids["SEX"].eq("2") & ~kids["CHILD"].map(breaks_only).astype(bool)
    header["MOTHER"] = np.where(girls, "0", "")  # girls not a mother (rule 607); not for short breaks only (399)
    uk = kids["UASC"].astype(bool)
    uasc = pd.DataFrame(
        {"CHILD": kids["CHILD"][uk], "SEX": sex[uk], "DOB": kids["DOB"][uk], "DUC": _birthday(kids["DOB"][uk], 18)}
    )
    dob = children["DOB"]
    plans = h["plans"]
    adopted = eps.loc[eps["REC"].isin(["E11", "E12"]), "CHILD"]
    ad1 = plans[plans["CHILD"].isin(adopted)]
    ad1 = pd.DataFrame(
        {
            "CHILD": ad1["CHILD"],
            "DOB": ad1["CHILD"].map(dob),
            "DATE_INT": ad1["DATE_PLACED"],
            "DATE_MATCH": ad1["DATE_MATCH"],
            "FOSTER_CARE": ad1["FOSTER_CARE"].astype("Int64").astype(str),
            **_adopters(_key(ad1["CHILD"])),
        }
    )
    here = plans[plans["CHILD"].isin(eps["CHILD"]) & (plans["DATE_PLACED"] <= end)]
    here = here[~(here["DATE_PLACED_CEASED"] < start)]  # a decision that ceased is reported in that year only
    ceased = here["DATE_PLACED_CEASED"].where(here["DATE_PLACED_CEASED"] <= end)
    placed = pd.DataFrame(
        {
            "CHILD": here["CHILD"],
            "DOB": here["CHILD"].map(dob),
            "DATE_PLACED": here["DATE_PLACED"],
            "DATE_PLACED_CEASED": ceased,
            "REASON_PLACED_CEASED": here["REASON_PLACED_CEASED"].where(ceased.notna()),
        }
    )
    return {
        "header": header,
        "episodes": eps.drop(columns="PLACEMENT_START"),
        "uasc": uasc,
        "reviews": _reviews(h, eps, start, end),
        "ad1": ad1,
        "placed_adoption": placed,
        "prev_perm": _prev_perm(eps, dob, start),
        "missing": _missing(eps, dob, start, end),
        "oc2": _oc2(h, eps, dob, year),
        "oc3": _oc3(h, dob, start, end),
    }


REASON_PLACE_CHANGE_YEAR = REASON_PLACE_CHANGE[0].first_year  # the item is returned from 2016/17
# Reasons for a change of placement and carer (RNE P or B), as shares; CUSTOD (custody) is left out: the simulation
# has no youth custody placements. A move to the same carer (RNE T or U) is a change in the status of the placement
# (PLACE), and a move into an adoptive placement is the care plan (CARPL).
MOVE_REASONS = {
    "CARPL": 0.42,
    "CREQB": 0.13,
    "CREQO": 0.09,
    "CHILD": 0.06,
    "LAREQ": 0.07,
    "STAND": 0.04,
    "ALLEG": 0.03,
    "CLOSE": 0.05,
    "APPRR": 0.02,
    "OTHER": 0.09,
}


def _reason_place_change(eps: pd.DataFrame) -> pd.Series:
    """The reason for the change of placement on each episode that ends X1 into one (the next episode's RNE is P,
    B, T or U: DfE rule 225), else blank. `eps` is in (CHILD, DECOM) order."""
    same_child = eps["CHILD"].eq(eps["CHILD"].shift(-1))
    next_rne = eps["RNE"].shift(-1).where(same_child)
    next_place = eps["PLACE"].shift(-1).where(same_child)
    moved = eps["REC"].eq("X1") & next_rne.isin(["P", "B", "T", "U"])
    cumulative = np.cumsum(list(MOVE_REASONS.values()))
    drawn = np.array(list(MOVE_REASONS))[np.searchsorted(cumulative, _u("move", eps["CHILD"], eps["DECOM"]), "right")]
    reason = np.where(next_rne.isin(["T", "U"]), "PLACE", drawn)
    reason = np.where(next_place.isin(["A3", "A4", "A5", "A6"]), "CARPL", reason)
    return pd.Series(reason, index=eps.index).where(moved)


UPN_CHECK_LETTERS = np.array(list("ABCDEFGHJKLMNPQRTUVWXYZ"))  # DfE: the check letter of sum(digit x weight) mod 23
UPN_LA = "895"  # characters 2-4 of a UPN: the LA that allocated it (the synthetic LA is Cheshire East-like)


def _upn(child: pd.Series, dob: pd.Series, year: int) -> np.ndarray:
    """Each child's Unique Pupil Number in collection `year`: UN1 (not yet of school age, DfE rule 209: not 4 by
    31 August two years before the collection year ends) or a UPN allocated when the child turned 4, the same in
    every year (rule 208): check letter, LA, the year's last two digits, a 7-digit serial from the child's ID."""
    turned_4 = dob + pd.DateOffset(years=4)
    school_age = turned_4 <= pd.Timestamp(f"{year - 2}-08-31")
    serial = (pd.to_numeric(child).astype("int64") % 10_000_000).astype(str).str.zfill(7)
    body = UPN_LA + (turned_4.dt.year % 100).astype(str).str.zfill(2) + serial
    digits = np.array([list(b) for b in body], dtype=int).reshape(len(body), 12)
    check = UPN_CHECK_LETTERS[(digits * np.arange(2, 14)).sum(axis=1) % 23]
    return np.where(school_age, np.char.add(check, body.to_numpy(dtype=str)), "UN1")


def _adopters(key: np.ndarray) -> dict[str, np.ndarray]:
    """Adopters: mostly a married man and woman (L11, MF), some unmarried couples (L3), single adopters (L0,
    F1/M1) and same-sex couples (L12 married, L2 civil partners)."""
    kind = key % 20
    return {
        "NB_ADOPTR": np.where(kind < 3, "1", "2"),
        "SEX_ADOPTR": np.select([kind < 2, kind < 3, kind < 4, kind < 5], ["F1", "M1", "FF", "MM"], "MF"),
        "LS_ADOPTR": np.select([kind < 3, kind < 4, kind < 5, kind < 8], ["L0", "L12", "L2", "L3"], "L11"),
    }


def _distance(eps: pd.DataFrame) -> np.ndarray:
    """Miles from home to placement, one decimal: placements in the LA's own area (HOME_POSTCODES) 0.5-15 miles,
    others 3-43 (about half of them over 20); placed with parents 0. Text, as the extract writes it."""
    u = _u("distance", eps["CHILD"], eps["DECOM"])
    local = np.isin(eps["PL_POST"].str.partition(" ")[0].to_numpy(), HOME_POSTCODES)  # the outward code
    miles = np.where(local, 0.5 + 14.5 * u**1.5, 3 + 40 * u**1.3)
    miles = np.where(eps["PLACE"].eq("P1"), 0.0, miles)
    return np.char.mod("%.1f", np.round(miles, 1))


def _periods(h: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every period of care in the histories (cpanalysis.periods.period_bounds), worked out once."""
    if "periods" not in h:
        h["periods"] = period_bounds(h["episodes"]).rename(columns={"SHORT_BREAKS_ONLY": "SHORT_BREAK"})
    return h["periods"]


LATE_SHARE = 0.05  # reviews held after their due date
PARTICIPATION = np.array(["PN1"] * 11 + ["PN2"] * 2 + ["PN3"] * 2 + ["PN4", "PN5", "PN6"] + ["PN7"] * 2)


def _reviews(h: dict[str, pd.DataFrame], eps: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Statutory reviews held in the year, for each period of care (not short breaks) of the year's children: the
    chain of cpanalysis.reviews, each held 0-10 days before it is due or, for about 1 in 20, 1-40 days after;
    participation by age at the review (PN0 under 4; of the rest most PN1, one in ten PN7)."""
    p = _periods(h)
    p = p[
        ~p["SHORT_BREAK"]
        & p["CHILD"].isin(eps["CHILD"])
        & (p["START"] <= end)
        & (p["END"].isna() | (p["END"] >= start))
    ].reset_index(drop=True)
    p = p.assign(STOP=p["END"].fillna(end).clip(upper=end), DUE=add_working_days(p["START"], FIRST_WORKING_DAYS))
    parts = []
    n = 1
    while not p.empty:
        p = p[p["DUE"] <= p["STOP"]]
        num = pd.Series(n, index=p.index)
        late = _u("late", p["CHILD"], p["START"], num) < LATE_SHARE
        by = 1 + np.floor(40 * _u("by", p["CHILD"], p["START"], num))
        early = np.floor(11 * _u("early", p["CHILD"], p["START"], num))
        held = (p["DUE"] + pd.to_timedelta(np.where(late, by, -early), unit="D")).clip(lower=p["START"])
        keep = (held >= start) & (held <= p["STOP"])
        parts.append(pd.DataFrame({"CHILD": p["CHILD"][keep], "REVIEW": held[keep]}))
        p = p.assign(DUE=held + pd.DateOffset(months=3 if n == 1 else 6))
        n += 1
    rev = pd.concat(parts).drop_duplicates().sort_values(["CHILD", "REVIEW"], kind="mergesort")
    dob = rev["CHILD"].map(h["children"].set_index("CHILD")["DOB"])
    pick = PARTICIPATION[(_u("code", rev["CHILD"], rev["REVIEW"]) * len(PARTICIPATION)).astype(int)]
    code = np.where(age_in_years(dob, rev["REVIEW"]) < 4, "PN0", pick)
    return pd.DataFrame({"CHILD": rev["CHILD"], "DOB": dob, "REVIEW": rev["REVIEW"], "REVIEW_CODE": code})


def _prev_perm(eps: pd.DataFrame, dob: pd.Series, start: pd.Timestamp) -> pd.DataFrame:
    """Children starting a period of care in the year: most had no previous permanence order (Z1); a few had been
    adopted (P1), under a special guardianship order (P2) or a child arrangements order (P3), in this LA or
    another, with the date (day and month not known for some, as 'zz/zz/YYYY')."""
    new = eps.loc[eps["RNE"].eq("S") & (eps["DECOM"] >= start), ["CHILD", "DECOM"]].drop_duplicates("CHILD")
    u = _u("prev", new["CHILD"], new["DECOM"])
    perm = np.select([u < 0.02, u < 0.05, u < 0.07], ["P1", "P2", "P3"], "Z1")
    born = new["CHILD"].map(dob)
    age_days = (new["DECOM"] - born).dt.days.clip(lower=0)
    when = born + pd.to_timedelta((age_days * _u("when", new["CHILD"])).astype(int), unit="D")
    date = np.where(_u("partial", new["CHILD"]) < 0.3, "zz/zz/" + when.dt.strftime("%Y"), when.dt.strftime("%d/%m/%Y"))
    ordered = perm != "Z1"
    return pd.DataFrame(
        {
            "CHILD": new["CHILD"],
            "DOB": born,
            "PREV_PERM": perm,
            "LA_PERM": np.where(ordered, np.where(_u("la", new["CHILD"]) < 0.6, "895", "896"), ""),
            "DATE_PERM": np.where(ordered, date, ""),
        }
    )


RESIDENTIAL = ("K1", "K2", "R1", "R2", "R5", "S1", "H5", "Z1", "K3")


def _missing(eps: pd.DataFrame, dob: pd.Series, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Missing and away episodes starting in the year, per episode of care open in it (short breaks aside): the
    chance a child goes missing in an episode is about 1 in 3 for teenagers (13+) in residential care, 1 in 7 for
    other teenagers and 1 in 50 under 13; those who go missing do so 1-3 times, and about one in six of them
    5-20 times; one episode in four is 'away without authorisation' (A) rather than missing (M)."""
    age = ((eps["DECOM"].clip(lower=start) - eps["CHILD"].map(dob)).dt.days / 365.25).to_numpy()
    e = eps[~eps["LS"].isin(SHORT_BREAK_LS)]
    age = age[~eps["LS"].isin(SHORT_BREAK_LS).to_numpy()]
    lo = e["DECOM"].clip(lower=start)
    hi = e["DEC"].fillna(end).clip(upper=end)
    long_enough = ((hi - lo).dt.days >= 7).to_numpy()
    e, lo, hi, age = e[long_enough], lo[long_enough], hi[long_enough], age[long_enough]
    residential = e["PLACE"].isin(RESIDENTIAL).to_numpy()
    chance = np.where(age >= 13, np.where(residential, 0.35, 0.14), 0.02)
    year = pd.Series(int(end.year), index=e.index)
    goes = _u("goes", e["CHILD"], e["DECOM"], year) < chance
    many = _u("many", e["CHILD"], e["DECOM"], year) < 1 / 6
    times = np.where(
        many,
        5 + np.floor(16 * _u("times", e["CHILD"], e["DECOM"], year)),
        1 + np.floor(3 * _u("few", e["CHILD"], e["DECOM"], year)),
    )
    e, lo, hi, times = e[goes], lo[goes], hi[goes], times[goes].astype(int)
    rows = e.loc[e.index.repeat(times)]
    k = pd.Series(rows.groupby(level=0).cumcount().to_numpy(), index=rows.index)
    span = (hi[rows.index] - lo[rows.index]).dt.days - 2
    at = (span * _u("at", rows["CHILD"], rows["DECOM"], k)).astype(int)
    mis_start = lo[rows.index] + pd.to_timedelta(at, unit="D")
    mis_end = mis_start + pd.to_timedelta(np.floor(3 * _u("len", rows["CHILD"], rows["DECOM"], k)), unit="D")
    out = pd.DataFrame(
        {
            "CHILD": rows["CHILD"].to_numpy(),
            "DOB": rows["CHILD"].map(dob).to_numpy(),
            "MISSING": np.where(_u("kind", rows["CHILD"], rows["DECOM"], k) < 0.25, "A", "M"),
            "MIS_START": mis_start.to_numpy(),
            "MIS_END": mis_end.to_numpy(),
        }
    )
    out = out.sort_values(["CHILD", "MIS_START"], kind="mergesort").reset_index(drop=True)
    # a child is missing once at a time (DfE rule 574): leave out an episode starting before an earlier one ended
    latest_end = out.groupby("CHILD")["MIS_END"].cummax().groupby(out["CHILD"]).shift(1)
    return out[~(out["MIS_START"] <= latest_end)].reset_index(drop=True)


# England's published rates the OC2 outcomes aim at (data/reference/synthetic_calibration.csv): HEALTH_ASSESSMENT
# the annual health assessment (every child), HEALTH_CHECK the development check (under-5s only)
OC2_RATES = {"HEALTH_ASSESSMENT": 0.90, "IMMUNISATIONS": 0.87, "TEETH_CHECK": 0.85, "HEALTH_CHECK": 0.88}
SDQ_MEAN, SDQ_SD = 14.2, 6.5
CONVICTED = 0.03
SUBSTANCE_MISUSE, INTERVENTION_RECEIVED, INTERVENTION_OFFERED = 0.03, 0.6, 0.5


def _oc2(h: dict[str, pd.DataFrame], eps: pd.DataFrame, dob: pd.Series, year: int) -> pd.DataFrame:
    """The OC2 cohort of the year (cpanalysis.health.oc2_cohort on the histories) with its outcomes: annual health
    assessments, immunisations, dental checks at about England's rates (development checks for the under-5s), an
    SDQ score for most of those due one (_sdq), convictions for about 3 in 100 of those aged 10+, and substance
    misuse (every child; about 3 in 100 of those aged 10+, most of them given an intervention or offered one)."""
    if "with_periods" not in h:
        h["with_periods"] = episodes_with_periods(h["episodes"])
    cohort = oc2_cohort(h["with_periods"], year)
    ids = cohort["CHILD"]
    ids = ids[ids.isin(eps["CHILD"])].reset_index(drop=True)
    age = age_in_years(ids.map(dob), pd.Timestamp(year_end(year)))
    yr = pd.Series(year, index=ids.index)

    def yes(stream: str, share: float, applies: pd.Series | None = None, otherwise: str = "") -> np.ndarray:
        v = np.where(_u(stream, ids, yr) < share, "1", "0")
        return v if applies is None else np.where(applies, v, otherwise)

    misuse = yes("SUBSTANCE_MISUSE", SUBSTANCE_MISUSE, age >= 10, otherwise="0")
    received = yes("INTERVENTION_RECEIVED", INTERVENTION_RECEIVED, misuse == "1")
    # The streams of the two health columns keep the names they had when the generator had the columns swapped
    # (HEALTH_CHECK was written for every child): the same draws, so the synthetic figures stay as they were.
    return pd.DataFrame(
        {
            "CHILD": ids,
            "DOB": ids.map(dob),
            **_sdq(ids, ids.map(dob), yr, year),
            "CONVICTED": yes("CONVICTED", CONVICTED, age >= 10),
            "HEALTH_CHECK": yes("HEALTH_ASSESSMENT", OC2_RATES["HEALTH_CHECK"], age < 5),
            "IMMUNISATIONS": yes("IMMUNISATIONS", OC2_RATES["IMMUNISATIONS"]),
            "TEETH_CHECK": yes("TEETH_CHECK", OC2_RATES["TEETH_CHECK"]),
            "HEALTH_ASSESSMENT": yes("HEALTH_CHECK", OC2_RATES["HEALTH_ASSESSMENT"]),
            "SUBSTANCE_MISUSE": misuse,
            "INTERVENTION_RECEIVED": received,
            "INTERVENTION_OFFERED": yes("INTERVENTION_OFFERED", INTERVENTION_OFFERED, received == "0"),
        }
    )


def _sdq(ids: pd.Series, born: pd.Series, yr: pd.Series, year: int) -> dict[str, np.ndarray]:
    """SDQ_SCORE and SDQ_REASON: due for those aged 4 or over at the end of the year and under 17 at its start (DfE
    rules 186, 188, 189, 197B); a score (about normal, mean 14.2, sd 6.5, 0-40) for about 4 in 5 of them, a reason
    code for the rest: SDQ1 (aged under 4 or over 16 when the form was due) only for those turning 4 or 17 in the
    year (DfE rule 157), SDQ2-SDQ5 for the others."""
    at_end = age_in_years(born, pd.Timestamp(year_end(year)))
    at_start = age_in_years(born, pd.Timestamp(year_start(year)))
    due = (at_end >= 4) & (at_start < 17)
    z = np.sqrt(-2 * np.log(1 - _u("sdq1", ids, yr))) * np.cos(2 * np.pi * _u("sdq2", ids, yr))
    score = np.clip(np.round(SDQ_MEAN + SDQ_SD * z), 0, 40).astype(int).astype(str)
    scored = due & (_u("scored", ids, yr) < 0.8)
    u = _u("reason", ids, yr)
    turning = (at_start < 4) | (at_end >= 17)
    reason = "SDQ" + np.where(turning, 1 + np.floor(5 * u), 2 + np.floor(4 * u)).astype(int).astype(str)
    return {"SDQ_SCORE": np.where(scored, score, ""), "SDQ_REASON": np.where(due & ~scored, reason, "")}


def _relevant(h: dict[str, pd.DataFrame], dob: pd.Series) -> pd.Index:
    """Children who are relevant or former relevant care leavers: looked after (short breaks aside) for 13 weeks
    since their 14th birthday, some of it on or after their 16th (DfE rule 1001; worked out once)."""
    if "relevant" not in h:
        e = h["episodes"][~h["episodes"]["LS"].isin(SHORT_BREAK_LS)]
        born = e["CHILD"].map(dob)
        end = e["DEC"].fillna(e["DECOM"].max())

        def days_since(years: int) -> pd.Series:
            since = e["DECOM"].where(e["DECOM"] > born + pd.DateOffset(years=years), born + pd.DateOffset(years=years))
            return (end - since).dt.days.clip(lower=0).groupby(e["CHILD"]).sum()

        d14, d16 = days_since(14), days_since(16)
        h["relevant"] = d14.index[(d14 >= RELEVANT_DAYS) & (d16 > 0)]
    return h["relevant"]


def _oc3(h: dict[str, pd.DataFrame], dob: pd.Series, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Care leavers (relevant or former relevant, _relevant; left care at 16 or older, not home or adopted) whose
    17th to 21st birthday falls in the year, none after a year in which they were reported to have died: in touch
    with most; about half of the 19-21s and more of the 17-18s in education, employment or training; most in
    suitable accommodation (DfE codes; ACTIV F/P EET, G NEET; ACCOM second character 1 suitable; no foyer, T,
    under 18: DfE rule 347)."""
    e = h["episodes"]
    left = e[e["REC"].isin(["E17", "E5", "E6", "E8", "E13"]) & e["CHILD"].isin(_relevant(h, dob))]
    left = left[(left["DEC"] - left["CHILD"].map(dob)).dt.days >= 16 * 365].drop_duplicates("CHILD")
    born = left["CHILD"].map(dob)
    turns = [(left["CHILD"][(_birthday(born, a) >= start) & (_birthday(born, a) <= end)], a) for a in range(17, 22)]
    ids = pd.concat([c for c, _ in turns])
    age = pd.concat([pd.Series(a, index=c.index) for c, a in turns])
    left_by = left.set_index("CHILD")["DEC"]
    keep = left_by.reindex(ids).to_numpy() <= end.to_datetime64()  # only once they have left
    ids, age = ids[keep], age[keep]
    order = ids.drop_duplicates().sort_values().index
    ids, age = ids.loc[~ids.index.duplicated()].loc[order], age.loc[~age.index.duplicated()].loc[order]
    alive = ~_died_before(ids, age, left_by, int(end.year))
    ids, age = ids[alive], age[alive]
    yr = pd.Series(int(end.year), index=ids.index)
    in_touch = _in_touch(ids, yr)
    eet_share = np.where(age <= 18, 0.66, 0.57)
    v = _u("activ", ids, yr)
    activ = np.where(
        v < eet_share,
        np.array(["F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5"])[(8 * v / eet_share).astype(int).clip(0, 7)],
        np.array(["G4", "G5", "G6"])[(3 * (v - eet_share) / (1 - eet_share)).astype(int).clip(0, 2)],
    )
    w = _u("accom", ids, yr)
    kinds = np.array(["B", "C", "D", "E", "G", "H", "K", "R", "T", "U"])  # no S: S1 is invalid (DfE rule 133)
    kind = kinds[(len(kinds) * _u("kind", ids, yr)).astype(int)]
    kind = np.where((kind == "T") & (age.to_numpy() < 19), "D", kind)  # under 18 on 1 April: semi-independent
    accom = kind + np.where(w < 0.93, "1", "2")
    known = in_touch == "YES"
    return pd.DataFrame(
        {
            "CHILD": ids.to_numpy(),
            "DOB": ids.map(dob).to_numpy(),
            "IN_TOUCH": in_touch,
            "ACTIV": np.where(known, activ, "0"),
            "ACCOM": np.where(known, accom, "0"),
        }
    )


def _in_touch(ids: pd.Series, yr: pd.Series) -> np.ndarray:
    """IN_TOUCH of each care leaver in the year `yr`: YES for most, NO for about 7 in 100, DIED for 1 in 100."""
    u = _u("touch", ids, yr)
    return np.where(u < 0.92, "YES", np.where(u < 0.99, "NO", "DIED"))


def _died_before(ids: pd.Series, age: pd.Series, left_by: pd.Series, year: int) -> np.ndarray:
    """Whether each care leaver (turning `age` in collection `year`) was reported as having died in an earlier
    year's OC3 (one from their 17th birthday's year on, once they had left care): no later rows (DfE rule 348)."""
    died = np.zeros(len(ids), bool)
    left = left_by.reindex(ids).to_numpy()
    for k in range(1, 5):
        then = pd.Series(year - k, index=ids.index)
        had_row = (age.to_numpy() - k >= 17) & (left <= pd.Timestamp(year_end(year - k)).to_datetime64())
        died |= had_row & (_in_touch(ids, then) == "DIED")
    return died
