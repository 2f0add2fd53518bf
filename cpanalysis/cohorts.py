"""Deep-dive cohorts: who the analyst follows, how often they move, how long to a first move, how they leave care.

A *cohort* is a set of children followed from an *origin* date:
- `looked_after_at`: children looked after at a date (population.cla_at: short breaks excluded); origin = that date;
- `entered_in_year`: children whose period of care started (RNE S, periods.py) in the year ending 31 March Y;
  origin = the start of that period (a child entering twice is followed from the first entry).
Each child is described at the origin (age band, sex, placement category, provider, legal status, UASC) and is
followed in that period of care until it ends or the data end (`Dataset.data_end`), whichever is first.

Moves are counted as the DfE counts placements for stability (population._stability_placements, its one
definition): a change of carer (RNE P or B); a change with the same carer (RNE T/U, e.g. to adoption by the foster
carer) and temporary placements (T0-T4) with the return from them are not moves.

Survival estimates use `lifelines`: Kaplan-Meier (time to first move, children who leave care or reach the data's
end without a move censored then) and Aalen-Johansen (exit routes as competing risks, children still looked after
at the data's end censored then). Curves are cut where fewer than 5 children remain at risk, and a group with fewer
than `MIN_GROUP` children is not drawn (its steps would show single children).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from cpanalysis.categories import (
    ADOPTION_PLACEMENTS,
    PLACEMENT_ORDER_LS,
    SHORT_BREAK_LS,
    placement_category,
    reason_group,
)
from cpanalysis.disclosure import THRESHOLD, suppress, suppress_counts, suppress_derived, suppress_with_totals
from cpanalysis.errors import InputError
from cpanalysis.periods import episodes_with_periods
from cpanalysis.population import AGE_BANDS, _stability_placements, age_band, cla_at

COHORT_KINDS = ("looked_after_at", "entered_in_year")
GROUPS = ("all", "age_band", "sex", "placement", "provider", "legal_status", "uasc")
MIN_GROUP = 10
RESIDENTIAL_PLACES = ("K2", "R1")  # children's homes (K2) and residential care homes (R1)
LONG_TERM_FOSTER = ("U1", "U4")  # long-term fostering: with a relative/friend (U1), with another carer (U4)
# Exit routes for competing risks: categories.REASON_GROUPS, then everything else.
ROUTES = (
    "Adopted",
    "Special guardianship order",
    "Child arrangements order",
    "Returned home",
    "Turned 18 / independent living",
    "Other",
)
PERMANENCE = ROUTES[:4]
COHORT_COLUMNS = (
    "CHILD",
    "PERIOD",
    "origin",
    "follow_end",
    "left_care",
    "REASON",
    "route",
    "age_band",
    "sex",
    "placement",
    "provider",
    "legal_status",
    "uasc",
)
_SEX = {"1": "Male", "2": "Female", "M": "Male", "F": "Female"}


def _eps(episodes: pd.DataFrame) -> pd.DataFrame:
    eps = episodes_with_periods(episodes[~episodes["LS"].isin(SHORT_BREAK_LS)])
    eps["stability_placement"] = _stability_placements(eps)
    return eps


def cohort(
    episodes: pd.DataFrame,
    header: pd.DataFrame,
    uasc: pd.DataFrame | None,
    kind: str,
    when: pd.Timestamp | int,
    data_end: pd.Timestamp,
) -> pd.DataFrame:
    """One row per child of the cohort (module doc): CHILD, PERIOD, origin, follow_end (period end or data end),
    left_care (the period ended by follow_end), REASON (its REC), route (ROUTES), and at the origin: age_band,
    sex, placement (category), provider, legal_status, uasc. `when` is a date for looked_after_at and the year
    ending 31 March (e.g. 2019 = 2018/19) for entered_in_year."""
    return _cohort(_eps(episodes), episodes, header, uasc, kind, when, data_end)


def _cohort(
    eps: pd.DataFrame,
    episodes: pd.DataFrame,
    header: pd.DataFrame,
    uasc: pd.DataFrame | None,
    kind: str,
    when: pd.Timestamp | int,
    data_end: pd.Timestamp,
) -> pd.DataFrame:
    """cohort, with the episodes' _eps worked out already (`eps`): for many cohorts of the same episodes."""
    if kind not in COHORT_KINDS:
        raise InputError(f"cohort kind '{kind}' is not one of {', '.join(COHORT_KINDS)}")
    data_end = pd.Timestamp(data_end)
    if kind == "looked_after_at":
        origin = pd.Timestamp(when)
        if origin > data_end:
            raise InputError(f"cohort date {origin:%Y-%m-%d} is after the data end {data_end:%Y-%m-%d}")
        at = cla_at(episodes, origin)[["CHILD", "DECOM"]]
        rows = eps.merge(at, on=["CHILD", "DECOM"])
        rows["origin"] = origin
    else:
        year = int(when)
        start, end = pd.Timestamp(year - 1, 4, 1), pd.Timestamp(year, 3, 31)
        if start > data_end:
            raise InputError(f"entry year {year} ({start:%Y-%m-%d} on) is after the data end {data_end:%Y-%m-%d}")
        first = eps[(eps["EPISODE_IN_PERIOD"] == 1) & eps["PERIOD_START"].between(start, end)]
        rows = first.sort_values(["CHILD", "DECOM"]).drop_duplicates("CHILD").copy()
        rows["origin"] = rows["PERIOD_START"]
    rows = rows.reset_index(drop=True)
    ended = rows["PERIOD_END"].notna() & (rows["PERIOD_END"] <= data_end)
    h = header.drop_duplicates("CHILD", keep="last").set_index("CHILD")
    out = pd.DataFrame(
        {
            "CHILD": rows["CHILD"],
            "PERIOD": rows["PERIOD"],
            "origin": rows["origin"],
            "follow_end": rows["PERIOD_END"].where(ended, data_end),
            "left_care": ended,
            "REASON": rows["PERIOD_REASON"].where(ended),
            "route": reason_group(rows["PERIOD_REASON"]).where(ended),
            "sex": rows["CHILD"].map(h["SEX"]).map(_SEX).fillna("Unknown"),
            "placement": placement_category(rows["PLACE"], rows["PLACE_PROVIDER"]),
            "provider": rows["PLACE_PROVIDER"].fillna("Unknown"),
            "legal_status": rows["LS"].fillna("Unknown"),
            "uasc": rows["CHILD"].isin(uasc["CHILD"]) if uasc is not None else False,
        }
    )
    dob = rows["CHILD"].map(h["DOB"])
    out["age_band"] = age_band(dob, out["origin"]).to_numpy()
    out["uasc"] = out["uasc"].map({True: "UASC", False: "Not UASC"})
    return out[list(COHORT_COLUMNS)]


