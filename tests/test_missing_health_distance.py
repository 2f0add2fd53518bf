"""Missing episodes, the OC2 cohort and its outcomes, distance from home, care leavers by age group: by hand."""

from __future__ import annotations

import pandas as pd
from factories import episodes_frame, frame, header_frame

from cpanalysis import distance, health, leavers, missing

T = pd.Timestamp


def test_missing_children_episodes_and_five_or_more():
    eps = episodes_frame(
        [
            {"CHILD": "A", "DECOM": "01/01/2019", "RNE": "S", "LS": "C2", "PLACE": "K2"},
            {"CHILD": "B", "DECOM": "01/01/2019", "RNE": "S", "LS": "C2", "PLACE": "U1"},
            {"CHILD": "C", "DECOM": "01/05/2019", "RNE": "S", "LS": "C2", "PLACE": "U1"},
            {"CHILD": "D", "DECOM": "01/01/2019", "RNE": "S", "LS": "V3", "PLACE": "U1"},  # short breaks only
        ]
    )
    rows = [
        {"CHILD": "A", "MISSING": "M", "MIS_START": f"{d:02d}/06/2019", "MIS_END": f"{d + 1:02d}/06/2019"}
        for d in (1, 5, 9, 13, 17)
    ]
    rows += [
        {"CHILD": "A", "MISSING": "M", "MIS_START": "01/06/2019", "MIS_END": "02/06/2019"},  # a duplicate
        {"CHILD": "A", "MISSING": "A", "MIS_START": "20/06/2019", "MIS_END": "20/06/2019"},
        {"CHILD": "B", "MISSING": "M", "MIS_START": "01/03/2019"},  # before the period
        {"CHILD": "B", "MISSING": "M", "MIS_START": "01/07/2019"},
        {"CHILD": "C", "MISSING": "M", "MIS_START": "10/04/2019"},  # before C was looked after
        {"CHILD": "D", "MISSING": "M", "MIS_START": "10/07/2019"},  # on a short break
    ]
    s = missing.missing_summary(frame("missing", rows), eps, T("2019-04-01"), T("2020-03-31"))
    # missing: A (5 episodes) and B (1) -> 2 children, 6 episodes, 1 with 5+; away: A once
    # looked after in the period: A, B, C (D only on short breaks) -> 2 of 3 = 66.7%
    assert s == {
        "missing_children": 2,
        "missing_episodes": 6,
        "missing_5plus": 1,
        "away_children": 1,
        "away_episodes": 1,
        "cla_during": 3,
        "missing_pct": 66.7,
    }
    bands = missing.missing_by_child(frame("missing", rows), eps, T("2019-04-01"), T("2020-03-31"))
    assert dict(zip(bands["episodes"], bands["children"])) == {"1": 1, "2": 0, "3-4": 0, "5-9": 1, "10 or more": 0}


# OC2 cohort of the year ending 31/03/2020: looked after on 31/03/2020 in a period of care begun by 01/04/2019
COHORT_EPISODES = [
    {"CHILD": "P", "DECOM": "01/01/2018", "RNE": "S", "LS": "C2", "PLACE": "U1"},  # in: aged 3 on 31/03/2020
    # Q: a placement change (X1) within one period: in
    {"CHILD": "Q", "DECOM": "01/04/2019", "RNE": "S", "LS": "C2", "PLACE": "U1", "DEC": "01/09/2019", "REC": "X1"},
    {"CHILD": "Q", "DECOM": "01/09/2019", "RNE": "P", "LS": "C2", "PLACE": "K2"},
    # R: left home in August 2019 and came back in September: the period was broken -> out
    {"CHILD": "R", "DECOM": "01/01/2017", "RNE": "S", "LS": "C2", "PLACE": "U1", "DEC": "10/08/2019", "REC": "E8"},
    {"CHILD": "R", "DECOM": "15/09/2019", "RNE": "S", "LS": "C2", "PLACE": "U1"},
    {"CHILD": "S", "DECOM": "02/04/2019", "RNE": "S", "LS": "C2", "PLACE": "U1"},  # a day short: out
    {"CHILD": "T", "DECOM": "01/01/2015", "RNE": "S", "LS": "C2", "PLACE": "U1"},  # in: aged 12
    {"CHILD": "U", "DECOM": "01/01/2015", "RNE": "S", "LS": "C2", "PLACE": "U1", "DEC": "31/03/2020", "REC": "E8"},
    {"CHILD": "V", "DECOM": "01/01/2015", "RNE": "S", "LS": "V3", "PLACE": "U1"},  # short breaks: out
]
HEADER = [
    {"CHILD": "P", "DOB": "01/04/2016"},
    {"CHILD": "Q", "DOB": "31/03/2016"},  # 4 on 31/03/2020: under 5, and of SDQ age (4-16)
    {"CHILD": "R", "DOB": "01/01/2008"},
    {"CHILD": "S", "DOB": "01/01/2008"},
    {"CHILD": "T", "DOB": "01/01/2008"},
    {"CHILD": "U", "DOB": "01/01/2008"},
    {"CHILD": "V", "DOB": "01/01/2008"},
]


def test_oc2_cohort_excludes_a_child_who_left_and_returned():
    c = health.oc2_cohort(episodes_frame(COHORT_EPISODES), 2020, header_frame(HEADER))
    assert list(c["CHILD"]) == ["P", "Q", "T"]
    assert list(c["age"]) == [3, 4, 12]


