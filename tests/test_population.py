"""Children looked after, flows, rates, stability and care leavers on small hand-made histories.

Reporting year 2023/24: 1 April 2023 - 31 March 2024. Every expected value is worked out by hand in the comments.
"""

from __future__ import annotations

import pandas as pd
import pytest
from factories import (
    care_leavers_oc3,
    episodes_frame,
    frame,
    header_frame,
    population_episodes,
    population_header,
    population_uasc,
)

from cpanalysis import leavers, population
from cpanalysis.errors import InputError

T = pd.Timestamp
Y_START, Y_END = T(2023, 4, 1), T(2024, 3, 31)

# the histories (children A-G, hand-worked in tests/factories.py)
EPISODES = population_episodes()
HEADER = population_header()
UASC = population_uasc()


def test_looked_after_at_a_date_excludes_short_breaks_and_leavers_on_the_day():
    # 31/03/2024: A (open), C (second period open), F (open). B left on the day, D short breaks, E and G left.
    assert sorted(population.cla_at(EPISODES, Y_END)["CHILD"]) == ["A", "C", "F"]
    assert population.cla_count(EPISODES, Y_END) == 3
    # 30/03/2024: B's DEC (31/03) is after the date -> A, B, C, F; D's V4 episode (from 20/03) is not counted.
    assert population.cla_count(EPISODES, T(2024, 3, 30)) == 4


def test_looked_after_columns_age_sex_placement_uasc():
    cla = population.cla_at(EPISODES, Y_END, HEADER, UASC).set_index("CHILD")
    # A born 31/03/2014 is 10 on 31/03/2024; C born 15/04/2023 is 0; F born 01/01/2007 is 17.
    assert cla["age_band"].to_dict() == {"A": "10 to 15", "C": "Under 1", "F": "16 and over"}
    assert cla["sex"].to_dict() == {"A": "Female", "C": "Male", "F": "Male"}
    assert cla["placement"].to_dict() == {
        "A": "In-house foster",  # U4 with PR1
        "C": "Residential",  # K2
        "F": "Supported / semi-independent",  # H5
    }
    assert cla["uasc"].to_dict() == {"A": False, "C": False, "F": True}


@pytest.mark.parametrize(
    "by, expected",
    [
        # 3 children looked after at 31/03/2024 (A, C, F); each 1 of 3 = 33.3%, 2 of 3 = 66.7%
        ("age_band", {"Under 1": 1, "10 to 15": 1, "16 and over": 1}),
        ("sex", {"Male": 2, "Female": 1}),
        ("legal_status", {"C2": 1, "C1": 1, "V2": 1}),
        ("cin", {"N1": 1, "N2": 1, "N4": 1}),
        ("placement", {"In-house foster": 1, "Residential": 1, "Supported / semi-independent": 1}),
        ("provider", {"PR1": 1, "PR4": 2}),
        ("uasc", {True: 1, False: 2}),
    ],
)
def test_breakdowns(by, expected):
    b = population.cla_breakdown(EPISODES, Y_END, by, HEADER, UASC)
    key = "category_of_need" if by == "cin" else by
    assert dict(zip(b[key], b["children"])) == expected
    assert sorted(b["percent"]) == sorted(round(100 * n / 3, 1) for n in expected.values())


def test_age_bands_are_in_order_and_bad_breakdown_is_an_input_error():
    b = population.cla_breakdown(EPISODES, Y_END, "age_band", HEADER)
    assert list(b["age_band"]) == ["Under 1", "10 to 15", "16 and over"]
    with pytest.raises(InputError, match="breakdown 'ethnicity'"):
        population.cla_breakdown(EPISODES, Y_END, "ethnicity", HEADER)


def test_series_at_quarter_ends():
    quarters = [T(2023, 6, 30), T(2023, 9, 30), T(2023, 12, 31), Y_END]
    s = population.cla_series(EPISODES, quarters)
    # 30/06/2023: A, B, C (first period to 01/07), E (to 15/08), G (second period from 01/06) = 5
    # 30/09/2023: A, B, G (to 01/12) = 3      31/12/2023: A, B, C (back 01/10) = 3      31/03/2024: A, C, F = 3
    assert list(s["children"]) == [5, 3, 3, 3]


def test_starts_and_ceased_count_children_once():
    s = population.starts(EPISODES, Y_START, Y_END)
    # periods starting in the year: B 01/06, C 01/05 and 01/10, F 01/02/2024, G 01/06 (G's first began 01/02/2023,
    # E's 01/01/2023; D's are short breaks) -> 5 periods, 4 children
    assert len(s) == 5 and sorted(s["CHILD"].unique()) == ["B", "C", "F", "G"]
    c = population.ceased(EPISODES, Y_START, Y_END)
    # endings in the year: C 01/07 E4A, G 01/05 E4A and 01/12 E45, E 15/08 E45, B 31/03/2024 E4A
    assert len(c) == 5 and c["CHILD"].nunique() == 4
    last = c[c["last"]].set_index("CHILD")["PERIOD_REASON"].to_dict()
    assert last == {"B": "E4A", "C": "E4A", "E": "E45", "G": "E45"}


