"""The demand model on tiny hand-made histories: states, rates, one projected step, scenarios, spend, backtest."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from factories import episodes_frame, header_frame

from cpanalysis import backtest as bt
from cpanalysis import population
from cpanalysis import projection as pj
from cpanalysis.errors import InputError

T = pd.Timestamp
IN_HOUSE, IFA, RES = (pj.CATEGORIES.index(c) for c in ("In-house foster", "External (IFA) foster", "Residential"))
B = {b: i for i, b in enumerate(pj.BANDS)}
EXIT = len(pj.CATEGORIES)

HEADER = header_frame(
    [
        dict(CHILD="A", DOB="10/06/2010"),
        dict(CHILD="B", DOB="05/03/2005"),
        dict(CHILD="C", DOB="20/01/2015"),
        dict(CHILD="D", DOB="15/02/2001"),
    ]
)
EPISODES = episodes_frame(
    [
        # A: in-house foster from 15/01/2019, still looked after
        dict(CHILD="A", DECOM="15/01/2019", RNE="S", LS="C2", PLACE="U4", PLACE_PROVIDER="PR1"),
        # B: IFA foster from 01/12/2018, to a children's home 10/02/2019, home 20/03/2019
        dict(
            CHILD="B",
            DECOM="01/12/2018",
            RNE="S",
            LS="C2",
            PLACE="U4",
            PLACE_PROVIDER="PR4",
            DEC="10/02/2019",
            REC="X1",
        ),
        dict(
            CHILD="B",
            DECOM="10/02/2019",
            RNE="P",
            LS="C2",
            PLACE="K2",
            PLACE_PROVIDER="PR4",
            DEC="20/03/2019",
            REC="E4A",
        ),
        # C: in-house foster from 05/02/2019
        dict(CHILD="C", DECOM="05/02/2019", RNE="S", LS="C2", PLACE="U4", PLACE_PROVIDER="PR1"),
        # D: in-house foster from 01/10/2018 until the 18th birthday, 15/02/2019
        dict(
            CHILD="D",
            DECOM="01/10/2018",
            RNE="S",
            LS="C2",
            PLACE="U4",
            PLACE_PROVIDER="PR1",
            DEC="15/02/2019",
            REC="E5",
        ),
    ]
)


@pytest.fixture()
def states():
    return pj.monthly_states(EPISODES, HEADER, T("2018-12-01"), T("2019-03-31"))


def test_monthly_states_by_hand(states):
    got = {
        (r.date.strftime("%m/%y"), r.CHILD): (pj.CATEGORIES[r.category], r.age_months, r.months_in_care)
        for r in states.itertuples()
    }
    assert got == {
        ("12/18", "B"): ("External (IFA) foster", 165, 0),  # 13 years 9 months; in care since 01/12/2018
        ("12/18", "D"): ("In-house foster", 214, 2),  # 17 years 10 months; in care since 01/10/2018
        ("01/19", "A"): ("In-house foster", 103, 0),
        ("01/19", "B"): ("External (IFA) foster", 166, 1),
        ("01/19", "D"): ("In-house foster", 215, 3),
        ("02/19", "A"): ("In-house foster", 104, 1),
        ("02/19", "B"): ("Residential", 167, 2),  # a new placement, the same time in care
        ("02/19", "C"): ("In-house foster", 49, 0),
        ("03/19", "A"): ("In-house foster", 105, 2),
        ("03/19", "C"): ("In-house foster", 50, 1),
    }


def test_monthly_states_agree_with_cla_at(states):
    counts = pj.actual_counts(states)
    for date in counts.index:
        cla = population.cla_at(EPISODES, date)
        assert counts.at[date, pj.TOTAL] == len(cla)
        for cat, n in cla["placement"].value_counts().items():
            assert counts.at[date, cat] == n


def test_age_in_months_waits_for_the_day_of_the_month():
    header = header_frame([dict(CHILD="E", DOB="31/05/2010")])
    eps = episodes_frame([dict(CHILD="E", DECOM="01/01/2019", RNE="S", LS="C2", PLACE="U4")])
    st = pj.monthly_states(eps, header, T("2019-02-01"), T("2019-03-31"))
    # 28/02/2019: 8 years 8 months (not 9: the 31st has not come); 31/03/2019: 8 years 10 months
    assert st["age_months"].tolist() == [104, 106]


def test_fit_counts_moves_entries_and_stock_by_hand(states):
    f = pj.fit(states, T("2019-03-31"), window_months=3)
    expected = np.zeros_like(f.moves)  # every child here in care under 6 months: duration band 0
    expected[B["10 to 15"], 0, IFA, IFA] = 1  # B Dec -> Jan
    expected[B["10 to 15"], 0, IFA, RES] = 1  # B Jan -> Feb
    expected[B["10 to 15"], 0, RES, EXIT] = 1  # B Feb -> Mar (went home)
    expected[B["16 and over"], 0, IN_HOUSE, IN_HOUSE] = 1  # D Dec -> Jan; Jan -> Feb left out: 18 by end of Feb
    expected[B["5 to 9"], 0, IN_HOUSE, IN_HOUSE] = 2  # A Jan -> Feb -> Mar
    expected[B["1 to 4"], 0, IN_HOUSE, IN_HOUSE] = 1  # C Feb -> Mar
    np.testing.assert_array_equal(f.moves, expected)
    assert f.entries.tolist() == [1, 1, 0]  # A at the end of January, C at the end of February
    assert f.entry_rate == pytest.approx(2 / 3)
    assert sorted(map(tuple, f.entrants.to_numpy().tolist())) == [(49, IN_HOUSE), (103, IN_HOUSE)]
    assert sorted(map(tuple, f.stock[["CHILD", "category", "age_months", "months_in_care"]].to_numpy().tolist())) == [
        ("A", IN_HOUSE, 105, 2),
        ("C", IN_HOUSE, 50, 1),
    ]


def test_transition_rates_are_moves_over_child_months(states):
    rates = pj.transition_rates(pj.fit(states, T("2019-03-31"), window_months=3))
    rates = rates.set_index(["age_band", "in_care", "from"])
    row = rates.loc[("10 to 15", "Under 6 months", "External (IFA) foster")]
    assert row["child_months"] == 2
    assert row["External (IFA) foster"] == 0.5 and row["Residential"] == 0.5 and row["Left care"] == 0
    assert rates.loc[("10 to 15", "Under 6 months", "Residential"), "Left care"] == 1


def test_fit_needs_a_window_inside_the_data(states):
    with pytest.raises(InputError, match="needs data from 31/10/2018; the data start at 31/12/2018"):
        pj.fit(states, T("2019-03-31"), window_months=5)
    with pytest.raises(InputError, match="after the data end"):
        pj.fit(states, T("2019-06-30"), window_months=3)


def _fit(stock: list[tuple[int, int]], moves: dict, entries: int = 5, entrant=(24, IFA)) -> pj.Fit:
    """A Fit made by hand: stock of (category, age in months), moves {(band, from, to): count} (the same for every
    time in care), `entries` a month for 12 months, every entrant alike (none if `entries` is 0)."""
    m = np.zeros((len(pj.BANDS), len(pj.DURATIONS), len(pj.CATEGORIES), len(pj.OUTCOMES)))
    for (band, frm, to), n in moves.items():
        m[band, :, frm, to] = n
    return pj.Fit(
        end=T("2020-03-31"),
        window_months=12,
        moves=m,
        entries=np.full(12, entries),
        entrants=pd.DataFrame({"age_months": [entrant[0]], "category": [entrant[1]]}).iloc[: 1 if entries else 0],
        stock=pd.DataFrame(
            {
                "CHILD": [f"c{i}" for i in range(len(stock))],
                "category": [c for c, _ in stock],
                "age_months": [a for _, a in stock],
                "months_in_care": 30,
            }
        ),
    )


# 100 children aged 10 in in-house foster; each month 80% stay, 10% move to an IFA, 10% leave.
TEN = [(IN_HOUSE, 120)] * 100
TEN_MOVES = {
    (B["10 to 15"], IN_HOUSE, IN_HOUSE): 800,
    (B["10 to 15"], IN_HOUSE, IFA): 100,
    (B["10 to 15"], IN_HOUSE, EXIT): 100,
}


def test_one_step_projection_by_hand():
    sim = pj.simulate(_fit(TEN, TEN_MOVES), months=1, sims=4000, seed=1)
    step = sim.counts[:, 1, :].mean(axis=0)
    # in-house: 100 x 0.8 = 80; IFA: 100 x 0.1 + new entrants (Gamma mean (60 + 0.5) / 12 = 5.04) = 15.04
    assert step[IN_HOUSE] == pytest.approx(80, abs=0.3)
    assert step[IFA] == pytest.approx(15.04, abs=0.3)
    assert sim.totals()[:, 1].mean() == pytest.approx(95.04, abs=0.4)
    assert sim.dates[1] == T("2020-04-30")
    summary = pj.summarise(sim).set_index(["date", "category"])
    total = summary.loc[(T("2020-04-30"), pj.TOTAL)]
    assert total["lower"] < 95 < total["upper"]
    assert summary.loc[(T("2020-03-31"), pj.TOTAL), "central"] == 100


def test_children_leave_at_18_and_unknown_ages_never_age():
    stays = {(b, IN_HOUSE, IN_HOUSE): 10_000 for b in range(len(pj.BANDS))}
    sim = pj.simulate(_fit([(IN_HOUSE, 215), (IN_HOUSE, 214), (IN_HOUSE, -1)], stays, entries=0), months=2, sims=50)
    assert sim.counts[:, 0, IN_HOUSE].tolist() == [3] * 50
    assert sim.counts[:, 1, IN_HOUSE].max() == 2  # the 215-month-old turned 18
    assert sim.counts[:, 2, IN_HOUSE].max() == 1  # and then the 214-month-old; the unknown age stays


def test_all_new_foster_placements_in_house():
    sc = pj.Scenario("In-house", in_house_share=1.0)
    sim = pj.simulate(_fit(TEN, TEN_MOVES), months=1, sims=4000, seed=1, scenario=sc)
    assert sim.counts[:, 1, IFA].max() == 0  # no move to, and no entrant into, an IFA
    assert sim.counts[:, 1, IN_HOUSE].mean() == pytest.approx(80 + 10 + 5.04, abs=0.4)


def test_step_down_moves_residential_children_at_the_start():
    stock = [(RES, 150)] * 3 + [(IN_HOUSE, 150)]
    two = pj.simulate(_fit(stock, {}, entries=0), 1, 20, scenario=pj.Scenario("Step down 2", step_down=2))
    assert two.counts[:, 0, RES].tolist() == [1] * 20 and two.counts[:, 0, IFA].tolist() == [2] * 20
    five = pj.simulate(
        _fit(stock, {}, entries=0),
        1,
        20,
        scenario=pj.Scenario("Step down 5", step_down=5, step_down_to="In-house foster"),
    )
    assert five.counts[:, 0, RES].tolist() == [0] * 20 and five.counts[:, 0, IN_HOUSE].tolist() == [4] * 20


def test_entry_change_scales_new_entrants():
    stays = {(B["10 to 15"], IN_HOUSE, IN_HOUSE): 10_000}
    up = pj.simulate(_fit([], stays, entries=10), 1, 4000, seed=2, scenario=pj.Scenario("Up", entry_change_pct=50))
    assert up.counts[:, 1, IFA].mean() == pytest.approx(1.5 * 120.5 / 12, rel=0.03)


def test_scenarios_are_checked():
    with pytest.raises(InputError, match="in_house_share"):
        pj.Scenario("x", in_house_share=20)
    with pytest.raises(InputError, match="step_down_to 'Kennel'"):
        pj.Scenario("x", step_down=1, step_down_to="Kennel")


UNIT = pd.DataFrame(
    {
        "category": ["In-house foster"],
        "weekly_cost_gbp": [385.0],
        "financial_year": ["2017-18"],
        "source": ["s"],
        "start_year": [2017],
    }
)


def _two_in_house(months: int) -> pj.Simulation:
    counts = np.zeros((1, months + 1, len(pj.CATEGORIES)), dtype=int)
    counts[:, :, IN_HOUSE] = 2
    dates = pd.date_range("2019-03-31", periods=months + 1, freq="ME")
    return pj.Simulation(dates, counts, pj.Scenario("Inflation", cost_inflation_pct=10))


def test_simulated_spend_by_hand():
    spend = pj.simulated_spend(_two_in_house(2), UNIT).set_index("category")
    # April and May 2019 (2019-20): 2 children x GBP 385 a week (the 2017-18 figure, the latest), 10% up on the
    # year the projection starts in (2018-19: it starts 31/03/2019), 61 days
    assert spend.loc["In-house foster", "central"] == pytest.approx(2 * 385 * 1.1 * 61 / 7)
    assert spend.loc[pj.TOTAL, "central"] == spend.loc["In-house foster", "central"]
    assert spend["financial_year"].unique().tolist() == ["2019-20"]
    assert "External (IFA) foster" not in spend.index  # no unit cost: no spend, not a guess


def test_compare_scenarios_against_the_baseline():
    f = _fit([(RES, 150)] * 3 + [(IN_HOUSE, 150)], {(B["10 to 15"], c, c): 10_000 for c in range(9)}, entries=0)
    unit = pd.DataFrame(
        {
            "category": ["In-house foster", "Residential"],
            "weekly_cost_gbp": [700.0, 7000.0],
            "financial_year": ["2019-20", "2019-20"],
            "source": ["s", "s"],
            "start_year": [2019, 2019],
        }
    )
    runs = pj.run_scenarios(
        f, [pj.Scenario(), pj.Scenario("One home fewer", step_down=1, step_down_to="In-house foster")], 12, 20
    )
    out = pj.compare_scenarios(runs, unit)
    # the step-down saves 7,000 - 700 a week for the 365 days of 2020-21; nothing else moves
    assert out["spend_year"].tolist() == ["2020-21", "2020-21"]
    assert out.loc[1, "spend_change_gbp_m"] * 1e6 == pytest.approx(-(7000 - 700) * 365 / 7, abs=1)
    assert out["children"].tolist() == [4, 4]
    with pytest.raises(InputError, match="names must differ"):
        pj.run_scenarios(f, [pj.Scenario(), pj.Scenario()], 1, 1)


def test_projection_table_rounds_to_whole_children():
    summary = pd.DataFrame(
        {
            "date": pd.to_datetime(["2020-03-31", "2021-03-31"]),
            "category": pj.TOTAL,
            "central": [100.0, 110.4],
            "lower": [100.0, 98.6],
            "upper": [100.0, 121.2],
        }
    )
    got = pj.projection_table(summary, months=(12,))
    assert got.to_dict("records") == [
        {"category": pj.TOTAL, "date": T("2021-03-31"), "children": 110, "children_lower": 98, "children_upper": 122}
    ]


def test_baselines_by_hand():
    dates = pd.date_range("2019-01-31", periods=3, freq="ME")
    actual = pd.DataFrame({"Total": [10, 12, 14]}, index=dates)
    got = bt.baselines(actual, dates[-1], [T("2019-05-31")], window_months=2)
    assert got.at[T("2019-05-31"), ("last_value", "Total")] == 14
    assert got.at[T("2019-05-31"), ("linear_trend", "Total")] == pytest.approx(18)
    assert got.at[T("2019-05-31"), ("drift", "Total")] == pytest.approx(18)  # 14 + 2 months x (14 - 10) / 2
    # not a straight line: 10, 16, 14, 16 to April. The line through the last two months' window (16, 14, 16) is
    # flat at 15.33; the drift is 16 + 2 x (16 - 10) / 3 = 20 two months on, from the whole history
    bumpy = pd.DataFrame({"Total": [10, 16, 14, 16]}, index=pd.date_range("2019-01-31", periods=4, freq="ME"))
    got = bt.baselines(bumpy, T("2019-04-30"), [T("2019-06-30")], window_months=2)
    assert got.loc[T("2019-06-30")].xs("Total", level=1).to_dict() == pytest.approx(
        {"last_value": 16, "linear_trend": 46 / 3, "drift": 20}
    )
    falling = pd.DataFrame({"Total": [30, 20, 10]}, index=dates)  # 10 a month down: below 0 in 2 months, kept at 0
    assert bt.baselines(falling, dates[-1], [T("2019-09-30")], window_months=2).loc[:, "drift"].iloc[0, 0] == 0


def test_drift_recovers_a_known_trend():
    """A random walk with drift 2 a month and steps of sd 3, 120 months: the drift is estimated as (y_T - y_0) / T,
    standard error 3 / sqrt(120) = 0.27, so the forecast 24 months on is y_T + 24 x (2 +- 0.82) at 3 standard
    errors (seeded: it is 2.13 here)."""
    rng = np.random.default_rng(18)
    dates = pd.date_range("2010-01-31", periods=121, freq="ME")
    y = 500 + np.concatenate([[0], np.cumsum(2 + rng.normal(0, 3, 120))])
    got = bt.baselines(pd.DataFrame({"Total": y}, index=dates), dates[-1], [dates[-1] + pd.offsets.MonthEnd(24)], 24)
    slope = (got[("drift", "Total")].iloc[0] - y[-1]) / 24
    assert slope == pytest.approx(2, abs=0.82)
    assert slope == pytest.approx((y[-1] - y[0]) / 120)


def test_backtest_summary_by_hand():
    points = pd.DataFrame(
        {
            "horizon": [12, 12],
            "category": ["Total", "Total"],
            "actual": [100, 200],
            "model": [90, 200],
            "lower": [95, 150],
            "upper": [120, 250],
            "last_value": [110, 150],
            "linear_trend": [100, 220],
            "drift": [100, 210],
        }
    )
    points["inside"] = (points["actual"] >= points["lower"]) & (points["actual"] <= points["upper"])
    row = bt.backtest_summary(points).iloc[0]
    assert row["model"] == pytest.approx(5)  # (10% + 0%) / 2
    assert row["last_value"] == pytest.approx(17.5)  # (10% + 25%) / 2
    assert row["linear_trend"] == pytest.approx(5)
    assert row["drift"] == pytest.approx(2.5)  # (0% + 5%) / 2
    assert row["best"] == "Drift"
    assert row["coverage_pct"] == 100 and row["points"] == 2


def test_backtest_compares_with_what_happened(states):
    points = bt.backtest(states, cutoffs=[T("2019-01-31")], horizons=(1, 2), window_months=1, sims=50)
    total = points[points["category"] == pj.TOTAL].set_index("horizon")
    assert total.loc[1, "actual"] == 3 and total.loc[2, "actual"] == 2  # February, March
    assert total.loc[1, "last_value"] == 3  # January: A, B, D
    assert set(points["category"]) == {*pj.CATEGORIES, pj.TOTAL}


def test_standard_scenarios():
    got = pj.standard_scenarios(10, 0.25, 3, 5)
    assert [s.name for s in got] == [
        "Baseline",
        "Entries +10%",
        "25% of new foster placements in-house",
        "3 children stepped down from residential to foster",
        "Unit costs +5% a year",
        "All of these together",
    ]
    assert got[-1] == pj.Scenario("All of these together", 10, 0.25, 3, cost_inflation_pct=5)


def test_backtest_on_the_synthetic_la_beats_both_baselines_and_the_band_covers():
    """Issue 6's bar, on the embedded synthetic LA with the notebook's defaults (24-month window): the 12-month
    MAPE of the total is below both naive forecasts', and the 90% band holds the actual at >= 80% of points."""
    from cpanalysis.context import load_data
    from cpanalysis.synth import ensure_default

    data = load_data(ensure_default())
    states = pj.monthly_states(data["episodes"], data["header"], data.data_start, data.data_end)
    table = bt.backtest_summary(bt.backtest(states, window_months=24, sims=200))
    total = table[table["category"] == pj.TOTAL].set_index("horizon")
    assert total.loc[12, "points"] >= 20
    assert total.loc[12, "model"] < min(total.loc[12, "last_value"], total.loc[12, "linear_trend"])
    assert (total["coverage_pct"] >= 80).all()


