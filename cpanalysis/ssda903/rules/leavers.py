"""OC3 rules (care leavers): codes, eligibility, and the care leaver's other tables (Header MOTHER, UASC)."""

from __future__ import annotations

import pandas as pd

from cpanalysis.categories import ADOPTED, SHORT_BREAK_LS
from cpanalysis.ssda903.rules.core import (
    OC3_ACCOM,
    OC3_ACTIV,
    OC3_FIELDS,
    OC3_IN_TOUCH,
    Return,
    age_on,
    code_rule,
    filled,
    has,
    last_birthday,
    last_year,
    on_or_after_birthday,
    previous,
    row_dob,
    rule,
    year_end_of,
    year_start_of,
)
from cpanalysis.ssda903.rules.oc2 import in_cohort
from cpanalysis.ssda903.schema import year_end, year_start

RELEVANT_DAYS = 91  # 13 weeks looked after since the 14th birthday (a relevant or former relevant child)

code_rule("131", "oc3", "IN_TOUCH", OC3_IN_TOUCH, "Data entry for being in touch after leaving care is invalid.")
code_rule("132", "oc3", "ACTIV", OC3_ACTIV, "Data entry for activity after leaving care is invalid.")
code_rule("133", "oc3", "ACCOM", OC3_ACCOM, "Data entry for accommodation after leaving care is invalid.")


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
    return filled & (dob + pd.DateOffset(years=17) > year_end_of(oc3))


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
    return (oc3["YEAR"] >= eps["YEAR"].min() + 5) & ~has(oc3["CHILD"], eps["CHILD"])


@rule(
    "1007",
    "oc3",
    "CHILD",
    "Care leaver information is not required for 17- or 18-year olds who are still looked after.",
)
def _1007(r: Return):
    oc3, eps = r["oc3"], r["episodes"]
    dob = oc3["DOB"].fillna(r.dob(oc3))
    end = year_end_of(oc3)
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


def _given(r: Return) -> pd.Series:
    """Whether each OC3 row has any care leaver information."""
    return filled(r["oc3"], OC3_FIELDS)


def _last_episode(eps: pd.DataFrame) -> pd.DataFrame:
    """Each child's latest episode (by DECOM), indexed by CHILD."""
    return (
        eps.sort_values(["CHILD", "DECOM"], kind="mergesort").drop_duplicates("CHILD", keep="last").set_index("CHILD")
    )


def _looked_after_in_year(r: Return, table: str) -> pd.Series:
    """Whether each row's child has an episode open at some time in the row's collection year."""
    t, eps = r[table], r["episodes"]
    m = (
        t[["CHILD"]]
        .assign(_S=year_start_of(t), _E=year_end_of(t))
        .reset_index()
        .merge(eps[["CHILD", "DECOM", "DEC"]], on="CHILD")
    )
    hit = (m["DECOM"] <= m["_E"]) & (m["DEC"].isna() | (m["DEC"] >= m["_S"]))
    return hit.groupby(m["index"]).any().reindex(t.index, fill_value=False)


def _with_leaver(r: Return, table: str) -> pd.Series:
    """Whether each row's child has care leaver information in the same year's OC3."""
    t, oc3 = r[table], r["oc3"]
    leavers = oc3.loc[_given(r), ["CHILD", "YEAR"]].drop_duplicates()
    m = t[["CHILD", "YEAR"]].reset_index().merge(leavers, on=["CHILD", "YEAR"])
    return pd.Series(t.index.isin(m["index"]), index=t.index)


def _care_days_since(m: pd.DataFrame, birthday: pd.Series, end: pd.Series) -> pd.Series:
    """Days of each merged episode row on or after `birthday` (0 when it ended before)."""
    since = m["DECOM"].where(m["DECOM"] > birthday, birthday)
    return (end - since).dt.days.clip(lower=0)


@rule(
    "1001",
    "oc3",
    "CHILD",
    "The episodes of this young person show they are not a relevant or former relevant care leaver (looked after "
    "for 13 weeks since their 14th birthday and on or after their 16th, and not adopted), so should not have care "
    "leaver information.",
    scope="history",
)
def _1001(r: Return):
    """Checked on the history, and only where the data reach back far enough: the 13 weeks when the 14th birthday
    is in a loaded year or later, care after 16 when the 16th birthday is (short breaks, LS V3/V4, do not count)."""
    oc3, eps = r["oc3"], r["episodes"]
    if eps.empty:
        return pd.Series(False, index=oc3.index)
    first, last = pd.Timestamp(year_start(int(eps["YEAR"].min()))), pd.Timestamp(year_end(int(eps["YEAR"].max())))
    care = eps[~eps["LS"].isin(SHORT_BREAK_LS)]
    m = oc3[["CHILD"]].assign(_DOB=row_dob(r, "oc3")).reset_index().merge(care[["CHILD", "DECOM", "DEC"]], on="CHILD")
    end = m["DEC"].fillna(last)
    b14, b16 = m["_DOB"] + pd.DateOffset(years=14), m["_DOB"] + pd.DateOffset(years=16)
    m["_D14"], m["_D16"] = _care_days_since(m, b14, end), _care_days_since(m, b16, end)
    days = m.groupby("index")[["_D14", "_D16"]].sum().reindex(oc3.index, fill_value=0)
    dob = row_dob(r, "oc3")
    short = (dob + pd.DateOffset(years=14) >= first) & days["_D14"].lt(RELEVANT_DAYS)
    never16 = (dob + pd.DateOffset(years=16) >= first) & days["_D16"].eq(0)
    adopted = oc3["CHILD"].map(_last_episode(eps)["REC"]).isin(ADOPTED)
    return _given(r) & has(oc3["CHILD"], eps["CHILD"]) & (short | never16 | adopted)


