"""OC2 rules: the outcomes (health, SDQ, convictions, substance misuse) of children looked after continuously for
12 months at 31 March (the OC2 cohort, cpanalysis.health.oc2_cohort)."""

from __future__ import annotations

import pandas as pd

from cpanalysis.health import oc2_cohort
from cpanalysis.periods import period_bounds
from cpanalysis.ssda903.rules.core import (
    OC2_CORE,
    OC2_ITEMS,
    OC3_FIELDS,
    Return,
    code_rule,
    filled,
    on_or_after_birthday,
    rule,
    year_end_of,
    year_start_of,
)

SDQ = ("SDQ_SCORE", "SDQ_REASON")
YES, NO = "1", "0"

code_rule(
    "196",
    "oc2",
    "SDQ_REASON",
    ("SDQ1", "SDQ2", "SDQ3", "SDQ4", "SDQ5"),
    "Reason for no Strengths and Difficulties (SDQ) score is not a valid code.",
    blank_ok=True,
)


def in_cohort(r: Return, table: str = "oc2") -> pd.Series:
    """Whether each row's child (of `table`, OC2 unless said) was looked after continuously for 12 months at 31 March
    of the row's year."""
    if ("cohort", table) not in r._cache:
        t = r[table]
        keys = pd.concat(
            [_cohort_of(r, int(y)) for y in t["YEAR"].unique()] or [pd.DataFrame(columns=["CHILD", "YEAR"])]
        )
        m = t[["CHILD", "YEAR"]].reset_index().merge(keys, on=["CHILD", "YEAR"])
        r._cache[("cohort", table)] = pd.Series(t.index.isin(m["index"]), index=t.index)
    return r._cache[("cohort", table)]


def _cohort_of(r: Return, year: int) -> pd.DataFrame:
    """The OC2 cohort's children (CHILD, YEAR) of collection `year`, worked out once per return (OC2 and OC3 ask)."""
    if ("cohort_of", year) not in r._cache:
        if "bounds" not in r._cache:
            r._cache["bounds"] = period_bounds(r.periods())
        cohort = oc2_cohort(r.periods(), year, bounds=r._cache["bounds"])
        r._cache[("cohort_of", year)] = cohort[["CHILD"]].assign(YEAR=year)
    return r._cache[("cohort_of", year)]


def _aged(r: Return, years: int, at: str) -> pd.Series:
    """Whether each OC2 row's child is `years` or older at the start or end (`at`) of the row's year."""
    oc2 = r["oc2"]
    return on_or_after_birthday(r, "oc2", years, year_start_of(oc2) if at == "start" else year_end_of(oc2))


def _core_blank(oc2: pd.DataFrame) -> pd.Series:
    return oc2[list(OC2_CORE)].isna().any(axis=1)


@rule("180", "oc2", "SDQ_SCORE", "Strengths and Difficulties Questionnaire (SDQ) score is invalid: it must be 0-40.")
def _180(r: Return):
    score = r["oc2"]["SDQ_SCORE"]
    num = pd.to_numeric(score, errors="coerce")
    return score.notna() & ~(num.between(0, 40) & num.eq(num.round())), lambda: "SDQ_SCORE " + score.fillna("blank")


@rule("181", "oc2", "CHILD", "Data items about children looked after continuously for 12 months must be 0 or 1.")
def _181(r: Return):
    oc2 = r["oc2"]
    items = oc2[list(OC2_ITEMS)]
    bad = items.notna() & ~items.isin((YES, NO))
    hit = bad.any(axis=1)
    detail = pd.Series("", index=oc2.index)  # named only on the rows reported, not formatted for every row
    detail[hit] = [", ".join(c for c, b in zip(OC2_ITEMS, row) if b) for row in bad[hit].to_numpy()]
    return hit, detail


@rule(
    "182",
    "oc2",
    "CHILD",
    "Immunisations, teeth check, health assessment and substance misuse must all be completed, or every OC2 item "
    "left blank.",
)
def _182(r: Return):
    oc2 = r["oc2"]
    others = tuple(c for c in OC2_ITEMS if c not in OC2_CORE)
    return _core_blank(oc2) & filled(oc2, others)