def test_spend_history_and_projection_join_at_the_last_actual_year():
    actual = pd.DataFrame(
        {"financial_year": ["2019-20", "2019-20", "2020-21", "2020-21"], "spend_gbp": [1e6, np.nan, 2e6, 0.5e6]}
    )
    projected = pd.DataFrame(
        {
            "financial_year": ["2021-22", "2021-22", "2022-23"],
            "category": [pj.TOTAL, "x", pj.TOTAL],
            "months": [12, 12, 12],
            "central": [3e6, 9e9, 4e6],
            "lower": [2e6, 0, 3e6],
            "upper": [4e6, 0, 5e6],
        }
    )
    got = pj.spend_history_and_projection(actual, projected).set_index("financial_year_end")
    assert got["actual"].dropna().to_dict() == {2020: 1.0, 2021: 2.5}
    assert got.loc[2021, ["central", "lower", "upper"]].tolist() == [2.5, 2.5, 2.5]  # the join
    assert got.loc[2023, ["central", "lower", "upper"]].tolist() == [4.0, 3.0, 5.0]


def test_time_in_care_changes_the_chances_and_grows_each_month():
    m = np.zeros((len(pj.BANDS), len(pj.DURATIONS), len(pj.CATEGORIES), len(pj.OUTCOMES)))
    m[B["10 to 15"], 0, IN_HOUSE, [IN_HOUSE, EXIT]] = 5000  # under 6 months in care: half leave each month
    m[B["10 to 15"], 1:, IN_HOUSE, IN_HOUSE] = 10_000  # 6 months or more: all stay
    stock = pd.DataFrame({"CHILD": range(200), "category": IN_HOUSE, "age_months": 120, "months_in_care": 5})
    f = pj.Fit(T("2020-03-31"), 12, m, np.zeros(12), pd.DataFrame({"age_months": [], "category": []}), stock)
    totals = pj.simulate(f, 2, 400, seed=3).totals().mean(axis=0)
    # month 1: 5 months in care -> half leave (100 stay); month 2: now 6 months in care -> all stay
    assert totals[1] == pytest.approx(100, abs=1.5) and totals[2] == pytest.approx(totals[1], abs=0.01)


