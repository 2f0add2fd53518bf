"""Yearly 903 extracts cut from simulated care histories, the way a case system produces them.

Collection year Y covers 1 April Y-1 to 31 March Y. Its files hold:
- Episodes: every episode open at any time in the year; those still open on 31 March with DEC and REC blank;
  special guardianship orders under that year's codes (E43/E44 to 2017/18, E45-E48 from 2018/19).
- Header: every child with an episode in the year's Episodes; UASC: those of them who are (or were) UASC.
- AD1: children adopted (REC E11/E12) in the year, with the decision (DATE_INT) and match dates.
- PlacedAdoption: children in the year's Episodes with a decision that they should be placed for adoption
  made by 31 March (DATE_PLACED), with DATE_PLACED_CEASED and REASON_PLACED_CEASED if the plan ceased by then.
- Reviews (20 days after a period starts, 3 months later, then every 6 months), Missing (a few teenagers),
  PrevPerm (children starting a period of care: Z1, no previous permanence order), OC2 (children looked after
  for the 12 months to 31 March), OC3 (care leavers whose 19th, 20th or 21st birthday falls in the year).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cpanalysis.ssda903.schema import year_end, year_start

DAY = pd.Timedelta(days=1)
HOME_POSTCODES = np.array(["CW1", "CW2", "CW4", "CW5", "CW11", "CW12", "SK9", "SK10", "SK11", "SK12", "ST7"])
AWAY_POSTCODES = np.array(["M20", "WA1", "WA4", "ST4", "L17", "CH1", "B23", "SK4", "WV6", "LL11", "BL3", "OL9"])


SGO_SPLIT_YEAR = 2019  # E45-E48 replace E43/E44 from the 2018/19 collection (cpanalysis.ssda903.schema)
OLDER_SGO = {"E45": "E43", "E46": "E43", "E47": "E44", "E48": "E44"}


def _key(*cols: pd.Series) -> np.ndarray:
    """A stable pseudo-random integer per row from its values (same row, same number, every year)."""
    h = pd.util.hash_pandas_object(pd.concat(cols, axis=1), index=False).to_numpy()
    return (h % np.uint64(1_000_003)).astype(np.int64)


def _birthday(dob: pd.Series, years: int) -> pd.Series:
    return dob + pd.DateOffset(years=years)


def cut_year(h: dict[str, pd.DataFrame], year: int) -> dict[str, pd.DataFrame]:
    """The 903 tables of collection `year`, cut from `histories(...)` (dates as datetime64; see module doc)."""
    start, end = pd.Timestamp(year_start(year)), pd.Timestamp(year_end(year))
    eps = h["episodes"].sort_values(["CHILD", "DECOM"], kind="mergesort")
    eps = eps.assign(PLACEMENT_START=eps["DECOM"].where(eps["RNE"].ne("L")).groupby(eps["CHILD"]).ffill())
    eps["PLACEMENT_START"] = eps["PLACEMENT_START"].fillna(eps["DECOM"])
    eps = eps[(eps["DECOM"] <= end) & (eps["DEC"].isna() | (eps["DEC"] >= start))].copy()
    still_open = eps["DEC"] > end
    eps.loc[still_open, "DEC"] = pd.NaT
    eps.loc[still_open, "REC"] = np.nan
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
    eps["URN"] = np.where(needs_urn, "SC" + pd.Series(key % 900_000 + 100_000, index=eps.index).astype(str), "XXXXXXX")
    children = h["children"].set_index("CHILD")
    kids = children.loc[eps["CHILD"].unique()].reset_index()
    sex = kids["SEX"].map({"1": "M", "2": "F"}) if year >= 2025 else kids["SEX"]
    header = pd.DataFrame({"CHILD": kids["CHILD"], "SEX": sex, "DOB": kids["DOB"], "ETHNIC": kids["ETHNIC"]})
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
        "oc2": _oc2(h, eps, dob, end),
        "oc3": _oc3(h, dob, start, end),
    }


def _adopters(key: np.ndarray) -> dict[str, np.ndarray]:
    """Adopters: mostly a married man and woman (L11, MF), some unmarried couples (L3), single adopters (L0,
    F1/M1) and same-sex couples (L12 married, L2 civil partners)."""
    kind = key % 20
    return {
        "NB_ADOPTR": np.where(kind < 3, "1", "2"),
        "SEX_ADOPTR": np.select([kind < 2, kind < 3, kind < 4, kind < 5], ["F1", "M1", "FF", "MM"], "MF"),
        "LS_ADOPTR": np.select([kind < 3, kind < 4, kind < 5, kind < 8], ["L0", "L12", "L2", "L3"], "L11"),
    }


def _period_bounds(all_eps: pd.DataFrame) -> pd.DataFrame:
    """CHILD, START, END (NaT if open) of every period of care in the histories (episodes sorted as simulated)."""
    e = all_eps.sort_values(["CHILD", "DECOM"], kind="mergesort")
    pid = (e["RNE"].eq("S") | e["CHILD"].ne(e["CHILD"].shift())).cumsum()
    g = e.groupby(pid, sort=False)
    return pd.DataFrame(
        {
            "CHILD": g["CHILD"].first(),
            "START": g["DECOM"].first(),
            "END": g["DEC"].last(),
            "SHORT_BREAK": g["LS"].first().isin(["V3", "V4"]),
        }
    ).reset_index(drop=True)


def _reviews(h: dict[str, pd.DataFrame], eps: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Statutory reviews: 20 days after the period starts, 3 months after that, then every 6 months."""
    if "periods" not in h:
        h["periods"] = _period_bounds(h["episodes"])
    p = h["periods"]
    p = p[
        ~p["SHORT_BREAK"]
        & p["CHILD"].isin(eps["CHILD"])
        & (p["START"] <= end)
        & (p["END"].isna() | (p["END"] >= start))
    ]
    first = p["START"] + 20 * DAY
    offsets = [0, 91] + [91 + 182 * k for k in range(1, 40)]
    parts = []
    for off in offsets:
        when = first + off * DAY
        ok = (when >= start) & (when <= end) & (p["END"].isna() | (when <= p["END"]))
        parts.append(pd.DataFrame({"CHILD": p["CHILD"][ok], "REVIEW": when[ok]}))
        if (when > end).all():
            break
    rev = pd.concat(parts).sort_values(["CHILD", "REVIEW"], kind="mergesort")
    dob = rev["CHILD"].map(h["children"].set_index("CHILD")["DOB"])
    spoke = np.array(["PN1", "PN1", "PN1", "PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7"])
    code = np.where((rev["REVIEW"] - dob).dt.days < 4 * 365, "PN0", spoke[_key(rev["CHILD"], rev["REVIEW"]) % 10])
    return pd.DataFrame({"CHILD": rev["CHILD"], "DOB": dob, "REVIEW": rev["REVIEW"], "REVIEW_CODE": code})


