"""Adoption timeliness (A1, A2, A10, A3), children waiting and the adoption pipeline on hand-made histories.

Reporting year 2023/24: 1 April 2023 - 31 March 2024. Every expected value is worked out by hand in the comments.
"""

from __future__ import annotations

import pandas as pd
from factories import adoption_ad1, adoption_episodes, episodes_frame, frame

from cpanalysis import adoption

T = pd.Timestamp
Y_START, Y_END = T(2023, 4, 1), T(2024, 3, 31)

# the adoption histories, hand-worked in tests/factories.py
ADOPTIONS = adoption_episodes()
AD1 = adoption_ad1()


def test_journeys_by_hand():
    j = adoption.journeys(ADOPTIONS, AD1, Y_START, Y_END).set_index("CHILD")
    assert list(j.index) == ["V", "P", "Q", "R", "W"]  # by adoption date
    assert j["entered"]["W"] == T(2022, 6, 1)  # the period that ended in adoption, not W's 2019 one
    assert j["A1_days"].to_dict() == {"V": 306, "P": 424, "Q": 485, "R": 365, "W": 245}
    a2 = j["A2_days"]
    assert (a2["P"], a2["Q"], a2["V"], a2["W"]) == (184, 0, 92, 122) and pd.isna(a2["R"])
    assert j["by_foster_carer"].to_dict() == {"V": True, "P": False, "Q": True, "R": False, "W": False}
    assert j.loc["Q", "carer_placement"] == T(2022, 5, 1) and j.loc["V", "carer_placement"] == T(2022, 3, 1)
    assert j["A10_days"].to_dict() == {"V": 0, "P": 424, "Q": 89, "R": 365, "W": 245}
    assert j["within_426"].to_dict() == {"V": True, "P": True, "Q": False, "R": True, "W": True}


def test_summary_by_hand():
    s = adoption.summary(adoption.journeys(ADOPTIONS, AD1, Y_START, Y_END)).set_index("measure")["value"]
    # A1 (306 + 424 + 485 + 365 + 245) / 5 = 1825 / 5 = 365.0
    # A2 over P, Q, V, W (R has no order): (184 + 0 + 92 + 122) / 4 = 99.5
    # A10 (0 + 424 + 89 + 365 + 245) / 5 = 1123 / 5 = 224.6
    # A3: within 426 days V, P, R, W = 4 of 5 = 80.0%
    assert (s["adopted"], s["A1"], s["A2"], s["A2_children"], s["A10"], s["A3_n"], s["A3_pct"]) == (
        5,
        365.0,
        99.5,
        4,
        224.6,
        4,
        80.0,
    )


def test_latest_ad1_row_is_used():
    # an older (2023) AD1 row for P with another match date is ignored in favour of the 2024 one
    older = frame("ad1", [dict(CHILD="P", DATE_MATCH="01/01/2022", FOSTER_CARE="1")], year=2023)
    j = adoption.journeys(ADOPTIONS, pd.concat([AD1, older], ignore_index=True), Y_START, Y_END).set_index("CHILD")
    assert j.loc["P", "A2_days"] == 184 and not j.loc["P", "by_foster_carer"]


def test_no_ad1_still_gives_a1_and_a10_from_episodes():
    j = adoption.journeys(ADOPTIONS, AD1.iloc[0:0], Y_START, Y_END).set_index("CHILD")
    # without AD1: no matches -> no A2; V is no longer known to be a foster-carer adoption (A6), Q still is (A5)
    assert j["A2_days"].isna().all()
    assert j["A10_days"].to_dict() == {"V": 306, "P": 424, "Q": 89, "R": 365, "W": 245}


def test_children_waiting_for_adoption():
    w = adoption.waiting(ADOPTIONS, Y_END)
    assert w.to_dict(orient="list") == {
        "CHILD": ["Y", "S"],
        "order": [T(2023, 3, 1), T(2023, 6, 1)],
        "days_waiting": [396, 304],
    }


def test_scorecard_period_and_three_years():
    # 2023/24: the five adoptions of test_summary_by_hand. The three years to 31/03/2024 (from 01/04/2021) add X,
    # adopted 01/03/2023: entered 01/01/2021, placed A4 01/06/2022 -> A1 = A10 = 365 + 31 + 28 + 31 + 30 + 31 = 516
    # (not within 426); no AD1 row, so no match and no A2.
    # three years: A1 (1825 + 516) / 6 = 390.17 -> 390.2; A2 unchanged 99.5 over 4; A10 (1123 + 516) / 6 = 273.17
    # -> 273.2; A3 4 of 6 = 66.7%
    sc = adoption.scorecard(ADOPTIONS, AD1, Y_START, Y_END)
    assert list(sc["period"]) == [365.0, 99.5, 224.6, 80.0]
    assert list(sc["three_years"]) == [390.2, 99.5, 273.2, 66.7]
    assert list(sc["children_period"]) == [5, 4, 5, 5]
    assert list(sc["children_three_years"]) == [6, 4, 6, 6]
    assert list(sc["threshold"][:3]) == [426, 121, 426]


def test_wait_bands():
    # waiting at 31/03/2024: Y 396 days (over 12 months), S 304 days (6 to 12 months)
    bands = adoption.wait_bands(adoption.waiting(ADOPTIONS, Y_END)).set_index("wait")["children"]
    assert bands.to_dict() == {"Under 3 months": 0, "3 to 6 months": 0, "6 to 12 months": 1, "Over 12 months": 1}


def test_adoption_plan_pipeline():
    pa = frame(
        "placed_adoption",
        [
            dict(CHILD="P", DATE_PLACED="01/07/2022"),  # decision before the year, still open at 31/03/2024
            dict(CHILD="S", DATE_PLACED="01/06/2023"),  # decision in the year, open
            dict(CHILD="Z", DATE_PLACED="01/03/2023", DATE_PLACED_CEASED="01/09/2023", REASON_PLACED_CEASED="RD4"),
            dict(CHILD="X", DATE_PLACED="01/05/2023", DATE_PLACED_CEASED="01/09/2023", REASON_PLACED_CEASED="RD1"),
            dict(CHILD="Q", DATE_PLACED="01/05/2019"),  # never closed, but Q was adopted in 2020: not open
        ],
        year=2024,
    )
    again = frame("placed_adoption", [dict(CHILD="P", DATE_PLACED="01/07/2022")], year=2023)  # last year's return
    eps = episodes_frame(
        [
            dict(CHILD="P", DECOM="01/01/2022", RNE="S", LS="E1", PLACE="A4"),  # placed with adopters, not adopted
            dict(CHILD="S", DECOM="01/01/2023", RNE="S", LS="C2", PLACE="U1"),
            dict(CHILD="Q", DECOM="01/01/2019", RNE="S", LS="E1", PLACE="A4", DEC="01/06/2020", REC="E11"),
        ]
    )
    p = adoption.pipeline(pd.concat([again, pa]), eps, Y_START, Y_END).set_index("stage")["children"]
    # decisions in 2023/24: S, X = 2; ceased in it: Z (RD4), X (RD1) = 2; open at 31/03/2024: P, S = 2 (Q adopted,
    # P's decision in two returns counted once)
    assert list(p) == [2, 2, 1, 1, 2]
    assert p["  ceased: the child's needs changed subsequent to the decision"] == 1
    assert p["  ceased: any other reason"] == 1
