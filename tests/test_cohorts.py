"""Deep-dive cohorts, moves, Kaplan-Meier and Aalen-Johansen against tiny examples worked by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from cpanalysis import cohorts as co
from cpanalysis.errors import InputError
from tests.factories import episodes_frame, header_frame

END = pd.Timestamp("2021-03-31")


@pytest.fixture
def episodes() -> pd.DataFrame:
    return episodes_frame(
        [
            # child 1 enters 01/06/2019 in-house U4, moves to an IFA on 01/12/2019 (183 days on), still looked after
            {
                "CHILD": "1",
                "DECOM": "01/06/2019",
                "RNE": "S",
                "LS": "C2",
                "PLACE": "U4",
                "DEC": "01/12/2019",
                "REC": "X1",
                "REASON_PLACE_CHANGE": "CREQB",
            },
            {"CHILD": "1", "DECOM": "01/12/2019", "RNE": "P", "LS": "C2", "PLACE": "U6", "PLACE_PROVIDER": "PR4"},
            # child 2 enters 01/05/2019 placed with parents, returns home 01/08/2019 (92 days)
            {
                "CHILD": "2",
                "DECOM": "01/05/2019",
                "RNE": "S",
                "LS": "V2",
                "PLACE": "P1",
                "PLACE_PROVIDER": "PR0",
                "DEC": "01/08/2019",
                "REC": "E4A",
            },
            # child 3 entered 01/01/2019 on an interim care order; the full order on 01/02/2019 is a legal change only
            {
                "CHILD": "3",
                "DECOM": "01/01/2019",
                "RNE": "S",
                "LS": "C1",
                "PLACE": "U6",
                "DEC": "01/02/2019",
                "REC": "X1",
            },
            {"CHILD": "3", "DECOM": "01/02/2019", "RNE": "L", "LS": "C2", "PLACE": "U6"},
            # child 4: short breaks only, never in a cohort
            {"CHILD": "4", "DECOM": "01/06/2019", "RNE": "S", "LS": "V3", "PLACE": "U6"},
            # child 5 enters 10/10/2019; its foster carer becomes its adopter (A5, RNE T): not a move
            {
                "CHILD": "5",
                "DECOM": "10/10/2019",
                "RNE": "S",
                "LS": "E1",
                "PLACE": "U4",
                "DEC": "01/03/2020",
                "REC": "X1",
            },
            {"CHILD": "5", "DECOM": "01/03/2020", "RNE": "T", "LS": "E1", "PLACE": "A5"},
        ],
        year=2020,
    )


@pytest.fixture
def header() -> pd.DataFrame:
    return header_frame(
        [
            {"CHILD": "1", "DOB": "01/01/2010"},
            {"CHILD": "2", "DOB": "01/01/2015", "SEX": "2"},
            {"CHILD": "3", "DOB": "01/06/2018"},
            {"CHILD": "4", "DOB": "01/01/2012"},
            {"CHILD": "5", "DOB": "01/01/2019"},
        ]
    )


def test_an_entry_cohort_is_the_periods_starting_in_the_year_without_short_breaks(episodes, header):
    c = co.cohort(episodes, header, None, "entered_in_year", 2020, END).set_index("CHILD")
    assert sorted(c.index) == ["1", "2", "5"]  # 3 entered in 2018/19; 4 had short breaks only
    assert c.loc["2", "route"] == "Returned home" and c.loc["2", "follow_end"] == pd.Timestamp("2019-08-01")
    assert not c.loc["1", "left_care"] and c.loc["1", "follow_end"] == END
    assert c.loc["1", "age_band"] == "5 to 9"  # 9 on 01/06/2019
    assert c.loc["5", "age_band"] == "Under 1" and c.loc["2", "sex"] == "Female"
    assert c.loc["1", "placement"] == "In-house foster" and c.loc["2", "placement"] == "Placed with parents"


def test_a_looked_after_cohort_starts_on_the_date(episodes, header):
    c = co.cohort(episodes, header, None, "looked_after_at", pd.Timestamp("2019-03-31"), END)
    assert list(c["CHILD"]) == ["3"]
    assert c["origin"].iloc[0] == pd.Timestamp("2019-03-31") and c["legal_status"].iloc[0] == "C2"
    with pytest.raises(InputError, match="not one of"):
        co.cohort(episodes, header, None, "born_in", 2020, END)


def test_moves_and_time_to_first_move(episodes, header):
    c = co.cohort(episodes, header, None, "entered_in_year", 2020, END)
    m = co.moves(episodes, c)
    # one move: child 1 on 01/12/2019, 183 days after 01/06/2019 (30 + 31 + 31 + 30 + 31 + 30); child 5's change to
    # adoption by its foster carer is not a move
    assert m[["CHILD", "days", "from_place", "to_place", "reason"]].values.tolist() == [["1", 183, "U4", "U6", "CREQB"]]
    reasons = co.reasons_for_change(m)
    assert reasons["reason"].tolist() == ["CREQB - Carer(s) requests placement end due to child's behaviour"]
    d = co.time_to_first_move(c, m).set_index("CHILD")
    assert d.loc["1", "days"] == 183 and d.loc["1", "moved"]
    assert d.loc["2", "days"] == 92 and not d.loc["2", "moved"]  # left care: censored
    assert d.loc["5", "days"] == (END - pd.Timestamp("2019-10-10")).days and not d.loc["5", "moved"]


def five_children_moves() -> pd.DataFrame:
    # A moves at day 10, B is censored at 20 (left care), C moves at 30, D at 40, E censored at 50 (data end)
    return pd.DataFrame(
        {"CHILD": list("ABCDE"), "days": [10, 20, 30, 40, 50], "moved": [True, False, True, True, False]}
    )


def test_kaplan_meier_on_five_children_worked_by_hand():
    # S(t) = product over move days of (1 - moves / at risk):
    #   day 10: 5 at risk, 1 moves -> S = 4/5 = 0.8
    #   day 20: B censored, S stays 0.8 (3 left at risk)
    #   day 30: 3 at risk, 1 moves -> S = 0.8 * 2/3 = 0.5333
    #   day 40: 2 at risk, 1 moves -> S = 0.5333 * 1/2 = 0.2667
    # Greenwood at day 10: sum d / (n (n - d)) = 1 / (5 * 4) = 0.05; lifelines' log(-log) interval:
    #   v = ln 0.8 = -0.22314, z sqrt(0.05) / v = 1.95996 * 0.22361 / -0.22314 = -1.96406
    #   lower = exp(-exp(ln(0.22314) + 1.96406)) = exp(-exp(0.46412)) = exp(-1.59061) = 0.2038
    #   upper = exp(-exp(ln(0.22314) - 1.96406)) = exp(-exp(-3.46400)) = exp(-0.03131) = 0.9692
    km = co.kaplan_meier(five_children_moves(), min_group=1, min_at_risk=0).set_index("days")
    assert km["survival"].to_dict() == pytest.approx(
        {0: 1.0, 10: 0.8, 20: 0.8, 30: 0.8 * 2 / 3, 40: 0.8 / 3, 50: 0.8 / 3}
    )
    assert km.loc[10, "at_risk"] == 5 and km.loc[30, "at_risk"] == 3
    assert km.loc[10, "lower"] == pytest.approx(0.2038, abs=1e-4)
    assert km.loc[10, "upper"] == pytest.approx(0.9692, abs=1e-4)


def test_kaplan_meier_hides_small_groups_and_the_tail_with_under_five_at_risk():
    d = five_children_moves()
    assert co.kaplan_meier(d).empty  # 5 children: under the 10-child minimum
    km = co.kaplan_meier(d, min_group=1)
    assert km["days"].tolist() == [0, 10]  # at day 20 only 4 are at risk
    at = co.survival_at(km, (5, 15))
    assert at["percent_no_move"].iloc[0] == 100.0 and pd.isna(at["percent_no_move"].iloc[1])


def five_children_exits() -> pd.DataFrame:
    # A adopted at day 100, B returned home at 200, C still looked after at 300 (censored), D adopted at 400,
    # E special guardianship at 500
    routes = ["Adopted", "Returned home", None, "Adopted", "Special guardianship order"]
    cohort = pd.DataFrame(
        {
            "CHILD": list("ABCDE"),
            "origin": pd.Timestamp("2018-01-01"),
            "left_care": [r is not None for r in routes],
            "route": routes,
        }
    )
    cohort["follow_end"] = cohort["origin"] + pd.to_timedelta([100, 200, 300, 400, 500], unit="D")
    return co.exit_durations(cohort)


def test_cumulative_incidence_of_each_route_worked_by_hand():
    # Aalen-Johansen: CIF_k(t) = sum over event days t_i <= t of S(t_i-) * d_k(t_i) / n_i, S the chance of not
    # having left by any route:
    #   day 100: n = 5, adopted:  CIF_adopted = 1 * 1/5 = 0.2;  S = 0.8
    #   day 200: n = 4, home:     CIF_home = 0.8 * 1/4 = 0.2;   S = 0.6
    #   day 300: censored, 2 left at risk
    #   day 400: n = 2, adopted:  CIF_adopted = 0.2 + 0.6 * 1/2 = 0.5;  S = 0.3
    #   day 500: n = 1, SGO:      CIF_sgo = 0.3 * 1/1 = 0.3;    S = 0
    # and the routes add up to 1 - S = 1 at the end.
    ex = five_children_exits()
    assert ex["event"].tolist() == [1, 4, 0, 1, 2]
    cif = co.cumulative_incidence(ex, min_at_risk=0)
    last = cif.groupby("route")["cumulative_incidence"].last()
    assert last.to_dict() == pytest.approx({"Adopted": 0.5, "Returned home": 0.2, "Special guardianship order": 0.3})
    adopted = cif[cif["route"] == "Adopted"].set_index("days")["cumulative_incidence"]
    assert (
        adopted[100] == pytest.approx(0.2) and adopted[300] == pytest.approx(0.2) and adopted[400] == pytest.approx(0.5)
    )
    # permanence (adoption, SGO, child arrangements, home) reaches 0.2, 0.4, then 0.7 at day 400: the median
    assert co.median_time_to_permanence(ex, min_at_risk=0) == {"children": 5, "permanent": 4, "median_days": 400}
    # with the disclosure rule (5+ at risk) nothing after day 100 is shown, so no median
    assert co.median_time_to_permanence(ex)["median_days"] is None
    assert co.cumulative_incidence(ex)["days"].max() == 100


def test_exits_by_route_suppresses_small_counts():
    table = co.exits_by_route(five_children_exits()).set_index("route")
    assert table.loc["Adopted", "children"] == "[c]" and table.loc["Adopted", "median_days"] == "[c]"
    assert table.loc["Child arrangements order", "children"] == 0


def test_interim_care_orders_and_waits(episodes):
    runs = co.interim_care_orders(episodes, pd.Timestamp("2018-04-01"), END)
    # child 3: C1 from 01/01/2019 until the full order on 01/02/2019: 31 days, then C2
    assert runs[["CHILD", "days", "open", "next_ls", "year_ending_march", "band"]].values.tolist() == [
        ["3", 31, False, "C2", 2019, "Under 26 weeks"]
    ]
    waits = co.longest_waits(episodes, pd.Timestamp("2020-01-31")).set_index("plan")
    # child 5 has been under a placement order (E1) since 10/10/2019 and is not yet placed for adoption: 113 days
    assert waits.loc["Placement order, not yet placed for adoption", "Under 6 months"] == "[c]"
    assert waits.loc["Interim care order", "children"] == 0


def test_long_term_fostering_counts_u1_and_u4(episodes):
    table = co.long_term_fostering(episodes, pd.Timestamp("2019-11-30")).set_index("provider")
    # in-house foster on 30/11/2019: child 1 (U4, long-term), child 3 (U6), child 5 (U4)
    assert table.loc["In-house foster", "children"] == "[c]"
    assert table.loc["External (IFA) foster", "children"] == 0


def test_interim_care_order_summary_protects_a_small_count_from_subtraction():
    # 2020: 7 orders, 5 ended, 2 still open -> the 2 is suppressed, and so must be one of 7 / 5 (else 7 - 5 = 2);
    # the smaller, 5, goes; the median of the 5 ended orders (100, 120, 140, 160, 300 -> 140) stays: 5 is not small
    runs = pd.DataFrame(
        {
            "CHILD": list("ABCDEFG"),
            "days": [100, 120, 140, 160, 300, 200, 250],
            "open": [False] * 5 + [True] * 2,
            "year_ending_march": 2020,
        }
    )
    row = co.interim_care_order_summary(runs).iloc[0]
    assert (row["orders"], row["ended"], row["still_open"], row["median_days"]) == (7, "[c]", "[c]", 140.0)
    assert row["over_26_weeks"] == "[c]"  # 300, 200, 250: 3 of them
