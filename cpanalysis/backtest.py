"""How the demand model would have done: the backtest (fit at each past cutoff, project, compare with what
happened), the naive baselines beside it (last value, linear trend, drift), and the headline forecast the pack shows
(the model and the baselines weighted by their past errors, with a range from the headline's own past errors)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cpanalysis.errors import InputError
from cpanalysis.projection import (
    CATEGORIES,
    ENTRY_DAMPING,
    TOTAL,
    _last_month_end,
    actual_counts,
    fit,
    fits,
    simulate,
    summarise,
)

# --- backtest ---------------------------------------------------------------------------------------------------

BASELINES = ("last_value", "linear_trend", "drift")  # the naive forecasts, baselines' columns


def baselines(
    actual: pd.DataFrame, cutoff: pd.Timestamp, dates: list[pd.Timestamp], window_months: int
) -> pd.DataFrame:
    """The three naive forecasts at `dates` from the actual monthly counts up to `cutoff`: last_value (the count at
    the cutoff carried forward), linear_trend (least-squares line through the window's month ends, extended) and
    drift (a random walk with drift: the count at the cutoff plus, for each month ahead, the average monthly change
    from the first month end of `actual` to the cutoff; Hyndman and Athanasopoulos, 'Forecasting: principles and
    practice', 5.2). Index: date; columns: (method, category). None below 0."""
    history = actual.loc[:cutoff].to_numpy(dtype=float)
    past = actual.loc[cutoff - pd.DateOffset(months=window_months) - pd.offsets.MonthEnd(0) : cutoff]
    x = np.arange(len(past))
    ahead = np.array([(d.year - cutoff.year) * 12 + d.month - cutoff.month for d in dates])
    slope, intercept = np.polyfit(x, past.to_numpy(dtype=float), 1)
    trend = intercept[None, :] + slope[None, :] * (ahead + x[-1])[:, None]
    change = (history[-1] - history[0]) / max(len(history) - 1, 1)
    drift = history[-1][None, :] + change[None, :] * ahead[:, None]
    last = np.repeat(history[[-1]], len(dates), axis=0)
    forecasts = {"last_value": last, "linear_trend": trend, "drift": drift}
    return pd.concat(
        {m: pd.DataFrame(np.clip(v, 0, None), index=dates, columns=past.columns) for m, v in forecasts.items()},
        axis=1,
    )


def backtest(
    states: pd.DataFrame,
    cutoffs: list[pd.Timestamp] | None = None,
    horizons: tuple[int, ...] = (6, 12, 24),
    window_months: int = 24,
    sims: int = 200,
    seed: int = 903,
    level: float = 0.9,
    entry_damping: float | None = None,
    workers: int | None = None,
) -> pd.DataFrame:
    """Fit on the data up to each cutoff, project, and compare with what the data show afterwards (entries with
    a damped trend if `entry_damping` is given, see fit).

    Cutoffs default to every quarter end from the first with a full window to the last with 6 months of data
    after it. Returns one row per cutoff x horizon x category (placement categories and 'Total') with data:
    cutoff, horizon (months), date, category, actual, model, lower, upper (the `level` band), inside (actual in
    the band), and the BASELINES (last_value, linear_trend, drift). The fits are counted here (projection.fits:
    the child-month pairs found once for every window), and each is simulated from the same `seed` on `workers`
    threads (simulate; default one a CPU): the points are the same whatever the number of workers."""
    actual = actual_counts(states)
    first, last = actual.index.min(), actual.index.max()
    if cutoffs is None:
        start = first + pd.DateOffset(months=window_months) + pd.offsets.QuarterEnd(0, startingMonth=3)
        cutoffs = list(pd.date_range(start, last - pd.DateOffset(months=min(horizons)), freq="QE-MAR"))
    if not cutoffs:
        raise InputError(
            f"no backtest is possible: the data ({first:%m/%Y} to {last:%m/%Y}) are shorter than a "
            f"{window_months}-month window plus {min(horizons)} months"
        )
    kept = {c: [(h, d) for h in horizons if (d := c + pd.offsets.MonthEnd(h)) <= last] for c in cutoffs}
    fitted = fits(states, cutoffs, window_months, entry_damping)
    summaries = (
        summarise(simulate(f, max(h for h, _ in kept[c]), sims, seed, workers=workers), level)
        for c, f in zip(cutoffs, fitted)
    )
    frames = []
    for cutoff, summary in zip(cutoffs, summaries):
        summary = summary.set_index(["date", "category"])
        naive = baselines(actual, cutoff, [d for _, d in kept[cutoff]], window_months)
        for h, d in kept[cutoff]:
            for cat in [*CATEGORIES, TOTAL]:
                s = summary.loc[(d, cat)]
                frames.append(
                    {
                        "cutoff": cutoff,
                        "horizon": h,
                        "date": d,
                        "category": cat,
                        "actual": int(actual.at[d, cat]),
                        "model": s["central"],
                        "lower": s["lower"],
                        "upper": s["upper"],
                        **{m: naive.at[d, (m, cat)] for m in BASELINES},
                    }
                )
    out = pd.DataFrame(frames)
    out["inside"] = (out["actual"] >= out["lower"]) & (out["actual"] <= out["upper"])
    return out


METHODS = {"model": "Model", "last_value": "Last value", "linear_trend": "Linear trend", "drift": "Drift"}


def backtest_track(points: pd.DataFrame, horizon: int = 12, category: str = TOTAL) -> pd.DataFrame:
    """The backtest's `horizon`-month projections of one category against what happened, by the date projected:
    index date; columns model, lower, upper, actual and the BASELINES."""
    rows = points[(points["horizon"] == horizon) & (points["category"] == category)]
    return rows.set_index("date")[["model", "lower", "upper", "actual", *BASELINES]]


def backtest_summary(points: pd.DataFrame) -> pd.DataFrame:
    """MAPE (mean absolute percentage error, %) of each method by horizon and category, and the band's coverage
    (% of points with the actual inside it), over the backtest's cutoffs: horizon, category, points, one MAPE
    column per method (METHODS: model, last_value, linear_trend, drift), coverage_pct, best (the method with the
    lowest MAPE). Points whose actual is 0 are left out of MAPE (a percentage of nothing)."""
    rows = []
    for (h, cat), g in points.groupby(["horizon", "category"], sort=False):
        base = g[g["actual"] > 0]
        mape = {
            m: float((100 * (base[m] - base["actual"]).abs() / base["actual"]).mean()) if len(base) else np.nan
            for m in METHODS
        }
        rows.append(
            {
                "horizon": h,
                "category": cat,
                "points": len(g),
                **mape,
                "coverage_pct": 100 * g["inside"].mean(),
                "best": METHODS[min(mape, key=lambda m: np.inf if np.isnan(mape[m]) else mape[m])],
            }
        )
    return pd.DataFrame(rows).sort_values(["horizon"], kind="mergesort", ignore_index=True)


# --- the headline range: the model and the baselines, weighted by their track records ---------------------------

HEADLINE_METHODS = ("model", *BASELINES)


@dataclass(frozen=True)
class _Track:
    """Past points of one horizon and category as arrays, those with an actual above 0 only: the rule's functions
    below work on these (microseconds each: headline_points calls them for every point of the backtest)."""

    horizon: int
    cutoff: np.ndarray
    date: np.ndarray
    actual: np.ndarray
    forecasts: np.ndarray  # [point, HEADLINE_METHODS]

    @classmethod
    def of(cls, frame: pd.DataFrame) -> _Track:
        keep = frame["actual"].to_numpy() > 0
        return cls(
            int(frame["horizon"].iloc[0]) if len(frame) else 0,
            frame["cutoff"].to_numpy()[keep],
            frame["date"].to_numpy()[keep],
            frame["actual"].to_numpy(dtype=float)[keep],
            frame[list(HEADLINE_METHODS)].to_numpy(dtype=float)[keep],
        )

    def known_by(self, when: np.datetime64) -> _Track:
        """The points whose date had passed by `when`."""
        k = self.date <= when
        return _Track(self.horizon, self.cutoff[k], self.date[k], self.actual[k], self.forecasts[k])


def _weights(t: _Track) -> np.ndarray:
    """Each method of HEADLINE_METHODS weighted by 1 / its mean squared relative error ((forecast - actual) /
    actual) over the track's points (Bates and Granger, 'The combination of forecasts', 1969); they sum to 1. Methods
    that were always right (to rounding, 1e-12) share all the weight."""
    mse = np.asarray(
        (((t.forecasts - t.actual[:, None]) / t.actual[:, None]) ** 2).mean(axis=0) if len(t.actual) else np.nan
    )
    exact = mse <= 1e-12
    inverse = exact.astype(float) if exact.any() else 1 / mse
    return inverse / inverse.sum()


def _errors(t: _Track) -> tuple[np.ndarray, np.ndarray]:
    """The relative errors e = actual / weighted - 1 of the weighted forecast (weights _weights of the same
    points) where it is above 0: (cutoffs, errors)."""
    weighted = (t.forecasts * _weights(t)).sum(axis=1)
    ok = weighted > 0
    return t.cutoff[ok], t.actual[ok] / weighted[ok] - 1


ADAPT = 0.05  # how far one past error moves the level the range is set at (adaptive conformal inference)
LEVEL_FLOOR = 0.5  # the adapted level never below this (or the nominal level, if lower): no range of 0


def _half_width(t: _Track, level: float) -> float:
    """The relative half-width of a `level` range from the headline's past errors at one horizon (the track's
    points): a split-conformal quantile of |e| (_errors), the k-th smallest of the n with k = ceil((n + 1) x q),
    the largest when k is above n (Vovk et al., 'Algorithmic learning in a random world', 2005), at a level q
    adapted to the track record (adaptive conformal inference: Gibbs and Candes, 'Adaptive conformal inference
    under distribution shift', 2021). Going through the errors in the order of their cutoffs, q starts at
    `level` and after each error moves by ADAPT x (1 if it fell outside the range the errors before it gave,
    else 0, less 1 - level): up after a miss, down a little after a hit, so a track whose errors grew lately
    gets a wider range and one that held too easily a narrower one; q is kept between LEVEL_FLOOR (or `level`,
    if lower) and 1. NaN with fewer than 2 errors."""
    cutoffs, err = _errors(t)
    err = np.abs(err[np.argsort(cutoffs, kind="stable")])
    if len(err) < 2:
        return np.nan
    q = level
    for i in range(2, len(err)):
        missed = err[i] > _conformal(err[:i], q)
        q = float(np.clip(q + ADAPT * (missed - (1 - level)), min(LEVEL_FLOOR, level), 1.0))
    return _conformal(err, q)


def _conformal(err: np.ndarray, q: float) -> float:
    """The k-th smallest of the n |errors| `err`, k = ceil((n + 1) x q), the largest when k is above n."""
    ordered = np.sort(err)
    return float(ordered[min(int(np.ceil((len(ordered) + 1) * q)), len(ordered)) - 1])


GROWTH_BOUNDS = (0.5, 1.0)  # errors grow at least as a random walk's (sqrt h), at most as a drift's (h)


def _growth_exponent(known: _Track, base: _Track) -> float:
    """How the headline's errors grow with the horizon, from the past: p with RMS(h) / RMS(h0) = (h / h0)^p, the
    root mean square errors (_errors) of the `known` points at horizon h and the `base` points at the
    shortest horizon h0 from the same cutoffs (like with like), p kept within GROWTH_BOUNDS; 1 (in proportion to
    the horizon) at h0 itself or with fewer than 2 shared cutoffs."""
    h, h0 = known.horizon, base.horizon
    (c_long, long), (c_short, short) = _errors(known), _errors(base)
    _, i, j = np.intersect1d(c_long, c_short, return_indices=True)
    if h == h0 or len(i) < 2 or not (short[j] ** 2).sum() > 0:
        return 1.0
    ratio = float(np.sqrt((long[i] ** 2).sum() / (short[j] ** 2).sum()))
    p = np.log(ratio) / np.log(h / h0) if ratio > 0 else GROWTH_BOUNDS[0]
    return float(np.clip(p, *GROWTH_BOUNDS))


def _range_exponent(known: _Track, base: _Track, level: float) -> float:
    """The exponent p the range grows by from the shortest backtested horizon h0 (`base`, its known points) to the
    horizon h of the `known` points, (h / h0)^p: _growth_exponent's, raised where that would give a range
    narrower than h's own past errors allow (their conformal half-width, _half_width, over h0's), so the
    range at h never holds less of h's own track record than of h0's."""
    p = _growth_exponent(known, base)
    h, h0 = known.horizon, base.horizon
    short = _half_width(base, level)
    # every past shortest-horizon projection right (to rounding, 1e-9): a range of 0 there, nothing to raise from
    own = _half_width(known, level) / short if short > 1e-9 else np.nan
    if h > h0 and np.isfinite(own) and own > (h / h0) ** p:
        p = float(np.log(own) / np.log(h / h0))
    return p


def _growth(h: int, tested: np.ndarray, exponents: np.ndarray) -> float:
    """How much wider the range is h months ahead than at the shortest backtested horizon h0 = tested[0]: (H / h0)^p
    at each backtested horizon H (p its _range_exponent, in `exponents`), joined by straight lines on log-log axes
    between them, so the range widens with no step where the nearest backtested horizon changes; h / h0 below h0
    and (h / h0)^p with the last horizon's p beyond it."""
    ratio = h / tested[0]
    if h <= tested[0]:
        return ratio
    if h >= tested[-1]:
        return ratio ** exponents[-1]
    x = np.log(tested / tested[0])
    return float(np.exp(np.interp(np.log(ratio), x, exponents * x)))


def _headline(
    forecasts: np.ndarray, known: _Track, base: _Track, growth: float, level: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The combined rule on `forecasts` ([point, HEADLINE_METHODS]): central = the forecast weighted by the `known`
    past points of the same horizon (_weights); range = central x (1 +- half x growth), half the conformal
    half-width of the headline's past errors at the shortest backtested horizon (`base`, its known points: the
    most of them and the most recent; _half_width), `growth` how much wider the range is at the forecasts'
    horizon h than there: (h / h0)^p, p from _range_exponent (and between backtested horizons, _growth).
    Returns central, low, high."""
    central = (forecasts * _weights(known)).sum(axis=1)
    half = growth * _half_width(base, level)
    return central, np.clip(central * (1 - half), 0, None), central * (1 + half)


def _share_total(frame: pd.DataFrame, by: list[str], columns: tuple[str, str, str]) -> pd.DataFrame:
    """The categories' headline made to add up to the Total's: at each `by` group (one Total row and its
    categories), a category's central = the Total's central x its share of the model's (column model; the
    model's categories add up to its Total), and its range keeps its own width relative to its central.
    `columns` names the central, low and high columns; returns `frame` changed."""
    central, low, high = columns
    part = frame["category"] != TOTAL
    keys = [frame[b] for b in by]
    total = frame[central].where(~part).groupby(keys, sort=False).transform("max")
    mix = frame["model"].where(part).groupby(keys, sort=False).transform("sum")
    share = part & (mix > 0) & total.notna()
    new = frame["model"] * total / mix
    scale = (new / frame[central]).where(frame[central] > 0, 1.0)
    out = frame.copy()
    out.loc[share, central] = new[share]
    out.loc[share, low] = np.minimum(out.loc[share, low] * scale[share], new[share])
    out.loc[share, high] = np.maximum(out.loc[share, high] * scale[share], new[share])
    return out


def headline_points(points: pd.DataFrame, level: float = 0.9, min_points: int = 8) -> pd.DataFrame:
    """The backtest's points with the headline forecast each cutoff would have given (the combined rule of
    _headline with only the points whose date had passed by that cutoff: of the same horizon and category
    for the weights, at least `min_points` of them; of the shortest horizon for the range; before that the model
    and its simulation band; the categories' then made to add up to the Total's, _share_total): headline,
    headline_low, headline_high, judged (the track record was long enough), headline_inside."""
    out = points.copy()
    headline = out[["model", "lower", "upper"]].to_numpy(dtype=float)
    judged = np.zeros(len(out), dtype=bool)
    shortest = int(out["horizon"].min())
    row = pd.Series(np.arange(len(out)), index=out.index)
    for (h, cat), g in out.groupby(["horizon", "category"], sort=False):
        track = _Track.of(g)
        short = _Track.of(out[(out["horizon"] == shortest) & (out["category"] == cat)])
        forecasts = g[list(HEADLINE_METHODS)].to_numpy(dtype=float)
        for k, (i, cutoff) in enumerate(zip(row[g.index], g["cutoff"].to_numpy())):
            known = track.known_by(cutoff)
            if len(known.actual) >= min_points:
                base = short.known_by(cutoff)
                growth = (h / shortest) ** _range_exponent(known, base, level)
                c, lo, hi = _headline(forecasts[k : k + 1], known, base, growth, level)
                headline[i], judged[i] = (c[0], lo[0], hi[0]), True
    out[["headline", "headline_low", "headline_high"]] = headline
    out = _share_total(out, ["cutoff", "horizon"], ("headline", "headline_low", "headline_high"))
    out["judged"] = judged
    out["headline_inside"] = (out["actual"] >= out["headline_low"]) & (out["actual"] <= out["headline_high"])
    return out


def _mape(points: pd.DataFrame, column: str) -> float:
    """Mean absolute percentage error of `column` against actual (points with an actual above 0), NaN if none."""
    base = points[points["actual"] > 0]
    return float((100 * (base[column] - base["actual"]).abs() / base["actual"]).mean()) if len(base) else np.nan


def headline_accuracy(points: pd.DataFrame, level: float = 0.9, min_points: int = 8) -> pd.DataFrame:
    """How the headline forecast and range would have done (headline_points), by horizon and category: points,
    judged (points with a track record to weigh by), MAPE of the headline and, on the judged points, of each of
    METHODS (%), coverage_pct (the headline range's, judged points) and
    band_coverage_pct (the simulation band's, the same points). Points whose actual is 0 are left out of MAPE."""
    rows = []
    for (h, cat), g in headline_points(points, level, min_points).groupby(["horizon", "category"], sort=False):
        j = g[g["judged"]]
        base = j[j["actual"] > 0]
        rows.append(
            {
                "horizon": h,
                "category": cat,
                "points": len(g),
                "judged": len(j),
                "headline": _mape(base, "headline"),
                **{m: _mape(base, m) for m in METHODS},
                "coverage_pct": 100 * j["headline_inside"].mean() if len(j) else np.nan,
                "band_coverage_pct": 100 * j["inside"].mean() if len(j) else np.nan,
            }
        )
    return pd.DataFrame(rows).sort_values("horizon", kind="mergesort", ignore_index=True)


def headline_projection(
    summary: pd.DataFrame, points: pd.DataFrame, actual: pd.DataFrame, window_months: int = 24, level: float = 0.9
) -> pd.DataFrame:
    """The projection as the pack shows it: summarise's frame (date, category, central, lower, upper; the start
    unchanged) with, at every later month end, the headline and its range (the combined rule of _headline on every
    backtest point, all known by the projection's start). A month h is weighted as the backtested horizon nearest
    to it (the longer on a tie); its range is the shortest horizon's (h0), grown as (H / h0)^p at each backtested
    horizon H and smoothly between them (_growth). The linear trend and the drift are baselines' from `actual`
    (actual_counts) to the start; the last value is the start's count, held. Categories without backtest points
    keep the model and its band; then every category's central is its share of the Total's (_share_total), so the
    categories add up to the Total."""
    start = summary["date"].min()
    out = summary.copy()
    later = out["date"] > start
    horizon = pd.Series(0, index=out.index)
    horizon[later] = [(d.year - start.year) * 12 + d.month - start.month for d in out.loc[later, "date"]]
    naive = baselines(actual, start, sorted(out.loc[later, "date"].unique()), window_months)
    out["model"] = out["central"]
    out["last_value"] = out["category"].map(out[~later].set_index("category")["central"])  # the start, held
    for m in ("linear_trend", "drift"):
        out[m] = np.nan
        out.loc[later, m] = [naive.at[d, (m, c)] for d, c in zip(out.loc[later, "date"], out.loc[later, "category"])]
    tested = np.array(sorted(points["horizon"].unique()))
    by = {(cat, int(t)): _Track.of(g) for (cat, t), g in points.groupby(["category", "horizon"])}
    exponents = {  # per category, each backtested horizon's growth exponent (_range_exponent)
        cat: np.array([_range_exponent(by[cat, t], by[cat, tested[0]], level) for t in tested])
        for cat in points["category"].unique()
        if all((cat, t) in by for t in tested)
    }
    for (h, cat), g in out[later].groupby([horizon[later], "category"]):
        near = int(tested[np.argmin(np.abs(tested - h) - 1e-9 * tested)])
        known, base = by.get((cat, near)), by.get((cat, int(tested[0])))
        if known is None or base is None or min(len(known.actual), len(base.actual)) < 2:
            continue
        if cat in exponents:
            growth = _growth(h, tested, exponents[cat])
        else:  # not backtested at every horizon: the nearest one's exponent
            growth = (h / tested[0]) ** _range_exponent(known, base, level)
        forecasts = g[list(HEADLINE_METHODS)].to_numpy(dtype=float)
        out.loc[g.index, ["central", "lower", "upper"]] = np.column_stack(
            _headline(forecasts, known, base, growth, level)
        )
    out = _share_total(out, ["date"], ("central", "lower", "upper"))
    return out[["date", "category", "central", "lower", "upper"]]


def headline_table(
    states: pd.DataFrame,
    start: pd.Timestamp,
    end: pd.Timestamp,
    months: int = 36,
    sims: int = 500,
    backtest_sims: int = 200,
    seed: int = 903,
) -> pd.DataFrame:
    """`cpanalysis project`: the reference window is the month ends from `start` to `end`, the projection runs
    `months` month ends from `end`; one row per month end and category (placement categories, then 'Total'):
    date (YYYY-MM-DD), category, central, low, high (the headline and its 90% range, headline_projection, from a
    backtest over the same window length; the simulation band alone if the data are too short for one)."""
    start, end = _last_month_end(pd.Timestamp(start) + pd.offsets.MonthEnd(0)), _last_month_end(end)
    window = (end.year - start.year) * 12 + end.month - start.month
    if window < 1:
        raise InputError(f"the reference window is empty: --start {start:%Y-%m-%d} is not before --end {end:%Y-%m-%d}")
    summary = summarise(simulate(fit(states, end, window, ENTRY_DAMPING), months, sims, seed))
    try:
        points = backtest(states, window_months=window, sims=backtest_sims, seed=seed, entry_damping=ENTRY_DAMPING)
    except InputError:
        points = None
    if points is not None and len(points):
        summary = headline_projection(summary, points, actual_counts(states), window)
    ahead = summary[summary["date"] > end].rename(columns={"lower": "low", "upper": "high"})
    order = {c: i for i, c in enumerate([*CATEGORIES, TOTAL])}
    out = ahead.sort_values(["date", "category"], key=lambda s: s.map(order) if s.name == "category" else s)
    out = out.assign(date=out["date"].dt.strftime("%Y-%m-%d"))
    return out[["date", "category", "central", "low", "high"]].round(2).reset_index(drop=True)
