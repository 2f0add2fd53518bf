"""Jobs side by side in processes (cpanalysis.parallel): the same results, in the same order, on any number of
workers; the backtest's cutoffs and the scenarios (simulate's threads) give the same figures on one worker or
two."""

import numpy as np
import pandas as pd
import pytest

from cpanalysis import backtest as bt
from cpanalysis import projection as pj
from cpanalysis.context import load_data
from cpanalysis.parallel import in_processes


def test_in_processes_keeps_the_order_and_raises_a_jobs_error():
    jobs = [(7, 2), (9, 4), (5, 5), (100, 7), (8, 3)]
    assert in_processes(divmod, iter(jobs), workers=2) == [(3, 1), (2, 1), (1, 0), (14, 2), (2, 2)]
    assert in_processes(divmod, jobs, workers=1) == [(3, 1), (2, 1), (1, 0), (14, 2), (2, 2)]
    with pytest.raises(ZeroDivisionError):
        in_processes(divmod, [(1, 1), (1, 0)], workers=2)


@pytest.fixture(scope="module")
def d2i_states(d2i_sample):
    data = load_data(d2i_sample)
    return pj.monthly_states(data["episodes"], data["header"], data.data_start, data.data_end)


def test_backtest_gives_the_same_points_on_one_worker_or_two(d2i_states):
    """Each cutoff's fit (projection.fits) is simulated from the same seed, its blocks of simulations on threads."""
    one = bt.backtest(d2i_states, window_months=12, horizons=(3, 6), sims=120, workers=1)  # three blocks
    two = bt.backtest(d2i_states, window_months=12, horizons=(3, 6), sims=120, workers=2)
    assert one["cutoff"].nunique() >= 3 and one["cutoff"].is_monotonic_increasing
    pd.testing.assert_frame_equal(one, two)


def test_scenarios_give_the_same_runs_on_one_worker_or_two(d2i_states):
    f = pj.fit(d2i_states, pd.Timestamp(d2i_states["date"].max()), 12)
    scenarios = pj.standard_scenarios(10, 0.25, 1, 5)
    one = pj.run_scenarios(f, scenarios, 6, 120, workers=1)
    two = pj.run_scenarios(f, scenarios, 6, 120, workers=2)
    assert list(one) == list(two) == [s.name for s in scenarios]
    for name in one:
        np.testing.assert_array_equal(one[name].counts, two[name].counts)
        assert (one[name].counts == pj.simulate(f, 6, 120, 903, one[name].scenario).counts).all()


def test_validation_gives_the_same_findings_on_one_worker_or_two(d2i_sample, monkeypatch):
    """Each year's return and the merged history are validated apart (validate_returns): the same findings, in
    the same order, whether they run one after another or side by side."""
    import importlib

    from cpanalysis.ssda903 import validate as v

    loader = importlib.import_module("cpanalysis.ssda903.load")
    seen = {}

    def keep(returns, history):
        seen["args"] = (returns, history)
        return v.validate_returns(returns, history)

    monkeypatch.setattr(loader, "validate_returns", keep)
    loader.load(d2i_sample, cache=None)
    one = v.validate_returns(*seen["args"], workers=1)
    two = v.validate_returns(*seen["args"], workers=2)
    assert len(one) > 100 and one["rule"].nunique() > 10
    pd.testing.assert_frame_equal(one, two)
