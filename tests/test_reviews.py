"""Reviews: the statutory timescale chain (20 working days, 3 months, 6 months) and participation, worked by hand."""

from __future__ import annotations

import pandas as pd
from factories import episodes_frame, frame, header_frame

from cpanalysis import reviews

T = pd.Timestamp


def test_twenty_working_days_skip_england_bank_holidays():
    # from Monday 10/04/2017: 11-13 Apr (3), Good Friday 14 and Easter Monday 17 skipped, 18-21 (7), 24-28 (12),
    # May Day 1 May skipped, 2-5 (16), 8-11 (20) -> Thursday 11/05/2017 (without the holidays it would be 08/05)
    due = reviews.add_working_days(pd.Series([T("2017-04-10"), T("2017-06-01"), pd.NaT]), 20)
    assert due[0] == T("2017-05-11")
    # Thursday 01/06/2017: 2 (1), 5-9 (6), 12-16 (11), 19-23 (16), 26-29 (20)
    assert due[1] == T("2017-06-29")
    assert pd.isna(due[2])


EPISODES = [
    {"CHILD": "A", "DECOM": "10/04/2017", "RNE": "S", "LS": "C2", "PLACE": "U1"},
    {"CHILD": "B", "DECOM": "01/06/2017", "RNE": "S", "LS": "C2", "PLACE": "U1"},
    {"CHILD": "C", "DECOM": "02/01/2018", "RNE": "S", "LS": "C2", "PLACE": "U1"},
    # D: on short breaks only: no statutory review chain
    {"CHILD": "D", "DECOM": "03/04/2017", "RNE": "S", "LS": "V3", "PLACE": "U1"},
]
REVIEWS = [
    # A: 1st 10/05/2017 (due 11/05, on time only because of the bank holidays); 2nd 09/08/2017 (due 3 months after
    # the 1st, 10/08: on time); 3rd 12/02/2018 (due 6 months after the 2nd, 09/02/2018: late)
    {"CHILD": "A", "REVIEW": "10/05/2017", "REVIEW_CODE": "PN1"},
    {"CHILD": "A", "REVIEW": "09/08/2017", "REVIEW_CODE": "PN1"},
    {"CHILD": "A", "REVIEW": "12/02/2018", "REVIEW_CODE": "PN7"},
    # B: none held; the first fell due 29/06/2017 while B was looked after
    # C: from Tuesday 02/01/2018 the 20th working day is 30/01/2018; held 29/01: on time; next due 29/04 (after)
    {"CHILD": "C", "REVIEW": "29/01/2018", "REVIEW_CODE": "PN0"},
    {"CHILD": "D", "REVIEW": "01/05/2017", "REVIEW_CODE": "PN1"},
]


def test_review_chain_due_dates():
    chain = reviews.review_chain(frame("reviews", REVIEWS), episodes_frame(EPISODES))
    a = chain[chain["CHILD"] == "A"]
    assert list(a["DUE"]) == [T("2017-05-11"), T("2017-08-10"), T("2018-02-09")]
    assert list(a["ON_TIME"]) == [True, True, False]
    assert "D" not in set(chain["CHILD"])


def test_timeliness_of_reviews_and_of_children():
    t = reviews.timeliness(frame("reviews", REVIEWS), episodes_frame(EPISODES), T("2017-04-01"), T("2018-03-31"))
    # reviews held: A x3 (2 on time), C x1 (on time) -> 3 of 4 = 75%
    assert (t["reviews_held"], t["reviews_in_time"], t["reviews_in_time_pct"]) == (4, 3, 75.0)
    # children with a review due: A (one late), B (first not held), C (on time) -> 1 of 3 = 33.3%
    assert (t["children_review_due"], t["children_reviews_all_in_time"]) == (3, 1)
    assert t["children_reviews_all_in_time_pct"] == 33.3


def test_a_review_due_after_the_child_left_is_not_missed():
    eps = [
        {"CHILD": "B", "DECOM": "01/06/2017", "RNE": "S", "LS": "C2", "PLACE": "U1", "DEC": "20/06/2017", "REC": "E8"}
    ]
    t = reviews.timeliness(frame("reviews", []), episodes_frame(eps), T("2017-04-01"), T("2018-03-31"))
    assert t["children_review_due"] == 0 and pd.isna(t["children_reviews_all_in_time_pct"])


def test_periods_begun_before_the_reviews_data_judge_later_reviews_against_six_months():
    eps = [{"CHILD": "E", "DECOM": "01/01/2015", "RNE": "S", "LS": "C2", "PLACE": "U1"}]
    rev = [
        {"CHILD": "E", "REVIEW": "15/05/2017"},  # first seen: its place in the chain is unknown, not judged
        {"CHILD": "E", "REVIEW": "14/11/2017"},  # due 15/11/2017: on time
        {"CHILD": "E", "REVIEW": "16/05/2018"},  # due 14/05/2018: late
    ]
    chain = reviews.review_chain(frame("reviews", rev), episodes_frame(eps), known_from=T("2017-04-01"))
    assert list(chain["ON_TIME"]) == [None, True, False]
    t = reviews.timeliness(
        frame("reviews", rev), episodes_frame(eps), T("2017-04-01"), T("2018-03-31"), T("2017-04-01")
    )
    assert (t["reviews_held"], t["reviews_in_time"]) == (1, 1)


def test_participation_counts_a_child_aged_exactly_4():
    rev = frame(
        "reviews",
        [
            # 4 today (born 10/05/2013, reviewed 10/05/2017): in the base although coded PN0 by mistake
            {"CHILD": "F", "DOB": "10/05/2013", "REVIEW": "10/05/2017", "REVIEW_CODE": "PN0"},
            # 4 tomorrow: under 4, not in the base
            {"CHILD": "G", "DOB": "11/05/2013", "REVIEW": "10/05/2017", "REVIEW_CODE": "PN0"},
            {"CHILD": "H", "REVIEW": "10/05/2017", "REVIEW_CODE": "PN3"},  # DOB from the header: aged 7
            {"CHILD": "I", "DOB": "01/01/2005", "REVIEW": "01/06/2017", "REVIEW_CODE": "PN7"},  # did not take part
            {"CHILD": "J", "REVIEW": "01/06/2017", "REVIEW_CODE": "PN2"},  # no DOB anywhere: by its code
            {"CHILD": "I", "DOB": "01/01/2005", "REVIEW": "01/06/2016", "REVIEW_CODE": "PN1"},  # before the period
        ],
    )
    header = header_frame([{"CHILD": "H", "DOB": "01/01/2010"}])
    p = reviews.participation(rev, T("2017-04-01"), T("2018-03-31"), header)
    # base F, H, I, J = 4; took part H (PN3), J (PN2) = 2 -> 50%
    assert p == {"reviews_aged_4plus": 4, "reviews_participated": 2, "review_participation_pct": 50.0}
    codes = reviews.participation_by_code(rev, T("2017-04-01"), T("2018-03-31")).set_index("code")["reviews"]
    assert codes.to_dict() == {"PN0": 2, "PN2": 1, "PN3": 1, "PN7": 1}
