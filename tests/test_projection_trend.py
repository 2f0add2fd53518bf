"""Demand that moves (issue 18): the entries' trend, the band with the trend's uncertainty, the headline rule."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from cpanalysis import backtest as bt
from cpanalysis import projection as pj

T = pd.Timestamp
IN_HOUSE = pj.CATEGORIES.index("In-house foster")
IFA = pj.CATEGORIES.index("External (IFA) foster")


def test_entry_trend_recovers_a_known_trend():
    """Without the prior (an infinite scale): entries growing 2% a month from 40 (Poisson): over 200 simulated
    24-month series the estimated growth is right on average and its 95% interval holds the truth about 95% of the
    time; the level is the last month's."""
    rng = np.random.default_rng(4)
    t = np.arange(24)
    growth, inside = [], 0
    for _ in range(200):
        y = rng.poisson(40 * np.exp(0.02 * t))
        tr = pj.entry_trend(y, growth_scale=np.inf)
        growth.append(tr.coef[1])
        inside += abs(tr.coef[1] - 0.02) <= 1.96 * np.sqrt(tr.cov[1, 1])
    assert np.mean(growth) == pytest.approx(0.02, abs=0.001)
    assert 0.88 <= inside / 200 <= 0.99
    exact = pj.entry_trend(np.round(100 * np.exp(0.05 * t)), growth_scale=np.inf)  # smooth: the fit is the series
    assert exact.coef[1] == pytest.approx(0.05, abs=1e-3)
    assert np.exp(exact.coef[0]) == pytest.approx(100 * np.exp(0.05 * 23), rel=0.01)
    assert pj.entry_trend(np.zeros(12)) is None


def _log_posterior(beta: np.ndarray, y: np.ndarray, dispersion: float, scale: float, df: float) -> float:
    """The quasi-Poisson log-likelihood / dispersion plus the log density of a Student t (df, scale) on the growth,
    written out from their definitions (t = months from the last)."""
    t = np.arange(len(y)) - (len(y) - 1.0)
    eta = beta[0] + beta[1] * t
    return float((y * eta - np.exp(eta)).sum() / dispersion - (df + 1) / 2 * np.log1p(beta[1] ** 2 / (df * scale**2)))


def test_entry_trend_is_the_posterior_mode():
    """The growth's Student-t prior (entry_trend): the estimate is where the log posterior peaks, found here by
    scipy's general optimiser on the posterior written out from its definition; the covariance is the inverse of
    minus its second derivatives there (finite differences). A window of steady entries (10 a month) stays at no
    growth and a level of 10, by hand."""
    from scipy.optimize import minimize

    y = np.array([9, 12, 8, 11, 10, 13, 9, 12, 14, 10, 11, 13, 12, 15, 11, 13, 14, 12, 16, 13, 12, 15, 14, 17.0])
    tr = pj.entry_trend(y)
    free = pj.entry_trend(y, growth_scale=np.inf)
    t = np.arange(24) - 23.0
    dispersion = max(
        ((y - np.exp(free.coef[0] + free.coef[1] * t)) ** 2 / np.exp(free.coef[0] + free.coef[1] * t)).sum() / 22, 1.0
    )
    args = (y, dispersion, pj.GROWTH_SCALE, pj.GROWTH_DF)
    best = minimize(lambda b: -_log_posterior(b, *args), free.coef, method="Nelder-Mead",
                    options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20_000})  # fmt: skip
    np.testing.assert_allclose(tr.coef, best.x, atol=2e-6)
    assert 0 < tr.coef[1] < free.coef[1]  # shrunk toward none, not past it
    eps, hess = 1e-4, np.zeros((2, 2))
    for i in range(2):
        for j in range(2):
            di, dj = np.eye(2)[i] * eps, np.eye(2)[j] * eps
            f = lambda d: _log_posterior(tr.coef + d, *args)  # noqa: E731
            hess[i, j] = (f(di + dj) - f(di - dj) - f(dj - di) + f(-di - dj)) / (4 * eps**2)
    np.testing.assert_allclose(tr.cov, np.linalg.inv(-hess), rtol=1e-3)
    steady = pj.entry_trend(np.full(24, 10.0))
    np.testing.assert_allclose(steady.coef, [np.log(10), 0.0], atol=1e-9)


