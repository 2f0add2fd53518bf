"""Validation rules, as the DfE applies them: one registry (`RULES`) of rules, each with its DfE code
where it has one (the code a 903 lead sees on the DfE portal), its table, severity, message and a
vectorised check. The rule texts follow the DfE 903 validation rules as published in
data-to-insight/csc-validator-be-903; the code is this project's own. Rules without a DfE code are
named (e.g. `overlapping_episodes`): checks the measures need that the DfE does not make in that form.

`validate_returns` applies every rule to each year's return as submitted (with the previous year's
return at hand for cross-year rules) and to the merged history the measures use; a finding on the
merged history that repeats one already made on the same file row is dropped. Every finding keeps the
row ('used'): the analyst is told, the figures do not silently change.

To add a rule: write a function of a `Return` giving a boolean mask over the rule's table (or a mask and
a Series of details), decorate it with `@rule(...)`, add its break-once case to tests/test_rules.py and
regenerate docs/validation-rules.md (`python -m cpanalysis.ssda903.validate`).

Outside the registry (for now), `outcome_rules` guards the reviews, missing, OC2 and OC3 measures on the merged
history: review_outside_care, review_code_age (PN0 is for under-4s), missing_outside_care, oc2_not_in_cohort,
oc3_not_care_leaver.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from cpanalysis.categories import ADOPTED, SHORT_BREAK_LS
from cpanalysis.periods import episodes_with_periods, period_bounds
from cpanalysis.ssda903 import findings
from cpanalysis.ssda903.schema import TABLES, TEXT, year_end, year_label, year_start

TEMPORARY = ("T0", "T1", "T2", "T3", "T4")
PLACED_FOR_ADOPTION = ("A3", "A4", "A5", "A6")
OC3_IN_TOUCH = ("YES", "NO", "DIED", "REFU", "NREQ", "RHOM")
OC3_ACTIV = ("F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5", "G4", "G5", "G6", "0")
OC3_ACCOM = tuple(f"{a}{n}" for a in "BCDEGHKRTUVWYZ" for n in "12" if f"{a}{n}" not in ("S1", "X1")) + (
    "S2",
    "X2",
    "0",
)
REVIEW_CODES = tuple(f"PN{i}" for i in range(8))


@dataclass
class Return:
    """The tables one rule run sees: one year's return as submitted (`year` set, `prev` the previous
    year's return when loaded) or the merged history (`year` None). Every row has its own YEAR."""

    tables: dict[str, pd.DataFrame]
    year: int | None = None
    prev: dict[str, pd.DataFrame] | None = None
    _cache: dict = field(default_factory=dict, repr=False)

    def __getitem__(self, table: str) -> pd.DataFrame:
        """The table (an empty one of the right columns when this return has none)."""
        if table not in self.tables:
            self.tables[table] = empty_table(table)
        return self.tables[table]

    def episodes(self) -> pd.DataFrame:
        """Episodes in (CHILD, DECOM) order with the neighbouring episode's columns: PREV_*, NEXT_*
        (blank where the neighbour is another child's)."""
        if "eps" not in self._cache:
            eps = self.tables["episodes"].sort_values(["CHILD", "DECOM"], kind="mergesort")
            same_prev = eps["CHILD"].eq(eps["CHILD"].shift(1))
            same_next = eps["CHILD"].eq(eps["CHILD"].shift(-1))
            out = eps.copy()
            for c in ("DECOM", "DEC", "REC", "LS", "PLACE", "PLACE_PROVIDER", "PL_POST", "URN", "RNE"):
                out["PREV_" + c] = eps[c].shift(1).where(same_prev)
                out["NEXT_" + c] = eps[c].shift(-1).where(same_next)
            out["HAS_PREV"], out["HAS_NEXT"] = same_prev, same_next
            self._cache["eps"] = out.reindex(self.tables["episodes"].index)
        return self._cache["eps"]

    def dob(self, frame: pd.DataFrame) -> pd.Series:
        """Each row's date of birth from Header (NaT when the child has none)."""
        if "dob" not in self._cache:
            self._cache["dob"] = self["header"].drop_duplicates("CHILD", keep="last").set_index("CHILD")["DOB"]
        return lookup(frame["CHILD"], self._cache["dob"])

    def episode_age(self, when: str) -> pd.Series:
        """Each episode's child's age in whole years on its DECOM or DEC."""
        if ("age", when) not in self._cache:
            eps = self["episodes"]
            self._cache[("age", when)] = age_on(self.dob(eps), eps[when])
        return self._cache[("age", when)]