def moves(episodes: pd.DataFrame, cohort_: pd.DataFrame) -> pd.DataFrame:
    """Each move of a cohort child after the origin, within the followed period of care and by follow_end: CHILD,
    date (start of the new placement), days (since the origin), from_place, to_place (PLACE codes), reason
    (REASON_PLACE_CHANGE recorded on the placement that ended, blank if not recorded)."""
    eps = _eps(episodes[episodes["CHILD"].isin(cohort_["CHILD"])])
    eps = eps.merge(cohort_[["CHILD", "PERIOD", "origin", "follow_end"]], on=["CHILD", "PERIOD"])
    prev = eps.groupby("CHILD")
    eps["from_place"] = prev["PLACE"].shift()
    eps["reason"] = prev["REASON_PLACE_CHANGE"].shift()
    new = eps["stability_placement"].ne(prev["stability_placement"].shift()) & eps["EPISODE_IN_PERIOD"].gt(1)
    mv = eps[new & (eps["DECOM"] > eps["origin"]) & (eps["DECOM"] <= eps["follow_end"])]
    return pd.DataFrame(
        {
            "CHILD": mv["CHILD"].to_numpy(),
            "date": mv["DECOM"].to_numpy(),
            "days": (mv["DECOM"] - mv["origin"]).dt.days.to_numpy(),
            "from_place": mv["from_place"].to_numpy(),
            "to_place": mv["PLACE"].to_numpy(),
            "reason": mv["reason"].to_numpy(),
        }
    )


def _names(g: pd.Series) -> list[str]:
    """A group's values in reading order: age bands youngest first, anything else alphabetically."""
    order = {b: i for i, b in enumerate([*AGE_BANDS, "Unknown"])}
    return sorted(g.unique(), key=lambda v: (order.get(v, len(order)), v))


def _group(cohort_: pd.DataFrame, by: str) -> pd.Series:
    if by not in GROUPS:
        raise InputError(f"group '{by}' is not one of {', '.join(GROUPS)}")
    return pd.Series("All children", index=cohort_.index) if by == "all" else cohort_[by].astype(str)