def test_scenarios_share_the_baselines_chances():
    """Common random numbers: the rates, the number of entrants and who they are are drawn the same way in every
    scenario, the scenario's own choices from a stream of their own. Here nobody moves or leaves, so with every new
    foster placement in-house the in-house and IFA children together are, simulation by simulation, the baseline's,
    and so is the total."""
    stays = {(b, c, c): 1000 for b in range(len(pj.BANDS)) for c in (IN_HOUSE, IFA, RES)}
    f = _fit([(RES, 150)] * 3 + [(IFA, 150)] * 20, stays, entries=4, entrant=(100, IFA))
    base = pj.simulate(f, 6, 50, seed=5)
    home = pj.simulate(f, 6, 50, seed=5, scenario=pj.Scenario("In-house", in_house_share=1.0))
    down = pj.simulate(f, 6, 50, seed=5, scenario=pj.Scenario("Down", step_down=3))
    assert base.totals()[:, -1].std() > 0  # entrants vary between simulations: the check below is not trivial
    np.testing.assert_array_equal(base.totals(), home.totals())
    np.testing.assert_array_equal(base.counts[..., IFA], home.counts[..., IN_HOUSE] + home.counts[..., IFA])
    assert (home.counts[..., IFA] == 20).all() and down.counts[..., RES].max() == 0  # only the stock in an IFA
    np.testing.assert_array_equal(base.totals(), down.totals())