def empty_table(table: str) -> pd.DataFrame:
    """A canonical table with no rows."""
    if table not in _EMPTY:
        _EMPTY[table] = _empty_table(table)
    return _EMPTY[table].copy()


_EMPTY: dict[str, pd.DataFrame] = {}


def _empty_table(table: str) -> pd.DataFrame:
    spec = TABLES[table]
    df = pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c in spec.dates else TEXT) for c in spec.columns})
    df["YEAR"] = pd.Series(dtype=int)
    df["SOURCE_FILE"] = pd.Series(dtype=object)
    df["SOURCE_ROW"] = pd.Series(dtype=int)
    return df


Check = Callable[[Return], "pd.Series | tuple[pd.Series, pd.Series]"]


@dataclass(frozen=True)
class Rule:
    """One validation rule. `code` is the DfE code (or our own name when `dfe` is False)."""

    code: str
    table: str
    column: str
    severity: str
    message: str
    check: Check
    dfe: bool = True
    scope: str = "both"  # 'both', 'return' (each year's return only) or 'history' (merged only)


RULES: dict[str, Rule] = {}


def rule(code: str, table: str, column: str, message: str, *, severity: str = "error", dfe: bool = True, scope="both"):
    """Register the decorated check under `code`."""

    def register(check: Check) -> Check:
        if code in RULES:
            raise ValueError(f"rule {code} registered twice")
        assert table in TABLES and severity in findings.SEVERITIES
        RULES[code] = Rule(code, table, column, severity, message, check, dfe, scope)
        return check

    return register


# ---- helpers ---------------------------------------------------------------------------------------


def _d(s: pd.Series) -> pd.Series:
    return s.dt.strftime("%d/%m/%Y").fillna("blank")


