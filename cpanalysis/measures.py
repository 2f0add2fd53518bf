"""The measures table `measure,value` for a reporting period: the contract of `cpanalysis measures` and the
input of the scorecard. Values are unsuppressed: this is for analysts (disclosure control comes later)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cpanalysis import adoption, distance, health, leavers, missing, population, reviews
from cpanalysis.categories import ADOPTED, SGO
from cpanalysis.errors import InputError
from cpanalysis.ssda903 import Dataset
from cpanalysis.ssda903.schema import collection_year, year_start

ADOPTION_3YR = ("A1", "A2", "A10", "A3_pct", "adopted")
LONG_TERM = ("stability_long_term_n", "stability_long_term_eligible", "stability_long_term_pct")
CONTRACT = ("cla_at_end", "starts", "ceased", "adopted", "ceased_sgo", "A1", "A2", "A10", "A3_pct")
# the measures of each table beyond Episodes: always listed, blank when the data lack the table (see NOTES)
REVIEWS = (
    "reviews_held",
    "reviews_in_time",
    "reviews_in_time_pct",
    "children_review_due",
    "children_reviews_all_in_time",
    "children_reviews_all_in_time_pct",
    "reviews_aged_4plus",
    "reviews_participated",
    "review_participation_pct",
)
DISTANCE = ("distance_known", "placed_over_20_miles_n", "placed_over_20_miles_pct")
MISSING = (
    "missing_children",
    "missing_episodes",
    "missing_5plus",
    "away_children",
    "away_episodes",
    "cla_during",
    "missing_pct",
)
HEALTH = (
    "oc2_cohort",
    "health_check_n",
    "health_check_pct",
    "immunisations_n",
    "immunisations_pct",
    "teeth_check_n",
    "teeth_check_pct",
    "under5",
    "health_assessment_under5_n",
    "health_assessment_under5_pct",
    "sdq_scored",
    "sdq_20plus_n",
    "sdq_20plus_pct",
    "sdq_average",
    "aged_10plus",
    "convicted_n",
    "convicted_pct",
)
LEAVERS = (
    ("care_leavers",)
    + tuple(
        f"care_leavers_{g}{s}"
        for g in ("17_18", "19_21")
        for s in (
            "",
            "_in_touch",
            "_in_touch_pct",
            "_eet",
            "_eet_pct",
            "_suitable_accom",
            "_suitable_accom_pct",
        )
    )
    + ("care_leavers_higher_education",)
)


def _date(value: object, name: str) -> pd.Timestamp:
    try:
        date = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{name} '{value}' is not a date (expected YYYY-MM-DD)") from exc
    if pd.isna(date):
        raise InputError(f"{name} is blank: a date is needed (YYYY-MM-DD)")
    return date.normalize()


def measures_table(data: Dataset, start: pd.Timestamp, end: pd.Timestamp, la_code: str | None = None) -> pd.DataFrame:
    """The statutory measures for the period [start, end], one row each: measure, value.

    - cla_at_end: children looked after at `end` (an episode with DECOM <= end and DEC blank or after end; short
      breaks V3/V4 excluded); in_house_foster, external_foster, residential_pct (K1, K2, R1, R2, S1; not R5
      custody) of them (cpanalysis.categories.placement_category: external = any provider but the LA's own).
    - starts / ceased: children (each counted once) whose period of care started / ended in [start, end];
      adopted / ceased_sgo and ceased_adopted_pct / ceased_sgo_pct: by each ceased child's LAST ending in the
      period (REC E11/E12; special guardianship E43/E44 to 2017/18, E45-E48 after).
    - A1, A2, A10 (mean days, one decimal), A2_children, A3_n, A3_pct: adoption timeliness over children adopted
      in the period (see cpanalysis.adoption).
    - A1_3yr, A2_3yr, A10_3yr, A3_pct_3yr, adopted_3yr: the same over the three years to `end` (the adoption
      scorecard's 3-year averages, which its thresholds are for; blank when the data hold less than three years).
    - waiting_for_adoption: placement order, not yet placed, at `end`.
    - stability_3plus(_n, _pct): looked after at `end` with 3+ placements in the 12 months to `end`;
      stability_long_term(_n, _eligible, _pct) at `end` (the DfE figures when `end` is 31 March).
    - reviews (REVIEWS; cpanalysis.reviews): reviews held in the period within statutory timescales, children
      whose every review due was on time, participation of children aged 4+.
    - distance (DISTANCE; cpanalysis.distance): looked after at `end` placed more than 20 miles from home.
    - missing (MISSING; cpanalysis.missing): children with missing / away episodes starting in the period.
    - health (HEALTH; cpanalysis.health): the OC2 cohort of the year ending 31 March that holds `end` and its
      health checks, immunisations, dental checks, development assessments, SDQ and convictions.
    - care leavers (LEAVERS; cpanalysis.leavers.care_leaver_measures): care leavers aged 17-21 on the OC3 return
      of the year ending 31 March that holds `end`, and by age group 17-18 / 19-21 in touch, in education,
      employment or training, in suitable accommodation. A group whose table the data lack is listed blank, with
      the reason in the notes.
    - rate_per_10k (with `la_code`): cla_at_end per 10,000 children aged 0-17, ONS mid-(N-1) estimate for the
      year ending 31 March N that holds `end` (past the last estimate: the latest one, with a note).

    Data depth: a measure that needs history the extracts do not hold is blank (NaN), never a guess --
    stability_3plus when the data begin after the 12 months to `end` start; stability_long_term when some child's
    period of care began before the data and less than 2.5 years before `end` (population.history_missing). The
    reason for every blank, and any other caveat, is in `table.attrs["notes"]` (measure -> text), which
    `cpanalysis measures` prints to standard error. Definitions: docs/definitions.md.
    """
    start, end = _date(start, "start"), _date(end, "end")
    if end < start:
        raise InputError(f"the period is empty: end {end:%Y-%m-%d} is before start {start:%Y-%m-%d}")
    _check_within_data(data, start, end)
    notes: dict[str, str] = {}
    eps, header = data.periods(), data["header"]  # episodes with their periods of care: once for every measure
    cla = population.cla_at(eps, end, header)
    ceased = population.ceased(eps, start, end)
    last = ceased[ceased["last"]]
    n_ceased = len(last)
    sgo = int(last["PERIOD_REASON"].isin(SGO).sum())
    adopted = int(last["PERIOD_REASON"].isin(ADOPTED).sum())
    rows: list[tuple[str, float]] = [
        ("cla_at_end", len(cla)),
        ("starts", population.starts(eps, start, end)["CHILD"].nunique()),
        ("ceased", n_ceased),
        ("adopted", adopted),
        ("ceased_sgo", sgo),
        ("ceased_adopted_pct", _pct(adopted, n_ceased)),
        ("ceased_sgo_pct", _pct(sgo, n_ceased)),
    ]
    summary = adoption.summary(adoption.journeys(eps, data["ad1"], start, end)).set_index("measure")["value"]
    rows += [(m, summary[m]) for m in ("A1", "A2", "A10", "A3_pct", "A2_children", "A3_n")]
    three_start = end - pd.DateOffset(years=3) + pd.Timedelta(days=1)
    three = adoption.summary(adoption.journeys(eps, data["ad1"], three_start, end)).set_index("measure")["value"]
    if _has_years(data) and three_start < pd.Timestamp(data.data_start):
        three = three.map(lambda _: np.nan)
        why = f"needs the three years from {three_start:%d/%m/%Y}; the data begin {data.data_start:%d/%m/%Y}"
        notes.update({f"{m}_3yr": why for m in ADOPTION_3YR})
    rows += [(f"{m}_3yr", three[m]) for m in ADOPTION_3YR]
    mix = cla["placement"].value_counts()
    residential = int(mix.get("Residential", 0) + mix.get("Secure", 0) + mix.get("Residential school", 0))
    rows += [
        ("in_house_foster", int(mix.get("In-house foster", 0))),
        ("external_foster", int(mix.get("External (IFA) foster", 0))),
        ("residential_pct", _pct(residential, len(cla))),
        ("waiting_for_adoption", len(adoption.waiting(eps, end))),
    ]
    three = population.stability_3plus(eps, end)
    long_term = population.stability_long_term(eps, header, end)
    if _has_years(data):
        data_start = pd.Timestamp(data.data_start)
        twelve = end - pd.DateOffset(years=1) + pd.Timedelta(days=1)
        if data_start > twelve:
            three = {"children": np.nan, "percent": np.nan}
            why = f"needs the 12 months to {end:%d/%m/%Y}; the data begin {data_start:%d/%m/%Y}"
            notes.update({"stability_3plus_n": why, "stability_3plus_pct": why})
        unknown = population.history_missing(eps, header, end, data_start)
        if len(unknown):
            long_term = {"children": np.nan, "eligible": np.nan, "percent": np.nan}
            why = (
                f"{len(unknown)} children's periods of care began before the data ({data_start:%d/%m/%Y}) and less "
                f"than 2.5 years before {end:%d/%m/%Y}: extracts from {end - pd.DateOffset(months=30):%d/%m/%Y} "
                "are needed"
            )
            notes.update({m: why for m in LONG_TERM})
    rows += [
        ("stability_3plus_n", three["children"]),
        ("stability_3plus_pct", three["percent"]),
        ("stability_long_term_n", long_term["children"]),
        ("stability_long_term_eligible", long_term["eligible"]),
        ("stability_long_term_pct", long_term["percent"]),
    ]
    year_ending = collection_year(end)
    rows += _group(data, REVIEWS, "reviews", notes, lambda: _reviews(data, start, end))
    rows += _group(data, DISTANCE, "", notes, lambda: _distance(eps, end, notes))
    rows += _group(data, MISSING, "missing", notes, lambda: missing.missing_summary(data["missing"], eps, start, end))
    rows += _group(data, HEALTH, "oc2", notes, lambda: _health(data, year_ending, notes))
    rows += _group(data, LEAVERS, "oc3", notes, lambda: _leavers(data, year_ending, notes))
    if la_code:
        children, _, note = population.population_estimate(la_code, year_ending)
        rows.append(("rate_per_10k", population.rate_per_10k(len(cla), children)))
        if note:
            notes["rate_per_10k"] = note
    values = [int(v) if isinstance(v, (int, np.integer)) else float(v) for _, v in rows]
    table = pd.DataFrame({"measure": [m for m, _ in rows], "value": pd.Series(values, dtype=object)})
    table.attrs["notes"] = notes
    return table


def _has(data: Dataset, table: str) -> bool:
    """The data hold the table: a file of it was read, or (data built in memory) it has rows."""
    files = data.files
    if "table" in files and (files["table"] == table).any():
        return True
    return table in data.tables and not data.tables[table].empty


def _group(data: Dataset, names: tuple[str, ...], table: str, notes: dict[str, str], compute) -> list:
    """The rows of one group of measures: computed when the data hold `table` (or table is ''), else blank with a
    note saying why."""
    if table and not _has(data, table):
        notes[names[0]] = f"no {table} table in the data: {', '.join(names)} blank"
        return [(m, np.nan) for m in names]
    values = compute()
    return [(m, values.get(m, np.nan)) for m in names]


def _reviews(data: Dataset, start: pd.Timestamp, end: pd.Timestamp) -> dict[str, float]:
    rev = data["reviews"]
    known_from = pd.Timestamp(year_start(int(rev["YEAR"].min()))) if "YEAR" in rev and len(rev) else None
    eps = data.periods()
    chain = data.derived(("review_chain", known_from), lambda: reviews.review_chain(rev, eps, known_from))
    return {
        **reviews.timeliness(rev, eps, start, end, known_from, chain),
        **reviews.participation(rev, start, end, data["header"]),
    }


def _distance(eps: pd.DataFrame, end: pd.Timestamp, notes: dict[str, str]) -> dict[str, float]:
    if not distance.has_distance(eps):
        notes["distance_known"] = (
            "the episodes have no PL_DISTANCE and no postcode-centroid table was given: distance measures blank"
        )
        return {}
    return distance.placed_far(eps, end)


def _health(data: Dataset, year: int, notes: dict[str, str]) -> dict[str, float]:
    values = health.outcomes(data["oc2"], data.periods(), data["header"], year)
    if len(values) == 1:
        notes["oc2_cohort"] = f"no OC2 rows for the year ending 31 March {year}: health and offending blank"
    return values


def _leavers(data: Dataset, year: int, notes: dict[str, str]) -> dict[str, float]:
    oc3 = data["oc3"]
    if "YEAR" in oc3 and not (oc3["YEAR"] == year).any():
        notes["care_leavers"] = f"no OC3 rows for the year ending 31 March {year}: care leaver measures blank"
        return {}
    return leavers.care_leaver_measures(oc3, year, data["header"])


def _has_years(data: Dataset) -> bool:
    return "year" in data.files and not data.files["year"].dropna().empty


def _check_within_data(data: Dataset, start: pd.Timestamp, end: pd.Timestamp) -> None:
    """The period must lie within the collection years loaded: from 1 April of the first to 31 March of the last
    (flows before the first year's extract are not in the data; looked-after counts after the last are unknown)."""
    if not _has_years(data):
        return
    begin, data_end = pd.Timestamp(data.first_year - 1, 4, 1), pd.Timestamp(data.data_end)
    if end > data_end:
        raise InputError(f"end {end:%Y-%m-%d} is after the last date in the data ({data_end:%Y-%m-%d})")
    if start < begin:
        raise InputError(
            f"start {start:%Y-%m-%d} is before the data begin ({begin:%Y-%m-%d}): starts and endings "
            "before then are not in the extracts"
        )


def _pct(n: int, d: int) -> float:
    return round(100 * n / d, 1) if d else np.nan
