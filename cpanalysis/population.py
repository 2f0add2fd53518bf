"""How many children are looked after, who they are, how they come and go: the DfE definitions.

All functions take the loader's canonical episodes (and header/UASC where needed) and return DataFrames.
Short breaks (episodes under LS V3/V4) are excluded throughout, as in the DfE's statistics.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from cpanalysis.categories import (
    ADOPTION_PLACEMENTS,
    SHORT_BREAK_LS,
    placement_category,
    reason_group,
)
from cpanalysis.errors import InputError
from cpanalysis.paths import REFERENCE
from cpanalysis.periods import episodes_with_periods

AGE_BANDS = ("Under 1", "1 to 4", "5 to 9", "10 to 15", "16 and over")
BREAKDOWNS = ("age_band", "sex", "legal_status", "category_of_need", "placement", "provider", "uasc")
BREAKDOWN_ALIASES = {"cin": "category_of_need", "ls": "legal_status", "age": "age_band", "place": "placement"}


def _not_short_break(episodes: pd.DataFrame) -> pd.Series:
    """The episodes that are not short breaks (LS V3/V4), as a mask: filter once with the rest of a condition
    (each filter of a national-size frame copies every column)."""
    return ~episodes["LS"].isin(SHORT_BREAK_LS)


def age_in_years(dob: pd.Series, date: pd.Timestamp | pd.Series) -> pd.Series:
    """Age in completed years at `date` (one date, or one per row): a child is 4 on their 4th birthday (29 February
    birthdays turn on 1 March in other years). Blank DOB: NaN."""
    if not isinstance(date, pd.Series):
        date = pd.Series(pd.Timestamp(date), index=dob.index)
    not_yet = (dob.dt.month > date.dt.month) | ((dob.dt.month == date.dt.month) & (dob.dt.day > date.dt.day))
    return date.dt.year - dob.dt.year - not_yet.astype(int)


def age_band(dob: pd.Series, date: pd.Timestamp | pd.Series) -> pd.Series:
    """Age band at `date` (completed years, age_in_years; one date, or a Series of dates aligned with `dob`): under
    1, 1-4, 5-9, 10-15, 16 and over."""
    years = age_in_years(dob, date if isinstance(date, pd.Series) else pd.Timestamp(date))
    bins = pd.cut(years, [-np.inf, 0, 4, 9, 15, np.inf], labels=AGE_BANDS)
    return bins.astype(object).where(dob.notna(), "Unknown")


def open_at(episodes: pd.DataFrame, date: pd.Timestamp) -> pd.DataFrame:
    """The episodes that make a child looked after at `date` (cla_at): not a short break (V3/V4), DECOM <= date and
    (DEC blank or DEC > date); a child who leaves on the date is not looked after."""
    date = pd.Timestamp(date)
    open_ = (episodes["DECOM"] <= date) & (episodes["DEC"].isna() | (episodes["DEC"] > date))
    return episodes[_not_short_break(episodes) & open_]


def cla_at(
    episodes: pd.DataFrame, date: pd.Timestamp, header: pd.DataFrame | None = None, uasc: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Children looked after at `date`: one row per child with an episode open on that date, i.e.
    DECOM <= date and (DEC blank or DEC > date) -- a child who leaves on the date is not counted -- short
    breaks (V3/V4) excluded. Columns: CHILD, DECOM, LS, CIN, PLACE, PLACE_PROVIDER, placement, and with a
    header also sex and age_band; with UASC rows, uasc (True/False)."""
    date = pd.Timestamp(date)
    open_ = open_at(episodes, date).sort_values(["CHILD", "DECOM"]).drop_duplicates("CHILD", keep="last")
    out = open_[["CHILD", "DECOM", "LS", "CIN", "PLACE", "PLACE_PROVIDER"]].reset_index(drop=True)
    out["placement"] = placement_category(out["PLACE"], out["PLACE_PROVIDER"]).to_numpy()
    if header is not None:
        h = header.drop_duplicates("CHILD", keep="last").set_index("CHILD")
        out["sex"] = (
            out["CHILD"].map(h["SEX"]).map({"1": "Male", "2": "Female", "M": "Male", "F": "Female"}).fillna("Unknown")
        )
        out["age_band"] = age_band(out["CHILD"].map(h["DOB"]), date).to_numpy()
    if uasc is not None:
        out["uasc"] = out["CHILD"].isin(uasc["CHILD"])
    return out