@rule(
    "1016",
    "oc3",
    "CHILD",
    "Care leaver information is not required for 17- or 18-year olds who ceased to be looked after after their "
    "latest birthday.",
)
def _1016(r: Return):
    """Ceasing on the birthday itself (e.g. E17 on the 18th) is not 'after' it: such a young person is the care leaver
    the OC3 is for (the DfE tool, comparing DEC >= birthday, flags them too)."""
    oc3, eps = r["oc3"], r["episodes"]
    end = year_end_of(oc3)
    age = age_on(row_dob(r, "oc3"), end)
    m = (
        oc3[["CHILD"]]
        .assign(_BDAY=last_birthday(row_dob(r, "oc3"), end), _END=end)
        .reset_index()
        .merge(eps[["CHILD", "DEC"]], on="CHILD")
    )
    hit = ((m["DEC"] > m["_BDAY"]) & (m["DEC"] <= m["_END"])).groupby(m["index"]).any()
    return _given(r) & age.between(17, 18) & hit.reindex(oc3.index, fill_value=False)


@rule(
    "153",
    "oc3",
    "CHILD",
    "All data items about a care leaver's contact, activity and accommodation must be completed, or all left blank.",
)
def _153(r: Return):
    return _given(r) & r["oc3"][list(OC3_FIELDS)].isna().any(axis=1)


@rule(
    "344",
    "oc3",
    "IN_TOUCH",
    "The young person has died (DIED) or returned home for 6 months or more (RHOM), but activity or accommodation is "
    "completed (it should be 0).",
)
def _344(r: Return):
    oc3 = r["oc3"]
    return oc3["IN_TOUCH"].isin(("DIED", "RHOM")) & (oc3["ACTIV"].ne("0") | oc3["ACCOM"].ne("0"))


@rule(
    "345",
    "oc3",
    "IN_TOUCH",
    "The local authority is in touch with this young person (YES), but activity or accommodation is 0.",
)
def _345(r: Return):
    oc3 = r["oc3"]
    return oc3["IN_TOUCH"].eq("YES") & (oc3["ACTIV"].eq("0") | oc3["ACCOM"].eq("0"))


@rule("347", "oc3", "ACCOM", "Care leavers aged under 18 cannot be accommodated in a foyer (ACCOM T).")
def _347(r: Return):
    oc3 = r["oc3"]
    return oc3["ACCOM"].str.startswith("T").fillna(False) & ~on_or_after_birthday(r, "oc3", 18, year_start_of(oc3))


@rule(
    "3001",
    "oc3",
    "ACCOM",
    "Care leaver information around the 17th birthday cannot show the young person living with former foster "
    "carer(s) (ACCOM Z).",
)
def _3001(r: Return):
    oc3 = r["oc3"]
    turns = on_or_after_birthday(r, "oc3", 17, year_end_of(oc3)) & ~on_or_after_birthday(
        r, "oc3", 17, year_start_of(oc3) - pd.Timedelta(days=1)
    )
    return oc3["ACCOM"].isin(("Z1", "Z2")) & turns


@rule(
    "348",
    "oc3",
    "IN_TOUCH",
    "Care leaver was reported as having died (IN_TOUCH DIED) in last year's return.",
    scope="return",
)
def _348(r: Return):
    oc3 = r["oc3"]
    _, was = last_year(r, "oc3", "IN_TOUCH")
    return was.eq("DIED") & oc3["IN_TOUCH"].ne("DIED")


@rule(
    "1000",
    "oc3",
    "CHILD",
    "This child died in care (REC E2), so should not have care leaver information (checked on this and, for one "
    "year's return, last year's episodes).",
)
def _1000(r: Return):
    oc3 = r["oc3"]
    eps = [r["episodes"]] + [p for p in [previous(r, "episodes")] if p is not None]
    died = pd.concat([e.loc[e["REC"].eq("E2"), "CHILD"] for e in eps])
    return _given(r) & has(oc3["CHILD"], died)


@rule(
    "1010",
    "oc3",
    "CHILD",
    "This child has no episodes in this year's return though their last episode in last year's was open: check "
    "whether they are a care leaver.",
    scope="return",
)
def _1010(r: Return):
    oc3, last = r["oc3"], previous(r, "episodes")
    if last is None:
        return pd.Series(False, index=oc3.index)
    ended = _last_episode(last)["DEC"]
    still_open = ended.index[ended.isna()]
    return _given(r) & has(oc3["CHILD"], still_open) & ~has(oc3["CHILD"], r["episodes"]["CHILD"])


@rule(
    "1011",
    "oc3",
    "CHILD",
    "This child's care was transferred to another local authority (final REC E3), so should not have care leaver "
    "information.",
)
def _1011(r: Return):
    oc3 = r["oc3"]
    final = _last_episode(r["episodes"])["REC"]
    return _given(r) & oc3["CHILD"].map(final).eq("E3")


@rule(
    "187",
    "oc3",
    "CHILD",
    "Child looked after continuously for 12 months at 31 March cannot have care leaver information.",
)
def _187(r: Return):
    return _given(r) & in_cohort(r, "oc3")


@rule(
    "628",
    "header",
    "MOTHER",
    "Motherhood details are not required for care leavers who have not been looked after during the year.",
)
def _628(r: Return):
    header = r["header"]
    return header["MOTHER"].notna() & _with_leaver(r, "header") & ~_looked_after_in_year(r, "header")


@rule("1014", "uasc", "DUC", "UASC information is not required for care leavers not looked after during the year.")
def _1014(r: Return):
    return _with_leaver(r, "uasc") & ~_looked_after_in_year(r, "uasc")