def test_ceased_by_reason_uses_each_childs_last_ending():
    by = population.ceased_by_reason(EPISODES, Y_START, Y_END).set_index("reason_group")
    # last endings: returned home B, C (2 of 4 = 50.0%); SGO E, G (2 of 4 = 50.0%) -- G's earlier E4A not counted
    assert by["children"].to_dict() == {"Returned home": 2, "Special guardianship order": 2}
    assert by["percent"].to_dict() == {"Returned home": 50.0, "Special guardianship order": 50.0}


def test_flows_per_quarter():
    f = population.flows(EPISODES, [T(2023, 6, 30), T(2023, 9, 30)]).set_index("period_end")
    # Apr-Jun 2023: started C (01/05), B and G (01/06) = 3; ceased G (01/05) = 1; looked after at 30/06 = 5
    assert tuple(f.loc[T(2023, 6, 30)]) == (3, 1, 2, 5)
    # Jul-Sep 2023: started none; ceased C (01/07), E (15/08) = 2; looked after at 30/09 = 3
    assert tuple(f.loc[T(2023, 9, 30)]) == (0, 2, -2, 3)


def test_net_change_is_the_change_in_the_number_looked_after():
    # H starts 01/04/2023, goes home 10/04/2023, comes back 01/05/2023 (open): one child starting (counted once),
    # one ceasing, but the number looked after rose by 1 -- the net change says +1, not starts minus endings (0)
    eps = episodes_frame(
        [
            dict(CHILD="A", DECOM="01/01/2020", RNE="S", LS="C2", PLACE="U4"),
            dict(CHILD="H", DECOM="01/04/2023", RNE="S", LS="V2", PLACE="U4", DEC="10/04/2023", REC="E4A"),
            dict(CHILD="H", DECOM="01/05/2023", RNE="S", LS="C2", PLACE="U4"),
        ]
    )
    f = population.flows(eps, [T(2023, 6, 30)])
    assert f[["started", "ceased", "net_change", "looked_after"]].iloc[0].tolist() == [1, 1, 1, 2]


def test_rate_per_10k_rounds_to_whole_number_halves_up():
    assert population.rate_per_10k(550, 83041) == 66  # 66.23
    assert population.rate_per_10k(9, 20000) == 5  # 4.5 -> 5
    assert population.rate_per_10k(89, 20000) == 45  # 44.5 -> 45
    assert population.rate_per_10k(0, 20000) == 0
    with pytest.raises(InputError, match="positive"):
        population.rate_per_10k(5, 0)


def test_population_uses_mid_year_before_the_year_ending_march():
    # Cheshire East: year ending 31/03/2025 -> mid-2024 estimate 83,041; 2024 -> mid-2023 81,832 (ONS)
    assert population.population_for("E06000049", 2025) == 83041
    assert population.population_for("E06000049", 2024) == 81832
    assert population.rate_for(550, "E06000049", 2025) == 66  # published: 66
    # North Yorkshire took code E06000065 in 2023 (same area, DfE LA 815): mid-2021 is under E10000023, 113,710
    assert population.population_for("E06000065", 2022) == 113710
    with pytest.raises(InputError, match="E99999999"):
        population.population_for("E99999999", 2024)
    # past the last estimate (mid-2024): the latest is used (issue 20; tests/test_definitions.py)
    assert population.population_for("E06000049", 2031) == 83041
    with pytest.raises(InputError, match="mid-2009"):
        population.population_for("E06000049", 2010)