@rule(
    "544",
    "oc2",
    "CONVICTED",
    "A child with conviction information must also have immunisations, teeth check, health assessment and substance "
    "misuse completed.",
)
def _544(r: Return):
    oc2 = r["oc2"]
    return oc2["CONVICTED"].eq(YES) & _core_blank(oc2)


@rule(
    "547",
    "oc2",
    "HEALTH_CHECK",
    "A child with health promotion (development assessment) information must also have immunisations, teeth check, "
    "health assessment and substance misuse completed.",
)
def _547(r: Return):
    oc2 = r["oc2"]
    return oc2["HEALTH_CHECK"].eq(YES) & _core_blank(oc2)


@rule(
    "158",
    "oc2",
    "INTERVENTION_OFFERED",
    "The child received an intervention for substance misuse, so whether one was offered should be left blank.",
)
def _158(r: Return):
    oc2 = r["oc2"]
    return oc2["INTERVENTION_RECEIVED"].eq(YES) & oc2["INTERVENTION_OFFERED"].notna()


@rule(
    "159",
    "oc2",
    "INTERVENTION_OFFERED",
    "The child did not receive an intervention for substance misuse, so whether one was offered must be completed.",
)
def _159(r: Return):
    oc2 = r["oc2"]
    no_help = oc2["SUBSTANCE_MISUSE"].eq(YES) & oc2["INTERVENTION_RECEIVED"].eq(NO)
    return no_help & oc2["INTERVENTION_OFFERED"].isna()


@rule(
    "192",
    "oc2",
    "INTERVENTION_RECEIVED",
    "Child has a substance misuse problem but whether an intervention was received is blank.",
)
def _192(r: Return):
    oc2 = r["oc2"]
    return oc2["SUBSTANCE_MISUSE"].eq(YES) & oc2["INTERVENTION_RECEIVED"].isna()


@rule(
    "193",
    "oc2",
    "SUBSTANCE_MISUSE",
    "Child is not identified as having a substance misuse problem but whether an intervention was offered or received "
    "is completed.",
)
def _193(r: Return):
    oc2 = r["oc2"]
    return ~oc2["SUBSTANCE_MISUSE"].eq(YES) & filled(oc2, ("INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"))


@rule(
    "197a",
    "oc2",
    "SDQ_REASON",
    "A reason for no SDQ score is not needed when the SDQ score is completed.",
)
def _197a(r: Return):
    oc2 = r["oc2"]
    return oc2["SDQ_SCORE"].notna() & oc2["SDQ_REASON"].notna()


# ---- by age (on the row's DOB, else Header's) --------------------------------------------------------


@rule(
    "188",
    "oc2",
    "SDQ_SCORE",
    "Child is aged under 4 at the end of the year, but an SDQ score or a reason for no SDQ score is completed.",
)
def _188(r: Return):
    return ~_aged(r, 4, "end") & filled(r["oc2"], SDQ)


@rule(
    "189",
    "oc2",
    "SDQ_SCORE",
    "Child is aged 17 or over at the start of the year, but an SDQ score or a reason for no SDQ score is completed.",
)
def _189(r: Return):
    return _aged(r, 17, "start") & filled(r["oc2"], SDQ)


@rule("542", "oc2", "CONVICTED", "A child aged under 10 at 31 March should not have conviction information.")
def _542(r: Return):
    return ~_aged(r, 10, "end") & r["oc2"]["CONVICTED"].notna()


# ---- by age and the cohort ---------------------------------------------------------------------------


@rule(
    "186",
    "oc2",
    "SDQ_SCORE",
    "Child aged 4 or over at the start of the year and under 17 at its end, looked after continuously for 12 months, "
    "has neither an SDQ score nor a reason for none.",
)
def _186(r: Return):
    return _aged(r, 4, "start") & ~_aged(r, 17, "end") & in_cohort(r) & ~filled(r["oc2"], SDQ)


