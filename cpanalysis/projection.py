"""The demand model: how many children, in which placements, over the next months, and what that costs.

Method (a Markov model over month-end snapshots, simulated as counts of children in cells: simulate):

- *State* of a child at a month end: placement category (categories.placement_category), age band at that date
  (population.AGE_BANDS; children without a date of birth form an 'Unknown' band and never age) and time in care
  so far (DURATIONS: under 6 months, 6 months to 2 years, 2 years or more: children who have just come in leave
  far more often than those who have stayed, and the mix of the two shifts as the numbers grow). Looked after at
  a month end is population.cla_at's definition, so the model and the actual counts agree.
- *Transition rates*, over a reference window the analyst chooses (default: the 24 months to the cutoff):
  for every child looked after at one month end, where they are at the next: the same or another category, or
  gone (exit). Rate = moves / child-months, by age band x time in care x category. A child turning 18 before
  the next month end is left out of the rates: leaving care at 18 is applied exactly in the projection
  instead, from each child's date of birth. The chance of leaving care follows a trend (exit_trend): the
  window's monthly exits against those its average rates expect of the children there, a log-linear trend
  carried on month by month (stays that lengthen show as exits falling below expected).
- *Entries*: children looked after at a month end who were not at the previous one. Their monthly number is
  Poisson, its mean a log-linear trend over the window's months (entry_trend; the window's mean rate without
  one); each new child's age and first placement are drawn from those who entered in the window (so entries by
  age band and first placement keep their observed joint mix). Both trends' growths are shrunk toward none by a
  weakly informative prior (log_linear_trend), so a growth a short window barely shows counts for little.
- *Ageing*: every child is one month older, and one month longer in care, at each step; bands follow; at 18
  the child leaves.
- *Uncertainty band*: Monte Carlo over simulated children. Each simulation first draws its own rates from their
  posterior (a Dirichlet per age band x time in care x category row: the observed counts plus a weak prior,
  worth one child-month, of the same time in care and category over all ages; a Gamma for the entry rate, or a
  level and growth for a trend), then moves its children month by month. The
  band therefore carries both the chance in who moves when (large for a small LA) and the uncertainty of
  rates estimated from a short window (which a bootstrap of the rates alone would understate for a small LA
  and which a single deterministic projection ignores). Central = mean of the simulations; the band is the
  5th to 95th percentile (a 90% interval).

What it does not know: changes in practice or demand after the window (the scenarios are for that), and
re-entries within a month (a child who leaves and returns between two month ends is not seen to move).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from statistics import NormalDist
from typing import NamedTuple

import numpy as np
import pandas as pd

from cpanalysis import chain
from cpanalysis.categories import PLACEMENT_CATEGORIES, SHORT_BREAK_LS, placement_category
from cpanalysis.costs import financial_year, unit_cost
from cpanalysis.errors import InputError
from cpanalysis.parallel import default_workers
from cpanalysis.population import AGE_BANDS

CATEGORIES = PLACEMENT_CATEGORIES
BANDS = (*AGE_BANDS, "Unknown")
EXIT = "Left care"
OUTCOMES = (*CATEGORIES, EXIT)
ADULT_MONTHS = 18 * 12
_BAND_LIMITS = np.array([12, 60, 120, 192])  # months: under 1, 1-4, 5-9, 10-15, 16+
DURATIONS = ("Under 6 months", "6 months to 2 years", "2 years or more")  # time in care so far
_DURATION_LIMITS = np.array([6, 24])
IN_HOUSE, IFA = CATEGORIES.index("In-house foster"), CATEGORIES.index("External (IFA) foster")
RESIDENTIAL = CATEGORIES.index("Residential")
TOTAL = "Total"
ENTRY_DAMPING: float | None = 1.0  # entries follow a log-linear trend (fit), chosen by the backtest (README)
GROWTH_SCALE = 0.08 / 12  # the prior on the entries' and exit rates' growth (log_linear_trend): a Student t of
GROWTH_DF = 3.0  # scale 8% a year (as a monthly log) and 3 degrees of freedom, chosen by the backtest (README)
GROWTH_MAX = np.log(2) / 12  # and never beyond doubling or halving a year (a monthly log)


def _month(dates: pd.Series) -> np.ndarray:
    """Months since year 0 (2021-03-xx -> 2021 * 12 + 2): a month end's index."""
    return (dates.dt.year * 12 + dates.dt.month - 1).to_numpy()


def _month_of(date: pd.Timestamp) -> int:
    return date.year * 12 + date.month - 1


def _last_month_end(date: pd.Timestamp) -> pd.Timestamp:
    """`date` if it is a month end, else the month end before it."""
    return pd.offsets.MonthEnd().rollback(pd.Timestamp(date).normalize())