STABILITY = episodes_frame(
    [
        # H: U4 (from before the year, to 01/07/2023), U6 (to 01/11/2023), K2: 3 placements in the year -> counted
        dict(CHILD="H", DECOM="01/01/2023", RNE="S", LS="C2", PLACE="U4", DEC="01/07/2023", REC="X1"),
        dict(CHILD="H", DECOM="01/07/2023", RNE="P", LS="C2", PLACE="U6", DEC="01/11/2023", REC="X1"),
        dict(CHILD="H", DECOM="01/11/2023", RNE="P", LS="C2", PLACE="K2"),
        # I: U4, legal change only (L), placed for adoption with the same carer (A5, RNE T): 1 placement
        dict(CHILD="I", DECOM="01/01/2023", RNE="S", LS="C2", PLACE="U4", DEC="01/05/2023", REC="X1"),
        dict(CHILD="I", DECOM="01/05/2023", RNE="L", LS="E1", PLACE="U4", DEC="01/09/2023", REC="X1"),
        dict(CHILD="I", DECOM="01/09/2023", RNE="T", LS="E1", PLACE="A5"),
        # J: U4 ended 01/04/2023 (no day in the year), U6 from 01/04/2023, U5 same carer (T) from 01/08/2023:
        #    1 placement in the year: U6 and U5 are the same carer (RNE T), not a new one (issue 20) -> not counted
        dict(CHILD="J", DECOM="01/01/2023", RNE="S", LS="C2", PLACE="U4", DEC="01/04/2023", REC="X1"),
        dict(CHILD="J", DECOM="01/04/2023", RNE="P", LS="C2", PLACE="U6", DEC="01/08/2023", REC="X1"),
        dict(CHILD="J", DECOM="01/08/2023", RNE="T", LS="C2", PLACE="U5"),
        # K: U4 to 01/06/2023 (home), back 01/09/2023 in U6, K2 from 01/12/2023: 3 placements over 2 periods
        dict(CHILD="K", DECOM="01/02/2023", RNE="S", LS="C2", PLACE="U4", DEC="01/06/2023", REC="E4A"),
        dict(CHILD="K", DECOM="01/09/2023", RNE="S", LS="C2", PLACE="U6", DEC="01/12/2023", REC="X1"),
        dict(CHILD="K", DECOM="01/12/2023", RNE="P", LS="C2", PLACE="K2"),
        # L: short breaks, 3 stays in the year: excluded from the measure altogether
        dict(CHILD="L", DECOM="01/05/2023", RNE="S", LS="V3", PLACE="U6", DEC="03/05/2023", REC="E8"),
        dict(CHILD="L", DECOM="01/08/2023", RNE="S", LS="V3", PLACE="U4", DEC="03/08/2023", REC="E8"),
        dict(CHILD="L", DECOM="30/03/2024", RNE="S", LS="V3", PLACE="K2"),
    ]
)


def test_placements_in_the_year_and_three_or_more():
    p = population.placements_in_year(STABILITY, Y_END).set_index("CHILD")["placements"]
    assert p.to_dict() == {"H": 3, "I": 1, "J": 1, "K": 3}
    # looked after at 31/03/2024: H, I, J, K (L is a short break); 3+: H, K -> 2 of 4 = 50.0%
    assert population.stability_3plus(STABILITY, Y_END) == {"children": 2, "looked_after": 4, "percent": 50.0}


LONG_TERM = episodes_frame(
    [
        # 2.5 years before 31/03/2024 is 30/09/2021; 2 years before is 31/03/2022.
        # N: in care since 01/01/2020, same placement since 01/01/2022 -> eligible, stable
        dict(CHILD="N", DECOM="01/01/2020", RNE="S", LS="C2", PLACE="U6", DEC="01/01/2022", REC="X1"),
        dict(CHILD="N", DECOM="01/01/2022", RNE="P", LS="C2", PLACE="U4"),
        # O: in care since 01/01/2020, moved 01/06/2022 -> eligible, not stable
        dict(CHILD="O", DECOM="01/01/2020", RNE="S", LS="C2", PLACE="U6", DEC="01/06/2022", REC="X1"),
        dict(CHILD="O", DECOM="01/06/2022", RNE="P", LS="C2", PLACE="U4"),
        # P: in care since 30/09/2021, exactly 2.5 years, never moved -> eligible, stable
        dict(CHILD="P", DECOM="30/09/2021", RNE="S", LS="C2", PLACE="U4"),
        # Q: in care since 01/10/2021, a day short of 2.5 years -> not eligible
        dict(CHILD="Q", DECOM="01/10/2021", RNE="S", LS="C2", PLACE="U4"),
        # R: turns 16 on 31/03/2024 -> not under 16, not eligible
        dict(CHILD="R", DECOM="01/01/2015", RNE="S", LS="C2", PLACE="U4"),
        # S: foster U6 from 01/06/2021, placed for adoption with a new family (A6, RNE P) 01/09/2023: the adoptive and
        #    the previous placement together run from 01/06/2021 -> stable
        dict(CHILD="S", DECOM="01/01/2020", RNE="S", LS="C2", PLACE="U4", DEC="01/06/2021", REC="X1"),
        dict(CHILD="S", DECOM="01/06/2021", RNE="P", LS="C2", PLACE="U6", DEC="01/09/2023", REC="X1"),
        dict(CHILD="S", DECOM="01/09/2023", RNE="P", LS="E1", PLACE="A6"),
        # T: with carer since 01/03/2022 (U6), placed for adoption with that carer (A5, RNE T) 01/01/2024: one
        #    placement since 01/03/2022 -> stable
        dict(CHILD="T", DECOM="01/01/2020", RNE="S", LS="C2", PLACE="U4", DEC="01/03/2022", REC="X1"),
        dict(CHILD="T", DECOM="01/03/2022", RNE="P", LS="E1", PLACE="U6", DEC="01/01/2024", REC="X1"),
        dict(CHILD="T", DECOM="01/01/2024", RNE="T", LS="E1", PLACE="A5"),
        # U: U6 only from 01/06/2023, then A6 01/09/2023: together since 01/06/2023 -> not stable
        dict(CHILD="U", DECOM="01/01/2020", RNE="S", LS="C2", PLACE="U4", DEC="01/06/2023", REC="X1"),
        dict(CHILD="U", DECOM="01/06/2023", RNE="P", LS="E1", PLACE="U6", DEC="01/09/2023", REC="X1"),
        dict(CHILD="U", DECOM="01/09/2023", RNE="P", LS="E1", PLACE="A6"),
    ]
)
LONG_TERM_HEADER = header_frame(
    [dict(CHILD=c, DOB="01/01/2014") for c in "NOPQSTU"] + [dict(CHILD="R", DOB="31/03/2008")]
)