def test_the_prior_shrinks_a_noisy_growth_and_keeps_a_clear_one():
    """A small authority (12 entries a month, truly growing 2.5% a year): its 24-month windows show growths of
    +-10% a year by chance; with the prior the next 24 months' entries are forecast closer to what comes (mean
    absolute error over 300 simulated windows below 0.8 times the unshrunk trend's). A clear growth (800 a month
    rising 2% a month, a large authority's) and a collapse (60 a month falling 8% a month) are kept within a few
    per cent of the unshrunk estimates."""
    rng = np.random.default_rng(18)
    g = np.log(1.025) / 12
    t = np.arange(48)
    errors = {"prior": [], "none": []}
    for _ in range(300):
        y = rng.poisson(12 * np.exp(g * t))
        coming = y[24:].sum()
        for name, scale in (("prior", None), ("none", np.inf)):
            tr = pj.entry_trend(y[:24], growth_scale=scale)
            errors[name].append(abs(tr.mean(24).sum() / coming - 1))
    assert np.mean(errors["prior"]) < 0.8 * np.mean(errors["none"])
    for rate, growth in ((800, 0.02), (60, -0.08)):
        y = rng.poisson(rate * np.exp(growth * np.arange(24)))
        shrunk, free = pj.entry_trend(y).coef[1], pj.entry_trend(y, growth_scale=np.inf).coef[1]
        assert shrunk == pytest.approx(free, rel=0.05)


def test_exits_by_month_by_hand():
    """Two rate rows, A (10-15, 2 years or more in care, in-house) and B (the same in an IFA), over two months.
    Month 0: two children in A (one stays, one leaves care), one in B (stays). Month 1: one in A (stays), three in B
    (one leaves, two stay), and one turning 18 (left out of the rates). A: 3 child-months, 1 exit (1/3); B: 4, 1
    (1/4). Expected exits: month 0 2/3 + 1/4, month 1 1/3 + 3/4; exits 1 and 1."""
    shape = (len(pj.BANDS), len(pj.DURATIONS), len(pj.CATEGORIES), len(pj.OUTCOMES))
    band, long = pj.BANDS.index("10 to 15"), len(pj.DURATIONS) - 1
    row = {c: (band * len(pj.DURATIONS) + long) * len(pj.CATEGORIES) + c for c in (IN_HOUSE, IFA)}
    leave = len(pj.OUTCOMES) - 1
    moves = np.zeros(shape)
    moves[band, long, IN_HOUSE, IN_HOUSE], moves[band, long, IN_HOUSE, leave] = 2, 1
    moves[band, long, IFA, IFA], moves[band, long, IFA, leave] = 3, 1
    pairs = [  # (month, row, outcome)
        (0, row[IN_HOUSE], IN_HOUSE), (0, row[IN_HOUSE], leave), (0, row[IFA], IFA),
        (1, row[IN_HOUSE], IN_HOUSE), (1, row[IFA], leave), (1, row[IFA], IFA), (1, row[IFA], IFA),
    ]  # fmt: skip
    step = np.array([m for m, _, _ in pairs] + [1])
    pair = np.array([r * len(pj.OUTCOMES) + o for _, r, o in pairs] + [-1])
    exits, expected = pj._exits_by_month(pair, step, moves, 3)
    assert exits.tolist() == [1, 1, 0]  # a window of 3 months, the last with no one in these rows
    np.testing.assert_allclose(expected, [2 / 3 + 1 / 4, 1 / 3 + 3 / 4, 0])


