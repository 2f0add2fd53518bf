"""Jobs side by side in processes (cpanalysis.parallel): the same results, in the same order, on any number of
workers; the backtest's cutoffs and the scenarios (simulate's threads) give the same figures on one worker or
two."""

import numpy as np
import pandas as pd
import pytest

from cpanalysis import backtest as bt
from cpanalysis import projection as pj
from cpanalysis.context import load_data
from cpanalysis.parallel import Jobs


@pytest.mark.parametrize("workers", [1, 2])
def test_jobs_give_their_results_in_the_order_given_and_raise_a_jobs_error_there(workers):
    jobs = Jobs(workers)
    for job in [(7, 2), (9, 4), (5, 5), (100, 7), (8, 3)]:
        jobs.submit(divmod, *job)
    assert jobs.results() == [(3, 1), (2, 1), (1, 0), (14, 2), (2, 2)]
    failing = Jobs(workers)
    failing.submit(divmod, 1, 1)
    failing.submit(divmod, 1, 0)  # not raised yet: the caller goes on
    with pytest.raises(ZeroDivisionError):
        failing.results()


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
    """Each year's return is validated as soon as it is cleaned, the merged history last (load's Validation): the
    same data-quality table, in the same order, whether the checks run here one after another or on two worker
    processes while the loader goes on cleaning."""
    import importlib

    loader = importlib.import_module("cpanalysis.ssda903.load")
    quality = {}
    for workers in (1, 2):
        monkeypatch.setattr(loader, "workers_for", lambda rows, w=workers: w)
        quality[workers] = loader.load(d2i_sample, cache=None).quality
    assert len(quality[1]) > 100 and quality[1]["rule"].nunique() > 10
    pd.testing.assert_frame_equal(quality[1], quality[2])
