"""Demand that moves (issue 18): the entries' trend, the band with the trend's uncertainty, the headline rule."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cpanalysis import backtest as bt
from cpanalysis import projection as pj

T = pd.Timestamp
IN_HOUSE = pj.CATEGORIES.index("In-house foster")


def test_entry_trend_recovers_a_known_trend():
    """Entries growing 2% a month from 40 (Poisson): over 200 simulated 24-month series the estimated growth is
    right on average and its 95% interval holds the truth about 95% of the time; the level is the last month's."""
    rng = np.random.default_rng(4)
    t = np.arange(24)
    growth, inside = [], 0
    for _ in range(200):
        y = rng.poisson(40 * np.exp(0.02 * t))
        tr = pj.entry_trend(y)
        growth.append(tr.coef[1])
        inside += abs(tr.coef[1] - 0.02) <= 1.96 * np.sqrt(tr.cov[1, 1])
    assert np.mean(growth) == pytest.approx(0.02, abs=0.001)
    assert 0.88 <= inside / 200 <= 0.99
    exact = pj.entry_trend(np.round(100 * np.exp(0.05 * t)))  # a smooth series: the fit is the series
    assert exact.coef[1] == pytest.approx(0.05, abs=1e-3)
    assert np.exp(exact.coef[0]) == pytest.approx(100 * np.exp(0.05 * 23), rel=0.01)
    assert pj.entry_trend(np.zeros(12)) is None


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
    tr = pj.EntryTrend(np.array([np.log(10), 0.1]), np.zeros((2, 2)), damping=0.5)
    # growth counts 0.5, then 0.5 + 0.25, then 0.875 months
    np.testing.assert_allclose(tr.steps(3), [0.5, 0.75, 0.875])
    np.testing.assert_allclose(tr.mean(2), 10 * np.exp(0.1 * np.array([0.5, 0.75])))


def _no_exit_fit(trend: pj.EntryTrend | None) -> pj.Fit:
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
    known = pj.EntryTrend(np.array([np.log(20), 0.0]), np.zeros((2, 2)))
    unsure = pj.EntryTrend(np.array([np.log(20), 0.0]), np.diag([0.0, 0.02**2]))
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
