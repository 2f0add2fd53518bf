"""Placement sufficiency: projected demand for foster and residential places against the council's own capacity, the
gap each year, and what filling it with external placements costs.

The sufficiency duty (Children Act 1989 s22G, inserted by the Children and Young Persons Act 2008): a local
authority must take steps that secure, so far as reasonably practicable, sufficient accommodation within its area
that meets the needs of the children it looks after, where it is consistent with their welfare to live near home
(statutory guidance 'Securing sufficient accommodation for looked after children', DfE 2010). `DUTY` states it in
words for the paper.

Demand comes from the demand model (cpanalysis.projection: a `Simulation`), read at each 31 March it reaches:
- foster places: children in in-house plus external (IFA) foster care (projection categories);
- residential places: children in residential care (K2, R1, R2; custody R5 is not residential care, see
  categories.placement_category).
Capacity is the officer's dated table data/reference/in_house_capacity.csv (date, category, places, source): the
places available from each date until the next row for the same category (in-house foster places; beds in the
council's own children's homes). Gap = demand - capacity, never below 0, per simulation (so the band is the gap's
own 5th-95th percentiles). External cost of a year's gap = gap (central) x the weekly unit cost of the external
alternative (External (IFA) foster; Residential) for that financial year (costs.unit_cost) x 52, i.e. as if the gap
at 31 March held all year.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from cpanalysis.costs import financial_year, unit_cost
from cpanalysis.errors import InputError
from cpanalysis.paths import REFERENCE
from cpanalysis.projection import CATEGORIES, TOTAL, Simulation

CAPACITY_COLUMNS = ("date", "category", "places", "source")
NEEDS = {
    "Foster care": (("In-house foster", "External (IFA) foster"), "In-house foster", "External (IFA) foster"),
    "Residential": (("Residential",), "Residential", "Residential"),
}  # need: (projection categories that make the demand, capacity category, unit cost of the external alternative)
DUTY = (
    "Section 22G of the Children Act 1989 requires the council to take steps to secure, so far as reasonably "
    "practicable, enough accommodation within its own area to meet the needs of the children it looks after, where "
    "living near home is consistent with their welfare. The council must plan for this (a sufficiency strategy) and "
    "can meet it with its own carers and homes or by commissioning others; this paper compares the demand the "
    "model projects with the council's own capacity and prices the difference."
)


def load_capacity(path: str | Path | None = None) -> pd.DataFrame:
    """The dated in-house capacity table, checked: date (YYYY-MM-DD), category (a projection category), places (a
    whole number, 0 or more), source. Stops with one message naming the file and line when a value is wrong."""
    path = Path(path) if path else REFERENCE / "in_house_capacity.csv"
    try:
        cap = pd.read_csv(path, dtype=str, keep_default_na=False)
    except OSError as exc:
        raise InputError(f"{path}: cannot read the capacity table ({exc.strerror})") from exc
    missing = [c for c in CAPACITY_COLUMNS if c not in cap.columns]
    if missing:
        raise InputError(f"{path}: missing column(s) {', '.join(missing)} (expected {', '.join(CAPACITY_COLUMNS)})")
    dates = pd.to_datetime(cap["date"], format="%Y-%m-%d", errors="coerce")
    places = pd.to_numeric(cap["places"], errors="coerce")
    for i in range(len(cap)):
        line = i + 2
        if pd.isna(dates.iloc[i]):
            raise InputError(f"{path}: line {line}: date '{cap['date'].iloc[i]}' is not like 2021-04-01")
        if cap["category"].iloc[i] not in CATEGORIES:
            raise InputError(
                f"{path}: line {line}: category '{cap['category'].iloc[i]}' is not a placement category "
                f"({', '.join(CATEGORIES)})"
            )
        if pd.isna(places.iloc[i]) or places.iloc[i] < 0 or places.iloc[i] != int(places.iloc[i]):
            raise InputError(f"{path}: line {line}: places '{cap['places'].iloc[i]}' is not a whole number, 0 or more")
    return pd.DataFrame(
        {"date": dates, "category": cap["category"], "places": places.astype(int), "source": cap["source"]}
    )


def capacity_at(capacity: pd.DataFrame, category: str, date: pd.Timestamp) -> float:
    """Places of a category on `date`: the latest row dated on or before it (NaN when there is none)."""
    rows = capacity[(capacity["category"] == category) & (capacity["date"] <= pd.Timestamp(date))]
    return float(rows.sort_values("date")["places"].iloc[-1]) if len(rows) else np.nan


def year_ends(sim: Simulation) -> list[int]:
    """Indices of the simulation's steps that fall on 31 March (the start date included if it is one)."""
    return [i for i, d in enumerate(sim.dates) if d.month == 3 and d.day == 31]