def test_exit_trend_recovers_a_known_trend():
    """Exits whose chance falls 0.5% a month (about 6% a year) below what the window's average rates expect
    (200 a month, varying with who is in care): without the prior, the mean estimated fall over 200 series is
    right and the level (the ratio at the last month) is exp(-0.005 x 23 / 2) of the average, as the average rates
    sit at the window's middle; with the prior a large authority's clear fall is kept within 10%."""
    rng = np.random.default_rng(9)
    t = np.arange(24)
    growth, shrunk = [], []
    for _ in range(200):
        expected = rng.uniform(150, 250, 24)
        ratio = np.exp(-0.005 * (t - 11.5))  # averages about 1 over the window, as the rates' own average does
        exits = rng.poisson(expected * ratio)
        growth.append(pj.exit_trend(exits, expected, growth_scale=np.inf).coef[1])
        big = rng.poisson(20 * expected * ratio)
        shrunk.append(pj.exit_trend(big, 20 * expected).coef[1] / pj.exit_trend(big, 20 * expected, np.inf).coef[1])
    assert np.mean(growth) == pytest.approx(-0.005, abs=0.0005)
    assert 0.9 < np.mean(shrunk) <= 1
    level = pj.exit_trend(np.round(1000 * np.exp(-0.005 * (t - 11.5))), np.full(24, 1000.0), growth_scale=np.inf)
    assert np.exp(level.coef[0]) == pytest.approx(np.exp(-0.005 * 11.5), rel=1e-3)


def test_simulated_exits_follow_the_exit_trend():
    """1,000 children of 10, 2 years or more in care, each leaving with chance 10% a month (no one moves within
    care, no one comes in); the exit trend known exactly (no spread) at 0.6 of that chance a month on, x 1.05 a
    month after: chances 6% then 6.3%, so 1,000 x 0.94 = 940 then 940 x 0.937 = 880.78 are left on average."""
    m = np.zeros((len(pj.BANDS), len(pj.DURATIONS), len(pj.CATEGORIES), len(pj.OUTCOMES)))
    band = pj.BANDS.index("10 to 15")
    m[band, :, IN_HOUSE, IN_HOUSE], m[band, :, IN_HOUSE, -1] = 900_000, 100_000
    stock = pd.DataFrame({"CHILD": np.arange(1000), "category": IN_HOUSE, "age_months": 130, "months_in_care": 30})
    no_one = pd.DataFrame({"age_months": [], "category": []})
    trend = pj.Trend(np.array([np.log(0.6 / 1.05), np.log(1.05)]), np.zeros((2, 2)))
    f = pj.Fit(T("2020-03-31"), 24, m, np.zeros(24), no_one, stock, None, trend)
    left = pj.simulate(f, 2, 2000, seed=5).counts[:, :, IN_HOUSE].mean(axis=0)
    assert left[1] == pytest.approx(940, abs=0.5)  # standard error about 7.5 / sqrt(2000) = 0.17
    assert left[2] == pytest.approx(880.78, abs=0.6)
    flat = pj.simulate(replace(f, exits=None), 2, 2000, seed=5).counts[:, :, IN_HOUSE].mean(axis=0)
    assert flat[2] == pytest.approx(810, abs=0.6)  # the window's 10% a month: 1,000 x 0.9^2


def test_windows_a_trend_cannot_follow():
    """Counts all at one end of the window (24 entries in the last month, or the first): without the prior there
    is no growth that fits best (it runs off) and so no trend; with it, a finite one near none (the spike shows as
    overdispersion). Counts rising from nothing (20 empty months, then 6 a month: a system that began recording
    part-way) fit a growth of about 50% a month, which over three years gave 35 million entries a month: the growth
    is held at GROWTH_MAX (doubling a year), in the estimate and in every simulation's draw, so 35 months on from
    the first projected month a simulation's entries are at most 2^(35 / 12) times that month's."""
    for y in (np.r_[np.zeros(23), 24.0], np.r_[24.0, np.zeros(23)]):
        assert pj.entry_trend(y, growth_scale=np.inf) is None
        tr = pj.entry_trend(y)
        assert np.isfinite(tr.coef).all() and np.isfinite(tr.cov).all()
        assert abs(tr.coef[1]) < 0.01
    rising = pj.entry_trend(np.r_[np.zeros(20), np.full(4, 6.0)])
    assert rising.coef[1] == pytest.approx(np.log(2) / 12)
    draws = rising.draws(36, 500, np.random.default_rng(3))
    assert (draws[:, -1] / draws[:, 0]).max() <= 2 ** (35 / 12) * (1 + 1e-9)
    assert (draws[:, -1] / draws[:, 0]).max() == pytest.approx(2 ** (35 / 12))  # most are held at the limit