def test_scenarios_that_change_only_costs_share_the_counts_they_would_have_drawn():
    """run_scenarios simulates once for the scenarios that move the same children: a cost-only scenario's counts
    are the baseline's, and the baseline's are the projection already run (`done`); each is what simulate itself
    gives for that scenario, and a scenario that moves children is simulated."""
    stays = {(b, c, c): 1000 for b in range(len(pj.BANDS)) for c in (IN_HOUSE, IFA, RES)}
    f = _fit([(RES, 150)] * 3 + [(IFA, 150)] * 20, stays, entries=4, entrant=(100, IFA))
    costs, more = pj.Scenario("Costs", cost_inflation_pct=5.0), pj.Scenario("More", entry_change_pct=50.0)
    done = pj.simulate(f, 6, 50, seed=5)
    runs = pj.run_scenarios(f, [pj.Scenario(), costs, more], 6, 50, seed=5, done=[done])
    assert runs["Baseline"].counts is done.counts and runs["Costs"].counts is done.counts
    assert runs["Costs"].scenario == costs
    np.testing.assert_array_equal(runs["Costs"].counts, pj.simulate(f, 6, 50, seed=5, scenario=costs).counts)
    np.testing.assert_array_equal(runs["More"].counts, pj.simulate(f, 6, 50, seed=5, scenario=more).counts)
    assert runs["More"].totals()[:, -1].mean() > done.totals()[:, -1].mean()
    with pytest.raises(InputError, match="not a simulation of this fit"):
        pj.run_scenarios(f, [pj.Scenario()], 12, 50, seed=5, done=[done])