def sufficiency_gap(sim: Simulation, capacity: pd.DataFrame, costs: pd.DataFrame, level: float = 0.9) -> pd.DataFrame:
    """For each need (foster care, residential) at each 31 March of the projection (module doc): date, need,
    demand (mean of the simulations), demand_lower, demand_upper, in_house_places, gap, gap_lower, gap_upper
    (children beyond the in-house places), weekly_external_gbp, external_cost_gbp_m (a year at the central gap)."""
    lo, hi = (1 - level) / 2, 1 - (1 - level) / 2
    rows = []
    for step in year_ends(sim):
        date = sim.dates[step]
        for need, (cats, cap_cat, external) in NEEDS.items():
            demand = sim.counts[:, step, [CATEGORIES.index(c) for c in cats]].sum(axis=1)
            places = capacity_at(capacity, cap_cat, date)
            gap = np.maximum(demand - (0 if np.isnan(places) else places), 0)
            weekly, _ = unit_cost(costs, external, financial_year(date))
            rows.append(
                {
                    "date": date,
                    "need": need,
                    "demand": demand.mean(),
                    "demand_lower": np.quantile(demand, lo),
                    "demand_upper": np.quantile(demand, hi),
                    "in_house_places": places,
                    "gap": gap.mean(),
                    "gap_lower": np.quantile(gap, lo),
                    "gap_upper": np.quantile(gap, hi),
                    "weekly_external_gbp": weekly,
                    "external_cost_gbp_m": gap.mean() * weekly * 52 / 1e6,
                }
            )
    return pd.DataFrame(rows)


def demand_by_age_band(summary: pd.DataFrame, stock: pd.DataFrame) -> pd.DataFrame:
    """Projected children by placement category and age band at each 31 March: the projection's central figure for
    the category (projection.summarise) shared out by the age mix of that category's children looked after at the
    projection's start (`stock`: age_months and category of each, projection.Fit.stock; the projection's age
    bands). An apportionment: it keeps today's age mix within each placement type. Columns: date, category,
    age_band, children."""
    from cpanalysis.projection import BANDS, band_index

    if stock.empty:
        raise InputError("no children looked after at the projection's start")
    band = np.array(BANDS)[band_index(stock["age_months"].to_numpy())]
    mix = pd.crosstab(stock["category"].map(dict(enumerate(CATEGORIES))), band, normalize="index")
    ends = summary[(summary["date"].dt.month == 3) & (summary["date"].dt.day == 31) & (summary["category"] != TOTAL)]
    rows = []
    for _, r in ends.iterrows():
        if r["category"] not in mix.index:
            continue
        for b, share in mix.loc[r["category"]].items():
            rows.append((r["date"], r["category"], b, r["central"] * share))
    return pd.DataFrame(rows, columns=["date", "category", "age_band", "children"])


def age_band_table(by_band: pd.DataFrame) -> pd.DataFrame:
    """demand_by_age_band as one row per placement category and age band (youngest first; rows that are 0 in every
    year left out), one column per 31 March (whole children, central projection). The first column is today's
    actual count, so counts of 1-4 are suppressed in every column (disclosure.suppress)."""
    from cpanalysis.disclosure import suppress
    from cpanalysis.projection import BANDS

    wide = by_band.assign(date=by_band["date"].dt.strftime("31 March %Y")).pivot_table(
        index=["category", "age_band"], columns="date", values="children", aggfunc="sum"
    )
    wide = wide.round().astype(int)
    wide = wide[(wide > 0).any(axis=1)].reset_index().rename_axis(None, axis=1)
    cat, band = {c: i for i, c in enumerate(CATEGORIES)}, {b: i for i, b in enumerate(BANDS)}
    wide = wide.sort_values(["category", "age_band"], key=lambda s: s.map(cat if s.name == "category" else band))
    years = [c for c in wide.columns if c not in ("category", "age_band")]
    return suppress(wide.reset_index(drop=True), years)
