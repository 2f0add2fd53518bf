"""The rule registry's machinery: `Return` (the tables one run of the rules sees), `Rule`, the registry
`RULES` and its decorator `rule`, the code lists the rules share, and the helpers rule checks use.

To add a rule: write a function of a `Return` giving a boolean mask over the rule's table (or a mask and a
function of no arguments giving a Series of details: `return mask, lambda: "DEC " + show(eps["DEC"])`, worked out
only when the mask finds something), decorate it with `@rule(...)` in the module of its table (episodes, header,
adoption, reviews, missing, leavers, ...), add its break-once case to tests/rule_breaks/ and regenerate
docs/validation-rules.md (`python -m cpanalysis.ssda903.validate`). A check sees each CHILD as a number
(validate._coded: equal for equal ids, in the same order): it may join, group, sort and match rows by child, but not
read the id.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cpanalysis.periods import episodes_with_periods
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
    year's return when loaded) or the merged history (`year` None). Every row has its own YEAR: a check reads the
    year from there, as several returns may be checked at once (validate._together: `year` is then the latest and
    each child's id carries its year)."""

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
        """The episodes (in the table's order) with the columns of the child's previous and next episode in (CHILD,
        DECOM) order: PREV_*, NEXT_* (blank where there is none), HAS_PREV, HAS_NEXT."""
        if "eps" not in self._cache:
            eps = self["episodes"]
            at = eps.index.get_indexer(self.in_order().index)  # the table's rows in (CHILD, DECOM) order
            child = pd.factorize(eps["CHILD"])[0][at]
            same = (child[1:] == child[:-1]) & (child[1:] >= 0)  # the n-th and next rows in order: one child's
            prev, after = np.full(len(eps), -1), np.full(len(eps), -1)
            prev[at[1:][same]], after[at[:-1][same]] = at[:-1][same], at[1:][same]
            out = eps.copy()
            for c in ("DECOM", "DEC", "REC", "LS", "PLACE", "PLACE_PROVIDER", "PL_POST", "URN", "RNE"):
                out["PREV_" + c] = eps[c].array.take(prev, allow_fill=True)
                out["NEXT_" + c] = eps[c].array.take(after, allow_fill=True)
            out["HAS_PREV"], out["HAS_NEXT"] = prev >= 0, after >= 0
            self._cache["eps"] = out
        return self._cache["eps"]

    def in_order(self) -> pd.DataFrame:
        """The episodes in (CHILD, DECOM) order (a stable sort: tied rows keep their order), sorted once per return;
        shared by every rule that asks, so not to be changed in place."""
        if "in_order" not in self._cache:
            self._cache["in_order"] = self["episodes"].sort_values(["CHILD", "DECOM"], kind="mergesort")
        return self._cache["in_order"]

    def periods(self) -> pd.DataFrame:
        """Episodes with their periods of care and placements (cpanalysis.periods.episodes_with_periods), worked
        out once per return; shared by every rule that asks, so not to be changed in place."""
        if "periods" not in self._cache:
            self._cache["periods"] = episodes_with_periods(self["episodes"])
        return self._cache["periods"]

    def dob(self, frame: pd.DataFrame) -> pd.Series:
        """Each row's date of birth from Header (NaT when the child has none)."""
        if "dob" not in self._cache:
            self._cache["dob"] = self["header"].drop_duplicates("CHILD", keep="last").set_index("CHILD")["DOB"]
        table = next((name for name, t in self.tables.items() if t is frame), None)  # one of the return's tables:
        if table is None:  # looked up once
            return lookup(frame["CHILD"], self._cache["dob"])
        if ("dob", table) not in self._cache:
            self._cache[("dob", table)] = lookup(frame["CHILD"], self._cache["dob"])
        return self._cache[("dob", table)]

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


Check = Callable[[Return], "pd.Series | tuple[pd.Series, Callable[[], pd.Series]]"]


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
    years: tuple[int | None, int | None] = (None, None)  # collection years in force, first and last (IN_FORCE)

    def in_force(self, year: pd.Series) -> pd.Series:
        """Whether the rule applies to rows of these collection years."""
        first, last = self.years
        return year.ge(first if first is not None else 0) & year.le(last if last is not None else 9999)