def test_trend_table_by_hand():
    """Entries at 10 a month growing log(1.1) / 12 a month (10% a year) with a standard error of 0.01 a month: the
    90% interval of the growth is +- 1.6449 x 0.01, i.e. 1.1 x exp(+- 12 x 0.016449) - 1 = -9.7% to +34.0% a
    year. The chance of leaving at 0.8 of the window's average, falling 60% a year, is held at halving (-50%)."""
    m = np.zeros((len(pj.BANDS), len(pj.DURATIONS), len(pj.CATEGORIES), len(pj.OUTCOMES)))
    empty = pd.DataFrame({"CHILD": [], "category": [], "age_months": [], "months_in_care": []})
    entries = pj.Trend(np.array([np.log(10), np.log(1.1) / 12]), np.diag([0.0, 0.01**2]))
    exits = pj.Trend(np.array([np.log(0.8), np.log(0.4) / 12]), np.zeros((2, 2)))
    f = pj.Fit(T("2020-03-31"), 24, m, np.zeros(24), empty[["age_months", "category"]], empty, entries, exits)
    t = pj.trend_table(f).set_index("what")
    assert t.loc["entries", "now"] == pytest.approx(10)
    assert t.loc["entries", "change_pct"] == pytest.approx(10)
    assert t.loc["entries", "low_pct"] == pytest.approx(-9.70, abs=0.05)
    assert t.loc["entries", "high_pct"] == pytest.approx(34.0, abs=0.05)
    assert t.loc["leaving care", "now"] == pytest.approx(0.8)
    assert t.loc["leaving care", ["change_pct", "low_pct", "high_pct"]].tolist() == pytest.approx([-50, -50, -50])
    assert pj.trend_table(replace(f, trend=None, exits=None)).empty


def test_no_trend_from_fewer_entries_than_months():
    """A small authority's window with one entry in 24 months (the region test's E06000009 at scale 0.05): its
    fitted growth has a standard error of about 0.18 a month, which drawn and compounded over 36 months gave one
    simulation 15,000 entries a month; below one entry a month there is no trend (the mean rate), from one a month
    up there is."""
    one = np.zeros(24)
    one[17] = 1
    assert pj.entry_trend(one) is None
    assert pj.entry_trend(np.full(24, 1.0)) is not None
    assert pj.entry_trend(np.r_[np.zeros(12), np.full(12, 2.0)]) is not None  # 24 entries in 24 months


def test_damped_trend_by_hand():
    tr = pj.Trend(np.array([np.log(10), 0.1]), np.zeros((2, 2)), damping=0.5)
    # growth counts 0.5, then 0.5 + 0.25, then 0.875 months
    np.testing.assert_allclose(tr.steps(3), [0.5, 0.75, 0.875])
    np.testing.assert_allclose(tr.mean(2), 10 * np.exp(0.1 * np.array([0.5, 0.75])))


def _no_exit_fit(trend: pj.Trend | None) -> pj.Fit:
    m = np.zeros((len(pj.BANDS), len(pj.DURATIONS), len(pj.CATEGORIES), len(pj.OUTCOMES)))
    m[:, :, IN_HOUSE, IN_HOUSE] = 10_000  # nobody moves or leaves: the total is the entrants
    return pj.Fit(
        T("2020-03-31"),
        24,
        m,
        np.full(24, 20),
        pd.DataFrame({"age_months": [60], "category": [IN_HOUSE]}),
        pd.DataFrame({"CHILD": [], "category": [], "age_months": [], "months_in_care": []}),
        trend,
    )