def _year_end(frame: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(frame["YEAR"].map(lambda y: year_end(int(y)))).astype("datetime64[ns]")


def _year_start(frame: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(frame["YEAR"].map(lambda y: year_start(int(y)))).astype("datetime64[ns]")


def age_on(dob: pd.Series, date: pd.Series) -> pd.Series:
    """Whole years of age on `date` (NaN where either is blank)."""
    years = date.dt.year - dob.dt.year
    before_birthday = (date.dt.month < dob.dt.month) | ((date.dt.month == dob.dt.month) & (date.dt.day < dob.dt.day))
    return years - before_birthday.astype(float)


def last_birthday(dob: pd.Series, date: pd.Series) -> pd.Series:
    """The latest birthday on or before `date` (a 29 February birthday falls on 1 March in other years)."""
    years = (dob.dt.year + age_on(dob, date)).astype("Int64")
    text = years.astype(str) + "-" + dob.dt.strftime("%m-%d")
    day = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    leap = day.isna() & dob.notna() & years.notna()
    day[leap] = pd.to_datetime(years[leap].astype(str) + "-03-01", format="%Y-%m-%d")
    return day.astype("datetime64[ns]")


def _f(mask: pd.Series) -> pd.Series:
    return mask.fillna(False).astype(bool)


def _by_child(frame: pd.DataFrame, other: pd.DataFrame, how: str, column: str) -> pd.Series:
    """For each row of `frame`, the min or max of `other[column]` over the child's rows of `other`."""
    return lookup(frame["CHILD"], other.groupby("CHILD")[column].agg(how))


def lookup(keys: pd.Series, dates: pd.Series) -> pd.Series:
    """`dates` (indexed by child) for each of `keys`; NaT where there is none (also when `dates` is empty)."""
    if dates.empty:
        return pd.Series(pd.NaT, index=keys.index, dtype="datetime64[ns]")
    return keys.map(dates.astype("datetime64[ns]")).astype("datetime64[ns]")


# ---- values not entered (invalid codes are reported while loading, rule invalid_code) -----------------


def _blank_rule(code: str, table: str, column: str, message: str, when=None, dfe: bool = True) -> None:
    def check(r: Return):
        t = r[table]
        mask = t[column].isna()
        return mask if when is None else mask & when(t)

    rule(code, table, column, message, dfe=dfe)(check)


_blank_rule("101", "header", "SEX", "Gender code is not entered.")
_blank_rule("103", "header", "ETHNIC", "The ethnicity code has not been entered.")
_blank_rule("143", "episodes", "RNE", "The code for reason for new episode has not been entered.")
_blank_rule("144", "episodes", "LS", "The legal status code has not been entered.")
_blank_rule("145", "episodes", "CIN", "Category of need code has not been entered.")
_blank_rule("146", "episodes", "PLACE", "Placement type code has not been entered.")
_blank_rule(
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
    return eps["DEC"] < eps["DECOM"], "DECOM " + _d(eps["DECOM"]) + ", DEC " + _d(eps["DEC"])


@rule("148", "episodes", "DEC/REC", "Date episode ceased and reason episode ceased must both be coded, or both blank.")
def _148(r: Return):
    eps = r["episodes"]
    return eps["DEC"].isna() != eps["REC"].isna(), "DEC " + _d(eps["DEC"]) + ", REC " + eps["REC"].fillna("blank")


@rule("385", "episodes", "DEC", "Date episode ceased must be on or before the end of the current collection year.")
def _385(r: Return):
    eps = r["episodes"]
    return eps["DEC"] > _year_end(eps), "DEC " + _d(eps["DEC"]) + " in the " + eps["YEAR"].map(year_label) + " return"


@rule(
    "episode_outside_year",
    "episodes",
    "DECOM",
    "Episode starts after the end of the collection year its return is for.",
    dfe=False,
    scope="return",
)
def _outside(r: Return):
    eps = r["episodes"]
    return eps["DECOM"] > _year_end(eps), "DECOM " + _d(eps["DECOM"]) + " in the " + eps["YEAR"].map(
        year_label
    ) + " return"


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
    return eps["DEC"] < _year_start(eps), "DEC " + _d(eps["DEC"]) + " in the " + eps["YEAR"].map(year_label) + " return"


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
        "DECOM " + _d(e["DECOM"]) + ", DEC " + _d(e["DEC"]) + "; next starts " + _d(e["NEXT_DECOM"])
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
    detail = (
        "ends "
        + _d(e["DEC"])
        + ", next starts "
        + _d(e["NEXT_DECOM"])
        + " (the measures take the period of care to end on the X1 date)"
    ).where(~continued, "REC " + e["REC"].fillna("") + " but the next episode starts the same day")
    return no_continuation | continued, detail


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
    ), "previous ended " + _d(e["PREV_DEC"]) + ", this starts " + _d(e["DECOM"])


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
    eps = r["episodes"].sort_values(["CHILD", "DECOM"], kind="mergesort")
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


def _periods(r: Return) -> pd.DataFrame:
    if "wp" not in r._cache:
        wp = episodes_with_periods(r["episodes"])
        # the first episode in view may continue a period begun before the data (a return holds only the
        # episodes open in its year; the history, those open from its first year)
        seen_from = _year_start(wp) if r.year is not None else pd.Timestamp(year_start(int(wp["YEAR"].min())))
        wp["SEEN"] = wp["DECOM"] >= seen_from
        r._cache["wp"] = wp
    return r._cache["wp"]


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
    wp = _periods(r)
    mask = wp["EPISODE_IN_PERIOD"].eq(1) & wp["RNE"].ne("S") & wp["SEEN"]
    return _align(wp, mask, r["episodes"]), "RNE " + r["episodes"]["RNE"].fillna("blank")


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
    wp = _periods(r)
    return _align(wp, wp["EPISODE_IN_PERIOD"].gt(1) & wp["RNE"].eq("S"), r["episodes"])


def _align(wp: pd.DataFrame, mask: pd.Series, eps: pd.DataFrame) -> pd.Series:
    """A mask over `wp` (episodes_with_periods' own order) as a mask over `eps`, by file and row."""
    keys = ["SOURCE_FILE", "SOURCE_ROW"]
    hit = wp.loc[mask.to_numpy(), keys].assign(_hit=True)
    return eps[keys].merge(hit, on=keys, how="left")["_hit"].fillna(False).astype(bool).set_axis(eps.index)


# ---- Header and ages -------------------------------------------------------------------------------


@rule(
    "child_not_in_header",
    "episodes",
    "CHILD",
    "Child has episodes but no Header row (no sex or date of birth).",
    dfe=False,
)
def _orphan(r: Return):
    eps = r["episodes"]
    return ~eps["CHILD"].isin(r["header"]["CHILD"]) & ~eps["CHILD"].duplicated()


@rule("102", "header", "DOB", "Date of birth is not a valid date (blank).")
def _102(r: Return):
    return r["header"]["DOB"].isna()


@rule("302", "episodes", "DECOM", "First episode starts before child was born.")
def _302(r: Return):
    eps = r["episodes"]
    dob = r.dob(eps)
    first = eps["DECOM"].eq(eps.groupby("CHILD")["DECOM"].transform("min"))
    return first & (eps["DECOM"] < dob), "starts " + _d(eps["DECOM"]) + ", born " + _d(dob)


@rule("352", "episodes", "DECOM", "Child who started to be looked after was aged 18 or over.")
def _352(r: Return):
    eps = r["episodes"]
    dob = r.dob(eps)
    return eps["RNE"].eq("S") & (age_on(dob, eps["DECOM"]) >= 18), "starts " + _d(eps["DECOM"]) + ", born " + _d(dob)


def _age_rule(code: str, column: str, codes: tuple[str, ...], when: str, test: Callable, message: str) -> None:
    def check(r: Return):
        eps = r["episodes"]
        dob = r.dob(eps)
        age = r.episode_age(when)
        hit = test(age, eps["YEAR"].to_numpy()) if test.__code__.co_argcount == 2 else test(age)
        return eps[column].isin(codes) & _f(pd.Series(hit, index=eps.index)), f"{column} " + eps[column].fillna(
            ""
        ) + ", born " + _d(dob)

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
    return r["ad1"]["DATE_MATCH"] > _by_child(r["ad1"], placed, "min", "DECOM")


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
    return r["ad1"]["DATE_INT"] < _by_child(r["ad1"], starts, "max", "DECOM")


@rule(
    "521",
    "episodes",
    "DECOM",
    "Date of the decision that adoption is in the child's best interests must be on or prior to the date the child "
    "is placed for adoption.",
)
def _521(r: Return):
    eps = r["episodes"]
    decided = _by_child(eps, r["ad1"], "max", "DATE_INT")
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
    decided = _by_child(eps, r["placed_adoption"], "max", "DATE_PLACED")
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
    decided = _by_child(eps, r["placed_adoption"], "min", "DATE_PLACED")
    return first & (decided > eps["DECOM"])


# ---- Reviews, Missing ------------------------------------------------------------------------------


@rule("167", "reviews", "REVIEW_CODE", "Data entry for participation is invalid or blank.")
def _167(r: Return):
    rv = r["reviews"]
    ok = (rv["REVIEW"].notna() & rv["REVIEW_CODE"].isin(REVIEW_CODES)) | (
        rv["REVIEW"].isna() & rv["REVIEW_CODE"].isna()
    )
    return ~ok, "REVIEW_CODE " + rv["REVIEW_CODE"].fillna("blank")


@rule("missing_end_before_start", "missing", "MIS_END", "Missing episode ends before it starts.", dfe=False)
def _mis_order(r: Return):
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
    last_end = eps.groupby("CHILD")["DEC"].agg(lambda s: pd.NaT if s.isna().any() else s.max())
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


# ---- OC3 -------------------------------------------------------------------------------------------


def _code_rule(code: str, table: str, column: str, codes: tuple[str, ...], message: str) -> None:
    def check(r: Return):
        t = r[table]
        return ~t[column].isin(codes), f"{column} " + t[column].fillna("blank")

    rule(code, table, column, message)(check)


_code_rule("131", "oc3", "IN_TOUCH", OC3_IN_TOUCH, "Data entry for being in touch after leaving care is invalid.")
_code_rule("132", "oc3", "ACTIV", OC3_ACTIV, "Data entry for activity after leaving care is invalid.")
_code_rule("133", "oc3", "ACCOM", OC3_ACCOM, "Data entry for accommodation after leaving care is invalid.")


@rule(
    "391",
    "oc3",
    "DOB",
    "Young person was not 17 to 21 during the current collection year but has care leaver information.",
)
def _391(r: Return):
    oc3 = r["oc3"]
    dob = oc3["DOB"].fillna(r.dob(oc3))
    filled = oc3[["IN_TOUCH", "ACTIV", "ACCOM"]].notna().any(axis=1)
    return filled & (dob + pd.DateOffset(years=17) > _year_end(oc3))


@rule(
    "1002",
    "oc3",
    "CHILD",
    "This child has no previous episodes of care, so should not have care leaver information.",
    severity="warning",
    scope="history",
)
def _1002(r: Return):
    """Checked on the whole history, and only for years at least 5 after the first loaded year: a care leaver
    of 19-21 may have left care (at 17 or older) up to 5 years before (the DfE tool, with one year back,
    warns of its own false positives)."""
    oc3, eps = r["oc3"], r["episodes"]
    if eps.empty:
        return pd.Series(False, index=oc3.index)
    return (oc3["YEAR"] >= eps["YEAR"].min() + 5) & ~oc3["CHILD"].isin(eps["CHILD"])


@rule(
    "1007",
    "oc3",
    "CHILD",
    "Care leaver information is not required for 17- or 18-year olds who are still looked after.",
)
def _1007(r: Return):
    oc3, eps = r["oc3"], r["episodes"]
    dob = oc3["DOB"].fillna(r.dob(oc3))
    end = _year_end(oc3)
    age = age_on(dob, end)
    bday = last_birthday(dob, end)
    m = (
        oc3[["CHILD"]]
        .assign(_BDAY=bday, _YEAR=oc3["YEAR"])
        .reset_index()
        .merge(eps[["CHILD", "DECOM", "DEC", "YEAR"]], on="CHILD")
    )
    in_care = (m["DECOM"] <= m["_BDAY"]) & (m["DEC"].isna() | (m["DEC"] > m["_BDAY"]))
    hit = in_care.groupby(m["index"]).any().reindex(oc3.index, fill_value=False)
    filled = oc3[["IN_TOUCH", "ACTIV", "ACCOM"]].notna().any(axis=1)
    return hit & age.between(17, 18) & filled


# ---- running ---------------------------------------------------------------------------------------


def run_rules(r: Return, scope: str) -> pd.DataFrame:
    """Findings of every registered rule that applies to `scope` ('return' or 'history')."""
    out = []
    for rl in RULES.values():
        if rl.scope not in ("both", scope):
            continue
        frame = r[rl.table]
        if frame.empty:
            continue
        result = rl.check(r)
        mask, detail = result if isinstance(result, tuple) else (result, None)
        mask = _f(pd.Series(mask, index=frame.index) if not isinstance(mask, pd.Series) else mask.reindex(frame.index))
        if not mask.any():
            continue
        message = rl.message if detail is None else rl.message.rstrip(".") + ": " + detail.astype(str)
        out.append(
            findings.make(
                frame[mask],
                table=rl.table,
                column=rl.column,
                rule=rl.code,
                severity=rl.severity,
                outcome="used",
                message=message,
            )
        )
    return findings.concat(out)


def validate(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Findings of every rule on the merged history (all years' tables, one version of each record), and the
    rules guarding the reviews, missing, OC2 and OC3 measures (`outcome_rules`)."""
    return findings.concat([run_rules(Return(tables), "history"), outcome_rules(tables)])


def outcome_rules(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Rules guarding the Reviews, Missing, OC2 and OC3 measures (module docstring); tables the data lack are
    skipped."""
    from cpanalysis.health import oc2_cohort  # the one definition of the cohort (health imports periods only)
    from cpanalysis.population import age_in_years

    eps, header = tables["episodes"], tables["header"]
    if eps.empty:
        return findings.empty()
    out = []
    per = period_bounds(eps)[["CHILD", "START", "END"]]

    def inside(rows: pd.DataFrame, column: str, spans: pd.DataFrame) -> pd.Series:
        """Whether each row's date falls in one of the child's spans (START <= date <= END, END blank = open)."""
        m = rows[["CHILD", column]].reset_index().merge(spans, on="CHILD")
        hit = (m["START"] <= m[column]) & (m["END"].isna() | (m[column] <= m["END"]))
        return pd.Series(rows.index.isin(m.loc[hit, "index"]), index=rows.index)

    rev = tables.get("reviews")
    if rev is not None and not rev.empty:
        known = rev[rev["CHILD"].isin(eps["CHILD"]) & rev["REVIEW"].notna()]
        bad = ~inside(known, "REVIEW", per)
        out.append(
            findings.make(
                known[bad],
                table="reviews",
                column="REVIEW",
                rule="review_outside_care",
                severity="warning",
                outcome="used",
                message="review on " + _d(known["REVIEW"]) + " is not within a period of care: not counted",
            )
        )
        dob = rev["DOB"].fillna(
            rev["CHILD"].map(header.drop_duplicates("CHILD", keep="last").set_index("CHILD")["DOB"])
        )
        age = age_in_years(dob, rev["REVIEW"])
        code = rev["REVIEW_CODE"]
        wrong = ((code == "PN0") & (age >= 4)) | (code.str.fullmatch(r"PN[1-7]").fillna(False) & (age < 4))
        out.append(
            findings.make(
                rev[wrong],
                table="reviews",
                column="REVIEW_CODE",
                rule="review_code_age",
                severity="warning",
                outcome="used",
                message="REVIEW_CODE "
                + code.fillna("blank").astype(str)
                + " for a child aged "
                + age.astype("Int64").astype(str)
                + " at the review (PN0 is for under-4s only)",
            )
        )
    mis = tables.get("missing")
    if mis is not None and not mis.empty:
        spans = eps[~eps["LS"].isin(SHORT_BREAK_LS)][["CHILD", "DECOM", "DEC"]]
        spans = spans.rename(columns={"DECOM": "START", "DEC": "END"})
        known = mis[mis["CHILD"].isin(eps["CHILD"]) & mis["MIS_START"].notna()]
        bad = ~inside(known, "MIS_START", spans)
        out.append(
            findings.make(
                known[bad],
                table="missing",
                column="MIS_START",
                rule="missing_outside_care",
                severity="warning",
                outcome="used",
                message="missing from "
                + _d(known["MIS_START"])
                + ", a day the child was not looked after: not counted",
            )
        )
    oc2 = tables.get("oc2")
    if oc2 is not None and not oc2.empty:
        for year, rows in oc2.groupby("YEAR"):
            bad = ~rows["CHILD"].isin(oc2_cohort(eps, int(year))["CHILD"])
            out.append(
                findings.make(
                    rows[bad],
                    table="oc2",
                    column="CHILD",
                    rule="oc2_not_in_cohort",
                    severity="warning",
                    outcome="used",
                    message=f"not looked after continuously for 12 months at {year_end(int(year)):%d/%m/%Y}: "
                    "left out of the health and offending measures",
                )
            )
    oc3 = tables.get("oc3")
    if oc3 is not None and not oc3.empty:
        dob = header.drop_duplicates("CHILD", keep="last").set_index("CHILD")["DOB"]
        last = eps.assign(END=eps["DEC"].fillna(pd.Timestamp.max.normalize())).groupby("CHILD")["END"].max()
        seen = oc3[oc3["CHILD"].isin(last.index)]
        sixteen = seen["DOB"].fillna(seen["CHILD"].map(dob)) + pd.DateOffset(years=16)
        bad = seen["CHILD"].map(last) < sixteen
        out.append(
            findings.make(
                seen[bad],
                table="oc3",
                column="CHILD",
                rule="oc3_not_care_leaver",
                severity="warning",
                outcome="used",
                message="every episode in the data ended before the 16th birthday: not a care leaver",
            )
        )
    return findings.concat(out)


def validate_returns(returns: dict[int, dict[str, pd.DataFrame]], history: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Each year's return as submitted (with the previous year's, for cross-year rules), then the merged
    history; a history finding on a file row already reported for the same rule is left out."""
    out = [
        run_rules(Return(tables, year=y, prev=returns.get(y - 1)), "return") for y, tables in sorted(returns.items())
    ]
    out.append(validate(history))
    found = findings.concat(out)
    if found.empty:
        return found
    return found.drop_duplicates(["file", "row", "table", "rule"], keep="first").reset_index(drop=True)


def rules_table() -> pd.DataFrame:
    """The registry as a table: code, whether it is the DfE's, table, column, severity, scope, message."""
    return pd.DataFrame(
        [
            (r.code, "DfE" if r.dfe else "cpanalysis", r.table, r.column, r.severity, r.scope, r.message)
            for r in RULES.values()
        ],
        columns=["code", "source", "table", "column", "severity", "applied to", "message"],
    )


_SCOPES = {"both": "each return and the history", "return": "each return", "history": "merged history"}


def rules_markdown() -> str:
    """docs/validation-rules.md: the table of rules, generated from the registry."""
    t = rules_table().assign(**{"applied to": lambda d: d["applied to"].map(_SCOPES)})
    t["code"] = pd.Categorical(t["code"])
    order = t.assign(_num=pd.to_numeric(t["code"].astype(str), errors="coerce")).sort_values(
        ["table", "_num", "code"], na_position="last", kind="mergesort"
    )
    n_dfe = int((t["source"] == "DfE").sum())
    lines = [
        "# Validation rules",
        "",
        "Generated from the rule registry in `cpanalysis/ssda903/validate.py` by `rules_markdown()`; do not edit "
        "(regenerate with `python -m cpanalysis.ssda903.validate`).",
        "",
        f"{len(t)} rules: {n_dfe} with the DfE's code (match them to the DfE portal), {len(t) - n_dfe} of "
        "cpanalysis's own. Every finding keeps its row (outcome *used*) and names the file, row, child and rule "
        "in the data-quality table. Code lists (invalid_code) and unreadable dates are checked while loading, "
        "see `clean.py`.",
        "",
        "| code | source | table | column | severity | applied to | rule |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in order.itertuples(index=False):
        msg = str(row.message).replace("|", "\\|")
        lines.append(f"| {row.code} | {row.source} | {row.table} | {row.column} | {row.severity} | {row[5]} | {msg} |")
    return "\n".join(lines) + "\n"


DOC = Path(__file__).resolve().parents[2] / "docs" / "validation-rules.md"

if __name__ == "__main__":  # pragma: no cover - regenerates the docs table
    DOC.write_text(rules_markdown(), encoding="utf-8")
    print(f"{DOC}: {len(RULES)} rules")
