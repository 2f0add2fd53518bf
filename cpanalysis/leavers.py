"""Care leavers from the OC3 table: how many, by age, and how many the LA is in touch with, in education,
employment or training (EET) and in suitable accommodation (903 OC3 codes).

OC3 of collection year N holds the care leavers whose 17th to 21st birthday fell in the year to 31 March N;
their age at that birthday is their age on 31 March N.
"""

from __future__ import annotations

import pandas as pd

from cpanalysis.errors import InputError

IN_TOUCH = ("YES",)
# ACTIV: F full time / P part time in higher education (1), other education (2), training or employment (4, 5);
# G4-G6 not in education, employment or training (NEET); 0 no information
EET = r"[FP][0-9]"
HIGHER_EDUCATION = ("F1", "P1")
SUITABLE = r"[A-Z]1"  # ACCOM: accommodation type letter + 1 suitable / 2 not suitable


def care_leavers(oc3: pd.DataFrame, year: int | None = None, header: pd.DataFrame | None = None) -> pd.DataFrame:
    """Care leavers in the OC3 return of collection `year` (default: the latest year present) by age on 31
    March of that year (the age at their birthday in the year): age, leavers, in_touch (IN_TOUCH YES), eet
    (ACTIV F or P: full or part time), suitable_accommodation (ACCOM a letter then 1). A DOB missing from OC3 is
    taken from the header; leavers with no DOB at all are counted under age 'Unknown'."""
    columns = ["age", "leavers", "in_touch", "eet", "suitable_accommodation"]
    missing = {"CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"} - set(oc3.columns)
    if missing:
        raise InputError(f"the OC3 table has no column(s) {', '.join(sorted(missing))}")
    if oc3.empty:
        return pd.DataFrame(columns=columns)
    if year is None:
        if "YEAR" not in oc3:
            raise InputError("the OC3 table has no YEAR column: give the collection year")
        year = int(oc3["YEAR"].max())
    rows = oc3[oc3["YEAR"] == year] if "YEAR" in oc3 else oc3
    if rows.empty:
        return pd.DataFrame(columns=columns)
    dob = rows["DOB"]
    if header is not None:
        dob = dob.fillna(rows["CHILD"].map(header.drop_duplicates("CHILD", keep="last").set_index("CHILD")["DOB"]))
    end = pd.Timestamp(year, 3, 31)
    not_yet = (dob.dt.month > end.month) | ((dob.dt.month == end.month) & (dob.dt.day > end.day))
    age = (end.year - dob.dt.year - not_yet.astype(int)).astype("Int64").astype(object).where(dob.notna(), "Unknown")
    df = pd.DataFrame(
        {
            "age": age.to_numpy(),
            "in_touch": rows["IN_TOUCH"].isin(IN_TOUCH).to_numpy(),
            "eet": rows["ACTIV"].str.fullmatch(EET).fillna(False).to_numpy(),
            "suitable_accommodation": rows["ACCOM"].str.fullmatch(SUITABLE).fillna(False).to_numpy(),
        }
    )
    out = df.groupby("age", sort=False).agg(
        leavers=("in_touch", "size"),
        in_touch=("in_touch", "sum"),
        eet=("eet", "sum"),
        suitable_accommodation=("suitable_accommodation", "sum"),
    )
    out.index = out.index.astype(str)
    return out.sort_index().reset_index()[columns]


def leaver_rates(
    oc3: pd.DataFrame, year: int, header: pd.DataFrame | None = None, ages: tuple[int, int] = (19, 21)
) -> dict[str, float]:
    """The DfE's care-leaver indicators for collection `year` (year ending 31 March `year`) over care leavers aged
    `ages` (inclusive; 19-21 by default, as published; 17-18 the other published group): leavers, and the percent
    of ALL of them (not only those in touch) in touch, in education, employment or training, and in suitable
    accommodation (care_leavers), with the counts (in_touch, eet, suitable_accommodation). No OC3 rows for that
    year: leavers 0 and the percentages blank."""
    by_age = care_leavers(oc3, year, header)
    known = by_age[by_age["age"] != "Unknown"]
    ages_ = pd.to_numeric(known["age"])
    rows = known[(ages_ >= ages[0]) & (ages_ <= ages[1])]
    n = int(rows["leavers"].sum())

    def pct(column: str) -> float:
        return round(100 * int(rows[column].sum()) / n, 1) if n else float("nan")

    return {
        "leavers": n,
        "in_touch": int(rows["in_touch"].sum()),
        "eet": int(rows["eet"].sum()),
        "suitable_accommodation": int(rows["suitable_accommodation"].sum()),
        "in_touch_pct": pct("in_touch"),
        "eet_pct": pct("eet"),
        "suitable_accommodation_pct": pct("suitable_accommodation"),
    }


def care_leaver_measures(oc3: pd.DataFrame, year: int, header: pd.DataFrame | None = None) -> dict[str, float]:
    """G3, P4.12 and P5.5 for collection `year`: care_leavers (aged 17-21 on the year's OC3, every age with a known
    DOB), and for each published age group (17-18, 19-21) the leavers and, counts beside percentages, those in
    touch, in education, employment or training and in suitable accommodation (leaver_rates):
    care_leavers_17_18, care_leavers_17_18_in_touch(_pct), ..._eet(_pct), ..._suitable_accom(_pct); the same for
    19_21; care_leavers_higher_education (aged 17-21, ACTIV F1/P1: full or part time in higher education)."""
    out: dict[str, float] = {}
    total = 0
    for lo, hi in ((17, 18), (19, 21)):
        r = leaver_rates(oc3, year, header, (lo, hi))
        name = f"care_leavers_{lo}_{hi}"
        total += r["leavers"]
        out[name] = r["leavers"]
        for key, label in (("in_touch", "in_touch"), ("eet", "eet"), ("suitable_accommodation", "suitable_accom")):
            out[f"{name}_{label}"] = r[key]
            out[f"{name}_{label}_pct"] = r[f"{key}_pct"]
    rows = oc3[oc3["YEAR"] == year] if "YEAR" in oc3 else oc3
    by_age = care_leavers(rows[rows["ACTIV"].isin(HIGHER_EDUCATION)], year, header)
    ages = pd.to_numeric(by_age["age"], errors="coerce")
    he = int(by_age.loc[ages.between(17, 21), "leavers"].sum())
    return {"care_leavers": total, **out, "care_leavers_higher_education": he}