def test_overlapping_episodes_count_once_with_the_later_placement_as_cla_at_does():
    """The starting-stock rule (issue 18): a child whose earlier episode is still open when a later one starts (an
    overlap the validator flags) is one child, in the later episode's placement from its start: as
    population.cla_at counts them, so the model's stock is the measures' number looked after."""
    header = header_frame([dict(CHILD="E", DOB="01/01/2010")])
    eps = episodes_frame(
        [
            dict(CHILD="E", DECOM="10/01/2019", RNE="S", LS="C2", PLACE="U4", PLACE_PROVIDER="PR4"),  # never closed
            dict(CHILD="E", DECOM="15/02/2019", RNE="P", LS="C2", PLACE="K2", PLACE_PROVIDER="PR4"),
        ]
    )
    st = pj.monthly_states(eps, header, T("2019-01-01"), T("2019-03-31"))
    assert [(d.strftime("%m/%y"), pj.CATEGORIES[c]) for d, c in zip(st["date"], st["category"])] == [
        ("01/19", "External (IFA) foster"),
        ("02/19", "Residential"),
        ("03/19", "Residential"),
    ]
    assert st["months_in_care"].tolist() == [0, 1, 2]  # one run of care, from the first episode
    stock = pj.fit(st, T("2019-03-31"), 2).stock
    assert len(stock) == len(population.cla_at(eps, T("2019-03-31"))) == 1