def test_band_widens_with_horizon_when_the_trend_is_uncertain():
    """The same expected entries (20 a month, no growth); with the growth uncertain (sd 0.02 a month) the band of
    the cumulative entrants widens faster than with the growth known, and ever more with the horizon."""
    known = pj.Trend(np.array([np.log(20), 0.0]), np.zeros((2, 2)))
    unsure = pj.Trend(np.array([np.log(20), 0.0]), np.diag([0.0, 0.02**2]))
    widths = {}
    for name, tr in (("known", known), ("unsure", unsure)):
        s = pj.summarise(pj.simulate(_no_exit_fit(tr), 24, 2000, seed=8))
        total = s[s["category"] == pj.TOTAL].set_index("date")
        widths[name] = (total["upper"] - total["lower"]).to_numpy()
    ratio = {h: widths["unsure"][h] / widths["known"][h] for h in (6, 12, 24)}
    assert ratio[6] > 1.1 and ratio[24] > ratio[12] > ratio[6]
    assert widths["unsure"][24] > 2 * widths["unsure"][6]


def test_headline_rule_by_hand():
    """Three past 12-month projections: the model and the last value each 10% under, 10% over and right; the
    straight line and the drift 5% under, 5% over and right. Weights 1 / mean squared relative error: 1 / (0.02 /
    3) = 150 twice and 1 / (0.005 / 3) = 600 twice, i.e. 0.1, 0.1, 0.4 and 0.4. The range comes from eight past
    6-month projections from the same quarter ends on, all four methods at 100, against actuals 110, 90, 110, 90,
    100, 100, 100, 100."""
    cutoffs = pd.date_range("2015-03-31", periods=8, freq="QE-MAR")
    known = pd.DataFrame(
        {
            "cutoff": cutoffs[:3],
            "horizon": 12,
            "date": cutoffs[:3] + pd.offsets.MonthEnd(12),
            "actual": [100, 100, 100],
            "model": [90.0, 110.0, 100.0],
            "last_value": [90.0, 110.0, 100.0],
            "linear_trend": [95.0, 105.0, 100.0],
            "drift": [95.0, 105.0, 100.0],
        }
    )
    base = pd.DataFrame(
        {
            "cutoff": cutoffs,
            "horizon": 6,
            "date": cutoffs + pd.offsets.MonthEnd(6),
            "actual": [110, 90, 110, 90, 100, 100, 100, 100],
            **{m: 100.0 for m in bt.HEADLINE_METHODS},
        }
    )
    now = np.array([[200.0, 190.0, 210.0, 200.0]])  # model, last value, linear trend, drift (HEADLINE_METHODS)
    T = bt._Track.of  # the rule works on a horizon's past points as arrays
    assert bt._weights(T(known)) == pytest.approx([0.1, 0.1, 0.4, 0.4])
    # base: equal weights, the weighted forecast 100, |errors| 0, 0, 0, 0, .1, .1, .1, .1 (sorted). Conformal rank
    # k = ceil(9 x level): 90% gives 9, above n = 8: the largest, 10%; 50% gives 5: 10%; 40% gives 4: 0
    assert bt._half_width(T(base), 0.9) == pytest.approx(0.1)
    assert bt._half_width(T(base), 0.5) == pytest.approx(0.1)
    assert bt._half_width(T(base), 0.4) == 0
    assert np.isnan(bt._half_width(T(base.head(1)), 0.9))  # one error gives no spread
    # growth: the 12-month weighted forecasts 94, 106, 100 err by 100 / 94 - 1 = +6.38%, -5.66%, 0; the 6-month
    # ones of the same quarter ends by +10%, -10%, +10%: RMS ratio sqrt(0.007144 / 0.03) = 0.488, below 1 (p =
    # log 0.488 / log 2 < 0): kept at the lower bound 0.5
    assert bt._growth_exponent(T(known), T(base)) == 0.5
    assert bt._growth_exponent(T(base), T(base)) == 1.0  # the shortest horizon itself
    wider = known.assign(**{m: [100 / 1.15, 100 / 0.85, 100 / 1.15] for m in bt.HEADLINE_METHODS})  # +-15%
    assert bt._growth_exponent(T(wider), T(base)) == pytest.approx(np.log(1.5) / np.log(2))  # 0.585: 1.5 x at 2 x
    widest = known.assign(**{m: [100 / 1.3, 100 / 0.7, 100 / 1.3] for m in bt.HEADLINE_METHODS})  # +-30%: 3 x
    assert bt._growth_exponent(T(widest), T(base)) == 1.0  # p = 1.585 kept at the upper bound
    # 12 months: 10% x 2^0.5 = 14.14%
    central, low, high = bt._headline(now, T(known), T(base), 2.0 ** bt._range_exponent(T(known), T(base), 0.9), 0.9)
    assert central[0] == pytest.approx(0.1 * 200 + 0.1 * 190 + 0.4 * 210 + 0.4 * 200)  # 203
    assert low[0] == pytest.approx(203 * (1 - 0.141421), rel=1e-5)  # 174.29
    assert high[0] == pytest.approx(203 * (1 + 0.141421), rel=1e-5)  # 231.71
    # widest: every method erred alike (+30%, -30%, +30%), equal weights, central 200. 10% x 2^1 = 20% at 12
    # months would be narrower than the 12-month errors' own conformal half-width (n = 3: the largest, 30%), so the
    # exponent is raised to log 3 / log 2 = 1.585 and the range is 30%: 140 to 260
    assert bt._range_exponent(T(widest), T(base), 0.9) == pytest.approx(np.log(3) / np.log(2))
    assert bt._range_exponent(T(known), T(base), 0.9) == 0.5  # own errors 6.38% at most, under 10% x 2^0.5: kept
    assert bt._range_exponent(T(base), T(base), 0.9) == 1.0  # the shortest horizon itself
    exact = base.assign(actual=100)  # every past 6-month projection right: a range of 0, nothing to grow from
    assert bt._range_exponent(T(widest), T(exact), 0.9) == 1.0
    _, low, high = bt._headline(now, T(widest), T(base), 2.0 ** bt._range_exponent(T(widest), T(base), 0.9), 0.9)
    assert (low[0], high[0]) == (pytest.approx(140), pytest.approx(260))
    # 1 - 12^1.585 x 10% is below 0: no fewer than 0
    assert bt._headline(now, T(widest), T(base), 12.0 ** (np.log(3) / np.log(2)), 0.9)[1][0] == 0