def test_long_term_stability():
    lt = population.long_term_placements(LONG_TERM, LONG_TERM_HEADER, Y_END).set_index("CHILD")
    assert list(lt.index) == ["N", "O", "P", "S", "T", "U"]
    assert lt["placement_start"].to_dict() == {
        "N": T(2022, 1, 1),
        "O": T(2022, 6, 1),
        "P": T(2021, 9, 30),
        "S": T(2021, 6, 1),
        "T": T(2022, 3, 1),
        "U": T(2023, 6, 1),
    }
    # stable: N, P, S, T -> 4 of 6 = 66.7%
    result = population.stability_long_term(LONG_TERM, LONG_TERM_HEADER, Y_END)
    assert result == {"children": 4, "eligible": 6, "percent": 66.7}


# care leavers X1-X4 (tests/factories.py)
OC3 = care_leavers_oc3()


def test_care_leavers_by_age():
    old = frame("oc3", [dict(CHILD="X9", DOB="01/01/2004", IN_TOUCH="YES", ACTIV="F1", ACCOM="B1")], year=2023)
    oc3 = pd.concat([OC3, old], ignore_index=True)
    header = header_frame([dict(CHILD="X4", DOB="01/01/2003")])
    out = leavers.care_leavers(oc3, None, header)  # latest year: 2024 (X9's 2023 row is left out)
    # 17: X1 in touch, EET (F2), suitable (D1); 19: X2 (NO, NEET, Z2 unsuitable), X3 (YES, P3 EET, B2 unsuitable);
    # 21: X4 (refused, no activity code, '01' is not a suitable-accommodation code)
    assert out.to_dict(orient="list") == {
        "age": ["17", "19", "21"],
        "leavers": [1, 2, 1],
        "in_touch": [1, 1, 0],
        "eet": [1, 1, 0],
        "suitable_accommodation": [1, 0, 0],
    }
    assert leavers.care_leavers(oc3, 2023)["leavers"].tolist() == [1]


def test_care_leaver_rates_19_to_21_over_all_leavers():
    header = header_frame([dict(CHILD="X4", DOB="01/01/2003")])
    # aged 19-21 on 31/03/2024: X2, X3 (19), X4 (21) = 3. In touch: X3 -> 1 of 3 = 33.3%; EET: X3 (P3) = 33.3%;
    # suitable accommodation: none (X2 Z2, X3 B2 unsuitable; X4 '01') = 0.0%. Percentages are of all 3, in touch or not.
    assert leavers.leaver_rates(OC3, 2024, header) == {
        "leavers": 3,
        "in_touch": 1,
        "eet": 1,
        "suitable_accommodation": 0,
        "in_touch_pct": 33.3,
        "eet_pct": 33.3,
        "suitable_accommodation_pct": 0.0,
    }
    # aged 17-18: X1 only, in touch, EET (F2), suitable (D1)
    assert leavers.leaver_rates(OC3, 2024, header, ages=(17, 18)) == {
        "leavers": 1,
        "in_touch": 1,
        "eet": 1,
        "suitable_accommodation": 1,
        "in_touch_pct": 100.0,
        "eet_pct": 100.0,
        "suitable_accommodation_pct": 100.0,
    }
    # no OC3 for the year: none, blanks
    empty = leavers.leaver_rates(OC3, 2025, header)
    assert empty["leavers"] == 0 and pd.isna(empty["eet_pct"])