def test_an_episode_inside_another_is_the_same_run_of_care():
    """A child in care from 10/01/2019 (an IFA placement to 20/06/2019) with a second episode from 05/03/2019 to
    15/04/2019 inside it (residential; the validator flags the overlap): at 31/03 the later episode's placement,
    and the months in care count from January throughout: 0, 1, 2, 3, 4 (not 0 again at 31/03)."""
    header = header_frame([dict(CHILD="E", DOB="01/01/2010")])
    eps = episodes_frame(
        [
            dict(CHILD="E", DECOM="10/01/2019", DEC="20/06/2019", RNE="S", LS="C2", PLACE="U4", PLACE_PROVIDER="PR4"),
            dict(CHILD="E", DECOM="05/03/2019", DEC="15/04/2019", RNE="P", LS="C2", PLACE="K2", PLACE_PROVIDER="PR4"),
        ]
    )
    st = pj.monthly_states(eps, header, T("2019-01-01"), T("2019-06-30"))
    assert [
        (d.strftime("%m/%y"), pj.CATEGORIES[c], m) for d, c, m in zip(st["date"], st["category"], st["months_in_care"])
    ] == [
        ("01/19", "External (IFA) foster", 0),
        ("02/19", "External (IFA) foster", 1),
        ("03/19", "Residential", 2),
        ("04/19", "External (IFA) foster", 3),
        ("05/19", "External (IFA) foster", 4),
    ]


