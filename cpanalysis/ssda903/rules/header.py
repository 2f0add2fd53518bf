"""Header rules: values not entered, date of birth, a child with episodes but no Header row."""

from __future__ import annotations

from cpanalysis.ssda903.rules.core import (
    Return,
    blank_rule,
    rule,
)

blank_rule("101", "header", "SEX", "Gender code is not entered.")
blank_rule("103", "header", "ETHNIC", "The ethnicity code has not been entered.")


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