def test_oc2_outcomes_over_the_cohort():
    oc2 = frame(
        "oc2",
        [
            {"CHILD": "P", "HEALTH_ASSESSMENT": "1", "IMMUNISATIONS": "1", "TEETH_CHECK": "0", "HEALTH_CHECK": "1"},
            {"CHILD": "Q", "HEALTH_ASSESSMENT": "1", "IMMUNISATIONS": "0", "TEETH_CHECK": "1", "SDQ_SCORE": "22"},
            {"CHILD": "T", "HEALTH_ASSESSMENT": "0", "IMMUNISATIONS": "1", "SDQ_SCORE": "13", "CONVICTED": "1"},
            {"CHILD": "R", "HEALTH_ASSESSMENT": "1", "CONVICTED": "1"},  # not in the cohort: left out
        ],
    )
    o = health.outcomes(oc2, episodes_frame(COHORT_EPISODES), header_frame(HEADER), 2020)
    # cohort P, Q, T: annual health assessments (HEALTH_ASSESSMENT) P, Q = 2/3; immunisations P, T = 2/3; teeth Q = 1/3
    assert o["oc2_cohort"] == 3
    assert (o["health_check_n"], o["health_check_pct"]) == (2, 66.7)
    assert (o["immunisations_n"], o["teeth_check_n"], o["teeth_check_pct"]) == (2, 1, 33.3)
    # under 5: P (3), Q (4); development check (HEALTH_CHECK) P -> 1 of 2
    assert (o["under5"], o["health_assessment_under5_n"], o["health_assessment_under5_pct"]) == (2, 1, 50.0)
    # SDQ aged 4-16 with a score: Q 22, T 13 -> 1 of 2 at 20+, average 17.5
    assert (o["sdq_scored"], o["sdq_20plus_n"], o["sdq_20plus_pct"], o["sdq_average"]) == (2, 1, 50.0, 17.5)
    # aged 10+: T only, convicted -> 100%
    assert (o["aged_10plus"], o["convicted_n"], o["convicted_pct"]) == (1, 1, 100.0)


POSTCODES = {"HOME_POST": "X1 1AA", "PL_POST": "x2 1aa"}


def test_distance_from_pl_distance_or_postcode_centroids():
    eps = episodes_frame(
        [
            {"CHILD": "A", "DECOM": "01/01/2019", "RNE": "S", "LS": "C2", "PLACE": "U1", "PL_DISTANCE": "25.3"},
            {"CHILD": "B", "DECOM": "01/01/2019", "RNE": "S", "LS": "C2", "PLACE": "U1", "PL_DISTANCE": "20.0"},
            {
                "CHILD": "C",
                "DECOM": "01/01/2019",
                "RNE": "S",
                "LS": "C2",
                "PLACE": "U1",
                "HOME_POST": "X1 1AA",
                "PL_POST": "x2 1aa",
            },
            {"CHILD": "D", "DECOM": "01/01/2019", "RNE": "S", "LS": "C2", "PLACE": "U1"},  # unknown
        ]
    )
    # exactly 20 miles is not more than 20: A only of A, B -> 50%; D unknown is outside the base
    assert distance.placed_far(eps, T("2019-03-31")) == {
        "distance_known": 2,
        "placed_over_20_miles_n": 1,
        "placed_over_20_miles_pct": 50.0,
    }
    # one degree of latitude is 2 * pi * 3958.8 / 360 = 69.1 miles
    centroids = pd.DataFrame({"postcode": ["X11AA", "X21AA"], "latitude": [52.0, 53.0], "longitude": [-2.0, -2.0]})
    miles = distance.distances(eps, centroids)
    assert round(miles[2], 1) == 69.1
    assert distance.placed_far(eps, T("2019-03-31"), centroids)["placed_over_20_miles_n"] == 2


def test_care_leavers_17_to_21_by_age_group():
    oc3 = frame(
        "oc3",
        [
            {"CHILD": "A", "DOB": "15/06/2002", "IN_TOUCH": "YES", "ACTIV": "F2", "ACCOM": "D1"},  # 17
            {"CHILD": "B", "DOB": "15/06/2001", "IN_TOUCH": "YES", "ACTIV": "G4", "ACCOM": "S2"},  # 18
            {"CHILD": "C", "DOB": "15/06/2000", "IN_TOUCH": "YES", "ACTIV": "P5", "ACCOM": "B1"},  # 19
            {"CHILD": "D", "DOB": "15/06/1998", "IN_TOUCH": "NO", "ACTIV": "0", "ACCOM": "0"},  # 21
        ],
        year=2020,
    )
    m = leavers.care_leaver_measures(oc3, 2020)
    assert m["care_leavers"] == 4
    assert (m["care_leavers_17_18"], m["care_leavers_17_18_eet"], m["care_leavers_17_18_eet_pct"]) == (2, 1, 50.0)
    assert m["care_leavers_17_18_suitable_accom_pct"] == 50.0 and m["care_leavers_17_18_in_touch_pct"] == 100.0
    # 19-21: C (P5 part-time training/employment: EET; B1 suitable), D (not in touch)
    assert (m["care_leavers_19_21"], m["care_leavers_19_21_eet_pct"], m["care_leavers_19_21_in_touch"]) == (2, 50.0, 1)
    # higher education (F1/P1): none of the four (F2 other education, P5 training or employment)
    assert m["care_leavers_higher_education"] == 0
    oc3.loc[oc3["CHILD"] == "C", "ACTIV"] = "P1"
    assert leavers.care_leaver_measures(oc3, 2020)["care_leavers_higher_education"] == 1