def test_fits_at_many_cutoffs_are_each_cutoffs_own_fit():
    """projection.fits finds the child-month pairs once for every window (the backtest's cutoffs): each of its
    fits is the one fit() makes from that cutoff alone, which looks only at its own window's months."""
    from cpanalysis.context import load_data
    from cpanalysis.synth import ensure_default

    data = load_data(ensure_default())
    states = pj.monthly_states(data["episodes"], data["header"], data.data_start, data.data_end)
    cutoffs = list(pd.date_range("2015-03-31", "2020-12-31", freq="QE-MAR"))
    for together, cutoff in zip(pj.fits(states, cutoffs, 18, 1.0), cutoffs, strict=True):
        alone = pj.fit(states[states["month"] <= cutoff.year * 12 + cutoff.month - 1], cutoff, 18, 1.0)
        assert together.end == alone.end == cutoff
        np.testing.assert_array_equal(together.moves, alone.moves)
        np.testing.assert_array_equal(together.entries, alone.entries)
        pd.testing.assert_frame_equal(together.entrants, alone.entrants)
        pd.testing.assert_frame_equal(together.stock, alone.stock)
        np.testing.assert_array_equal(together.trend.coef, alone.trend.coef)
        np.testing.assert_array_equal(together.exits.coef, alone.exits.coef)
    assert together.moves.sum() > 1000 and together.entries.sum() > 50  # not trivially empty