# The collection years (that of the 31 March ending it) in which a DfE rule is in force, where it is not every
# year: as in the DfE's rule list for each year (csc-validator-be-903's rule sets for 2022/23 to 2026/27, whose
# 2022/23 set holds the rules of every earlier year). A rule applies only to rows of the years it is in force.
IN_FORCE: dict[str, tuple[int | None, int | None]] = {
    "217t": (2024, 2024),
    "347": (2024, None),
    "1016": (2024, None),
    "232": (2025, None),
    "233": (2026, None),
    "234": (2026, None),
    "348": (2026, None),
    "444": (2026, None),
    "454": (2026, None),
    "445": (None, 2024),
    "451": (None, 2024),
    "555": (None, 2024),
    "556": (None, 2024),
}


RULES: dict[str, Rule] = {}


def rule(code: str, table: str, column: str, message: str, *, severity: str = "error", dfe: bool = True, scope="both"):
    """Register the decorated check under `code`."""

    def register(check: Check) -> Check:
        if code in RULES:
            raise ValueError(f"rule {code} registered twice")
        assert table in TABLES and severity in findings.SEVERITIES
        RULES[code] = Rule(code, table, column, severity, message, check, dfe, scope, IN_FORCE.get(code, (None, None)))
        return check

    return register


# ---- helpers ---------------------------------------------------------------------------------------


def show(s: pd.Series) -> pd.Series:
    """Dates as dd/mm/yyyy text ('blank' for NaT); each distinct date formatted once (strftime is per element)."""
    codes, uniques = pd.factorize(s)
    iso = np.datetime_as_string(np.asarray(uniques, dtype="datetime64[D]"), unit="D").astype("<U10")
    chars = iso.view("<U1").reshape(-1, 10)[:, _DMY]  # yyyy-mm-dd -> dd/mm/yyyy, by moving characters
    chars[:, [2, 5]] = "/"
    dmy = np.ascontiguousarray(chars).view("<U10").ravel()
    text = np.append(dmy.astype(object), "blank")
    return pd.Series(text[codes], index=s.index, dtype=object)


_DMY = [8, 9, 4, 5, 6, 7, 0, 1, 2, 3]  # the characters of yyyy-mm-dd in the order of dd/mm/yyyy (4, 7: the dashes)


def _per_year(frame: pd.DataFrame, date_of: Callable[[int], object]) -> pd.Series:
    """`date_of(YEAR)` for each row, as datetime64[ns] (computed once per distinct year)."""
    codes, years = pd.factorize(frame["YEAR"])
    dates = np.append(pd.to_datetime([date_of(int(y)) for y in years]).to_numpy("datetime64[ns]"), np.datetime64("NaT"))
    return pd.Series(dates[codes], index=frame.index, dtype="datetime64[ns]")


def year_labels(frame: pd.DataFrame) -> pd.Series:
    """`year_label(YEAR)` ('2018/19') for each row (each distinct year labelled once)."""
    codes, years = pd.factorize(frame["YEAR"])
    labels = np.array([year_label(int(y)) for y in years] + [""], dtype=object)
    return pd.Series(labels[codes], index=frame.index, dtype=object)


def year_end_of(frame: pd.DataFrame) -> pd.Series:
    return _per_year(frame, year_end)


def year_start_of(frame: pd.DataFrame) -> pd.Series:
    return _per_year(frame, year_start)


def _ymd(dates: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Year, month (1-12) and day (1-31) of each date, and where it is blank (the numbers there are meaningless), by
    numpy's calendar units (pandas' .dt accessors cost more than the rules using them at national size)."""
    d = dates.to_numpy("datetime64[D]")
    y, m = d.astype("datetime64[Y]"), d.astype("datetime64[M]")
    year = y.astype(np.int64) + 1970
    month = (m - y.astype("datetime64[M]")).astype(np.int64) + 1
    return year, month, (d - m.astype("datetime64[D]")).astype(np.int64) + 1, np.isnat(d)


def age_on(dob: pd.Series, date: pd.Series) -> pd.Series:
    """Whole years of age on `date` (NaN where either is blank); each row's `dob` with the `date` of its label."""
    if not dob.index.equals(date.index):
        dob = dob.reindex(date.index)
    (by, bm, bd, bblank), (y, m, d, blank) = _ymd(dob), _ymd(date)
    years = (y - by - ((m < bm) | ((m == bm) & (d < bd)))).astype(float)
    years[bblank | blank] = np.nan
    return pd.Series(years, index=date.index)


