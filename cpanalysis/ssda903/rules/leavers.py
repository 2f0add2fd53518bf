"""OC3 rules (care leavers): codes and eligibility."""

from __future__ import annotations

import pandas as pd

from cpanalysis.ssda903.rules.core import (
    OC3_ACCOM,
    OC3_ACTIV,
    OC3_IN_TOUCH,
    Return,
    age_on,
    code_rule,
    has,
    last_birthday,
    rule,
    year_end_of,
)

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