def test_the_range_adapts_to_how_the_track_record_has_been_going():
    """Adaptive conformal (backtest._half_width), worked by hand on 20 errors at 90%. Errors 1%, 2%, ... 20% in
    cutoff order: each falls outside the range of those before it (the largest of them, while the level is high),
    so the level rises 0.05 x 0.9 a miss, to 1 after three: the largest error, 20% (the plain conformal quantile,
    k = ceil(21 x 0.9) = 19: 19%). The same errors in the other order each fall inside: the level falls 0.05 x
    0.1 a hit, 18 times, to 0.81: k = ceil(21 x 0.81) = 18, 18%."""
    cutoffs = pd.date_range("2015-03-31", periods=20, freq="QE-MAR").to_numpy()

    def track(errors):
        actual = 100 * (1 + np.asarray(errors))
        return bt._Track(6, cutoffs, cutoffs, actual, np.full((20, len(bt.HEADLINE_METHODS)), 100.0))

    growing = np.arange(1, 21) / 100
    assert bt._half_width(track(growing), 0.9) == pytest.approx(0.20)
    assert bt._half_width(track(growing[::-1]), 0.9) == pytest.approx(0.18)


def test_range_grows_smoothly_between_backtested_horizons():
    tested, p = np.array([6, 12, 24]), np.array([1.0, 0.5, 1.0])  # grown 2^0.5 at 12 months, 4^1 at 24
    assert bt._growth(3, tested, p) == pytest.approx(0.5)  # below 6 months: in proportion
    assert bt._growth(12, tested, p) == pytest.approx(np.sqrt(2))  # 1.414 at a backtested horizon, as _headline
    assert bt._growth(24, tested, p) == pytest.approx(4.0)
    # 18 months, log-log between 12 (log 1.414 at log 2) and 24 (log 4 at log 4): log2 growth = 0.5 + (log2 3 - 1)
    # / (2 - 1) x (2 - 0.5) = 0.5 + 0.585 x 1.5 = 1.377, growth 2^1.377 = 2.598
    assert bt._growth(18, tested, p) == pytest.approx(2**1.377444, rel=1e-5)
    assert bt._growth(36, tested, p) == pytest.approx(6.0)  # beyond 24 months: the last horizon's p, 6^1
    steps = [bt._growth(h, tested, p) for h in range(1, 37)]
    assert all(b > a for a, b in zip(steps, steps[1:]))  # no step back where the nearest horizon changes


