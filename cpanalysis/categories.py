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


RESIDENTIAL = ("K2", "R1", "R2")
EXTERNAL_PROVIDERS = ("PR2", "PR3", "PR4", "PR5")


def placement_category(place: pd.Series, provider: pd.Series) -> pd.Series:
    """Placement category of each episode, from PLACE (the DfE's placement codes) and, for foster care, PLACE_PROVIDER.

    In-house foster: U1-U6 with own-LA provision (PR1), family-and-friends included. External foster ("External
    (IFA) foster"): U1-U6 provided by anyone other than the LA itself -- PR2 another LA, PR3 other public, PR4
    private, PR5 voluntary (independent fostering agencies are PR4/PR5, most of it). A foster placement with no (or
    an unknown) provider is neither: it goes to Other, never to external. Residential: residential care the LA
    commissions -- children's homes K2, residential care homes R1, NHS / health settings R2. Secure: K1. Residential
    school: S1. Supported / semi-independent: H5, K3, P2. Placed for adoption: A3-A6. Placed with parents: P1.
    Other: R3 family centre / mother and baby unit, R5 young offender institution or prison (custody, not residential
    care), T0-T4, Z1, Z11-Z14 and anything unrecognised. The DfE's own tables ("Children looked after in England
    including adoptions", by placement) keep foster care, adoption, parents, secure units and children's homes,
    residential schools apart in the same way; their "other residential settings" group puts R1, R2, R3 and R5
    together, which is why R5 is not counted here as residential care.
    """
    # every pair of the distinct codes (a few hundred) is categorised once, then looked up for each episode
    p_codes, p_values = pd.factorize(place, use_na_sentinel=False)
    v_codes, v_values = pd.factorize(provider, use_na_sentinel=False)
    pairs_place = pd.Series(np.repeat(np.asarray(p_values, dtype=object), len(v_values)), dtype=object)
    pairs_provider = pd.Series(np.tile(np.asarray(v_values, dtype=object), len(p_values)), dtype=object)
    grid = _category_of(pairs_place, pairs_provider).reshape(len(p_values), len(v_values))
    return pd.Series(grid[p_codes, v_codes], index=place.index, dtype=object)


def _category_of(place: pd.Series, provider: pd.Series) -> np.ndarray:
    """placement_category's rules, code by code."""
    place = place.astype(object).fillna("").astype(str)
    provider = provider.astype(object).fillna("").astype(str)
    conditions = [
        place.isin(FOSTER) & (provider == "PR1"),
        place.isin(FOSTER) & provider.isin(EXTERNAL_PROVIDERS),
        place.isin(RESIDENTIAL),
        place == "K1",
        place == "S1",
        place.isin(["H5", "K3", "P2"]),
        place.isin(ADOPTION_PLACEMENTS),
        place == "P1",
    ]
    return np.select(conditions, PLACEMENT_CATEGORIES[:-1], default="Other").astype(object)


def in_order(columns) -> list[str]:
    """The placement categories among `columns`, in PLACEMENT_CATEGORIES order (for chart stacks and tables)."""
    present = {str(c) for c in columns}
    return [c for c in PLACEMENT_CATEGORIES if c in present]