def moves_by_group(cohort_: pd.DataFrame, moves_: pd.DataFrame, by: str = "all", years: int = 3) -> pd.DataFrame:
    """Moves in each year after the origin, by group: group, year (1 = the first 12 months), children (still
    followed at the start of that year), moves, children_moved (with at least one move in it), percent_moved.
    Counts of 1-4 are suppressed, and the percentage with them."""
    g = _group(cohort_, by)
    rows = []
    for y in range(1, years + 1):
        lo, hi = 365 * (y - 1), 365 * y
        followed = (cohort_["follow_end"] - cohort_["origin"]).dt.days > lo
        in_year = moves_[(moves_["days"] > lo) & (moves_["days"] <= hi)]
        for name in _names(g):
            kids = cohort_.loc[followed & g.eq(name), "CHILD"]
            m = in_year[in_year["CHILD"].isin(kids)]
            n, moved = len(kids), m["CHILD"].nunique()
            pct = round(100 * moved / n, 1) if n else np.nan
            rows.append((name, y, n, len(m), moved, pct))
    out = pd.DataFrame(
        rows, columns=[by if by != "all" else "group", "year", "children", "moves", "children_moved", "percent_moved"]
    )
    return suppress(out, ["children", "moves", "children_moved"], ["percent_moved"])


def reasons_for_change(moves_: pd.DataFrame) -> pd.DataFrame:
    """Moves by the reason recorded for the placement change (REASON_PLACE_CHANGE, collected from 2016/17), labelled
    '<code> - <label>', 'Not recorded' when blank: reason, moves, percent. Counts of 1-4 suppressed."""
    from cpanalysis.ssda903.schema import label

    reason = moves_["reason"].map(
        lambda c: f"{c} - {label('REASON_PLACE_CHANGE', c)}" if isinstance(c, str) and c else "Not recorded"
    )
    counts = reason.value_counts().rename("moves").rename_axis("reason").reset_index()
    total = counts["moves"].sum()
    counts["percent"] = (100 * counts["moves"] / total).round(1) if total else 0.0
    return suppress(counts, ["moves"], ["percent"])


def long_placements_ended(episodes: pd.DataFrame, years: list[int], min_days: int = 365) -> pd.DataFrame:
    """Placements (as counted for stability) that had lasted at least `min_days` days and ended with the child moving
    to another placement in the same period of care, in each year ending 31 March: year_ending_march, ended (all
    placements ending with a move), long_ended (those that had lasted `min_days`+), percent_long. Counts of 1-4
    suppressed."""
    eps = _eps(episodes)
    pl = eps.groupby(["CHILD", "stability_placement"]).agg(
        start=("DECOM", "first"), period=("PERIOD", "first"), period_end=("PERIOD_END", "first")
    )
    pl["next_start"] = pl.groupby(level="CHILD")["start"].shift(-1)
    pl["next_period"] = pl.groupby(level="CHILD")["period"].shift(-1)
    moved = pl[pl["next_period"].eq(pl["period"]) & pl["next_start"].notna()]
    length = (moved["next_start"] - moved["start"]).dt.days
    rows = []
    for y in years:
        in_year = moved["next_start"].between(pd.Timestamp(y - 1, 4, 1), pd.Timestamp(y, 3, 31))
        ended, long_ = int(in_year.sum()), int((in_year & (length >= min_days)).sum())
        rows.append((y, ended, long_, round(100 * long_ / ended, 1) if ended else np.nan))
    out = pd.DataFrame(rows, columns=["year_ending_march", "ended", "long_ended", "percent_long"])
    return suppress(out, ["ended", "long_ended"], ["percent_long"])


