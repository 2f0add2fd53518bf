"""Care days and spend by placement category, worked out by hand."""

from __future__ import annotations

import pandas as pd
import pytest
from factories import episodes_frame

from cpanalysis import costs
from cpanalysis.errors import InputError

T = pd.Timestamp
UNIT = pd.DataFrame(
    {
        "category": ["In-house foster", "Residential", "Residential"],
        "weekly_cost_gbp": [385.0, 3500.0, 4200.0],
        "financial_year": ["2017-18", "2018-19", "2020-21"],
        "source": ["a", "b", "c"],
    }
)


@pytest.fixture()
def unit(tmp_path):
    path = tmp_path / "u.csv"
    UNIT.to_csv(path, index=False)
    return costs.load_unit_costs(path)


EPISODES = episodes_frame(
    [
        # A: in-house foster (U4, PR1) from 01/03/2019 to 10/05/2019 -> in 2019-20: 01/04 to 10/05 = 39 days
        dict(
            CHILD="A",
            DECOM="01/03/2019",
            RNE="S",
            LS="C2",
            PLACE="U4",
            PLACE_PROVIDER="PR1",
            DEC="10/05/2019",
            REC="E4A",
        ),
        # B: children's home (K2, PR4) from 01/01/2020, still open -> 01/01 to 31/03/2020 inclusive
        #    = 91 days (2020 is a leap year)
        dict(CHILD="B", DECOM="01/01/2020", RNE="S", LS="C1", PLACE="K2", PLACE_PROVIDER="PR4"),
        # C: a short break: not counted
        dict(CHILD="C", DECOM="01/06/2019", RNE="S", LS="V3", PLACE="U6", DEC="04/06/2019", REC="E8"),
        # D: placed with parents (P1) 30 days: no unit cost set -> spend blank
        dict(
            CHILD="D",
            DECOM="01/06/2019",
            RNE="S",
            LS="C2",
            PLACE="P1",
            PLACE_PROVIDER="PR0",
            DEC="01/07/2019",
            REC="E4A",
        ),
    ]
)


def test_care_days_by_category():
    d = costs.care_days(EPISODES, T(2019, 4, 1), T(2020, 3, 31)).set_index("category")
    assert d["care_days"].to_dict() == {"In-house foster": 39, "Residential": 91, "Placed with parents": 30}
    assert d["children"].to_dict() == {"In-house foster": 1, "Residential": 1, "Placed with parents": 1}


def test_spend_uses_the_latest_earlier_unit_cost_and_leaves_unknown_blank(unit):
    s = costs.spend(EPISODES, T(2019, 4, 1), T(2020, 3, 31), unit).set_index("category")
    # in-house: 39 / 7 x 385 = 2,145; residential: 2018-19 figure (no 2019-20 row): 91 / 7 x 3,500 = 45,500
    assert s.loc["In-house foster", "spend_gbp"] == 2145 and s.loc["In-house foster", "cost_year"] == "2017-18"
    assert s.loc["Residential", "spend_gbp"] == 45500 and s.loc["Residential", "cost_year"] == "2018-19"
    assert pd.isna(s.loc["Placed with parents", "spend_gbp"])


def test_financial_year_and_later_figures():
    assert costs.financial_year(T(2020, 3, 31)) == "2019-20" and costs.financial_year(T(2020, 4, 1)) == "2020-21"
    c = costs.load_unit_costs()
    # before the first figure: not priced (a later year's rates would misstate it)
    cost, used = costs.unit_cost(UNIT.assign(start_year=[2017, 2018, 2020]), "Residential", "2016-17")
    assert pd.isna(cost) and used is None
    assert set(c["category"]) >= {"In-house foster", "External (IFA) foster", "Residential", "SGO allowance"}


def test_bad_unit_cost_file_names_file_line_and_column(tmp_path):
    path = tmp_path / "u.csv"
    UNIT.assign(weekly_cost_gbp=["385", "lots", "4200"]).to_csv(path, index=False)
    with pytest.raises(InputError, match=r"u.csv: line 3: weekly_cost_gbp 'lots' is not a number"):
        costs.load_unit_costs(path)
    UNIT.drop(columns="source").to_csv(path, index=False)
    with pytest.raises(InputError, match="missing column"):
        costs.load_unit_costs(path)


def test_sgo_allowances_from_the_order_to_the_18th_birthday():
    from factories import header_frame

    eps = episodes_frame(
        [
            # S: SGO (E45) on 01/10/2019, born 01/01/2010 -> 183 days in 2019-20, 365 in 2020-21, 275 in 2027-28
            dict(CHILD="S", DECOM="01/01/2018", RNE="S", LS="C2", PLACE="U1", DEC="01/10/2019", REC="E45"),
            # T: adopted: no allowance
            dict(CHILD="T", DECOM="01/01/2018", RNE="S", LS="E1", PLACE="A3", DEC="01/10/2019", REC="E11"),
            # U: SGO on 01/05/2019, 18 on 01/06/2020 -> 336 days in 2019-20, 61 in 2020-21
            dict(CHILD="U", DECOM="01/01/2018", RNE="S", LS="C2", PLACE="U1", DEC="01/05/2019", REC="E46"),
        ]
    )
    header = header_frame(
        [dict(CHILD="S", DOB="01/01/2010"), dict(CHILD="T", DOB="01/01/2017"), dict(CHILD="U", DOB="01/06/2002")]
    )
    unit = pd.DataFrame(
        {
            "category": ["SGO allowance"],
            "weekly_cost_gbp": [189.0],
            "financial_year": ["2017-18"],
            "source": ["s"],
            "start_year": [2017],
        }
    )
    got = costs.sgo_allowances(eps, header, ["2019-20", "2020-21", "2027-28", "2028-29"], unit)
    assert got["children"].tolist() == [2, 2, 1, 0]
    assert got["days"].tolist() == [183 + 336, 365 + 61, 275, 0]
    assert got["spend_gbp"].iloc[0] == round(519 * 189 / 7) and got["cost_year"].iloc[0] == "2017-18"
    assert costs.sgo_allowances(eps, header, ["2019-20"], UNIT)["spend_gbp"].isna().all()  # no SGO unit cost


def test_complete_years_and_what_spend_leaves_out():
    by_year = pd.DataFrame(
        {
            "financial_year": ["2016-17", "2016-17", "2016-17", "2017-18", "2017-18", "2017-18"],
            "category": ["Residential", "In-house foster", "Other", "Residential", "In-house foster", "Other"],
            "children": [10, 100, 6, 12, 110, 8],
            "care_days": [3000, 30000, 1000, 3500, 32000, 1500],
            "spend_gbp": [1.0e6, None, None, 1.2e6, 2.0e6, None],
        }
    )
    # 2016-17 has no in-house rate yet: left out so the totals compare like with like
    assert costs.complete_years(by_year)["financial_year"].unique().tolist() == ["2017-18"]
    left = costs.unpriced(by_year, "2017-18")
    # Other: 1,500 of 37,000 care days = 4.05...% -> 4.1
    assert left.to_dict("records") == [{"category": "Other", "children": 8, "care_days": 1500, "share_pct": 4.1}]