@rule(
    "197B",
    "oc2",
    "SDQ_SCORE",
    "Child turning 4 or 17 during the year, looked after continuously for 12 months: an SDQ score or a reason for "
    "none should be reported.",
    severity="warning",
)
def _197b(r: Return):
    turns = (_aged(r, 4, "end") & ~_aged(r, 4, "start")) | (_aged(r, 17, "end") & ~_aged(r, 17, "start"))
    return turns & in_cohort(r) & ~filled(r["oc2"], SDQ)


@rule(
    "157",
    "oc2",
    "SDQ_REASON",
    "Child aged 4 or over at the start of the year and 16 or under at its end has SDQ1 (no form returned because the "
    "child is aged under 4 or over 16) as the reason for no SDQ score.",
)
def _157(r: Return):
    oc2 = r["oc2"]
    return (
        _aged(r, 4, "start")
        & ~_aged(r, 17, "end")
        & in_cohort(r)
        & oc2["SDQ_SCORE"].isna()
        & oc2["SDQ_REASON"].eq("SDQ1")
    )


@rule(
    "543",
    "oc2",
    "CONVICTED",
    "Child aged 10 or over at 31 March, looked after continuously for 12 months, has no conviction information.",
)
def _543(r: Return):
    return _aged(r, 10, "end") & in_cohort(r) & r["oc2"]["CONVICTED"].isna()


@rule(
    "545",
    "oc2",
    "HEALTH_CHECK",
    "Child aged under 5 at 31 March, looked after continuously for 12 months, has no health promotion (development "
    "assessment) information.",
)
def _545(r: Return):
    return ~_aged(r, 5, "end") & in_cohort(r) & r["oc2"]["HEALTH_CHECK"].isna()


@rule(
    "546",
    "oc2",
    "HEALTH_CHECK",
    "Children aged 5 or over at 31 March should not have health promotion (development assessment) information.",
)
def _546(r: Return):
    return _aged(r, 5, "end") & in_cohort(r) & r["oc2"]["HEALTH_CHECK"].notna()


@rule(
    "191",
    "oc2",
    "CHILD",
    "Child looked after continuously for 12 months at 31 March, but immunisations, teeth check, health assessment or "
    "substance misuse is blank.",
)
def _191(r: Return):
    return in_cohort(r) & _core_blank(r["oc2"])


# ---- not in the cohort: the row is left out of the outcome measures ------------------------------------------


@rule(
    "190",
    "oc2",
    "CHILD",
    "Child not looked after continuously for 12 months at 31 March, but data items for children looked after 12 "
    "months are completed: left out of the health and offending measures.",
)
def _190(r: Return):
    return ~in_cohort(r) & filled(r["oc2"], OC2_ITEMS)


@rule(
    "185",
    "oc2",
    "SDQ_SCORE",
    "Child not looked after continuously for 12 months at 31 March, but an SDQ score is completed: left out of the "
    "SDQ measures.",
)
def _185(r: Return):
    return ~in_cohort(r) & r["oc2"]["SDQ_SCORE"].notna()


@rule(
    "198",
    "oc2",
    "SDQ_REASON",
    "Child not looked after continuously for 12 months at 31 March, but a reason for no SDQ score is completed.",
)
def _198(r: Return):
    return ~in_cohort(r) & r["oc2"]["SDQ_REASON"].notna()


@rule(
    "215",
    "oc2",
    "CHILD",
    "Child has care leaver (OC3) information but data items for children looked after 12 months are completed.",
)
def _215(r: Return):
    oc2, oc3 = r["oc2"], r["oc3"]
    leavers = oc3.loc[filled(oc3, OC3_FIELDS), ["CHILD", "YEAR"]].drop_duplicates()
    m = oc2[["CHILD", "YEAR"]].reset_index().merge(leavers, on=["CHILD", "YEAR"])
    return oc2.index.isin(m["index"]) & filled(oc2, OC2_ITEMS)