def last_birthday(dob: pd.Series, date: pd.Series) -> pd.Series:
    """The latest birthday on or before `date` (a 29 February birthday falls on 1 March in other years)."""
    by, bm, bd, blank = _ymd(dob)
    age = age_on(dob, date).to_numpy()
    blank |= np.isnan(age)
    year = np.where(blank, 1970, by + np.nan_to_num(age).astype(np.int64)) - 1970
    month_start = (year.astype("datetime64[Y]").astype("datetime64[M]") + (bm - 1)).astype("datetime64[D]")
    day = (month_start + (bd - 1)).astype("datetime64[ns]")  # 29 February + a non-leap year: 1 March
    day[blank] = np.datetime64("NaT")
    return pd.Series(day, index=dob.index)


def flag(mask: pd.Series) -> pd.Series:
    return mask.fillna(False).astype(bool)


def by_child(frame: pd.DataFrame, other: pd.DataFrame, how: str, column: str) -> pd.Series:
    """For each row of `frame`, the min or max of `other[column]` over the child's rows of `other`."""
    return lookup(frame["CHILD"], other.groupby("CHILD")[column].agg(how))


def _text(values: pd.Series | pd.Index) -> pa.Array:
    """Text keys (e.g. CHILD ids; blanks as nulls) as one pyarrow array, without copying pyarrow-backed ones."""
    arr = pa.array(values, type=pa.large_string(), from_pandas=True)
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


def _numbers(values: pd.Series | pd.Index) -> bool:
    return values.dtype.kind == "f"


def has(keys: pd.Series, values: pd.Series | pd.Index) -> pd.Series:
    """`keys.isin(values)` (a blank key is in `values` when a blank is). Text by pyarrow's hash set: pandas' isin of
    pyarrow-backed strings turns every value into a scalar first, 30 times slower on a national history. Children
    as numbers (run_rules' coded ids) by pandas."""
    if _numbers(keys) or _numbers(values):
        return keys.isin(values)
    found = pc.is_in(_text(keys), value_set=_text(values))
    return pd.Series(found.to_numpy(zero_copy_only=False), index=keys.index)


def lookup(keys: pd.Series, dates: pd.Series) -> pd.Series:
    """`dates` (indexed by child, each once) for each of `keys`; NaT where there is none (also when `dates` is
    empty). `keys.map(dates)`, by pyarrow's hash table of the children (text) or pandas' (numbers)."""
    if _numbers(keys) or _numbers(dates.index):
        at = pd.Index(dates.index).get_indexer(keys)
    else:
        at = pc.index_in(_text(keys), value_set=_text(dates.index)).fill_null(-1).to_numpy(zero_copy_only=False)
    values = np.append(dates.to_numpy("datetime64[ns]"), np.datetime64("NaT", "ns"))
    return pd.Series(values[at], index=keys.index, dtype="datetime64[ns]")


# ---- values not entered (invalid codes are reported while loading, rule invalid_code) -----------------


def blank_rule(code: str, table: str, column: str, message: str, when=None, dfe: bool = True) -> None:
    def check(r: Return):
        t = r[table]
        mask = t[column].isna()
        return mask if when is None else mask & when(t)

    rule(code, table, column, message, dfe=dfe)(check)


def code_rule(code: str, table: str, column: str, codes: tuple[str, ...], message: str, blank_ok: bool = False) -> None:
    """Register rule `code`: `column` is not one of `codes` (a blank passes when `blank_ok`)."""

    def check(r: Return):
        t = r[table]
        bad = ~t[column].isin(codes)
        return (bad & t[column].notna() if blank_ok else bad), lambda: f"{column} " + t[column].fillna("blank")

    rule(code, table, column, message)(check)


