"""Published comparators for an LA: England and its region, from the DfE's statistics in data/reference/
(Open Government Licence v3.0)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from cpanalysis.paths import REFERENCE


def published_rates(la_code: str, measure: str = "cla_31_march", path: str | Path | None = None) -> pd.DataFrame:
    """Published rates per 10,000 children for the LA, its region and England, by year ending 31 March:
    columns year_ending_march, area (LA name / region name / England), level, children, rate_per_10k."""
    path = Path(path) if path else REFERENCE / "published_cla_rates.csv"
    pub = pd.read_csv(path, dtype={"area_code": str, "region_code": str})
    pub = pub[pub["measure"] == measure]
    la = pub[(pub["area_code"] == la_code) & (pub["level"] == "Local authority")]
    if la.empty:
        return pd.DataFrame(columns=["year_ending_march", "area", "level", "children", "rate_per_10k"])
    region = la["region_code"].iloc[0]
    rows = pub[
        (pub["area_code"] == la_code)
        | ((pub["level"] == "Regional") & (pub["area_code"] == region))
        | (pub["level"] == "National")
    ]
    out = rows.rename(columns={"area_name": "area"})[["year_ending_march", "area", "level", "children", "rate_per_10k"]]
    # published suppression markers (x, c, z) become missing values
    out = out.assign(
        **{c: pd.to_numeric(out[c], errors="coerce") for c in ["year_ending_march", "children", "rate_per_10k"]}
    )
    return out.sort_values(["level", "year_ending_march"]).reset_index(drop=True)