def _prev_perm(eps: pd.DataFrame, dob: pd.Series, start: pd.Timestamp) -> pd.DataFrame:
    """Children starting a period of care in the year: no previous permanence order (Z1)."""
    new = eps.loc[eps["RNE"].eq("S") & (eps["DECOM"] >= start), "CHILD"].drop_duplicates()
    return pd.DataFrame({"CHILD": new, "DOB": new.map(dob), "PREV_PERM": "Z1"})


def _missing(eps: pd.DataFrame, dob: pd.Series, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """About one teenager in six looked after in the year goes missing once, for one to four days, while in care."""
    teen = (eps["DECOM"] - eps["CHILD"].map(dob)).dt.days > 13 * 365
    e = eps[teen & ~eps["LS"].isin(["V3", "V4"])]
    lo = e["DECOM"].clip(lower=start)
    hi = e["DEC"].fillna(end).clip(upper=end)
    e = e[(hi - lo).dt.days >= 7]
    lo, hi = lo[e.index], hi[e.index]
    key = _key(e["CHILD"], e["DECOM"])
    pick = pd.Series(key % 6 == 0, index=e.index) & ~e["CHILD"].duplicated()
    e, lo, hi, key = e[pick], lo[pick], hi[pick], key[pick.to_numpy()]
    span = (hi - lo).dt.days - 5
    mis_start = lo + pd.to_timedelta(key % span.to_numpy(), unit="D")
    mis_end = mis_start + pd.to_timedelta(1 + key % 4, unit="D")
    return pd.DataFrame(
        {
            "CHILD": e["CHILD"],
            "DOB": e["CHILD"].map(dob),
            "MISSING": np.where(key % 3, "M", "A"),
            "MIS_START": mis_start,
            "MIS_END": mis_end,
        }
    ).sort_values(["CHILD", "MIS_START"])


def _oc2(h: dict[str, pd.DataFrame], eps: pd.DataFrame, dob: pd.Series, end: pd.Timestamp) -> pd.DataFrame:
    """Children looked after continuously for the 12 months to 31 March (short breaks aside): health,
    SDQ (ages 4-16) and offending (ages 10+) outcomes."""
    p = h["periods"]
    long = p[~p["SHORT_BREAK"] & (p["START"] <= end - pd.DateOffset(years=1)) & (p["END"].isna() | (p["END"] > end))]
    ids = long["CHILD"].drop_duplicates()
    ids = ids[ids.isin(eps["CHILD"])]
    age = (end - ids.map(dob)).dt.days / 365.25
    key = _key(ids)
    sdq_age = (age >= 4) & (age < 17)
    yes = lambda share: np.where(key % 100 < share, "1", "0")  # noqa: E731
    return pd.DataFrame(
        {
            "CHILD": ids,
            "DOB": ids.map(dob),
            "SDQ_SCORE": np.where(sdq_age & (key % 10 < 8), (key // 7 % 30 + 1).astype(str), ""),
            "SDQ_REASON": np.where(sdq_age & (key % 10 >= 8), "SDQ" + (key % 5 + 1).astype(str), ""),
            "CONVICTED": np.where(age >= 10, np.where(key % 100 < 4, "1", "0"), ""),
            "HEALTH_CHECK": yes(90),
            "IMMUNISATIONS": yes(85),
            "TEETH_CHECK": yes(82),
            "HEALTH_ASSESSMENT": yes(92),
            "SUBSTANCE_MISUSE": np.where(age >= 10, np.where(key % 100 < 4, "1", "0"), ""),
            "INTERVENTION_RECEIVED": "",
            "INTERVENTION_OFFERED": "",
        }
    )


def _oc3(h: dict[str, pd.DataFrame], dob: pd.Series, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Care leavers (left at 17 or older, not home or adopted) whose 19th, 20th or 21st birthday falls in the year."""
    e = h["episodes"]
    left = e[e["REC"].isin(["E17", "E5", "E6", "E8", "E13"])]
    left = left[(left["DEC"] - left["CHILD"].map(dob)).dt.days >= 17 * 365].drop_duplicates("CHILD")
    born = left["CHILD"].map(dob)
    ids = pd.concat([left["CHILD"][(_birthday(born, a) >= start) & (_birthday(born, a) <= end)] for a in (19, 20, 21)])
    ids = ids.drop_duplicates().sort_values()
    key = _key(ids)
    return pd.DataFrame(
        {
            "CHILD": ids,
            "DOB": ids.map(dob),
            "IN_TOUCH": np.where(key % 20 < 18, "YES", np.where(key % 20 < 19, "NO", "DIED")),
            "ACTIV": np.select(
                [key % 20 >= 18, key % 10 < 1, key % 10 < 4, key % 10 < 6, key % 10 < 7, key % 10 < 8],
                ["0", "F1", "F2", "F4", "P4", "G4"],
                "G6",
            ),
            "ACCOM": np.select(
                [key % 20 >= 18, key % 12 < 4, key % 12 < 7, key % 12 < 9, key % 12 < 10, key % 12 < 11],
                ["0", "B1", "E1", "C1", "D1", "B2"],  # no S1: no fixed abode is always S2 (DfE rule 133)
                "S2",
            ),
        }
    )
