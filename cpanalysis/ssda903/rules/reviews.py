"""Reviews rules: participation codes."""

from __future__ import annotations

from cpanalysis.ssda903.rules.core import (
    REVIEW_CODES,
    Return,
    rule,
)


@rule("167", "reviews", "REVIEW_CODE", "Data entry for participation is invalid or blank.")
def _167(r: Return):
    rv = r["reviews"]
    ok = (rv["REVIEW"].notna() & rv["REVIEW_CODE"].isin(REVIEW_CODES)) | (
        rv["REVIEW"].isna() & rv["REVIEW_CODE"].isna()
    )
    return ~ok, "REVIEW_CODE " + rv["REVIEW_CODE"].fillna("blank")