# ---- cross-year and cross-table helpers (header, uasc, prev_perm, reviews, missing) -------------------


MALE = ("1", "M")  # SEX codes to 2023/24, and from 2024/25
FEMALE = ("2", "F")


def last_year(r: Return, table: str, column: str) -> tuple[pd.Series, pd.Series]:
    """For each row of `table`: whether the child has a row in the previous year's return, and that row's
    `column` (NaN where none). Both all-False/NaN when no previous return is at hand (the merged history)."""
    t = r[table]
    prev = (r.prev or {}).get(table)
    if prev is None or prev.empty:
        return pd.Series(False, index=t.index), pd.Series(float("nan"), index=t.index, dtype=object)
    last = prev.drop_duplicates("CHILD", keep="last").set_index("CHILD")[column]
    return has(t["CHILD"], last.index), t["CHILD"].map(last)


def header_rules(table: str, name: str, int_child: str, int_dob: str) -> None:
    """The DfE's internal checks of one table against Header: the child is in Header (`int_child`), and the
    table's DOB, where both are given, is Header's (`int_dob`)."""

    def no_header(r: Return):
        return ~has(r[table]["CHILD"], r["header"]["CHILD"])

    def other_dob(r: Return):
        t = r[table]
        dob = r.dob(t)
        return t["DOB"].notna() & dob.notna() & t["DOB"].ne(
            dob
        ), lambda: "DOB " + show(t["DOB"]) + ", Header " + show(dob)

    rule(int_child, table, "CHILD", f"Internal Check: Child in {name} does not exist in Header.")(no_header)
    rule(int_dob, table, "DOB", f"Internal Check: DOB in {name} is different to DOB in Header.")(other_dob)


# ---- adoption, OC2 and OC3 helpers (adoption, placed_adoption, oc2, leavers) -----------------------------

AD1_FIELDS = ("DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR")
OC3_FIELDS = ("IN_TOUCH", "ACTIV", "ACCOM")
# the data items of children looked after continuously for 12 months (1 yes, 0 no): OC2's columns after the SDQ
OC2_ITEMS = tuple(c for c in TABLES["oc2"].columns if c not in ("CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON"))
OC2_CORE = ("IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE")  # every OC2 child's


def filled(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.Series:
    """Whether any of `columns` is given on each row."""
    return frame[list(columns)].notna().any(axis=1)


def carried(frame: pd.DataFrame, column: str) -> pd.Series:
    """Whether each row's file carries `column` at all (some row of that file has it): a check that an item is
    given applies only there, as an extract without the item (postcodes or UPNs left out for privacy, or a case
    system that does not export it) would otherwise fail it on every row."""
    return frame[column].notna().groupby(frame["SOURCE_FILE"]).transform("any").astype(bool)


def pair_rule(
    code: str, table: str, when: tuple[str, tuple[str, ...]], then: tuple[str, tuple[str, ...]], message: str
):
    """Register rule `code`: where column when[0] is one of when[1], column then[0] must be one of then[1] (a blank
    there breaks the rule too)."""

    def check(r: Return):
        t = r[table]
        bad = t[when[0]].isin(when[1]) & ~t[then[0]].isin(then[1])
        return bad, lambda: f"{when[0]} " + t[when[0]].fillna("blank") + f", {then[0]} " + t[then[0]].fillna("blank")

    rule(code, table, then[0], message)(check)


def previous(r: Return, table: str) -> pd.DataFrame | None:
    """The previous year's `table` when this is one year's return and that table is at hand, else None."""
    prev = (r.prev or {}).get(table) if r.year is not None else None
    return None if prev is None or prev.empty else prev


def row_dob(r: Return, table: str) -> pd.Series:
    """Each row's DOB: the table's own, else Header's."""
    t = r[table]
    return t["DOB"].fillna(r.dob(t))


def on_or_after_birthday(r: Return, table: str, years: int, date: pd.Series) -> pd.Series:
    """Whether `date` is on or after each row's child's `years`th birthday."""
    return row_dob(r, table) + pd.DateOffset(years=years) <= date
