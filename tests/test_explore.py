"""The explorers: static outside JupyterLab, and each control redraws the view (callbacks driven directly)."""

from __future__ import annotations

import pandas as pd
import pytest

from cpanalysis import cohorts as co
from cpanalysis import costs
from cpanalysis import explore as ex
from cpanalysis import projection as pj
from cpanalysis import sufficiency as sf
from cpanalysis.context import load_data


@pytest.fixture(scope="module")
def sample(d2i_sample):
    return load_data(d2i_sample)


@pytest.fixture(scope="module")
def fitted(sample):
    states = pj.monthly_states(sample["episodes"], sample["header"], sample.data_start, sample.data_end)
    return pj.fit(states, sample.data_end, 24)


def test_static_unless_a_jupyter_server_started_the_kernel(monkeypatch):
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.delenv("CPANALYSIS_STATIC", raising=False)
    monkeypatch.delenv("CPANALYSIS_DATA_CACHE", raising=False)
    assert not ex.is_interactive()
    monkeypatch.setenv("JPY_SESSION_NAME", "notebooks/06_deep_dive_stability.ipynb")
    assert ex.is_interactive()
    monkeypatch.setenv("CPANALYSIS_DATA_CACHE", "/tmp/x")  # inside a batch run
    assert not ex.is_interactive()


def test_present_static_shows_the_default_view_and_builds_no_widget(sample):
    years = co.cohort_years(sample.first_year, sample.data_end)
    e = ex.stability_explorer(sample["episodes"], sample["header"], sample["uasc"], sample.data_end, years)
    view = ex.present(e, interactive=False)
    assert view is e.last and e._controls is None
    assert view.data["cohort_size"]["children"].iloc[0] > 0


def test_stability_controls_redraw(sample):
    years = co.cohort_years(sample.first_year, sample.data_end)
    e = ex.stability_explorer(sample["episodes"], sample["header"], sample["uasc"], sample.data_end, years)
    controls = e.controls()
    assert set(controls) == {"kind", "year", "by", "follow_years"}
    controls["by"].value = "sex"
    assert set(e.last.data["curves"]["group"]) <= {"Male", "Female", "Unknown"}
    controls["kind"].value = "entered_in_year"
    controls["year"].value = years[0]
    expected = len(
        co.cohort(sample["episodes"], sample["header"], sample["uasc"], "entered_in_year", years[0], sample.data_end)
    )
    assert e.last.data["cohort_size"]["children"].iloc[0] == expected
    controls["follow_years"].value = 1
    assert e.last.data["curves"]["days"].max() <= 365


def test_permanence_controls_redraw(sample):
    years = co.cohort_years(sample.first_year, sample.data_end)
    e = ex.permanence_explorer(sample["episodes"], sample["header"], sample["uasc"], sample.data_end, years)
    first = e.view().data["median"]["children"].iloc[0]
    e.controls()["year"].value = years[0]
    now = e.last.data["median"]["children"].iloc[0]
    assert now == len(
        co.cohort(sample["episodes"], sample["header"], None, "entered_in_year", years[0], sample.data_end)
    )
    assert e.defaults["year"] == years[-1] and (first, now) != (None, None)


def test_sufficiency_extra_places_close_the_gap(fitted):
    sim = pj.simulate(fitted, 24, 50)
    e = ex.sufficiency_explorer(sim, sf.load_capacity(), costs.load_unit_costs())
    before = e.view().data["gap"].set_index(["date", "need"])
    e.controls()["extra_foster"].value = 20
    after = e.last.data["gap"].set_index(["date", "need"])
    foster = before.xs("Foster care", level="need")
    # 20 more places: each simulation's gap falls by 20 where it was at least 20 (never below 0)
    assert (after.xs("Foster care", level="need")["in_house_places"] == foster["in_house_places"] + 20).all()
    assert (after.xs("Foster care", level="need")["gap"] <= foster["gap"]).all()
    assert after.xs("Residential", level="need")["gap"].equals(before.xs("Residential", level="need")["gap"])


def test_scenario_explorer_draws_the_scenarios_already_run(fitted, sample, monkeypatch):
    """Given the pack's runs (done), the explorer's baseline and its default what-if (the combined scenario) are
    those runs' counts, not simulated again: the what-if under the scenario table says the same figures."""
    unit = costs.load_unit_costs()
    by_year = costs.spend_by_year(sample["episodes"], ["2019-20", "2020-21"], unit)
    together = pj.standard_scenarios(10, 0.25, 3, 5)
    runs = pj.run_scenarios(fitted, together, 24, 50)
    monkeypatch.setattr(pj, "simulate", lambda *a, **k: (_ for _ in ()).throw(AssertionError("simulated again")))
    e = ex.scenario_explorer(fitted, unit, by_year, 24, 50, 10, 0.25, 3, 5, done=runs.values())
    view = e.view().data
    pd.testing.assert_frame_equal(view["summary"], pj.summarise(runs["All of these together"]))
    pd.testing.assert_frame_equal(view["spend"], pj.simulated_spend(runs["All of these together"], unit))


def test_scenario_explorer_redraws_projection_and_spend(fitted, sample):
    unit = costs.load_unit_costs()
    by_year = costs.spend_by_year(sample["episodes"], ["2019-20", "2020-21"], unit)
    e = ex.scenario_explorer(fitted, unit, by_year, months=24, sims=50)
    base = e.view().data["compare"]
    assert (base["change_gbp_m"] == 0).all()  # the defaults are the baseline, same seed
    controls = e.controls()
    controls["entry_change_pct"].value = 50
    up = e.last.data["compare"]
    assert (up["children_what_if"] >= up["children_baseline"]).all() and up["children_what_if"].iloc[-1] > up[
        "children_baseline"
    ].iloc[-1]
    controls["entry_change_pct"].value = 0
    controls["cost_inflation_pct"].value = 10
    dearer = e.last.data["compare"]
    # same children; unit costs 10% up in each financial year after the projection's first (2020-21, as it
    # starts on 31/03/2021): x1.1 in 2021-22 and x1.21 in 2022-23
    assert (dearer["children_what_if"] == dearer["children_baseline"]).all()
    ratio = dearer["spend_what_if_gbp_m"] / dearer["spend_baseline_gbp_m"]
    assert ratio.tolist() == pytest.approx([1.1, 1.21], abs=0.005)
    assert e.seconds > 0 and [type(i).__name__ for i in e.last.items][:3] == ["Markdown", "Figure", "Figure"]