def young_into_residential(
    episodes: pd.DataFrame, header: pd.DataFrame, years: list[int], under_age: int = 12
) -> pd.DataFrame:
    """Children who started a residential placement (PLACE K2 children's home or R1 residential care home) aged
    under `under_age` at its start, in each year ending 31 March: year_ending_march, children (distinct), of whom
    under_5 / 5_to_9 / 10_to_under (age bands at the start, cut at `under_age`). Counts of 1-4 suppressed, and one
    more cell where the row total would give a suppressed one away."""
    eps = _eps(episodes)
    first = eps.groupby(["CHILD", "stability_placement"]).agg(start=("DECOM", "first"), place=("PLACE", "first"))
    first = first[first["place"].isin(RESIDENTIAL_PLACES)].reset_index()
    dob = first["CHILD"].map(header.drop_duplicates("CHILD", keep="last").set_index("CHILD")["DOB"])
    age = (first["start"] - dob).dt.days / 365.25
    first["age"] = np.floor(age)
    first = first[first["age"] < under_age]
    rows = []
    for y in years:
        inn = first[first["start"].between(pd.Timestamp(y - 1, 4, 1), pd.Timestamp(y, 3, 31))]
        kids = inn.drop_duplicates("CHILD")
        rows.append(
            (
                y,
                len(kids),
                int((kids["age"] < 5).sum()),
                int(kids["age"].between(5, 9).sum()),
                int((kids["age"] >= 10).sum()),
            )
        )
    cols = ["children", "under_5", "aged_5_to_9", f"aged_10_to_{under_age - 1}"]
    out = pd.DataFrame(rows, columns=["year_ending_march", *cols]).set_index("year_ending_march")
    return suppress_with_totals(out, cols[1:], total_col="children").reset_index()


# --- survival ---------------------------------------------------------------------------------------------------


def time_to_first_move(cohort_: pd.DataFrame, moves_: pd.DataFrame) -> pd.DataFrame:
    """Per child: days from the origin to the first move (moved True), or to follow_end without one (moved False,
    censored: the child left care or the data end). Columns: CHILD, days, moved, and the cohort's groups."""
    first = moves_.groupby("CHILD")["days"].min()
    out = cohort_.copy()
    out["moved"] = out["CHILD"].isin(first.index)
    out["days"] = out["CHILD"].map(first).fillna((out["follow_end"] - out["origin"]).dt.days).astype(int)
    return out


