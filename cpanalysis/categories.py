"""Groupings of 903 codes used across the measures, costs and charts (one place, one definition)."""

from __future__ import annotations

import numpy as np
import pandas as pd

SHORT_BREAK_LS = ("V3", "V4")
PLACEMENT_ORDER_LS = ("E1", "D1")
ADOPTED = ("E11", "E12")
# Special guardianship orders of every collection year: E43/E44 to 2017/18, E45-E48 from 2018/19 (the code lists
# by year are in cpanalysis.ssda903.schema, from the liia-tools SSDA903_schema_20xx.yml files). A code's meaning does
# not change with the year, so grouping uses all of them; whether a code is valid in its year is validation's job.
# (a test checks this tuple against the schema's code lists).
SGO = ("E43", "E44", "E45", "E46", "E47", "E48")
CHILD_ARRANGEMENTS = ("E41",)
RETURNED_HOME = ("E4A", "E4B")
ADULTHOOD = ("E5", "E6", "E17")
ADOPTION_PLACEMENTS = ("A3", "A4", "A5", "A6")
ADOPTION_WITH_CURRENT_CARER = ("A3", "A5")
FOSTER = ("U1", "U2", "U3", "U4", "U5", "U6")
KINSHIP_FOSTER = ("U1", "U2", "U3")

# Reason groups for children ceasing to be looked after (DOMAIN.md, issue 4).
REASON_GROUPS: dict[str, tuple[str, ...]] = {
    "Adopted": ADOPTED,
    "Special guardianship order": SGO,
    "Child arrangements order": CHILD_ARRANGEMENTS,
    "Returned home": RETURNED_HOME,
    "Turned 18 / independent living": ADULTHOOD,
}
OTHER_REASON = "Other"

# Placement categories from PLACE x PLACE_PROVIDER, cheapest-to-explain order for charts and costs.
PLACEMENT_CATEGORIES = (
    "In-house foster",
    "External (IFA) foster",
    "Residential",
    "Secure",
    "Residential school",
    "Supported / semi-independent",
    "Placed for adoption",
    "Placed with parents",
    "Other",
)


def reason_group(rec: pd.Series) -> pd.Series:
    """Group REC codes: adopted E11/E12, special guardianship order E43/E44 (to 2017/18) and E45-E48 (from
    2018/19), child arrangements E41, returned home E4A/E4B,
    turned 18 / independent living E5/E6/E17, everything else 'Other'."""
    out = pd.Series(OTHER_REASON, index=rec.index, dtype=object)
    for name, codes in REASON_GROUPS.items():
        out[rec.isin(codes)] = name
    return out


def placement_category(place: pd.Series, provider: pd.Series) -> pd.Series:
    """Placement category of each episode.

    In-house foster: U1-U6 with own-LA provision (PR1), family-and-friends included; external (IFA)
    foster: U1-U6 with any other provider (PR2-PR5, other LA and private/voluntary agencies);
    residential: K2, R1, R2, R5; secure: K1; residential school: S1; supported / semi-independent:
    H5, K3, P2; placed for adoption: A3-A6; placed with parents: P1; other: R3, T0-T4, Z1, Z11-Z14 and
    anything unrecognised.
    """
    place = place.astype(object).fillna("").astype(str)
    provider = provider.astype(object).fillna("").astype(str)
    conditions = [
        place.isin(FOSTER) & (provider == "PR1"),
        place.isin(FOSTER),
        place.isin(["K2", "R1", "R2", "R5"]),
        place == "K1",
        place == "S1",
        place.isin(["H5", "K3", "P2"]),
        place.isin(ADOPTION_PLACEMENTS),
        place == "P1",
    ]
    values = np.select(conditions, PLACEMENT_CATEGORIES[:-1], default="Other")
    return pd.Series(values, index=place.index, dtype=object)
