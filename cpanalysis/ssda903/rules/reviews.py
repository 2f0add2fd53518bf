"""Reviews rules: participation codes, the participation code against the child's age, reviews inside care,
and the Reviews table against Header."""

from __future__ import annotations

import pandas as pd

from cpanalysis.periods import period_bounds
from cpanalysis.ssda903.rules.core import (
    REVIEW_CODES,
    Return,
    age_on,
    has,
    header_rules,
    rule,
    show,
)


@rule("167", "reviews", "REVIEW_CODE", "Data entry for participation is invalid or blank.")
def _167(r: Return):
    rv = r["reviews"]
    ok = (rv["REVIEW"].notna() & rv["REVIEW_CODE"].isin(REVIEW_CODES)) | (
        rv["REVIEW"].isna() & rv["REVIEW_CODE"].isna()
    )
    return ~ok, lambda: "REVIEW_CODE " + rv["REVIEW_CODE"].fillna("blank")


def _review_age(r: Return) -> pd.Series:
    """The child's age in whole years on the review date (Reviews' DOB, else Header's)."""
    rv = r["reviews"]
    return age_on(rv["DOB"].fillna(r.dob(rv)), rv["REVIEW"])


@rule(
    "440",
    "reviews",
    "REVIEW_CODE",
    "Participation method indicates child was under 4 years old at the time of the review, but date of birth "
    "and review date indicates the child was 4 years old or over.",
)
def _440(r: Return):
    rv, age = r["reviews"], _review_age(r)
    return rv["REVIEW_CODE"].eq("PN0") & (age >= 4), lambda: "PN0 at age " + age.astype("Int64").astype(str)


@rule(
    "441",
    "reviews",
    "REVIEW_CODE",
    "Participation method indicates child was 4 years old or over at the time of the review, but the date of "
    "birth and review date indicates the child was under 4 years old.",
)
def _441(r: Return):
    rv, age = r["reviews"], _review_age(r)
    return rv["REVIEW_CODE"].isin(REVIEW_CODES[1:]) & (
        age < 4
    ), lambda: rv["REVIEW_CODE"].fillna("blank") + (" at age " + age.astype("Int64").astype(str))


@rule(
    "review_outside_care",
    "reviews",
    "REVIEW",
    "Review is not within a period of care of the child's: not counted.",
    severity="warning",
    dfe=False,
    scope="history",
)
def _review_outside_care(r: Return):
    """Reviews of children with episodes whose date falls in none of the child's periods of care."""
    rv, eps = r["reviews"], r["episodes"]
    known = rv[has(rv["CHILD"], eps["CHILD"]) & rv["REVIEW"].notna()]
    if eps.empty or known.empty:
        return pd.Series(False, index=rv.index)
    per = period_bounds(r.periods())[["CHILD", "START", "END"]]
    m = known[["CHILD", "REVIEW"]].reset_index().merge(per, on="CHILD")
    hit = (m["START"] <= m["REVIEW"]) & (m["END"].isna() | (m["REVIEW"] <= m["END"]))
    bad = rv.index.isin(known.index) & ~rv.index.isin(m.loc[hit, "index"])
    return pd.Series(bad, index=rv.index), lambda: "review on " + show(rv["REVIEW"])


header_rules("reviews", "Reviews", "INT08", "INT17")