def kaplan_meier(
    durations: pd.DataFrame,
    by: str = "all",
    level: float = 0.95,
    min_group: int = MIN_GROUP,
    min_at_risk: int = THRESHOLD,
) -> pd.DataFrame:
    """Kaplan-Meier estimate of still being in the first placement, by group (lifelines.KaplanMeierFitter, Greenwood
    variance with lifelines' log(-log) confidence interval): group, days, at_risk, survival, lower, upper. Each
    curve starts at day 0 (survival 1) and stops at the last time with at least `min_at_risk` children at risk;
    groups with fewer than `min_group` children are left out (see module doc). `durations` from time_to_first_move."""
    from lifelines import KaplanMeierFitter

    g = _group(durations, by)
    frames = []
    for name in _names(g):
        d = durations[g.eq(name)]
        if len(d) < min_group:
            continue
        km = KaplanMeierFitter(alpha=1 - level).fit(d["days"], d["moved"])
        ci = km.confidence_interval_survival_function_
        table = km.event_table
        frame = pd.DataFrame(
            {
                "group": name,
                "days": km.survival_function_.index.to_numpy(),
                "at_risk": table["at_risk"].reindex(km.survival_function_.index).to_numpy(),
                "survival": km.survival_function_.iloc[:, 0].to_numpy(),
                "lower": ci.iloc[:, 0].to_numpy(),
                "upper": ci.iloc[:, 1].to_numpy(),
            }
        )
        frames.append(frame[frame["at_risk"] >= min_at_risk])
    columns = ["group", "days", "at_risk", "survival", "lower", "upper"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def survival_at(curves: pd.DataFrame, days: tuple[int, ...] = (91, 365, 730)) -> pd.DataFrame:
    """The Kaplan-Meier curves read at fixed times: group, days, percent_no_move (in the first placement) with its
    band, or blank where the curve has stopped (fewer than 5 at risk)."""
    rows = []
    for name, c in curves.groupby("group", sort=False):
        for t in days:
            upto = c[c["days"] <= t]
            if c["days"].max() < t or upto.empty:
                rows.append((name, t, np.nan, np.nan, np.nan))
            else:
                r = upto.iloc[-1]
                rows.append((name, t, 100 * r["survival"], 100 * r["lower"], 100 * r["upper"]))
    out = pd.DataFrame(rows, columns=["group", "days", "percent_no_move", "lower", "upper"])
    return out.round(1)


def exit_durations(cohort_: pd.DataFrame) -> pd.DataFrame:
    """Per child: days from the origin to leaving care, or to the data end (censored), and the exit route (blank
    while looked after): CHILD, days, route, event (1 + index into ROUTES; 0 censored), and the cohort's groups."""
    out = cohort_.copy()
    out["days"] = (out["follow_end"] - out["origin"]).dt.days.astype(int)
    code = {r: i + 1 for i, r in enumerate(ROUTES)}
    out["event"] = out["route"].map(code).where(out["left_care"], 0).fillna(0).astype(int)
    return out


def _at_risk(days: pd.Series, times: np.ndarray) -> np.ndarray:
    """At each of `times`, the children still followed (days >= t): by a binary search of the sorted days."""
    ordered = np.sort(days.to_numpy())
    return len(ordered) - np.searchsorted(ordered, times, side="left")


def cumulative_incidence(
    exits: pd.DataFrame, level: float = 0.95, routes: tuple[str, ...] = ROUTES, min_at_risk: int = THRESHOLD
) -> pd.DataFrame:
    """Cumulative incidence of each exit route with the others as competing risks (lifelines.AalenJohansenFitter,
    with its variance): route, days, cumulative_incidence, lower, upper. The curves stop where fewer than
    `min_at_risk` children remain at risk. `exits` from exit_durations. Ties between routes on the same day are
    broken by lifelines with a small fixed-seed jitter (a fraction of a day)."""
    from lifelines import AalenJohansenFitter

    frames = []
    for route in routes:
        k = ROUTES.index(route) + 1
        if not (exits["event"] == k).any():
            continue
        aj = AalenJohansenFitter(calculate_variance=True, seed=903, alpha=1 - level)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            aj.fit(exits["days"], exits["event"], event_of_interest=k)
        cif = aj.cumulative_density_.iloc[:, 0]
        ci = aj.confidence_interval_
        times = cif.index.to_numpy()
        remaining = _at_risk(exits["days"], times)
        frame = pd.DataFrame(
            {
                "route": route,
                "days": times,
                "cumulative_incidence": cif.to_numpy(),
                "lower": ci.iloc[:, 0].reindex(cif.index).to_numpy(),
                "upper": ci.iloc[:, 1].reindex(cif.index).to_numpy(),
            }
        )
        frames.append(frame[remaining >= min_at_risk])
    columns = ["route", "days", "cumulative_incidence", "lower", "upper"]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def incidence_at(curves: pd.DataFrame, days: tuple[int, ...] = (365, 730, 1095)) -> pd.DataFrame:
    """Cumulative incidence read at fixed times (percent), one column per time: route, then e.g. '1 year'."""
    out = {}
    for route, c in curves.groupby("route", sort=False):
        row = {}
        for t in days:
            upto = c[c["days"] <= t]
            row[f"{t / 365:g} year{'s' if t > 365 else ''}"] = (
                round(100 * upto["cumulative_incidence"].iloc[-1], 1) if len(upto) and c["days"].max() >= t else np.nan
            )
        out[route] = row
    return pd.DataFrame.from_dict(out, orient="index").rename_axis("route").reset_index()


def median_time_to_permanence(exits: pd.DataFrame, min_at_risk: int = THRESHOLD) -> dict[str, float | int | None]:
    """Median days from the origin to permanence (leaving care through adoption, an SGO, a child arrangements order
    or a return home: PERMANENCE), other exits competing: the first day the Aalen-Johansen cumulative incidence of
    permanence reaches 50% (None if it never does while `min_at_risk`+ remain at risk), with children (in the
    cohort) and permanent (the number who left to permanence)."""
    perm = exits.assign(
        event=np.where(exits["route"].isin(PERMANENCE) & exits["left_care"], 1, np.where(exits["event"] > 0, 2, 0))
    )
    n_perm = int((perm["event"] == 1).sum())
    median = None
    if n_perm:
        from lifelines import AalenJohansenFitter

        aj = AalenJohansenFitter(calculate_variance=False, seed=903)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            aj.fit(perm["days"], perm["event"], event_of_interest=1)
        cif = aj.cumulative_density_.iloc[:, 0]
        at_risk = _at_risk(perm["days"], cif.index.to_numpy())
        reached = cif[(cif >= 0.5) & (at_risk >= min_at_risk)]
        median = int(np.ceil(reached.index[0])) if len(reached) else None
    return {"children": len(exits), "permanent": n_perm, "median_days": median}


# --- permanence and delay ---------------------------------------------------------------------------------------


def _band(days: pd.Series, edges: tuple[int, ...], labels: tuple[str, ...]) -> pd.Series:
    return pd.cut(days, [-np.inf, *edges, np.inf], labels=labels, right=False).astype(str)


WEEKS_26 = 26 * 7  # the 26-week limit for care proceedings (Children and Families Act 2014, s14)
C1_BANDS = ("Under 26 weeks", "26 to 52 weeks", "52 weeks or more")


def interim_care_orders(episodes: pd.DataFrame, data_start: pd.Timestamp, data_end: pd.Timestamp) -> pd.DataFrame:
    """Each run of interim care order (LS C1) within a period of care, the proxy for the length of care
    proceedings, for orders starting from `data_start` (earlier ones may be missing from the data): CHILD, start
    (first C1 episode), end (start of the next episode under another legal status, or
    the period's end; blank while still on C1 at the data end), days (to end or data end), open (still on C1),
    next_ls (the legal status that followed), year_ending_march (of the start), band (C1_BANDS)."""
    eps = _eps(episodes)
    eps = eps.sort_values(["CHILD", "DECOM"], kind="mergesort")
    is_c1 = eps["LS"].eq("C1")
    run = (is_c1.ne(is_c1.groupby(eps["CHILD"]).shift()) | eps["EPISODE_IN_PERIOD"].eq(1)).cumsum()
    eps["run"] = run
    groups = eps.groupby("run", sort=False)
    runs = groups.agg(
        CHILD=("CHILD", "first"),
        ls=("LS", "first"),
        start=("DECOM", "first"),
        last_dec=("DEC", "last"),
        period=("PERIOD", "first"),
    )
    runs["next_ls"] = (
        runs.groupby("CHILD")["ls"].shift(-1).where(runs.groupby("CHILD")["period"].shift(-1).eq(runs["period"]))
    )
    runs = runs[runs["ls"].eq("C1") & (runs["start"] >= pd.Timestamp(data_start))].copy()
    data_end = pd.Timestamp(data_end)
    runs["open"] = runs["last_dec"].isna() | (runs["last_dec"] > data_end)
    runs["end"] = runs["last_dec"].where(~runs["open"])
    runs["days"] = (runs["end"].fillna(data_end) - runs["start"]).dt.days
    runs["year_ending_march"] = runs["start"].dt.year + (runs["start"].dt.month >= 4).astype(int)
    runs["band"] = _band(runs["days"], (WEEKS_26, 365), C1_BANDS)
    return runs[["CHILD", "start", "end", "days", "open", "next_ls", "year_ending_march", "band"]].reset_index(
        drop=True
    )


def interim_care_order_summary(runs: pd.DataFrame) -> pd.DataFrame:
    """Interim care orders by the year they started: year_ending_march, orders, ended, median_days (of those
    ended), over_26_weeks (ended or still open after 26 weeks), still_open. Counts of 1-4 suppressed, the median
    with them, and one more of orders / ended / still_open where orders = ended + still_open would give a
    suppressed one away."""
    rows = []
    for y, r in runs.groupby("year_ending_march"):
        done = r[~r["open"]]
        rows.append(
            (
                int(y),
                len(r),
                len(done),
                float(done["days"].median()) if len(done) else np.nan,
                int((r["days"] >= WEEKS_26).sum()),
                int(r["open"].sum()),
            )
        )
    cols = ["year_ending_march", "orders", "ended", "median_days", "over_26_weeks", "still_open"]
    out = suppress_derived(pd.DataFrame(rows, columns=cols), "ended", ["median_days"])
    out = suppress_counts(out, ["over_26_weeks"]).set_index("year_ending_march")
    return suppress_with_totals(out, ["ended", "still_open"], total_col="orders").reset_index()


def placed_with_parents_on_orders(episodes: pd.DataFrame, date: pd.Timestamp) -> pd.DataFrame:
    """Children looked after at `date` placed with parents (PLACE P1) under an interim or full care order (LS C1,
    C2), by how long they have been in that placement: legal_status, under_6_months, 6_to_12_months, over_1_year,
    children. Counts of 1-4 suppressed, and one more cell where a row total would give one away."""
    cla = cla_at(episodes, date)
    cla = cla[cla["PLACE"].eq("P1") & cla["LS"].isin(["C1", "C2"])]
    eps = _eps(episodes[episodes["CHILD"].isin(cla["CHILD"])])
    starts_ = eps.groupby(["CHILD", "stability_placement"])["DECOM"].transform("first")
    start = (
        eps.assign(pstart=starts_).merge(cla[["CHILD", "DECOM"]], on=["CHILD", "DECOM"]).set_index("CHILD")["pstart"]
    )
    days = (pd.Timestamp(date) - cla["CHILD"].map(start)).dt.days
    band = _band(days, (183, 365), ("under_6_months", "6_to_12_months", "over_1_year"))
    table = pd.crosstab(cla["LS"].map({"C1": "C1 interim care order", "C2": "C2 full care order"}), band)
    table = table.reindex(columns=["under_6_months", "6_to_12_months", "over_1_year"], fill_value=0)
    table = table.reindex(["C1 interim care order", "C2 full care order"], fill_value=0)
    table["children"] = table.sum(axis=1)
    bands = ["under_6_months", "6_to_12_months", "over_1_year"]
    out = suppress_with_totals(table.rename_axis(None, axis=1), bands, total_col="children")
    return out.rename_axis("legal_status").reset_index()


def long_term_fostering(episodes: pd.DataFrame, date: pd.Timestamp) -> pd.DataFrame:
    """Children in foster care at `date` by whether the placement is long-term fostering (U1 with a relative or
    friend, U4 with another carer: matched to stay) and by provider (in-house PR1 / external): provider,
    long_term, other_foster, children, percent_long_term. Counts of 1-4 suppressed."""
    cla = cla_at(episodes, date)
    foster = cla[cla["placement"].isin(["In-house foster", "External (IFA) foster"])]
    rows = []
    for name in ("In-house foster", "External (IFA) foster"):
        f = foster[foster["placement"] == name]
        lt = int(f["PLACE"].isin(LONG_TERM_FOSTER).sum())
        rows.append((name, lt, len(f) - lt, len(f), round(100 * lt / len(f), 1) if len(f) else np.nan))
    out = pd.DataFrame(rows, columns=["provider", "long_term", "other_foster", "children", "percent_long_term"])
    return suppress(out, ["long_term", "other_foster", "children"], ["percent_long_term"])


WAIT_BANDS = ("Under 6 months", "6 to 12 months", "12 to 18 months", "18 to 24 months", "2 years or more")


def longest_waits(episodes: pd.DataFrame, date: pd.Timestamp) -> pd.DataFrame:
    """Children looked after at `date` whose plan has not yet completed, by how long they have waited (counts by
    band, never a child): plan ('Placement order, not yet placed for adoption': LS E1/D1 outside an A3-A6
    placement, waiting since the order; 'Interim care order': LS C1, since the order), then one column per
    WAIT_BANDS and children. Counts of 1-4 suppressed (and, with the row total, one more cell)."""
    date = pd.Timestamp(date)
    cla = cla_at(episodes, date)
    eps = _eps(episodes[episodes["CHILD"].isin(cla["CHILD"])])
    eps = eps[eps["DECOM"] <= date]
    rows = {}
    plans = {
        "Placement order, not yet placed for adoption": (PLACEMENT_ORDER_LS, ~cla["PLACE"].isin(ADOPTION_PLACEMENTS)),
        "Interim care order": (("C1",), pd.Series(True, index=cla.index)),
    }
    for plan, (codes, extra) in plans.items():
        kids = cla.loc[cla["LS"].isin(codes) & extra, "CHILD"]
        current = eps[eps["CHILD"].isin(kids)]
        # since the first episode of the current run of this legal status group
        not_ls = ~current["LS"].isin(codes)
        last_other = current["DECOM"].where(not_ls).groupby(current["CHILD"]).max()
        since = current[current["LS"].isin(codes)].copy()
        since = since[since["DECOM"] > since["CHILD"].map(last_other).fillna(pd.Timestamp.min)]
        since = since[since["PERIOD"] == since.groupby("CHILD")["PERIOD"].transform("max")]
        start = since.groupby("CHILD")["DECOM"].min()
        days = (date - start).dt.days
        band = _band(days, (183, 365, 548, 730), WAIT_BANDS).value_counts()
        rows[plan] = {b: int(band.get(b, 0)) for b in WAIT_BANDS}
    table = pd.DataFrame.from_dict(rows, orient="index")[list(WAIT_BANDS)]
    table["children"] = table.sum(axis=1)
    out = suppress_with_totals(table, list(WAIT_BANDS), total_col="children")
    return out.rename_axis("plan").reset_index()


def exits_by_route(exits: pd.DataFrame) -> pd.DataFrame:
    """The cohort by how it has left so far: route (ROUTES and 'Still looked after'), children, percent, median_days
    (from the origin). Counts of 1-4 suppressed and their medians and percentages."""
    route = exits["route"].where(exits["left_care"], "Still looked after")
    rows = []
    for r in [*ROUTES, "Still looked after"]:
        d = exits.loc[route.eq(r), "days"]
        rows.append((r, len(d), float(d.median()) if len(d) else np.nan))
    out = pd.DataFrame(rows, columns=["route", "children", "median_days"])
    total = out["children"].sum()
    out["percent"] = (100 * out["children"] / total).round(1) if total else 0.0
    return suppress(out[["route", "children", "percent", "median_days"]], ["children"], ["percent", "median_days"])


def cohort_years(data_first_year: int, period_end: pd.Timestamp) -> list[int]:
    """Years ending 31 March a cohort can be drawn for: from the first collection year in the data to the last 31
    March on or before `period_end`."""
    end = pd.Timestamp(period_end)
    last = end.year if (end.month, end.day) >= (3, 31) else end.year - 1
    return list(range(int(data_first_year), last + 1))


def default_year(years: list[int], year: int = 0, back: int = 3) -> int:
    """The cohort year to use: `year` if given (it must be one of `years`), else `back` years before the last one
    (so the cohort has that long to be followed), or the first year when the data are shorter."""
    if not years:
        raise InputError("the data hold no complete year ending 31 March to draw a cohort from")
    if year:
        if int(year) not in years:
            raise InputError(f"cohort year {year} is not in the data (years ending 31 March {years[0]}-{years[-1]})")
        return int(year)
    return max(years[0], years[-1] - back)


def permanence_by_entry_year(
    episodes: pd.DataFrame, header: pd.DataFrame, years: list[int], period_end: pd.Timestamp
) -> pd.DataFrame:
    """For each entry cohort (entered_in_year): year_ending_march, children, permanent (left to PERMANENCE by
    period_end), median_days (median_time_to_permanence; blank when not reached while 5+ are at risk). Counts of
    1-4 suppressed and the median with them."""
    rows, eps = [], _eps(episodes)
    for y in years:
        c = _cohort(eps, episodes, header, None, "entered_in_year", y, period_end)
        m = median_time_to_permanence(exit_durations(c)) if len(c) else {"children": 0, "permanent": 0}
        rows.append((y, m["children"], m["permanent"], m.get("median_days")))
    out = pd.DataFrame(rows, columns=["year_ending_march", "children", "permanent", "median_days"])
    out["median_days"] = out["median_days"].astype(float)
    return suppress(out, ["children", "permanent"], ["median_days"])


def caveats(quality: pd.DataFrame, cohort_: pd.DataFrame, moves_: pd.DataFrame | None = None) -> list[str]:
    """Data-quality points a deep dive's reader should know, from the loader's data-quality table and the cohort:
    rejected episode and header rows, children without a date of birth, moves without a recorded reason, and
    children whose follow-up is short because the data end."""
    out = []
    if quality is not None and len(quality):
        rejected = quality[(quality["outcome"] == "rejected") & quality["table"].isin(["episodes", "header"])]
        if len(rejected):
            out.append(
                f"{len(rejected):,} episode or header rows were rejected on loading (see the data-quality notebook); "
                "the children they belong to may be missing from the cohort or miscounted."
            )
    unknown = int((cohort_["age_band"] == "Unknown").sum())
    if unknown:
        from cpanalysis.narrative import n

        out.append(f"{n(unknown)} children in the cohort have no date of birth: their age band is 'Unknown'.")
    if moves_ is not None and len(moves_):
        missing = int(moves_["reason"].isna().sum() + (moves_["reason"] == "").sum())
        if missing:
            out.append(
                f"{100 * missing / len(moves_):.0f}% of moves have no reason for the placement change recorded "
                "(REASON_PLACE_CHANGE, collected from 2016/17): the reasons table speaks for the rest only."
            )
    followed = (cohort_["follow_end"] - cohort_["origin"]).dt.days
    short = int(((followed < 365) & ~cohort_["left_care"]).sum())
    if short:
        out.append(
            f"{short:,} children were still looked after but followed for less than a year when the data end; they "
            "count in the curves for as long as they were followed (censored), not as children who never moved or "
            "left."
        )
    out.append(
        "Curves stop where fewer than 5 children remain at risk, and groups of fewer than 10 children are not drawn, "
        "so that no step reveals a single child; counts of 1 to 4 are shown as [c]."
    )
    return out
