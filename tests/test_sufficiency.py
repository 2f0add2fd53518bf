"""Sufficiency: demand against dated in-house capacity, the gap and its external cost, worked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cpanalysis import sufficiency as sf
from cpanalysis.errors import InputError
from cpanalysis.projection import CATEGORIES, Scenario, Simulation


def write(tmp_path, text: str):
    path = tmp_path / "capacity.csv"
    path.write_text(text)
    return path


def test_capacity_is_the_latest_row_dated_on_or_before(tmp_path):
    cap = sf.load_capacity(
        write(
            tmp_path,
            "date,category,places,source\n2020-04-01,In-house foster,100,a\n2021-10-01,In-house foster,110,b\n",
        )
    )
    assert np.isnan(sf.capacity_at(cap, "In-house foster", pd.Timestamp("2020-03-31")))
    assert sf.capacity_at(cap, "In-house foster", pd.Timestamp("2021-09-30")) == 100
    assert sf.capacity_at(cap, "In-house foster", pd.Timestamp("2022-03-31")) == 110


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("01/04/2020,In-house foster,100,a", "line 2: date '01/04/2020'"),
        ("2020-04-01,Foster,100,a", "line 2: category 'Foster'"),
        ("2020-04-01,Residential,2.5,a", "line 2: places '2.5'"),
    ],
)
def test_a_wrong_capacity_row_stops_with_its_line(tmp_path, row, message):
    with pytest.raises(InputError, match=message):
        sf.load_capacity(write(tmp_path, f"date,category,places,source\n{row}\n"))


def test_the_shipped_capacity_table_loads():
    assert set(sf.load_capacity()["category"]) == {"In-house foster", "Residential"}


def test_gap_and_external_cost_worked_by_hand():
    # two simulations at 31 March 2022: in-house 60 and 70, IFA 40 and 50 -> foster demand 100 and 120 (mean 110);
    # residential 8 and 12 (mean 10). In-house places: 105 foster, 9 residential.
    # foster gap per simulation: max(100 - 105, 0) = 0 and 120 - 105 = 15 -> mean 7.5
    # residential gap: max(8 - 9, 0) = 0 and 12 - 9 = 3 -> mean 1.5
    # external cost: 7.5 x GBP 800 a week x 52 = GBP 312,000; 1.5 x 5,000 x 52 = GBP 390,000
    counts = np.zeros((2, 1, len(CATEGORIES)))
    counts[:, 0, CATEGORIES.index("In-house foster")] = [60, 70]
    counts[:, 0, CATEGORIES.index("External (IFA) foster")] = [40, 50]
    counts[:, 0, CATEGORIES.index("Residential")] = [8, 12]
    sim = Simulation(pd.DatetimeIndex(["2022-03-31"]), counts, Scenario())
    capacity = pd.DataFrame(
        {
            "date": pd.to_datetime(["2021-04-01", "2021-04-01"]),
            "category": ["In-house foster", "Residential"],
            "places": [105, 9],
            "source": ["x", "x"],
        }
    )
    costs = pd.DataFrame(
        {
            "category": ["External (IFA) foster", "Residential"],
            "weekly_cost_gbp": [800.0, 5000.0],
            "financial_year": ["2021-22", "2021-22"],
            "source": ["x", "x"],
            "start_year": [2021, 2021],
        }
    )
    gap = sf.sufficiency_gap(sim, capacity, costs).set_index("need")
    assert gap.loc["Foster care", "demand"] == 110 and gap.loc["Foster care", "gap"] == 7.5
    assert gap.loc["Residential", "gap"] == 1.5 and gap.loc["Residential", "in_house_places"] == 9
    assert gap.loc["Foster care", "external_cost_gbp_m"] == pytest.approx(0.312)
    assert gap.loc["Residential", "external_cost_gbp_m"] == pytest.approx(0.39)
    assert "22G" in sf.DUTY


def test_demand_by_age_band_shares_each_category_by_its_age_mix_at_the_start():
    """Two in-house foster children aged 2 and 10 (months 24, 130), one in residential aged 16 (200 months): the
    31 March 2022 projection of 10 in-house and 3 residential is 5 + 5 and 3; June is not a 31 March; External
    (IFA), projected but with nobody there at the start, has no age mix to share by."""
    stock = pd.DataFrame({"age_months": [24, 130, 200], "category": [0, 0, 2]})
    march, june = pd.Timestamp("2022-03-31"), pd.Timestamp("2021-06-30")
    summary = pd.DataFrame(
        {
            "date": [march, march, march, march, june],
            "category": ["In-house foster", "Residential", "External (IFA) foster", "Total", "In-house foster"],
            "central": [10.0, 3.0, 7.0, 20.0, 99.0],
        }
    )
    got = sf.demand_by_age_band(summary, stock)
    got = got[got["children"] > 0].set_index(["category", "age_band"])["children"]
    assert got.to_dict() == {
        ("In-house foster", "1 to 4"): 5.0,
        ("In-house foster", "10 to 15"): 5.0,
        ("Residential", "16 and over"): 3.0,
    }
    assert (sf.demand_by_age_band(summary, stock)["date"] == march).all()
    with pytest.raises(InputError, match="no children"):
        sf.demand_by_age_band(summary, stock.iloc[:0])