def cla_count(episodes: pd.DataFrame, date: pd.Timestamp) -> int:
    """Number of children looked after at `date` (see cla_at): children with a non-short-break episode with
    DECOM <= date and (DEC blank or DEC > date)."""
    return int(open_at(episodes, date)["CHILD"].nunique())


def cla_during(episodes: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    """Children looked after at any time in [start, end] (the DfE's 'looked after during the year'): the CHILDs
    with a non-short-break episode with DECOM <= end and (DEC blank or DEC >= start)."""
    decom, dec = episodes["DECOM"], episodes["DEC"]
    during = (decom <= pd.Timestamp(end)) & (dec.isna() | (dec >= pd.Timestamp(start)))
    return pd.Series(episodes.loc[_not_short_break(episodes) & during, "CHILD"].unique(), name="CHILD")


def cla_series(episodes: pd.DataFrame, dates: list[pd.Timestamp]) -> pd.DataFrame:
    """Children looked after at each date (e.g. quarter ends; see cla_at): columns date, children."""
    eps = _for_counts(episodes)
    return pd.DataFrame({"date": pd.to_datetime(dates), "children": [cla_count(eps, d) for d in dates]})


def _for_counts(episodes: pd.DataFrame, *more: str) -> pd.DataFrame:
    """The columns cla_count needs (and `more`) of the episodes that are not short breaks: for counting at many
    dates, so that each count filters a few columns, not every column of a national-size frame."""
    return episodes.loc[_not_short_break(episodes), ["CHILD", "DECOM", "DEC", "LS", *more]]


def cla_breakdown(
    episodes: pd.DataFrame,
    date: pd.Timestamp,
    by: str,
    header: pd.DataFrame | None = None,
    uasc: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Children looked after at `date` by one characteristic: age_band, sex, legal_status, category_of_need,
    placement (category), provider, uasc. Columns: the characteristic, children, percent (of all looked after)."""
    by = BREAKDOWN_ALIASES.get(by, by)
    if by not in BREAKDOWNS:
        raise InputError(f"breakdown '{by}' is not one of {', '.join(BREAKDOWNS)}")
    cla = cla_at(episodes, date, header, uasc if uasc is not None else pd.DataFrame({"CHILD": []}))
    column = {"legal_status": "LS", "category_of_need": "CIN", "provider": "PLACE_PROVIDER"}.get(by, by)
    if column not in cla:
        raise InputError(f"breakdown by {by} needs the Header table")
    counts = cla[column].fillna("Unknown").value_counts().rename("children").rename_axis(by).reset_index()
    if by == "age_band":
        counts[by] = pd.Categorical(counts[by], [*AGE_BANDS, "Unknown"])
        counts = counts.sort_values(by).reset_index(drop=True)
        counts[by] = counts[by].astype(str)
    total = counts["children"].sum()
    counts["percent"] = (100 * counts["children"] / total).round(1) if total else 0.0
    return counts


PERIOD_COLUMNS = ("PERIOD", "EPISODE_IN_PERIOD", "PERIOD_START", "PERIOD_END", "PERIOD_REASON", "SHORT_BREAK")


def with_periods(episodes: pd.DataFrame) -> pd.DataFrame:
    """cpanalysis.periods.episodes_with_periods(episodes), unless `episodes` already is its output (has its PERIOD
    columns): lets a caller that runs several measures on national-size data compute periods of care once."""
    if set(PERIOD_COLUMNS) <= set(episodes.columns):
        return episodes
    return episodes_with_periods(episodes)


def _in_care(episodes: pd.DataFrame) -> pd.DataFrame:
    """with_periods(episodes) without short-break episodes (cpanalysis.periods: the one short-break rule)."""
    eps = with_periods(episodes)
    return eps[~eps["SHORT_BREAK"]]


def _periods(episodes: pd.DataFrame) -> pd.DataFrame:
    """One row per period of care that is not short breaks only, with its first placement (of its first episode
    not under short breaks): CHILD, PERIOD, PERIOD_START, PERIOD_END, PERIOD_REASON, PLACE, PLACE_PROVIDER."""
    eps = with_periods(episodes)
    columns = ["CHILD", "PERIOD", "PERIOD_START", "PERIOD_END", "PERIOD_REASON", "PLACE", "PLACE_PROVIDER"]
    return eps.loc[~eps["SHORT_BREAK"], columns].drop_duplicates(["CHILD", "PERIOD"], keep="first")


def starts(episodes: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Periods of care that started in [start, end] (short-break-only periods excluded): CHILD, PERIOD,
    PERIOD_START, first placement. The DfE's 'children starting to be looked after' counts each child once:
    use starts(...)["CHILD"].nunique(). `episodes` may be the output of with_periods (computed once)."""
    return _started_in(_periods(episodes), start, end).reset_index(drop=True)


def _started_in(per: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """The periods of `per` (_periods) that started in [start, end]."""
    return per[(per["PERIOD_START"] >= start) & (per["PERIOD_START"] <= end)]


def _ended_in(per: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """The periods of `per` (_periods) that ended in [start, end]."""
    return per[(per["PERIOD_END"] >= start) & (per["PERIOD_END"] <= end)]


def ceased(episodes: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Periods of care that ended in [start, end] (short-break-only periods excluded), with REC, reason group and
    `last` (True for each child's last ending in the period: the one the DfE's 'ceased by reason' percentages use).
    `episodes` may be the output of with_periods."""
    out = _ended_in(_periods(episodes), start, end).copy()
    out = out.sort_values(["CHILD", "PERIOD_END"]).reset_index(drop=True)
    out["reason_group"] = reason_group(out["PERIOD_REASON"]).to_numpy()
    out["last"] = ~out["CHILD"].duplicated(keep="last")
    return out


def ceased_by_reason(episodes: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Children who ceased to be looked after in [start, end] by the reason group of their last ending:
    reason_group, children, percent."""
    last = ceased(episodes, start, end)
    last = last[last["last"]]
    counts = last["reason_group"].value_counts().rename("children").rename_axis("reason_group").reset_index()
    total = counts["children"].sum()
    counts["percent"] = (100 * counts["children"] / total).round(1) if total else 0.0
    return counts


def flows(episodes: pd.DataFrame, period_ends: list[pd.Timestamp], months: int = 3) -> pd.DataFrame:
    """For each period (of `months` months ending on each date): children starting and children ceasing (each
    child once, as the DfE counts them: starts, ceased), the net change in the number looked after (at the end
    against the day before the period began: the figure the stock moved by; it differs from starts minus
    endings when a child starts twice in the period) and the number looked after at the end."""
    per, counted = _periods(episodes), _for_counts(episodes)
    rows = []
    for end in period_ends:
        end = pd.Timestamp(end)
        start = end - pd.DateOffset(months=months) + pd.Timedelta(days=1)
        s = _started_in(per, start, end)["CHILD"].nunique()
        c = _ended_in(per, start, end)["CHILD"].nunique()
        now = cla_count(counted, end)
        rows.append((end, s, c, now - cla_count(counted, start - pd.Timedelta(days=1)), now))
    return pd.DataFrame(rows, columns=["period_end", "started", "ceased", "net_change", "looked_after"])


def load_population(path: str | Path | None = None) -> pd.DataFrame:
    """ONS mid-year estimates of children aged 0-17 for England, regions and every LA (data/reference/
    population.csv): area_code, area_name, level, region_code, old_la_code (the DfE's 3-digit LA number),
    mid_year, population_0_17."""
    path = Path(path) if path else REFERENCE / "population.csv"
    try:
        pop = pd.read_csv(path, dtype={"area_code": str, "old_la_code": str})
    except OSError as exc:
        raise InputError(f"{path}: cannot read the population table ({exc.strerror})") from exc
    missing = {"area_code", "mid_year", "population_0_17"} - set(pop.columns)
    if missing:
        raise InputError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
    return pop


def population_estimate(la_code: str, year_ending: int, population: pd.DataFrame | None = None) -> tuple[int, int, str]:
    """Children aged 0-17 in an area (LA, region or England code) for the year ending 31 March `year_ending`, the
    mid-year of the ONS estimate used and a note (blank unless a later estimate was wanted than the table holds).

    The DfE uses the ONS mid-(year_ending - 1) estimate. For a year past the last estimate in the table (ONS
    publishes each mid-year about a year later) the latest estimate is used, and the note says so: the rate is then
    provisional, not silently missing. An LA whose ONS code changed with unchanged boundaries (North Yorkshire
    E10000023 -> E06000065, Somerset E10000027 -> E06000066 in 2023) is found under its earlier code through its DfE
    LA number. An unknown code, or a year before the first estimate, is an InputError."""
    pop = load_population() if population is None else population
    rows = pop[pop["area_code"] == la_code]
    if "old_la_code" in pop:
        numbers = rows["old_la_code"].dropna().unique()
        rows = pd.concat([rows, pop[pop["old_la_code"].isin(numbers) & (pop["area_code"] != la_code)]])
    if rows.empty:
        raise InputError(
            f"no population for {la_code} for the year ending 31 March {year_ending}: the code is not in the table"
        )
    mid = year_ending - 1
    exact = rows[rows["mid_year"] == mid]
    if len(exact):
        return int(exact["population_0_17"].iloc[0]), mid, ""
    latest = int(rows["mid_year"].max())
    if mid < latest:
        raise InputError(
            f"no population for {la_code} for the year ending 31 March {year_ending}: no estimate for mid-{mid}"
        )
    value = int(rows.loc[rows["mid_year"] == latest, "population_0_17"].iloc[0])
    note = (
        f"the ONS mid-{mid} estimate is not in the population table: the latest, mid-{latest}, is used "
        f"(the rate for the year ending 31 March {year_ending} is provisional)"
    )
    return value, latest, note


def population_for(la_code: str, year_ending: int, population: pd.DataFrame | None = None) -> int:
    """Children aged 0-17 in an area for the year ending 31 March `year_ending` (population_estimate: the ONS
    mid-(year_ending - 1) estimate, or the latest one for a year past it)."""
    return population_estimate(la_code, year_ending, population)[0]


def rate_per_10k(count: float, population: float) -> int:
    """DfE rate per 10,000 children: count / population aged 0-17 x 10,000, rounded to a whole number (halves
    up), as published."""
    if not population or population <= 0:
        raise InputError(f"the population must be a positive number of children (got {population})")
    return int(math.floor(count / population * 10000 + 0.5))


def rate_for(count: float, la_code: str, year_ending: int, population: pd.DataFrame | None = None) -> int:
    """Rate per 10,000 of `count` (e.g. looked after at 31 March `year_ending`) for an area, using the ONS
    mid-(year_ending - 1) estimate of its children aged 0-17, or the latest estimate for a later year
    (population_estimate gives the note to show with it)."""
    return rate_per_10k(count, population_for(la_code, year_ending, population))


TEMPORARY_PLACEMENTS = ("T0", "T1", "T2", "T3", "T4")
NEW_CARER_RNE = ("S", "P", "B")


def _stability_placements(eps: pd.DataFrame) -> pd.Series:
    """Placement number (1, 2, ... per child) as the DfE counts placements for its stability measures ("Children
    looked after in England including adoptions" and "Stability measures for children looked after in England":
    placements are with a carer -- "living with the same carer for at least 2 years"; 903 guidance: RNE T / U are a
    change of placement with the same carer(s), T0-T4 temporary placements from which the child returns to the usual
    placement, validator rule 383). A new placement begins with each period of care and at each episode whose RNE is
    P or B (carer changed), except: a temporary placement (T0-T4), and the return from one to the placement held
    before it (same PLACE, PLACE_PROVIDER and PL_POST), continue that placement; RNE T and U (same carer, e.g. U6 to
    U4 when a foster placement becomes long-term, or placed for adoption with the current carer A3/A5) and L (legal
    change only) never start one. `eps` comes from episodes_with_periods, short breaks removed, sorted by child and
    start."""
    group = [eps["CHILD"], eps["PERIOD"]]
    first = ~eps[["CHILD", "PERIOD"]].duplicated()
    temporary = eps["PLACE"].isin(TEMPORARY_PLACEMENTS)
    where = eps["PLACE"].astype(object).fillna("") + "|" + eps["PLACE_PROVIDER"].astype(object).fillna("")
    if "PL_POST" in eps:
        where = where + "|" + eps["PL_POST"].astype(object).fillna("")
    usual = where.where(~temporary).groupby(group).ffill()
    before = usual.groupby(group).shift(1)
    after_temporary = temporary.groupby(group).shift(1, fill_value=False).astype(bool)
    returns = ~temporary & after_temporary & where.eq(before)
    new = first | (eps["RNE"].isin(NEW_CARER_RNE) & ~temporary & ~returns)
    return new.astype(int).groupby(eps["CHILD"]).cumsum()


def placements_in_year(episodes: pd.DataFrame, year_end: pd.Timestamp) -> pd.DataFrame:
    """For children looked after at `year_end` (31 March for the DfE figure; short breaks excluded): the number
    of placements they had during the year to that date, counted as the DfE counts them (_stability_placements):
    a placement counts if any of its days fall in the year (it started by `year_end` and ended after the year's
    first day); same-carer changes (RNE T/U, e.g. placed for adoption with the current carer A3/A5) and temporary
    placements (T0-T4) with the return from them are not new placements.
    Columns: CHILD, placements."""
    year_end = pd.Timestamp(year_end)
    year_start = year_end - pd.DateOffset(years=1) + pd.Timedelta(days=1)
    cla = cla_at(episodes, year_end)["CHILD"]
    eps = _in_care(episodes[episodes["CHILD"].isin(cla)]).copy()
    eps["placement"] = _stability_placements(eps)
    in_year = eps[(eps["DECOM"] <= year_end) & (eps["DEC"].isna() | (eps["DEC"] > year_start))]
    counts = in_year.groupby("CHILD")["placement"].nunique().rename("placements")
    return counts.reindex(cla.to_numpy(), fill_value=0).rename_axis("CHILD").reset_index()


def stability_3plus(episodes: pd.DataFrame, year_end: pd.Timestamp) -> dict[str, float]:
    """DfE placement stability: of children looked after at 31 March (short breaks excluded), the number and
    percent with 3 or more placements during the year (placements_in_year): children, looked_after, percent.
    At any other date: the same over the 12 months to that date."""
    p = placements_in_year(episodes, year_end)
    n = int((p["placements"] >= 3).sum())
    return {"children": n, "looked_after": len(p), "percent": round(100 * n / len(p), 1) if len(p) else float("nan")}


def long_term_placements(episodes: pd.DataFrame, header: pd.DataFrame, year_end: pd.Timestamp) -> pd.DataFrame:
    """The children behind the DfE long-term stability measure at `year_end` (31 March): looked after then,
    aged under 16, looked after continuously (current period of care) for at least 2.5 years. Columns: CHILD,
    period_start, placement_start (start of the current placement as _stability_placements counts it; if that
    placement is a placement for adoption, the start of the placement before it, so that the previous and the
    adoptive placement count together), stable (placement_start at least 2 years before `year_end`)."""
    year_end = pd.Timestamp(year_end)
    cla = cla_at(episodes, year_end, header)
    cla = cla[cla["age_band"].isin(AGE_BANDS[:4])]
    eps = _in_care(episodes[episodes["CHILD"].isin(cla["CHILD"])])
    eps = eps[eps["DECOM"] <= year_end].copy()
    eps["placement"] = _stability_placements(eps)
    starts_ = eps.groupby(["CHILD", "placement"], sort=True).agg(
        start=("DECOM", "first"), place=("PLACE", "first"), period=("PERIOD", "first")
    )
    starts_["previous_start"] = starts_.groupby(level="CHILD")["start"].shift()
    starts_["previous_period"] = starts_.groupby(level="CHILD")["period"].shift()
    current = eps.groupby("CHILD").tail(1)[["CHILD", "PERIOD", "PERIOD_START", "placement"]]
    current = current.join(starts_, on=["CHILD", "placement"])
    current = current[current["PERIOD_START"] <= year_end - pd.DateOffset(months=30)]
    adoptive = current["place"].isin(ADOPTION_PLACEMENTS) & current["previous_period"].eq(current["PERIOD"])
    placement_start = current["previous_start"].where(adoptive, current["start"])
    out = pd.DataFrame(
        {
            "CHILD": current["CHILD"].to_numpy(),
            "period_start": current["PERIOD_START"].to_numpy(),
            "placement_start": placement_start.to_numpy(),
        }
    )
    out["stable"] = out["placement_start"] <= year_end - pd.DateOffset(years=2)
    return out.sort_values("CHILD").reset_index(drop=True)


def history_missing(
    episodes: pd.DataFrame, header: pd.DataFrame, year_end: pd.Timestamp, data_start: pd.Timestamp
) -> pd.Series:
    """Children the long-term stability measure cannot be judged for with data from `data_start` on: looked after
    and under 16 at `year_end`, whose current period of care began before the data (its first episode in the data
    started before `data_start` with an RNE other than S, so its real start is not in the extracts) and is known only
    from a date less than 2.5 years before `year_end` -- they may or may not have been looked after for 2.5 years.
    Empty when the data begin at least 2.5 years before `year_end`. Returns their CHILD codes."""
    year_end, data_start = pd.Timestamp(year_end), pd.Timestamp(data_start)
    history_from = year_end - pd.DateOffset(months=30)
    if data_start <= history_from:
        return pd.Series([], dtype=object, name="CHILD")
    lt_cla = cla_at(episodes, year_end, header)
    lt_cla = lt_cla[lt_cla["age_band"].isin(AGE_BANDS[:4])]
    eps = _in_care(episodes[episodes["CHILD"].isin(lt_cla["CHILD"])])
    eps = eps[eps["DECOM"] <= year_end]
    current = eps[eps["PERIOD"].eq(eps.groupby("CHILD")["PERIOD"].transform("max"))]
    first = current.drop_duplicates("CHILD", keep="first")
    unknown = first["RNE"].ne("S") & (first["DECOM"] < data_start) & (first["DECOM"] > history_from)
    return first.loc[unknown, "CHILD"].reset_index(drop=True)


def stability_long_term(episodes: pd.DataFrame, header: pd.DataFrame, year_end: pd.Timestamp) -> dict[str, float]:
    """DfE long-term stability at 31 March: of children aged under 16 looked after for at least 2.5 years, the
    number and percent in the same placement for at least 2 years, or placed for adoption with the adoptive
    and the previous placement together lasting 2 years (long_term_placements): children, eligible, percent."""
    lt = long_term_placements(episodes, header, year_end)
    n, base = int(lt["stable"].sum()), len(lt)
    return {"children": n, "eligible": base, "percent": round(100 * n / base, 1) if base else float("nan")}


def placement_mix_series(episodes: pd.DataFrame, dates: list[pd.Timestamp]) -> pd.DataFrame:
    """Children looked after by placement category at each date: one row per date, one column per category."""
    eps = _for_counts(episodes, "CIN", "PLACE", "PLACE_PROVIDER")  # what cla_at uses: filtered once, not per date
    rows = []
    for d in dates:
        counts = cla_at(eps, d)["placement"].value_counts()
        rows.append({"date": pd.Timestamp(d), **counts.to_dict()})
    return pd.DataFrame(rows).fillna(0).astype({c: int for c in pd.DataFrame(rows).columns if c != "date"})


def changes_since(
    episodes: pd.DataFrame, header: pd.DataFrame, uasc: pd.DataFrame, date: pd.Timestamp, previous: pd.Timestamp
) -> pd.DataFrame:
    """Key counts of children looked after at `date` against `previous` (e.g. the last quarter end): measure,
    previous, now, change."""

    def snapshot(d: pd.Timestamp) -> dict[str, int]:
        cla = cla_at(episodes, d, header, uasc)
        mix = cla["placement"].value_counts()
        return {
            "Children looked after": len(cla),
            "In-house foster": int(mix.get("In-house foster", 0)),
            "External (IFA) foster": int(mix.get("External (IFA) foster", 0)),
            "Residential (incl. secure, schools)": int(
                mix.get("Residential", 0) + mix.get("Secure", 0) + mix.get("Residential school", 0)
            ),
            "Placed with parents": int(mix.get("Placed with parents", 0)),
            "Supported / semi-independent": int(mix.get("Supported / semi-independent", 0)),
            "Placed for adoption": int(mix.get("Placed for adoption", 0)),
            "Unaccompanied asylum-seeking children": int(cla["uasc"].sum()),
            "Aged 16 and over": int((cla["age_band"] == "16 and over").sum()),
        }

    before, now = snapshot(pd.Timestamp(previous)), snapshot(pd.Timestamp(date))
    return pd.DataFrame(
        {
            "measure": list(now),
            "previous": [before[k] for k in now],
            "now": list(now.values()),
            "change": [now[k] - before[k] for k in now],
        }
    )


def rates_by_year(episodes: pd.DataFrame, la_code: str, years: list[int]) -> pd.DataFrame:
    """The LA's own rate per 10,000 children at each 31 March (years ending March), as rate_for: a year past the last
    ONS estimate uses the latest one, with the note; a year before the first estimate is left out. Columns:
    year_ending_march, children, population, mid_year (of the estimate used), rate_per_10k, note."""
    pop = load_population()
    rows = []
    for year in years:
        try:
            denominator, mid, note = population_estimate(la_code, year, pop)
        except InputError:
            continue
        count = cla_count(episodes, pd.Timestamp(year, 3, 31))
        rows.append((year, count, denominator, mid, rate_per_10k(count, denominator), note))
    columns = ["year_ending_march", "children", "population", "mid_year", "rate_per_10k", "note"]
    return pd.DataFrame(rows, columns=columns)


COMMITTEE_BREAKDOWNS = ("age_band", "sex", "legal_status", "placement", "provider", "uasc")


def cla_breakdowns(
    episodes: pd.DataFrame,
    date: pd.Timestamp,
    header: pd.DataFrame | None = None,
    uasc: pd.DataFrame | None = None,
    by: tuple[str, ...] = COMMITTEE_BREAKDOWNS,
) -> dict[str, pd.DataFrame]:
    """The committee's breakdowns of the children looked after at `date` ({by: table}, see cla_breakdown), with
    readable labels and suppressed so that no [c] can be worked out: each column adds up to the number looked
    after, which the pack shows (cpanalysis.disclosure.suppress_table, lines='columns')."""
    from cpanalysis.disclosure import suppress_table
    from cpanalysis.narrative import labelled

    return {
        b: labelled(suppress_table(cla_breakdown(episodes, date, b, header, uasc), ["children"], ["percent"]), b)
        for b in by
    }


def stability_table(episodes: pd.DataFrame, header: pd.DataFrame, year_end: pd.Timestamp) -> pd.DataFrame:
    """The two DfE stability measures at `year_end` as one committee table (measure, children, of, percent), small
    counts and the percentages over them suppressed (stability_3plus, stability_long_term)."""
    from cpanalysis.disclosure import suppress

    three = stability_3plus(episodes, year_end)
    long_term = stability_long_term(episodes, header, year_end)
    table = pd.DataFrame(
        {
            "measure": ["3 or more placements in the year", "Same placement 2+ years (under 16, in care 2.5+ years)"],
            "children": [three["children"], long_term["children"]],
            "of": [three["looked_after"], long_term["eligible"]],
            "percent": [three["percent"], long_term["percent"]],
        }
    )
    return suppress(table, ["children", "of"], ["percent"])


def placement_mix_safe(mix: pd.DataFrame) -> pd.DataFrame:
    """The placement mix by quarter (placement_mix_series) for the committee: each quarter's placement types add up
    to the number looked after that day, which the pack shows, so each row is protected (suppress_table,
    lines='rows')."""
    from cpanalysis.disclosure import suppress_table

    counts = [c for c in mix.columns if c != "date"]
    return suppress_table(mix.set_index("date"), counts, lines="rows").reset_index()