def _month_end(index: np.ndarray | int) -> pd.DatetimeIndex:
    index = np.atleast_1d(index)
    firsts = pd.to_datetime(pd.DataFrame({"year": index // 12, "month": index % 12 + 1, "day": 1}))
    return pd.DatetimeIndex(firsts) + pd.offsets.MonthEnd(0)


def band_index(age_months: np.ndarray) -> np.ndarray:
    """Index into BANDS of ages in completed months (negative: unknown)."""
    return np.where(age_months < 0, len(BANDS) - 1, np.searchsorted(_BAND_LIMITS, age_months, side="right"))


def duration_index(months_in_care: np.ndarray) -> np.ndarray:
    """Index into DURATIONS of times in care in completed months."""
    return np.searchsorted(_DURATION_LIMITS, months_in_care, side="right")


def monthly_states(
    episodes: pd.DataFrame, header: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp
) -> pd.DataFrame:
    """Every child looked after at every month end from `start` to `end` (the dates the data speak for in full,
    Dataset.data_start and data_end: before the first year, children who had already left are missing): month
    (index, see _month), date, CHILD (categorical), category (index into CATEGORIES), age_months (completed months
    at that month end, -1 without a date of birth), months_in_care (since the first episode of the child's unbroken run
    of month ends: at the first month end 0; for a run already going when the data start, since the start of the
    episode open then, a lower bound). Looked after = population.cla_at: a non-short-break episode with
    DECOM <= date < DEC (or DEC blank); with overlapping episodes the later-starting one gives the placement."""
    eps = episodes[~episodes["LS"].isin(SHORT_BREAK_LS)]
    eps = eps.sort_values(["CHILD", "DECOM"], kind="mergesort")
    last = _month_of(_last_month_end(end))
    began = _month(eps["DECOM"]).astype(np.int32)
    first = np.maximum(began, _month_of(pd.Timestamp(start) + pd.offsets.MonthEnd(0)))
    stop = np.where(
        eps["DEC"].isna(), last + 1, np.minimum(_month(eps["DEC"].fillna(pd.Timestamp("1900-01-01"))), last + 1)
    ).astype(np.int32)
    n = np.maximum(stop - first, 0)
    child, children = pd.factorize(eps["CHILD"], sort=True)  # codes in the ids' order: sorting by either is one
    child = child.astype(np.int32)
    # one row per episode and month end (32-bit: at national size these are arrays of millions)
    rows = np.repeat(np.arange(len(eps), dtype=np.int32), n)
    month = first[rows] + (np.arange(len(rows), dtype=np.int32) - np.repeat((np.cumsum(n) - n).astype(np.int32), n))
    kept = _one_a_month(child, first, stop, rows, month, last)  # positions, in (child, month) order
    rows, month = rows[kept], month[kept]
    cat = pd.Categorical(placement_category(eps["PLACE"], eps["PLACE_PROVIDER"]), CATEGORIES).codes[rows]
    child, began = child[rows], began[rows]
    del rows, kept
    new_run = np.r_[True, (child[1:] != child[:-1]) | (month[1:] != month[:-1] + 1)]
    run = np.cumsum(new_run, dtype=np.int32) - 1
    run_began = np.minimum.reduceat(began, np.flatnonzero(new_run))[run] if len(run) else began
    del run, new_run, began
    dob = header.drop_duplicates("CHILD", keep="last").set_index("CHILD")["DOB"]
    born = pd.Series(children).map(dob)  # each child's date of birth
    born_month = _month(born.fillna(pd.Timestamp("1900-01-01"))).astype(np.int32)
    born_day = born.dt.day.to_numpy()
    m0 = int(month.min()) if len(month) else last
    ends = _month_end(np.arange(m0, last + 1))  # each month end once
    order = np.lexsort((child, month))  # by month end, then child
    month, child, cat, run_began = month[order], child[order], cat[order], run_began[order]
    del order
    age = month - born_month[child] - (born_day[child] > ends.day.to_numpy()[month - m0])
    return pd.DataFrame(
        {
            "month": month.astype(np.int64),
            "date": ends.to_numpy()[month - m0],
            "CHILD": pd.Categorical.from_codes(child, children),
            "category": cat,
            "age_months": np.where(born.isna().to_numpy()[child], -1, age).astype(np.int16),
            "months_in_care": np.minimum(month - run_began, 32767).astype(np.int16),
        }
    )


def _one_a_month(
    child: np.ndarray, first: np.ndarray, stop: np.ndarray, rows: np.ndarray, month: np.ndarray, last: int
) -> np.ndarray:
    """Positions of the (episode `rows`, `month`) pairs to keep, in (child, month) order, from pairs in (CHILD,
    DECOM) order of episodes with `first` and `stop` months: where a child's month end falls in two episodes, the
    later-starting one's. Only children with an episode starting before the previous one stops are looked at
    (an episode overlapping a later one overlaps the next, whose first month is no later): overlapping episodes,
    which the validation flags, are few; the others' pairs are in (child, month) order already."""
    positions = np.arange(len(rows))
    overlapping = np.flatnonzero((child[1:] == child[:-1]) & (stop[:-1] > first[1:]))
    if not len(overlapping):
        return positions
    marked = np.zeros(int(child.max()) + 1, bool)
    marked[child[overlapping]] = True
    at = np.flatnonzero(marked[child[rows]])  # those children's pairs: a block each, in child order
    key = child[rows[at]].astype(np.int64) * (last + 2) + month[at]
    keep = np.ones(len(rows), bool)
    keep[at] = ~pd.Series(key).duplicated(keep="last").to_numpy()
    positions[at] = at[np.argsort(key, kind="stable")]  # each block in month order
    return positions[keep[positions]]


def actual_counts(states: pd.DataFrame) -> pd.DataFrame:
    """Children looked after at each month end by category (one column each) and in total."""
    wide = pd.crosstab(states["date"], states["category"]).reindex(columns=range(len(CATEGORIES)), fill_value=0)
    wide.columns = list(CATEGORIES)
    wide[TOTAL] = wide.sum(axis=1)
    return wide.rename_axis("date").rename_axis(None, axis=1)


@dataclass(frozen=True)
class Trend:
    """A monthly count's log-linear trend: log E[y_t] = log(exposure_t) + level + growth x t, t in months from the
    window's last month end (log_linear_trend), extrapolated with a damped trend: h months on, the growth counts
    damping + damping^2 + ... + damping^h times (1: a straight log-linear trend). Entries (entry_trend) have no
    exposure, so mean() is entries a month; exits (exit_trend) have the exits the window's average rates expect,
    so mean() is how many times those rates."""

    coef: np.ndarray  # level (log, at the window's last month end), growth (log, a month)
    cov: np.ndarray  # their covariance (2 x 2)
    damping: float = 1.0

    def steps(self, months: int) -> np.ndarray:
        """The damped number of months of growth at 1..months months on."""
        return np.cumsum(self.damping ** np.arange(1, months + 1))

    def mean(self, months: int) -> np.ndarray:
        """The expected count (or rate ratio) a month at 1..months months on, at the estimate."""
        return np.exp(self.coef[0] + self.coef[1] * self.steps(months))

    def draws(self, months: int, sims: int, rng: np.random.Generator) -> np.ndarray:
        """[sim, month]: mean() with a level and growth a simulation drawn from their estimates' normal
        distribution, so a band carries the trend's own uncertainty, growing with the horizon."""
        coef = rng.multivariate_normal(self.coef, self.cov, size=sims)
        return np.exp(coef[:, :1] + _bounded(coef[:, 1:]) * self.steps(months)[None, :])


def _bounded(growth: np.ndarray | float) -> np.ndarray | float:
    """A monthly log growth held within +- GROWTH_MAX (doubling or halving a year): the estimate (log_linear_trend),
    each simulation's draw (Trend.draws) and the intervals shown (trend_table) alike."""
    return np.clip(growth, -GROWTH_MAX, GROWTH_MAX)


def log_linear_trend(
    counts: np.ndarray, exposure: np.ndarray | None = None, damping: float = 1.0, growth_scale: float | None = None
) -> Trend | None:
    """A log-linear trend in a monthly count (Trend): Poisson regression log E[y_t] = log(exposure_t) + level +
    growth x t (t = months from the last month, so the level is the fitted rate now) by Newton-Raphson, the
    estimates' covariance scaled by the Pearson dispersion when the count varies more than Poisson (quasi-Poisson;
    McCullagh and Nelder, Generalized Linear Models, 1989, ch. 6). The growth has a Student-t prior centred on none
    (GROWTH_DF degrees of freedom, scale `growth_scale`, log a month; default GROWTH_SCALE): the estimates are the
    posterior mode (found by EM, the t being a scale mixture of normals: Newton-Raphson on the quasi-likelihood plus
    a normal penalty whose precision (df + 1) / (df x scale^2 + growth^2) is updated from the growth; Gelman et
    al., 'A weakly informative default prior distribution for logistic and other regression models', 2008) and
    the covariance minus the inverse of the log posterior's second derivatives there (a Laplace approximation). So
    a growth the window barely shows (a small authority's 24 months) is shrunk toward none, and a clear one (a
    large authority's, or a collapse) is kept nearly in full, up to GROWTH_MAX (doubling or halving a year: a
    window whose counts rise from nothing, e.g. a system that began recording part-way, fits a growth that
    compounded over three years would give millions a month). None with fewer than 3 months, or fewer counted
    than months (below one a month a growth fitted to mostly empty months is noise, and drawn from its estimate's
    spread and compounded over the horizon it gives thousands a month in some simulations), or no mode (only
    without the prior: counts all at one end of the window)."""
    y = np.asarray(counts, dtype=float)
    if len(y) < 3 or y.sum() < len(y):
        return None
    offset = np.zeros(len(y)) if exposure is None else np.log(np.maximum(np.asarray(exposure, dtype=float), 1e-12))
    fit = _PoissonTrend(y, offset, np.column_stack([np.ones(len(y)), np.arange(len(y)) - (len(y) - 1.0)]))
    scale = GROWTH_SCALE if growth_scale is None else growth_scale
    start = np.array([np.log(y.sum() / np.exp(offset).sum()), 0.0])
    # the dispersion, and EM's start: the unshrunk fit, or where the counts leave it none (all in the window's first
    # or last months), the fit with a normal prior of the same scale (whose residuals then show the spike)
    beta = fit.mode(start, 1.0, 0.0)
    if beta is None and np.isfinite(scale):
        beta = fit.mode(start, 1.0, 1 / scale**2)
    if beta is None:
        return None
    mu = np.exp(offset + fit.x @ beta)
    dispersion = max(float(((y - mu) ** 2 / mu).sum() / (len(y) - 2)), 1.0)
    df = GROWTH_DF
    for _ in range(500):
        new = fit.mode(beta, dispersion, (df + 1) / (df * scale**2 + beta[1] ** 2))
        if new is None:
            return None
        done = abs(new[1] - beta[1]) < 1e-12
        beta = new
        if done:
            break
    # the covariance: minus the inverse of the log posterior's second derivatives at the mode (Laplace), with the
    # t's own curvature there, not EM's penalty
    spread = df * scale**2 + beta[1] ** 2
    curvature = (df + 1) * (df * scale**2 - beta[1] ** 2) / spread**2 if np.isfinite(spread) else 0.0
    cov = np.linalg.inv(fit.information(beta, dispersion, curvature))
    return Trend(np.array([beta[0], _bounded(beta[1])]), cov, damping)


@dataclass(frozen=True)
class _PoissonTrend:
    """Counts y with log E[y] = offset + x @ (level, growth), for log_linear_trend."""

    y: np.ndarray
    offset: np.ndarray
    x: np.ndarray

    def information(self, beta: np.ndarray, dispersion: float, precision: float) -> np.ndarray:
        """Minus the second derivatives of the quasi-likelihood with a normal penalty of `precision` on the growth."""
        mu = np.exp(self.offset + self.x @ beta)
        return self.x.T @ (mu[:, None] * self.x) / dispersion + np.diag([0.0, precision])

    def mode(self, beta: np.ndarray, dispersion: float, precision: float) -> np.ndarray | None:
        """The mode of the quasi-likelihood with a normal penalty of `precision` on the growth, by Newton-Raphson
        from `beta`; None where there is none (the counts all at one end of the window, and no penalty: the growth
        runs off)."""
        for _ in range(50):
            mu = np.exp(self.offset + self.x @ beta)
            score = self.x.T @ (self.y - mu) / dispersion - np.array([0.0, precision * beta[1]])
            try:
                step = np.linalg.solve(self.information(beta, dispersion, precision), score)
            except np.linalg.LinAlgError:
                return None
            beta = beta + step
            if not np.isfinite(beta).all():
                return None
            if np.abs(step).max() < 1e-10:
                return beta
        return None


def entry_trend(entries: np.ndarray, damping: float = 1.0, growth_scale: float | None = None) -> Trend | None:
    """Monthly entries' log-linear trend (log_linear_trend, no exposure): None (the window's mean rate then) with
    fewer than 3 months or fewer entries than months."""
    return log_linear_trend(entries, None, damping, growth_scale)


def exit_trend(exits: np.ndarray, expected: np.ndarray, growth_scale: float | None = None) -> Trend | None:
    """How the chance of leaving care moves over the window: a log-linear trend in the monthly exits (other than
    at 18) over those the window's average rates expect of the children there each month (log_linear_trend with
    `expected` as exposure), so a shift in who is in care (ages, time in care, placements) is not read as a trend.
    Stays lengthening (as in England since about 2015) show as exits falling below expected. None with fewer
    than 3 months or fewer exits than months (the window's rates then)."""
    return log_linear_trend(exits, expected, 1.0, growth_scale)


@dataclass(frozen=True)
class Fit:
    """What the model learnt from a reference window ending at `end` (a month end)."""

    end: pd.Timestamp
    window_months: int
    moves: np.ndarray  # [age band, duration, from category, outcome]: child-months (last outcome = left care)
    entries: np.ndarray  # children entering at each month end of the window
    entrants: pd.DataFrame  # age_months, category of each entrant in the window
    stock: pd.DataFrame  # CHILD, category, age_months, months_in_care of each child looked after at `end`
    trend: Trend | None = None  # entries with a trend (entry_trend); None: the window's mean rate
    exits: Trend | None = None  # exit rates with a trend (exit_trend); None: the window's rates

    @property
    def entry_rate(self) -> float:
        """Mean entries per month in the window."""
        return float(self.entries.mean()) if len(self.entries) else 0.0


def fit(states: pd.DataFrame, end: pd.Timestamp, window_months: int = 24, entry_damping: float | None = None) -> Fit:
    """Count moves and entries over the `window_months` month ends up to `end` (see the module doc). With
    `entry_damping` (0 to 1), entries follow a damped trend (entry_trend) instead of the window's mean, and the
    chances of leaving care their own trend (exit_trend) instead of the window's average."""
    return next(fits(states, [end], window_months, entry_damping))


def _check_window(states: pd.DataFrame, end: pd.Timestamp, window_months: int) -> None:
    """Stop with a message where the data do not hold a `window_months` window to `end` (a month end)."""
    first = _month_of(end) - window_months
    if window_months < 1:
        raise InputError(f"the reference window must be at least 1 month (got {window_months})")
    if len(states) and states["month"].max() < _month_of(end):
        raise InputError(
            f"the projection starts {end:%d/%m/%Y}, after the data end "
            f"({_month_end(states['month'].max())[0]:%d/%m/%Y})"
        )
    if states.empty or states["month"].min() > first:
        have = _month_end(states["month"].min())[0] if len(states) else None
        raise InputError(
            f"a {window_months}-month reference window to {end:%d/%m/%Y} needs data from "
            f"{_month_end(first)[0]:%d/%m/%Y}" + (f"; the data start at {have:%d/%m/%Y}" if have is not None else "")
        )


def fits(
    states: pd.DataFrame, ends: list[pd.Timestamp], window_months: int = 24, entry_damping: float | None = None
) -> Iterator[Fit]:
    """fit(states, end, window_months, entry_damping) for each of `ends` in turn (the backtest's cutoffs): where
    each child is a month on, and who came in, are found once for the months of all the windows, and each fit
    counts its window's share."""
    ends = [_last_month_end(e) for e in ends]
    for end in ends:
        _check_window(states, end, window_months)
    lasts = [_month_of(e) for e in ends]
    lo, hi = min(lasts) - window_months, max(lasts)
    if states["month"].is_monotonic_increasing:  # monthly_states' order: the months of the windows, not a copy
        span = states.iloc[slice(*np.searchsorted(states["month"].to_numpy(), [lo, hi + 1]))]
    else:
        span = states[(states["month"] >= lo) & (states["month"] <= hi)].sort_values("month", kind="stable")
    month, cat = span["month"].to_numpy(), span["category"].to_numpy().astype(np.int16)
    ids = span["CHILD"]  # monthly_states' categorical codes follow its (month, child) order: no sorting needed
    child = ids.cat.codes.to_numpy() if isinstance(ids.dtype, pd.CategoricalDtype) else ids.factorize()[0]
    seen = _ChildMonths(child, month)
    found, at = seen.find(1)
    to = np.where(found, cat[at], np.int16(len(CATEGORIES)))  # where each child is a month on; gone: left care
    del found, at
    age, in_care = span["age_months"].to_numpy(), span["months_in_care"].to_numpy()
    row = ((band_index(age) * len(DURATIONS) + duration_index(in_care)) * len(CATEGORIES)).astype(np.int16) + cat
    pair = np.where((age < 0) | (age + 1 < ADULT_MONTHS), row * len(OUTCOMES) + to, -1)  # -1: 18 by then, exact
    del to, row, cat
    came = ~seen.find(-1)[0]  # looked after at a month end, not at the one before
    del seen
    shape = (len(BANDS), len(DURATIONS), len(CATEGORIES), len(OUTCOMES))
    for end, last in zip(ends, lasts):
        first = last - window_months
        lo, after_first, at_last, hi = np.searchsorted(month, [first, first + 1, last, last + 1])
        moved = pair[lo:at_last][pair[lo:at_last] >= 0]
        moves = np.bincount(moved, minlength=int(np.prod(shape))).reshape(shape).astype(float)
        new = after_first + np.flatnonzero(came[after_first:hi])
        entries = np.bincount(month[new] - 1 - first, minlength=window_months)
        entrants = span[["age_months", "category"]].iloc[new].reset_index(drop=True)
        stock = span[["CHILD", "category", "age_months", "months_in_care"]].iloc[at_last:hi].reset_index(drop=True)
        trend = exits = None
        if entry_damping is not None:
            trend = entry_trend(entries, entry_damping)
            exits = exit_trend(*_exits_by_month(pair[lo:at_last], month[lo:at_last] - first, moves, window_months))
        yield Fit(end, window_months, moves, entries, entrants, stock, trend, exits)


def _exits_by_month(
    pair: np.ndarray, step: np.ndarray, moves: np.ndarray, months: int
) -> tuple[np.ndarray, np.ndarray]:
    """The window's exits (other than at 18) at each of its `months` months, and those its average exit rates
    expect: `pair` each child-month's rate row x outcomes + outcome (-1: turning 18), `step` its month in the
    window (0 to months - 1), `moves` the window's counts (Fit.moves). Returns (exits, expected), one a month."""
    keep = pair >= 0
    pair, step = pair[keep].astype(np.int64), step[keep].astype(np.int64)
    rows, outcomes = int(np.prod(moves.shape[:-1])), moves.shape[-1]
    exposure = np.bincount(step * rows + pair // outcomes, minlength=months * rows).reshape(months, rows)
    exits = np.bincount(step[pair % outcomes == outcomes - 1], minlength=months)
    by_row = moves.reshape(rows, outcomes)
    rate = np.divide(by_row[:, -1], by_row.sum(axis=1), out=np.zeros(rows), where=by_row.sum(axis=1) > 0)
    return exits, exposure @ rate


class _ChildMonths:
    """Which (child, month) pairs a set of rows holds, to find a child's row some months on or before. The pairs
    are numbered month by month (month x children + child): rows in (month, child) order, as monthly_states gives
    them, are in that order already, so need no sorting."""

    def __init__(self, child: np.ndarray, month: np.ndarray) -> None:
        self.width = int(child.max(initial=0)) + 1
        self.key = (month - month.min(initial=0)).astype(np.int64) * self.width + child
        self.order = None if (self.key[1:] > self.key[:-1]).all() else np.argsort(self.key, kind="stable")
        self.sorted = self.key if self.order is None else self.key[self.order]

    def find(self, step: int) -> tuple[np.ndarray, np.ndarray]:
        """For each row, whether the same child has a row `step` months on, and which (where found)."""
        if not len(self.sorted):
            return np.zeros(0, bool), np.zeros(0, np.int64)
        want = self.key + step * self.width
        pos = np.minimum(np.searchsorted(self.sorted, want), len(self.sorted) - 1)
        return self.sorted[pos] == want, pos if self.order is None else self.order[pos]


TREND_LEVEL = 0.9  # the trends' intervals in trend_table: 90%, as the projection's range


def trend_table(f: Fit) -> pd.DataFrame:
    """The fit's trends as the projection carries them on: a row for entries and one for the chance of leaving care
    (where the fit has each): what ('entries' or 'leaving care'), now (entries a month, or the chance of leaving as
    a multiple of the window's average, at the window's last month end), change_pct (the change over a year, %:
    exp(12 x growth) - 1, growth within GROWTH_MAX) and its TREND_LEVEL interval low_pct to high_pct (the growth's
    estimate +- z x its standard error, the same bounds)."""
    z = NormalDist().inv_cdf(0.5 + TREND_LEVEL / 2)
    rows = []
    for what, trend in (("entries", f.trend), ("leaving care", f.exits)):
        if trend is None:
            continue
        g, sd = trend.coef[1], float(np.sqrt(trend.cov[1, 1]))
        yearly = [100 * (np.exp(12 * _bounded(v)) - 1) for v in (g, g - z * sd, g + z * sd)]
        rows.append((what, float(np.exp(trend.coef[0])), *yearly))
    return pd.DataFrame(rows, columns=["what", "now", "change_pct", "low_pct", "high_pct"])


def transition_rates(f: Fit) -> pd.DataFrame:
    """Monthly probabilities by age band, time in care and category (the counts / child-months, no prior): age_band,
    in_care, from, child_months, and one column per outcome (categories and 'Left care'). Rows with no
    child-months left out."""
    exposure = f.moves.sum(axis=-1)
    rows = []
    for (b, d, c), n in np.ndenumerate(exposure):
        if n:
            rows.append(
                {
                    "age_band": BANDS[b],
                    "in_care": DURATIONS[d],
                    "from": CATEGORIES[c],
                    "child_months": int(n),
                    **dict(zip(OUTCOMES, f.moves[b, d, c] / n)),
                }
            )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Scenario:
    """Changes to the baseline: entries up or down by entry_change_pct; in_house_share of every new foster
    placement that would have gone to an IFA goes in-house instead; step_down children moved at the start from
    residential to step_down_to; unit costs rising by cost_inflation_pct in each financial year after the one the
    projection starts in (on top of the unit-cost table's own figures)."""

    name: str = "Baseline"
    entry_change_pct: float = 0.0
    in_house_share: float = 0.0
    step_down: int = 0
    step_down_to: str = "External (IFA) foster"
    cost_inflation_pct: float = 0.0

    def __post_init__(self) -> None:
        if not 0 <= self.in_house_share <= 1:
            raise InputError(f"scenario '{self.name}': in_house_share must be between 0 and 1 (a share)")
        if self.step_down < 0:
            raise InputError(f"scenario '{self.name}': step_down must be a number of children, 0 or more")
        if self.step_down_to not in CATEGORIES:
            raise InputError(
                f"scenario '{self.name}': step_down_to '{self.step_down_to}' is not a placement "
                f"category ({', '.join(CATEGORIES)})"
            )
        if self.entry_change_pct <= -100:
            raise InputError(f"scenario '{self.name}': entry_change_pct must be above -100")


def standard_scenarios(
    entry_change_pct: float = 10.0, in_house_share: float = 0.25, step_down: int = 3, cost_inflation_pct: float = 5.0
) -> list[Scenario]:
    """The baseline, each change alone, and all of them together: the committee's 'what if' table."""
    alone = [
        Scenario(f"Entries {entry_change_pct:+g}%", entry_change_pct=entry_change_pct),
        Scenario(f"{in_house_share:.0%} of new foster placements in-house", in_house_share=in_house_share),
        Scenario(f"{step_down} children stepped down from residential to foster", step_down=step_down),
        Scenario(f"Unit costs {cost_inflation_pct:+g}% a year", cost_inflation_pct=cost_inflation_pct),
    ]
    together = Scenario(
        "All of these together", entry_change_pct, in_house_share, step_down, cost_inflation_pct=cost_inflation_pct
    )
    return [Scenario(), *alone, together]


def _posterior_rates(f: Fit, sims: int, rng: np.random.Generator) -> np.ndarray:
    """Transition probabilities [sim, band, duration, category, outcome] drawn from Dirichlet posteriors (module
    doc). The prior row of a cell is its category and time in care over all ages, or failing that its category
    over all ages and times, or failing that: stay, or leave at the overall rate."""
    by_duration = f.moves.sum(axis=0)  # [duration, category, outcome]: all ages
    by_category = by_duration.sum(axis=0)  # [category, outcome]
    overall_exit = f.moves[..., -1].sum() / max(f.moves.sum(), 1)
    prior = np.zeros_like(by_duration)
    for (d, c), n in np.ndenumerate(by_duration.sum(axis=-1)):
        if n:
            prior[d, c] = by_duration[d, c] / n
        elif by_category[c].sum():
            prior[d, c] = by_category[c] / by_category[c].sum()
        else:
            prior[d, c, c], prior[d, c, -1] = 1 - overall_exit, overall_exit
    alpha = f.moves + prior[None]
    draws = rng.standard_gamma(np.broadcast_to(alpha, (sims, *alpha.shape)))
    return draws / draws.sum(axis=-1, keepdims=True)


def _redirect(probs: np.ndarray, share: float) -> np.ndarray:
    """Move `share` of each row's probability of going to IFA foster into in-house foster (not for children
    already with an IFA: staying is not a new placement)."""
    if not share:
        return probs
    probs = probs.copy()
    moved = probs[..., IFA] * share
    moved[..., IFA] = 0
    probs[..., IN_HOUSE] += moved
    probs[..., IFA] -= moved
    return probs


@dataclass(frozen=True)
class Simulation:
    """Simulated month-end counts: counts[sim, step, category], step 0 = the fit's end date."""

    dates: pd.DatetimeIndex
    counts: np.ndarray
    scenario: Scenario

    def totals(self) -> np.ndarray:
        return self.counts.sum(axis=2)


_BLOCK = 50  # simulations a block: each block draws from its own seeded streams, so the figures are the same
# whatever the number of threads the blocks run on


def simulate(
    f: Fit,
    months: int = 36,
    sims: int = 500,
    seed: int = 903,
    scenario: Scenario | None = None,
    workers: int | None = None,
) -> Simulation:
    """Project the fit's stock and new entrants forward `months` month ends, `sims` times (see module doc).

    Counts, not children: a simulation holds the number of children in each cell (age in completed months, or
    unknown; months in care, capped at 24 where the last time-in-care band begins; placement category). Exact age
    in months carries each child's month of birth, so leaving at 18 and moving up an age band happen in the right
    month. Each month every child stays or moves by the chances of the cell's rate row, the same distribution as
    moving each child alone (chain.month; tests/test_projection_counts.py), at a cost set by the number of cells
    and movers, not of children. Then every child is one month older and longer in care, those turning 18 leave,
    and the month's entrants (Poisson; ages and first placements drawn from the window's entrants) come in with 0
    months in care. The simulations run in blocks of _BLOCK, each from its own seeded generators, side by side
    on `workers` threads (default: one a CPU): the same figures on any number."""
    scenario = scenario or Scenario()
    if months < 1 or sims < 1:
        raise InputError(f"a projection needs at least 1 month and 1 simulation (got {months} and {sims})")
    tables = _cell_tables()

    def block(b: int) -> np.ndarray:
        return _simulate_block(f, months, min(_BLOCK, sims - b * _BLOCK), (seed, b), scenario, tables)

    n_blocks = -(-sims // _BLOCK)
    with ThreadPoolExecutor(min(workers or default_workers(), n_blocks)) as pool:
        counts = list(pool.map(block, range(n_blocks)))
    dates = _month_end(np.arange(months + 1) + _month_of(f.end))
    return Simulation(pd.DatetimeIndex(dates), np.concatenate(counts), scenario)


def _simulate_block(
    f: Fit, months: int, sims: int, seed: tuple[int, int], scenario: Scenario, tables: _CellTables
) -> np.ndarray:
    """counts[sim, step, category] of `sims` simulations (simulate), from generators seeded by `seed`."""
    rng = np.random.default_rng([*seed, 0])
    choice = np.random.default_rng([*seed, 1])  # the scenarios' own draws: the baseline's chances stay the same
    entrant = np.random.default_rng([*seed, 2])  # who comes in: the same in every scenario, whatever else moves
    n_cat = len(CATEGORIES)
    n_rows = len(BANDS) * len(DURATIONS) * n_cat
    probs = _redirect(_posterior_rates(f, sims, rng), scenario.in_house_share).reshape(sims, n_rows, -1)
    own = np.tile(np.arange(n_cat), n_rows // n_cat)  # each row's own category
    leave = np.ascontiguousarray(1 - probs[:, np.arange(n_rows), own])  # chance of not staying in the row's category
    with np.errstate(divide="ignore"):
        log_stay = np.log1p(-leave)  # -inf where every child moves
    probs[:, np.arange(n_rows), own] = 0
    move = np.ascontiguousarray(np.cumsum(probs[..., :-1], axis=2))  # over the other categories; beyond: left care
    exit_chance = probs[..., -1].copy()
    exit_ratio = f.exits.draws(months, sims, rng) if f.exits is not None else None  # [sim, month]
    arrivals = rng.poisson(_entry_rates(f, months, sims, rng) * (1 + scenario.entry_change_pct / 100))
    if len(f.entrants) == 0:
        arrivals[:] = 0
    pool_cat = f.entrants["category"].to_numpy().astype(np.int64)
    pool_cell = _cell(f.entrants["age_months"].to_numpy(), 0, pool_cat)
    now = _start(f, sims, scenario, choice, tables)
    then = np.zeros_like(now)
    now_occupied = chain.bitmap(now)
    then_occupied = np.zeros_like(now_occupied)
    counts = np.zeros((sims, months + 1, n_cat), dtype=np.int32)
    occupied = np.flatnonzero(now.any(axis=1))
    counts[:, 0] = np.stack([now[occupied[tables.order[occupied] % n_cat == k]].sum(axis=0) for k in range(n_cat)], 1)
    for step in range(1, months + 1):
        by_category = counts[:, step]
        leave_now, log_stay_now = leave, log_stay
        if exit_ratio is not None:  # the chance of leaving care x this month's ratio; the moves within care as they are
            leave_now = np.minimum(leave + exit_chance * (exit_ratio[:, step - 1 : step] - 1), 1.0)
            with np.errstate(divide="ignore"):
                log_stay_now = np.log1p(-leave_now)
        chain.month(
            rng, now, now_occupied, then, then_occupied, by_category, leave_now, log_stay_now, move, *tables.kernel
        )
        new = arrivals[:, step - 1]
        pick = entrant.integers(0, max(len(pool_cat), 1), size=int(new.sum()))
        new_cell = pool_cell[pick] if len(pool_cat) else pick
        if scenario.in_house_share and len(pick):
            redirected = (pool_cat[pick] == IFA) & (choice.random(len(pick)) < scenario.in_house_share)
            new_cell = np.where(redirected, new_cell - IFA + IN_HOUSE, new_cell)
        sim = np.repeat(np.arange(sims), new)
        chain.arrive(then, then_occupied, by_category, sim, tables.rank[new_cell], new_cell % n_cat)
        now, then, now_occupied, then_occupied = then, now, then_occupied, now_occupied  # chain.month cleared now
    return counts


def _entry_rates(f: Fit, months: int, sims: int, rng: np.random.Generator) -> np.ndarray:
    """Expected entries [sim, month]: without a trend one rate a simulation from its posterior (Gamma: the window's
    entries plus a half, over its months); with one (f.trend) a level and growth a simulation drawn from their
    estimates' normal distribution, so the band carries the trend's own uncertainty, growing with the horizon."""
    if f.trend is None:
        rate = rng.gamma(f.entries.sum() + 0.5, 1 / max(len(f.entries), 1), size=sims)
        return np.repeat(rate[:, None], months, axis=1)
    return f.trend.draws(months, sims, rng)


def _cell(age_months: np.ndarray, months_in_care: np.ndarray | int, category: np.ndarray) -> np.ndarray:
    """Cell ids: (age cell x 25 + months in care capped at 24) x categories + category, where the age cell is the
    age in completed months (0 to 215) or ADULT_MONTHS for an unknown age. Ordered by age, then time in care."""
    cap = int(_DURATION_LIMITS[-1])
    age = np.asarray(age_months).astype(np.int64)
    age = np.where(age < 0, ADULT_MONTHS, age)
    dur = np.minimum(np.asarray(months_in_care).astype(np.int64), cap)
    return (age * (cap + 1) + dur) * len(CATEGORIES) + np.asarray(category).astype(np.int64)


class _CellTables(NamedTuple):
    """The cells numbered row by row, as the simulation holds them: position i is cell id order[i] (_cell), rank[id]
    its position; rate row r (age band x time-in-care band x category, as _posterior_rates) holds positions
    row_start[r] to row_start[r + 1] - 1; older[i] is the position of the same category, age and time in care one
    month on (-1: turning 18), and older_first[i] the id of that age and time in care in the first category."""

    order: np.ndarray
    rank: np.ndarray
    row_start: np.ndarray
    older: np.ndarray
    older_first: np.ndarray

    @property
    def kernel(self) -> tuple[np.ndarray, ...]:
        """The tables chain.month reads."""
        return self.row_start, self.older, self.older_first, self.rank


@functools.cache
def _cell_tables() -> _CellTables:
    """The cell tables (_CellTables) of every age cell (0 to 215 months, and unknown) x months in care (0 to 24) x
    category: the same for every simulation, so made once (read, never written)."""
    cap, n_cat = int(_DURATION_LIMITS[-1]), len(CATEGORIES)
    age, dur, cat = (
        g.ravel() for g in np.meshgrid(np.arange(ADULT_MONTHS + 1), np.arange(cap + 1), np.arange(n_cat), indexing="ij")
    )
    known = np.where(age == ADULT_MONTHS, -1, age)
    assert (_cell(known, dur, cat) == np.arange(len(age))).all()  # _cell numbers them in this order
    band = np.where(age == ADULT_MONTHS, len(BANDS) - 1, band_index(age))
    row_of = (band * len(DURATIONS) + duration_index(dur)) * n_cat + cat
    order = np.argsort(row_of, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    first = _cell(np.where(age == ADULT_MONTHS, -1, age + 1), dur + 1, 0)  # the unknown age never ages
    older = np.where(age == ADULT_MONTHS - 1, -1, rank[np.minimum(first + cat, len(age) - 1)])
    row_start = np.concatenate([[0], np.cumsum(np.bincount(row_of, minlength=len(BANDS) * len(DURATIONS) * n_cat))])
    return _CellTables(*(a.astype(np.int32) for a in (order, rank, row_start, older[order], first[order])))


def _start(f: Fit, sims: int, scenario: Scenario, rng: np.random.Generator, tables: _CellTables) -> np.ndarray:
    """The starting stock, children [cell position, sim], with up to scenario.step_down children a simulation moved
    from residential to scenario.step_down_to, chosen at random (a multivariate hypergeometric draw over the
    residential cells)."""
    stock = _cell(
        f.stock["age_months"].to_numpy(),
        np.minimum(f.stock["months_in_care"].to_numpy(), _DURATION_LIMITS[-1]),
        f.stock["category"].to_numpy(),
    )
    cells, per_cell = np.unique(stock, return_counts=True)
    now = np.zeros((len(tables.order), sims), np.int32)
    now[tables.rank[cells]] = per_cell[:, None]
    res = cells % len(CATEGORIES) == RESIDENTIAL
    if scenario.step_down and res.any():
        take = min(scenario.step_down, int(per_cell[res].sum()))
        picked = np.stack([rng.multivariate_hypergeometric(per_cell[res], take) for _ in range(sims)], axis=1)
        now[tables.rank[cells[res]]] -= picked
        now[tables.rank[cells[res] - RESIDENTIAL + CATEGORIES.index(scenario.step_down_to)]] += picked
    return now


def summarise(sim: Simulation, level: float = 0.9) -> pd.DataFrame:
    """Central projection (mean of the simulations) and the `level` band by month end: date, category (each
    placement category and 'Total'), central, lower, upper."""
    lo, hi = (1 - level) / 2, 1 - (1 - level) / 2
    frames = []
    for name, values in [*zip(CATEGORIES, np.moveaxis(sim.counts, 2, 0)), (TOTAL, sim.totals())]:
        frames.append(
            pd.DataFrame(
                {
                    "date": sim.dates,
                    "category": name,
                    "central": values.mean(axis=0),
                    "lower": np.quantile(values, lo, axis=0),
                    "upper": np.quantile(values, hi, axis=0),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def project(
    states: pd.DataFrame,
    end: pd.Timestamp,
    months: int = 36,
    window_months: int = 24,
    sims: int = 500,
    seed: int = 903,
    scenario: Scenario | None = None,
    level: float = 0.9,
) -> pd.DataFrame:
    """fit + simulate + summarise: the projection from `end` with its band (see summarise)."""
    return summarise(simulate(fit(states, end, window_months), months, sims, seed, scenario), level)


# --- cost -------------------------------------------------------------------------------------------------------


def weekly_costs(
    costs: pd.DataFrame, dates: pd.DatetimeIndex, inflation_pct: float = 0.0, base: pd.Timestamp | None = None
) -> np.ndarray:
    """Weekly unit cost [date, category] for each month end: the figure for its financial year, or the latest
    earlier one (costs.unit_cost), times (1 + inflation_pct/100) for each financial year after the one holding
    `base` (the projection's start; default the first date); NaN without a figure."""
    base_year = int(financial_year(pd.Timestamp(base if base is not None else dates[0]))[:4])
    years = [financial_year(date) for date in dates]
    by_year = {}  # the costs of each financial year, looked up once (not for each of its months)
    for year in dict.fromkeys(years):
        row = np.full(len(CATEGORIES), np.nan)
        for c, cat in enumerate(CATEGORIES):
            cost, used = unit_cost(costs, cat, year)
            if used is not None:
                row[c] = cost * (1 + inflation_pct / 100) ** max(int(year[:4]) - base_year, 0)
        by_year[year] = row
    return np.array([by_year[year] for year in years]).reshape(len(dates), len(CATEGORIES))


def spend_history_and_projection(actual: pd.DataFrame, projected: pd.DataFrame) -> pd.DataFrame:
    """Total spend by financial year, actual then projected, for one chart: financial_year_end (2022 for
    2021-22), actual (GBP million, from costs.spend_by_year rows with a unit cost), central, lower, upper (GBP
    million, from simulated_spend's Total rows for full projected years; the last actual year is repeated as
    the projection's starting point so the lines join)."""
    past = actual.dropna(subset=["spend_gbp"]).groupby("financial_year")["spend_gbp"].sum() / 1e6
    ahead = projected[(projected["category"] == TOTAL) & (projected["months"] == 12)].set_index("financial_year")
    ahead = ahead[["central", "lower", "upper"]] / 1e6
    if len(past):
        ahead = pd.concat(
            [
                pd.DataFrame({k: [past.iloc[-1]] for k in ahead.columns}, index=[past.index[-1]]),
                ahead[~ahead.index.isin(past.index)],
            ]
        )
    out = pd.concat([past.rename("actual"), ahead], axis=1).sort_index()
    out.index = [int(fy[:4]) + 1 for fy in out.index]
    return out.rename_axis("financial_year_end").reset_index()


def simulated_spend(sim: Simulation, costs: pd.DataFrame) -> pd.DataFrame:
    """Spend by financial year and category from a simulation: each month's month-end count x weekly cost x
    days in the month / 7 (the month-end count stands for the month's average), months after the start only.
    Columns: financial_year, category ('Total' = categories with a unit cost), months, central (mean), lower,
    upper (5th/95th percentiles, GBP). Categories without a unit cost are left out (never guessed)."""
    dates = sim.dates[1:]
    weekly = weekly_costs(costs, dates, sim.scenario.cost_inflation_pct, base=sim.dates[0])
    days = dates.day.to_numpy()[:, None]
    monthly = sim.counts[:, 1:, :] * np.nan_to_num(weekly) * days / 7  # [sim, month, category]
    priced = ~np.isnan(weekly).all(axis=0)
    years = pd.Index([financial_year(d) for d in dates])
    rows = []
    for fy in years.unique():
        in_year = np.asarray(years == fy)
        by_cat = monthly[:, in_year, :].sum(axis=1)  # [sim, category]
        columns = [(CATEGORIES[c], by_cat[:, c]) for c in range(len(CATEGORIES)) if priced[c]]
        for name, values in [*columns, (TOTAL, by_cat[:, priced].sum(axis=1))]:
            rows.append(
                {
                    "financial_year": fy,
                    "category": name,
                    "months": int(in_year.sum()),
                    "central": values.mean(),
                    "lower": np.quantile(values, 0.05),
                    "upper": np.quantile(values, 0.95),
                }
            )
    return pd.DataFrame(rows)


def run_scenarios(
    f: Fit,
    scenarios: list[Scenario],
    months: int = 36,
    sims: int = 500,
    seed: int = 903,
    workers: int | None = None,
    done: Iterable[Simulation] = (),
) -> dict[str, Simulation]:
    """simulate(...) for each scenario with the same seed (so differences come from the scenario, not chance), one
    after another, each on `workers` threads (default one a CPU). Scenarios that move the same children
    (_same_children: all but unit costs alike) share one simulation's counts; `done` are simulations of `f` already
    run with the same months, sims and seed (the projection itself, earlier scenarios), shared the same way."""
    names = [sc.name for sc in scenarios]
    if len(set(names)) < len(names):
        raise InputError(f"scenario names must differ (got {', '.join(names)})")
    counted: dict[tuple, Simulation] = {}
    for sim in done:
        if sim.counts.shape[:2] != (sims, months + 1) or sim.dates[0] != _month_end(_month_of(f.end))[0]:
            raise InputError(f"`done` is not a simulation of this fit with {months} months and {sims} simulations")
        counted[_same_children(sim.scenario)] = sim
    runs = {}
    for sc in scenarios:
        if (key := _same_children(sc)) not in counted:
            counted[key] = simulate(f, months, sims, seed, sc, workers)
        runs[sc.name] = replace(counted[key], scenario=sc)
    return runs


def _same_children(sc: Scenario) -> tuple:
    """What of a scenario changes the children simulated (all but its name and unit costs): scenarios with the same
    key, simulated with the same fit, months, simulations and seed, have the same counts."""
    return sc.entry_change_pct, sc.in_house_share, sc.step_down, sc.step_down_to if sc.step_down else None


def compare_scenarios(runs: dict[str, Simulation], costs: pd.DataFrame) -> pd.DataFrame:
    """Each scenario against the first (the baseline) at the end of the projection: scenario, children (total
    looked after, mean) with children_lower/children_upper (90% band), in_house_foster, ifa_foster, residential
    (means), spend_year (the first full financial year projected), spend_gbp_m with its 90% band, and
    spend_change_gbp_m (against the first scenario)."""
    rows = []
    for name, sim in runs.items():
        last = sim.counts[:, -1, :]
        spend = simulated_spend(sim, costs)
        total = spend[spend["category"] == TOTAL]
        year = total[total["months"] == 12].iloc[0] if (total["months"] == 12).any() else total.iloc[0]
        children = last.sum(axis=1)
        rows.append(
            {
                "scenario": name,
                "date": sim.dates[-1],
                "children": children.mean(),
                "children_lower": np.quantile(children, 0.05),
                "children_upper": np.quantile(children, 0.95),
                "in_house_foster": last[:, IN_HOUSE].mean(),
                "ifa_foster": last[:, IFA].mean(),
                "residential": last[:, RESIDENTIAL].mean(),
                "spend_year": year["financial_year"],
                "spend_gbp_m": year["central"] / 1e6,
                "spend_lower_gbp_m": year["lower"] / 1e6,
                "spend_upper_gbp_m": year["upper"] / 1e6,
            }
        )
    out = pd.DataFrame(rows)
    out["spend_change_gbp_m"] = out["spend_gbp_m"] - out["spend_gbp_m"].iloc[0]
    return out


def projection_table(summary: pd.DataFrame, months: tuple[int, ...] = (12, 24, 36)) -> pd.DataFrame:
    """The projection `months` after its start, for a committee: category, date, children (central, whole
    children) and children_lower / children_upper (the band), placement categories then the total."""
    start = summary["date"].min()
    dates = [start + pd.offsets.MonthEnd(m) for m in months]
    rows = summary[summary["date"].isin(dates)]
    out = rows.assign(
        children=rows["central"].round(), children_lower=np.floor(rows["lower"]), children_upper=np.ceil(rows["upper"])
    )
    return (
        out[["category", "date", "children", "children_lower", "children_upper"]]
        .astype({"children": int, "children_lower": int, "children_upper": int})
        .reset_index(drop=True)
    )


def report_horizons(projection_months: int) -> tuple[int, ...]:
    """The yearly horizons (12, 24, 36 months) a projection of `projection_months` reaches, for its table."""
    return tuple(m for m in (12, 24, 36) if m <= projection_months)


def spend_totals(spend: pd.DataFrame) -> pd.DataFrame:
    """The projected total spend by financial year in £ million to 2 decimals: financial_year, months,
    spend_gbp_m, spend_lower_gbp_m, spend_upper_gbp_m (from simulated_spend)."""
    totals = spend[spend["category"] == TOTAL][["financial_year", "months", "central", "lower", "upper"]]
    totals = totals.assign(**{c: (totals[c] / 1e6).round(2) for c in ("central", "lower", "upper")})
    names = {"central": "spend_gbp_m", "lower": "spend_lower_gbp_m", "upper": "spend_upper_gbp_m"}
    return totals.rename(columns=names).reset_index(drop=True)


def rounded_comparison(compare: pd.DataFrame) -> pd.DataFrame:
    """The scenario comparison for reading: counts of children as whole numbers, £ million to 2 decimals."""
    counts = ["children", "children_lower", "children_upper", "in_house_foster", "ifa_foster", "residential"]
    counts = [c for c in counts if c in compare.columns]
    money = [c for c in compare.columns if c.endswith("_gbp_m")]
    return compare.round({c: 0 for c in counts} | {c: 2 for c in money}).astype({c: int for c in counts})
