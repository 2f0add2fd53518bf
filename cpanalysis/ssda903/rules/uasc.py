"""UASC rules: the date unaccompanied asylum-seeking child status ceased (DUC), and the UASC table against
Header. (The rules on Header's UASC flag, 105, 205A-D and 303, need the XML return's flag, which the CSV
tables do not carry.)"""

from __future__ import annotations

import pandas as pd

from cpanalysis.ssda903.rules.core import (
    Return,
    header_rules,
    rule,
    show,
    year_start_of,
)


@rule(
    "104",
    "uasc",
    "DUC",
    "Date for Unaccompanied Asylum-Seeking Children (UASC) status ceased is not a valid date (before the "
    "collection year started).",
)
def _104(r: Return):
    u = r["uasc"]
    return u["DUC"] < year_start_of(u), lambda: "DUC " + show(u["DUC"])


@rule(
    "304",
    "uasc",
    "DUC",
    "Date unaccompanied asylum-seeking child (UASC) status ceased must be on or before the 18th birthday of a child.",
)
def _304(r: Return):
    u = r["uasc"]
    dob = u["DOB"].fillna(r.dob(u))
    return u["DUC"] > dob + pd.DateOffset(years=18), lambda: "DUC " + show(u["DUC"]) + ", DOB " + show(dob)


header_rules("uasc", "UASC", "INT09", "INT18")


@rule("INT21", "uasc", "SEX", "Internal Check: SEX in UASC is different to SEX in Header.")
def _int21(r: Return):
    u = r["uasc"]
    sex = u["CHILD"].map(r["header"].drop_duplicates("CHILD", keep="last").set_index("CHILD")["SEX"])
    return u["SEX"].notna() & sex.notna() & u["SEX"].ne(sex), lambda: "SEX " + u["SEX"].fillna("blank")