def test_headline_points_use_only_what_each_cutoff_knew():
    cutoffs = pd.date_range("2015-03-31", periods=6, freq="QE-MAR")
    points = pd.DataFrame(
        {
            "cutoff": cutoffs,
            "horizon": 6,
            "date": cutoffs + pd.offsets.MonthEnd(6),
            "category": pj.TOTAL,
            "actual": 110,
            "model": 100.0,
            "lower": 95.0,
            "upper": 105.0,
            "last_value": 100.0,
            "linear_trend": 110.0,
            "drift": 110.0,
        }
    )
    points["inside"] = points["actual"].between(points["lower"], points["upper"])
    got = bt.headline_points(points, min_points=2)
    # cutoff k (from 0) knows the projections dated (6 months, two quarters, on) by it: k - 1 of them from k = 2;
    # the line and the drift were always right, so they take (almost) all the weight once two are known
    assert got["judged"].tolist() == [False, False, False, True, True, True]
    assert got.loc[3:, "headline"].round(6).tolist() == [110.0] * 3
    assert got.loc[:2, "headline"].tolist() == [100.0] * 3
    acc = bt.headline_accuracy(points, min_points=2).iloc[0]
    assert (
        acc["judged"] == 3 and acc["headline"] == pytest.approx(0, abs=1e-6) and acc["model"] == pytest.approx(100 / 11)
    )
    assert acc["coverage_pct"] == 100 and acc["band_coverage_pct"] == 0


def test_categories_share_the_totals_headline_by_the_models_mix():
    # the model: 60 + 40 = 100; the Total's headline 110 (99-121); the categories' own headlines 50 and 45 add up
    # to 95, not 110. Shared by the model's mix: 110 x 0.6 = 66 and 110 x 0.4 = 44, each range scaled with its
    # central: A 40-60 x 66 / 50 = 52.8-79.2, B 36-54 x 44 / 45 = 35.2-52.8; the Total unchanged
    frame = pd.DataFrame(
        {
            "date": pd.Timestamp("2024-03-31"),
            "category": ["A", "B", pj.TOTAL],
            "model": [60.0, 40.0, 100.0],
            "central": [50.0, 45.0, 110.0],
            "lower": [40.0, 36.0, 99.0],
            "upper": [60.0, 54.0, 121.0],
        }
    )
    got = bt._share_total(frame, ["date"], ("central", "lower", "upper")).set_index("category")
    assert got["central"].tolist() == pytest.approx([66, 44, 110])
    assert got["lower"].tolist() == pytest.approx([52.8, 35.2, 99])
    assert got["upper"].tolist() == pytest.approx([79.2, 52.8, 121])
    # a category the model gives no children keeps 0; its share goes to the others
    frame.loc[1, ["model", "central", "lower", "upper"]] = 0.0
    frame.loc[2, "model"] = 60.0
    got = bt._share_total(frame, ["date"], ("central", "lower", "upper")).set_index("category")
    assert got["central"].tolist() == pytest.approx([110, 0, 110])
