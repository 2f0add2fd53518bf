"""What care costs: care days by placement category times a weekly unit cost.

Unit costs are data, not code: data/reference/unit_costs.csv (category, weekly_cost_gbp, financial_year,
source), which an analyst edits and dates. Each financial year is priced with its own dated figure, or for a year
with none the latest earlier year's (the table says which year was used). A year before a category's first
figure is not priced (a later year's rates would misstate it), nor is a category with no figure at all: no
spend is shown, never guessed. complete_years keeps the years in which every priced category has a figure, so
totals compare like with like.

Care days: from the later of DECOM and the period start to the earlier of DEC and the day after the period
end (the day a child leaves is not a day in care). Short breaks (V3/V4) are left out, as in the DfE's counts.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from cpanalysis.categories import PLACEMENT_CATEGORIES, SGO, SHORT_BREAK_LS, placement_category
from cpanalysis.errors import InputError
from cpanalysis.paths import REFERENCE
from cpanalysis.ssda903.schema import collection_year

COLUMNS = ["category", "weekly_cost_gbp", "financial_year", "source"]


def load_unit_costs(path: str | Path | None = None) -> pd.DataFrame:
    """The unit-cost table, checked: the four columns, numeric weekly costs, financial years like 2019-20."""
    path = Path(path) if path else REFERENCE / "unit_costs.csv"
    try:
        costs = pd.read_csv(path, dtype={"financial_year": str})
    except OSError as exc:
        raise InputError(f"{path}: cannot read the unit-cost table ({exc.strerror})") from exc
    missing = [c for c in COLUMNS if c not in costs.columns]
    if missing:
        raise InputError(f"{path}: missing column(s) {', '.join(missing)} (expected {', '.join(COLUMNS)})")
    weekly = pd.to_numeric(costs["weekly_cost_gbp"], errors="coerce")
    if weekly.isna().any():
        row = int(weekly.isna().idxmax()) + 2
        raise InputError(
            f"{path}: line {row}: weekly_cost_gbp '{costs['weekly_cost_gbp'].iloc[row - 2]}' is not a number"
        )
    bad = ~costs["financial_year"].str.fullmatch(r"\d{4}-\d{2}")
    if bad.any():
        row = int(bad.idxmax()) + 2
        raise InputError(
            f"{path}: line {row}: financial_year '{costs['financial_year'].iloc[row - 2]}' is not like 2019-20"
        )
    return costs.assign(weekly_cost_gbp=weekly, start_year=costs["financial_year"].str[:4].astype(int))


def financial_year(date: pd.Timestamp) -> str:
    """'2019-20' for any date from 1 April 2019 to 31 March 2020."""
    y = collection_year(date) - 1
    return f"{y}-{str(y + 1)[2:]}"


def unit_cost(costs: pd.DataFrame, category: str, year: str) -> tuple[float, str | None]:
    """The weekly cost of a category in a financial year and the year the figure is from (see module doc)."""
    rows = costs[costs["category"] == category]
    if rows.empty:
        return np.nan, None
    target = int(year[:4])
    earlier = rows[rows["start_year"] <= target]
    if earlier.empty:
        return np.nan, None
    row = earlier.loc[earlier["start_year"].idxmax()]
    return float(row["weekly_cost_gbp"]), str(row["financial_year"])


def care_days(episodes: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Days in care in [start, end] by placement category: category, children, care_days."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    eps = episodes[~episodes["LS"].isin(SHORT_BREAK_LS)]
    stop = end + pd.Timedelta(days=1)
    first = eps["DECOM"].clip(lower=start)
    last = eps["DEC"].fillna(stop).clip(upper=stop)
    days = (last - first).dt.days
    inside = days > 0
    df = pd.DataFrame(
        {
            "CHILD": eps.loc[inside, "CHILD"],
            "days": days[inside],
            "category": placement_category(eps.loc[inside, "PLACE"], eps.loc[inside, "PLACE_PROVIDER"]),
        }
    )
    out = df.groupby("category").agg(children=("CHILD", "nunique"), care_days=("days", "sum"))
    order = [c for c in PLACEMENT_CATEGORIES if c in out.index]
    return out.reindex(order).reset_index()


def spend(episodes: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp, costs: pd.DataFrame) -> pd.DataFrame:
    """Spend in [start, end] (a financial year or part of one) by placement category: care days x weekly cost
    / 7. Columns: category, children, care_days, weekly_cost_gbp, cost_year (the year the unit cost is from),
    spend_gbp (blank where no unit cost is set)."""
    year = financial_year(pd.Timestamp(start))
    days = care_days(episodes, start, end)
    looked_up = [unit_cost(costs, c, year) for c in days["category"]]
    days["weekly_cost_gbp"] = [c for c, _ in looked_up]
    days["cost_year"] = [y for _, y in looked_up]
    days["spend_gbp"] = (days["care_days"] * days["weekly_cost_gbp"] / 7).round(0)
    return days


def spend_by_year(episodes: pd.DataFrame, years: list[str], costs: pd.DataFrame) -> pd.DataFrame:
    """spend(...) for each financial year ('2019-20', ...), stacked, with a financial_year column."""
    frames = []
    for fy in years:
        start = pd.Timestamp(int(fy[:4]), 4, 1)
        frames.append(
            spend(episodes, start, start + pd.DateOffset(years=1) - pd.Timedelta(days=1), costs).assign(
                financial_year=fy
            )
        )
    return pd.concat(frames, ignore_index=True)


SGO_ALLOWANCE = "SGO allowance"


def sgo_allowances(episodes: pd.DataFrame, header: pd.DataFrame, years: list[str], costs: pd.DataFrame) -> pd.DataFrame:
    """What special guardianship allowances cost each financial year ('2019-20', ...): every child who left care
    through a special guardianship order (REC E43/E44 to 2017/18, E45-E48 after: categories.SGO) counts from the
    day the order ended care to the day before their 18th birthday, at the 'SGO allowance' weekly unit cost.
    Assumes every special guardian is paid the allowance (in practice it is means-tested: an upper estimate). For
    years after the data, only orders already granted are counted (no new ones). Columns: financial_year, children,
    days, weekly_cost_gbp, cost_year, spend_gbp (blank without a unit cost)."""
    sgo = episodes[episodes["REC"].isin(SGO) & episodes["DEC"].notna()][["CHILD", "DEC"]]
    dob = header.drop_duplicates("CHILD", keep="last").set_index("CHILD")["DOB"]
    start = sgo["DEC"]
    stop = sgo["CHILD"].map(dob) + pd.DateOffset(years=18)  # the 18th birthday, not counted
    rows = []
    for fy in years:
        fy_start = pd.Timestamp(int(fy[:4]), 4, 1)
        fy_stop = fy_start + pd.DateOffset(years=1)
        days = (stop.clip(upper=fy_stop) - start.clip(lower=fy_start)).dt.days.clip(lower=0).fillna(0)
        cost, used = unit_cost(costs, SGO_ALLOWANCE, fy)
        rows.append(
            {
                "financial_year": fy,
                "children": int((days > 0).sum()),
                "days": int(days.sum()),
                "weekly_cost_gbp": cost,
                "cost_year": used,
                "spend_gbp": round(days.sum() * cost / 7) if used else np.nan,
            }
        )
    return pd.DataFrame(rows)


def financial_years(first_collection_year: int, period_end: pd.Timestamp) -> list[str]:
    """Financial-year labels from the data's first collection year to the pack's latest year: the year ending at
    a 31 March period end, else the (part) financial year the period end falls in. ['2011-12', ..., '2020-21']."""
    last = collection_year(period_end) - 1
    return [f"{y}-{str(y + 1)[2:]}" for y in range(first_collection_year - 1, last + 1)]


def years_around(years: list[str], back: int = 5, ahead: int = 3) -> list[str]:
    """The last `back` labels of `years` and the `ahead` financial years after them."""
    last = int(years[-1][:4])
    return years[-back:] + [f"{y}-{str(y + 1)[2:]}" for y in range(last + 1, last + ahead + 1)]


def spend_wide(by_year: pd.DataFrame) -> pd.DataFrame:
    """Priced spend as year (financial year ending 31 March, an integer) x placement category, in £ million
    (unpriced categories left out), for the stacked spend chart."""
    priced = by_year.dropna(subset=["spend_gbp"])
    wide = priced.pivot_table(index="financial_year", columns="category", values="spend_gbp", aggfunc="sum")
    wide = (wide.fillna(0) / 1e6).reset_index()
    return wide.assign(year=wide["financial_year"].str[:4].astype(int) + 1).drop(columns="financial_year")


def complete_years(by_year: pd.DataFrame) -> pd.DataFrame:
    """The rows of spend_by_year for the financial years in which every category priced in the latest year has a
    unit cost (earlier years, before some rates were first set, would make the totals jump for no real reason)."""
    latest = by_year[by_year["financial_year"] == by_year["financial_year"].max()]
    priced = set(latest.loc[latest["spend_gbp"].notna(), "category"])
    rows = by_year[by_year["category"].isin(priced)]
    full = rows.groupby("financial_year")["spend_gbp"].apply(lambda s: s.notna().all())
    years = full.index[full.to_numpy()]
    return by_year[by_year["financial_year"].isin(years)].reset_index(drop=True)


def unpriced(by_year: pd.DataFrame, year: str) -> pd.DataFrame:
    """What the spend for `year` leaves out: the categories with no unit cost, with their children and care days,
    and the share of all care days in the year they make up (category, children, care_days, share_pct)."""
    rows = by_year[by_year["financial_year"] == year]
    out = rows.loc[rows["spend_gbp"].isna(), ["category", "children", "care_days"]].reset_index(drop=True)
    total = rows["care_days"].sum()
    return out.assign(share_pct=(100 * out["care_days"] / total).round(1) if total else 0.0)


def spend_safe(by_year: pd.DataFrame) -> pd.DataFrame:
    """spend_by_year for the committee: in each year the priced categories' spend adds up to the total the pack
    states, so their rows are protected together (no [c] spend can be worked out from the total:
    disclosure.suppress_table over the children of the priced rows, care days and spend following); the unpriced
    rows get primary suppression."""
    from cpanalysis.disclosure import suppress, suppress_table

    derived = ["care_days", "spend_gbp"]
    parts = []
    for _, year in by_year.groupby("financial_year", sort=False):
        priced = year[year["spend_gbp"].notna()]
        parts.append(suppress_table(priced, ["children"], derived, lines="columns"))
        parts.append(suppress(year[year["spend_gbp"].isna()], ["children"], derived))
    return pd.concat(parts).sort_index().reset_index(drop=True)
