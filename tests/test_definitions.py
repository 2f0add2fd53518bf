"""The measures audited against the DfE definitions (issue 20): one hand-worked history per item.

Each test states the rule it checks and where the rule comes from; every expected value is worked out by hand in
the comments. Reporting year 2023/24 (1 April 2023 - 31 March 2024) unless said otherwise.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from factories import episodes_frame, frame, header_frame

from cpanalysis import adoption, costs, population
from cpanalysis.categories import SGO, placement_category, reason_group
from cpanalysis.measures import measures_table
from cpanalysis.ssda903 import Dataset
from cpanalysis.ssda903.schema import REASON_EPISODE_CEASED, label, valid_codes

T = pd.Timestamp
Y_START, Y_END = T(2023, 4, 1), T(2024, 3, 31)


def _dataset(episodes: pd.DataFrame, header: pd.DataFrame, years: list[int], ad1: pd.DataFrame | None = None):
    empty = pd.DataFrame()
    ad1 = frame("ad1", []) if ad1 is None else ad1
    return Dataset(
        tables={"episodes": episodes, "header": header, "ad1": ad1},
        quality=empty,
        accounting=empty,
        files=pd.DataFrame({"year": years}),
        source=Path("."),
    )


def _values(table: pd.DataFrame) -> dict:
    return dict(zip(table["measure"], table["value"]))


# -- 1. Special guardianship orders: the code list of each collection year -------------------------------------------


def test_sgo_codes_by_collection_year():
    """liia-tools SSDA903_schema_2017.yml / _2018.yml list REC E43, E44 and no E45-E48; _2019.yml onwards list
    E45-E48 and no E43/E44 (collection years named by their 31 March)."""
    for year in (2017, 2018):
        assert {"E43", "E44"} <= valid_codes("REC", year)
        assert not {"E45", "E46", "E47", "E48"} & valid_codes("REC", year)
    for year in (2019, 2024):
        assert {"E45", "E46", "E47", "E48"} <= valid_codes("REC", year)
        assert not {"E43", "E44"} & valid_codes("REC", year)


def test_sgo_group_holds_every_years_codes_and_labels_are_right():
    in_schema = {c.code for c in REASON_EPISODE_CEASED if c.label.startswith("Special guardianship order")}
    assert set(SGO) == in_schema == {"E43", "E44", "E45", "E46", "E47", "E48"}
    groups = reason_group(pd.Series(["E43", "E44", "E45", "E48", "E41"]))
    assert groups.tolist() == ["Special guardianship order"] * 4 + ["Child arrangements order"]
    # 903 guidance: E45/E46 former foster carer who is / is not a relative or friend; E47/E48 other carer who is /
    # is not a relative or friend.
    assert "former foster carer" in label("REC", "E45") and "who is/are a relative" in label("REC", "E45")
    assert "former foster carer" in label("REC", "E46") and "other than relative" in label("REC", "E46")
    assert "other than former foster carer" in label("REC", "E47") and "a relative or friend" in label("REC", "E47")
    assert "other than former foster carer" in label("REC", "E48") and "not relative/friend" in label("REC", "E48")


def test_older_sgo_codes_count_in_the_measures_and_the_allowances():
    """2016/17 (collection 2017): E43 and E44 are special guardianship orders."""
    eps = episodes_frame(
        [
            # A: SGO to former foster carers (E43) on 01/10/2016; B: SGO to other carers (E44) on 01/12/2016;
            # C: returned home (E4A). Ceased 3, SGO 2 -> 66.7%.
            dict(CHILD="A", DECOM="01/01/2015", RNE="S", LS="C2", PLACE="U4", DEC="01/10/2016", REC="E43"),
            dict(CHILD="B", DECOM="01/01/2015", RNE="S", LS="C2", PLACE="U1", DEC="01/12/2016", REC="E44"),
            dict(CHILD="C", DECOM="01/01/2015", RNE="S", LS="C2", PLACE="U4", DEC="01/02/2017", REC="E4A"),
        ],
        year=2017,
    )
    header = header_frame([dict(CHILD=c, DOB="01/01/2010") for c in "ABC"], year=2017)
    values = _values(measures_table(_dataset(eps, header, [2017]), T(2016, 4, 1), T(2017, 3, 31)))
    assert (values["ceased"], values["ceased_sgo"], values["ceased_sgo_pct"]) == (3, 2, 66.7)
    # SGO allowance 2017-18: A and B, each the whole year (365 days) before their 18th birthday (2028).
    unit = pd.DataFrame(
        {"category": ["SGO allowance"], "weekly_cost_gbp": [140.0], "financial_year": ["2017-18"], "start_year": [2017]}
    )
    got = costs.sgo_allowances(eps, header, ["2017-18"], unit).iloc[0]
    assert (got["children"], got["days"], got["spend_gbp"]) == (2, 730, round(730 * 140 / 7))


# -- 4. Periods that begin with short breaks and convert: one rule for every module ---------------------------------

CONVERTS = episodes_frame(
    [
        # V: short breaks (V3) from 01/01/2023, looked after under a care order (C2) from 01/06/2023 (X1 on the same
        #    day): the DfE's start of care is 01/06/2023 -> a start in 2023/24.
        dict(CHILD="V", DECOM="01/01/2023", RNE="S", LS="V3", PLACE="U6", DEC="01/06/2023", REC="X1"),
        dict(CHILD="V", DECOM="01/06/2023", RNE="L", LS="C2", PLACE="U6"),
        # W: short breaks only: never a start.
        dict(CHILD="W", DECOM="01/05/2023", RNE="S", LS="V4", PLACE="U6", DEC="03/05/2023", REC="E8"),
        # X: V3 from 01/01/2021, C2 from 01/06/2021, E1, placed for adoption (A6) 01/06/2022, adopted 01/12/2022:
        #    entered care 01/06/2021 -> A1 = 365 days (30 + 31 + 31 + 30 + 31 + 30 + 31 + 31 + 28 + 31 + 30 + 31).
        dict(CHILD="X", DECOM="01/01/2021", RNE="S", LS="V3", PLACE="U6", DEC="01/06/2021", REC="X1"),
        dict(CHILD="X", DECOM="01/06/2021", RNE="L", LS="C2", PLACE="U6", DEC="01/01/2022", REC="X1"),
        dict(CHILD="X", DECOM="01/01/2022", RNE="L", LS="E1", PLACE="U6", DEC="01/06/2022", REC="X1"),
        dict(CHILD="X", DECOM="01/06/2022", RNE="P", LS="E1", PLACE="A6", DEC="01/12/2022", REC="E11"),
    ]
)


def test_a_period_that_converts_from_short_breaks_starts_at_the_conversion():
    """DfE statistics exclude care under an agreed series of short-term breaks: the period of care is dated from its
    first episode under another legal status (cpanalysis.periods)."""
    s = population.starts(CONVERTS, Y_START, Y_END)
    assert s[["CHILD", "PERIOD_START"]].values.tolist() == [["V", T(2023, 6, 1)]]
    j = adoption.journeys(CONVERTS, frame("ad1", []), T(2022, 4, 1), T(2023, 3, 31))
    assert j[["CHILD", "entered", "A1_days"]].values.tolist() == [["X", T(2021, 6, 1), 365]]


# -- 2. Long-term stability: same carer and temporary placements do not restart the two-year clock -----------------

LONG = episodes_frame(
    [
        # All looked after since 01/01/2020 (2.5 years before 31/03/2024 is 30/09/2021; 2 years is 31/03/2022).
        # M: U6 with a carer, who becomes the long-term carer 01/06/2023 (U4, RNE T: same carer) -> same carer since
        #    01/01/2020 -> stable.
        dict(CHILD="M", DECOM="01/01/2020", RNE="S", LS="C2", PLACE="U6", DEC="01/06/2023", REC="X1"),
        dict(CHILD="M", DECOM="01/06/2023", RNE="T", LS="C2", PLACE="U4"),
        # N: U4; carer on holiday 01/02/2024-15/02/2024 (T3), back to the same placement -> stable.
        dict(CHILD="N", DECOM="01/01/2020", RNE="S", LS="C2", PLACE="U4", DEC="01/02/2024", REC="X1"),
        dict(CHILD="N", DECOM="01/02/2024", RNE="P", LS="C2", PLACE="T3", DEC="15/02/2024", REC="X1"),
        dict(CHILD="N", DECOM="15/02/2024", RNE="P", LS="C2", PLACE="U4"),
        # O: U4; a temporary move (T4) 01/02/2024, then a new placement (U6 with an agency, PR4) 08/02/2024 -> not
        #    stable (the new placement began 08/02/2024).
        dict(CHILD="O", DECOM="01/01/2020", RNE="S", LS="C2", PLACE="U4", DEC="01/02/2024", REC="X1"),
        dict(CHILD="O", DECOM="01/02/2024", RNE="P", LS="C2", PLACE="T4", DEC="08/02/2024", REC="X1"),
        dict(CHILD="O", DECOM="08/02/2024", RNE="P", LS="C2", PLACE="U6", PLACE_PROVIDER="PR4"),
        # P: U6, placement order and long-term with the same carer 01/05/2023 (U4, RNE U: legal and placement change,
        #    same carer) -> stable.
        dict(CHILD="P", DECOM="01/01/2020", RNE="S", LS="C2", PLACE="U6", DEC="01/05/2023", REC="X1"),
        dict(CHILD="P", DECOM="01/05/2023", RNE="U", LS="E1", PLACE="U4"),
    ]
)
LONG_HEADER = header_frame([dict(CHILD=c, DOB="01/01/2015") for c in "MNOP"])


def test_long_term_stability_counts_same_carer_and_temporary_moves_as_one_placement():
    """DfE: aged under 16, looked after for 2.5 years, 'living with the same carer for at least 2 years' (Stability
    measures for children looked after in England); RNE T/U are changes with the same carer; T0-T4 are temporary
    placements the child returns from (903 guidance; validator rule 383). Eligible M, N, O, P; stable M, N, P ->
    3 of 4 = 75.0%."""
    lt = population.long_term_placements(LONG, LONG_HEADER, Y_END).set_index("CHILD")
    assert lt["placement_start"].to_dict() == {
        "M": T(2020, 1, 1),
        "N": T(2020, 1, 1),
        "O": T(2024, 2, 8),
        "P": T(2020, 1, 1),
    }
    assert population.stability_long_term(LONG, LONG_HEADER, Y_END) == {"children": 3, "eligible": 4, "percent": 75.0}


# -- 3. Three or more placements in the year: the same rule ----------------------------------------------------------

MOVES = episodes_frame(
    [
        # Q: U6; in hospital 01/05/2023-10/05/2023 (T1) and back; the carer becomes long-term 01/09/2023 (U4, RNE T);
        #    a children's home 01/11/2023 (P) -> placements in the year: the carer (U6/T1/U6/U4), K2 = 2.
        dict(CHILD="Q", DECOM="01/01/2023", RNE="S", LS="C2", PLACE="U6", DEC="01/05/2023", REC="X1"),
        dict(CHILD="Q", DECOM="01/05/2023", RNE="P", LS="C2", PLACE="T1", DEC="10/05/2023", REC="X1"),
        dict(CHILD="Q", DECOM="10/05/2023", RNE="P", LS="C2", PLACE="U6", DEC="01/09/2023", REC="X1"),
        dict(CHILD="Q", DECOM="01/09/2023", RNE="T", LS="C2", PLACE="U4", DEC="01/11/2023", REC="X1"),
        dict(CHILD="Q", DECOM="01/11/2023", RNE="P", LS="C2", PLACE="K2"),
        # R: three carers in the year (U6, U4 from 01/06/2023, K2 from 01/10/2023) -> 3.
        dict(CHILD="R", DECOM="01/01/2023", RNE="S", LS="C2", PLACE="U6", DEC="01/06/2023", REC="X1"),
        dict(CHILD="R", DECOM="01/06/2023", RNE="P", LS="C2", PLACE="U4", DEC="01/10/2023", REC="X1"),
        dict(CHILD="R", DECOM="01/10/2023", RNE="P", LS="C2", PLACE="K2"),
    ]
)


def test_three_or_more_placements_do_not_count_same_carer_or_temporary_moves():
    """Placements as the DfE counts them (population._stability_placements): Q 2, R 3 -> 1 of 2 = 50.0%."""
    p = population.placements_in_year(MOVES, Y_END).set_index("CHILD")["placements"]
    assert p.to_dict() == {"Q": 2, "R": 3}
    assert population.stability_3plus(MOVES, Y_END) == {"children": 1, "looked_after": 2, "percent": 50.0}


# -- 11. A period whose last episode ends X1 with nothing after it ---------------------------------------------------


def test_a_period_ending_x1_with_nothing_after_it_ends_there():
    """The child is not looked after after the X1 date (no open episode), so the period ends on it, reason X1
    (grouped 'Other'): starts, endings and the looked-after count agree (validation reports it as DfE rule 388)."""
    eps = episodes_frame(
        [dict(CHILD="Z", DECOM="01/05/2023", RNE="S", LS="V2", PLACE="U6", DEC="01/09/2023", REC="X1")], year=2024
    )
    c = population.ceased(eps, Y_START, Y_END)
    assert c[["CHILD", "PERIOD_END", "PERIOD_REASON", "reason_group"]].values.tolist() == [
        ["Z", T(2023, 9, 1), "X1", "Other"]
    ]
    f = population.flows(eps, [Y_END], months=12).iloc[0]
    assert (f["started"], f["ceased"], f["looked_after"]) == (1, 1, 0)


# -- 5. A1 / A10 after a disrupted adoptive placement: the placement with the family who adopted ---------------------

DISRUPTED = episodes_frame(
    [
        # D: entered 01/01/2021; placed with family 1 (A6) 01/01/2022, disrupted 01/04/2022 (back to foster care U4);
        #    placed with family 2 (A6) 01/09/2022, adopted 01/03/2023 -> A1 = A10 = 01/01/2021 to 01/09/2022 =
        #    365 + 243 = 608 days (not 365 to the first family).
        dict(CHILD="D", DECOM="01/01/2021", RNE="S", LS="C2", PLACE="U4", DEC="01/06/2021", REC="X1"),
        dict(CHILD="D", DECOM="01/06/2021", RNE="L", LS="E1", PLACE="U4", DEC="01/01/2022", REC="X1"),
        dict(CHILD="D", DECOM="01/01/2022", RNE="P", LS="E1", PLACE="A6", DEC="01/04/2022", REC="X1"),
        dict(CHILD="D", DECOM="01/04/2022", RNE="P", LS="E1", PLACE="U4", DEC="01/09/2022", REC="X1"),
        dict(CHILD="D", DECOM="01/09/2022", RNE="P", LS="E1", PLACE="A6", DEC="01/03/2023", REC="E11"),
        # E: entered 01/01/2021; family 1 (A6) 01/01/2022 to 01/03/2022; a new foster carer (U6) 01/03/2022, who
        #    adopts: placed for adoption with that carer (A5, RNE T) 01/10/2022; adopted 01/05/2023 (2023/24).
        #    A1 = 01/01/2021 to 01/10/2022 = 638 days; A10 (foster-carer adoption) = to 01/03/2022 = 424 days.
        dict(CHILD="E", DECOM="01/01/2021", RNE="S", LS="C2", PLACE="U4", DEC="01/03/2021", REC="X1"),
        dict(CHILD="E", DECOM="01/03/2021", RNE="L", LS="E1", PLACE="U4", DEC="01/01/2022", REC="X1"),
        dict(CHILD="E", DECOM="01/01/2022", RNE="P", LS="E1", PLACE="A6", DEC="01/03/2022", REC="X1"),
        dict(CHILD="E", DECOM="01/03/2022", RNE="P", LS="E1", PLACE="U6", DEC="01/10/2022", REC="X1"),
        dict(CHILD="E", DECOM="01/10/2022", RNE="T", LS="E1", PLACE="A5", DEC="01/05/2023", REC="E11"),
    ]
)


def test_a1_and_a10_after_a_disrupted_adoptive_placement():
    """DfE adoption scorecard A1: entering care to moving in with the adoptive family -- the family who adopted."""
    j = adoption.journeys(DISRUPTED, frame("ad1", []), T(2022, 4, 1), T(2024, 3, 31)).set_index("CHILD")
    assert j["placed"].to_dict() == {"D": T(2022, 9, 1), "E": T(2022, 10, 1)}
    assert j["A1_days"].to_dict() == {"D": 608, "E": 638}
    assert j["A10_days"].to_dict() == {"D": 608, "E": 424}


# -- 6. A3 'less than 14 months'; A2's match from the adoption it belongs to ----------------------------------------


def test_a3_counts_waits_of_less_than_426_days_only():
    """DfE A3: children who wait less than 14 months (the scorecard's 426 days): 425 days counts, 426 does not."""
    eps = episodes_frame(
        [
            # F: 01/01/2022 to 02/03/2023 = 365 + 60 = 425 days -> counted; G: to 03/03/2023 = 426 days -> not.
            dict(CHILD="F", DECOM="01/01/2022", RNE="S", LS="E1", PLACE="U4", DEC="02/03/2023", REC="X1"),
            dict(CHILD="F", DECOM="02/03/2023", RNE="P", LS="E1", PLACE="A6", DEC="01/09/2023", REC="E11"),
            dict(CHILD="G", DECOM="01/01/2022", RNE="S", LS="E1", PLACE="U4", DEC="03/03/2023", REC="X1"),
            dict(CHILD="G", DECOM="03/03/2023", RNE="P", LS="E1", PLACE="A6", DEC="01/09/2023", REC="E11"),
        ]
    )
    j = adoption.journeys(eps, frame("ad1", []), Y_START, Y_END).set_index("CHILD")
    assert j["A1_days"].to_dict() == {"F": 425, "G": 426}
    assert j["within_426"].to_dict() == {"F": True, "G": False}
    s = adoption.summary(j.reset_index()).set_index("measure")["value"]
    assert (s["A3_n"], s["A3_pct"]) == (1, 50.0)


def test_a2_takes_the_match_of_the_adoption_it_measures():
    """H adopted 01/03/2023 (matched 01/10/2022, AD1 of 2023), adoption broke down, back in care 01/06/2023, adopted
    again 01/03/2024 (matched 01/11/2023, AD1 of 2024). The 2022/23 adoption's A2 uses its own match: order
    01/01/2022 to 01/10/2022 = 273 days (not the later match)."""
    eps = episodes_frame(
        [
            dict(CHILD="H", DECOM="01/06/2021", RNE="S", LS="C2", PLACE="U4", DEC="01/01/2022", REC="X1"),
            dict(CHILD="H", DECOM="01/01/2022", RNE="L", LS="E1", PLACE="U4", DEC="01/11/2022", REC="X1"),
            dict(CHILD="H", DECOM="01/11/2022", RNE="P", LS="E1", PLACE="A6", DEC="01/03/2023", REC="E11"),
            dict(CHILD="H", DECOM="01/06/2023", RNE="S", LS="E1", PLACE="U4", DEC="01/12/2023", REC="X1"),
            dict(CHILD="H", DECOM="01/12/2023", RNE="P", LS="E1", PLACE="A6", DEC="01/03/2024", REC="E11"),
        ]
    )
    ad1 = pd.concat(
        [
            frame("ad1", [dict(CHILD="H", DATE_MATCH="01/10/2022", FOSTER_CARE="0")], year=2023),
            frame("ad1", [dict(CHILD="H", DATE_MATCH="01/11/2023", FOSTER_CARE="0")], year=2024),
        ],
        ignore_index=True,
    )
    first = adoption.journeys(eps, ad1, T(2022, 4, 1), T(2023, 3, 31)).iloc[0]
    assert (first["match"], first["A2_days"]) == (T(2022, 10, 1), 273)
    second = adoption.journeys(eps, ad1, Y_START, Y_END).iloc[0]
    # the second period's order is its first E1 episode, 01/06/2023 -> match 01/11/2023 = 153 days
    assert (second["match"], second["A2_days"]) == (T(2023, 11, 1), 153)


# -- 7. Rate per 10,000 past the last ONS estimate: the latest estimate, with a note, the same everywhere -------------


def test_rate_past_the_last_estimate_uses_the_latest_with_a_note():
    """The table's last Cheshire East estimate is mid-2024, 83,041 children. Year ending 31/03/2026 (needs mid-2025):
    550 / 83,041 x 10,000 = 66.23 -> 66, from mid-2024, with a note; rates_by_year gives the same row."""
    children, mid, note = population.population_estimate("E06000049", 2026)
    assert (children, mid) == (83041, 2024) and "mid-2025" in note and "mid-2024" in note
    assert population.rate_for(550, "E06000049", 2026) == 66
    assert population.population_estimate("E06000049", 2025)[1:] == (2024, "")  # the estimate itself: no note
    eps = episodes_frame([dict(CHILD="A", DECOM="01/01/2025", RNE="S", LS="C2", PLACE="U4")])
    r = population.rates_by_year(eps, "E06000049", [2025, 2026]).set_index("year_ending_march")
    assert r["mid_year"].to_dict() == {2025: 2024, 2026: 2024}
    assert r.loc[2025, "note"] == "" and r.loc[2026, "note"] == note
    assert r["rate_per_10k"].to_dict() == {2025: 0, 2026: 0}  # 1 / 83,041 x 10,000 = 0.12 -> 0


# -- 8. Placement groups ---------------------------------------------------------------------------------------------


def test_placement_groups_keep_custody_and_unknown_providers_out():
    """R5 (young offender institution or prison) is not residential care; a foster placement with no provider is
    neither in-house nor external; external = any provider but the LA's own (PR2-PR5)."""
    place = pd.Series(["R5", "K2", "R1", "U4", "U4", "U4", "U1", "U6"])
    provider = pd.Series(["PR4", "PR4", "PR4", None, "PR2", "PR5", "PR1", "PR3"])
    assert placement_category(place, provider).tolist() == [
        "Other",
        "Residential",
        "Residential",
        "Other",
        "External (IFA) foster",
        "External (IFA) foster",
        "In-house foster",
        "External (IFA) foster",
    ]


# -- 9. Data depth: blank, with the reason, where the extracts lack the history -------------------------------------


def test_long_term_stability_is_blank_without_the_history_it_needs():
    """One year of extracts (2023/24, from 01/04/2023). A: its first episode in the data began 01/12/2022 with RNE L
    (a legal change: its period began earlier, date not in the data) -- less than 2.5 years before 31/03/2024, so
    whether A has been looked after 2.5 years is unknown -> long-term stability blank with the reason. B: in care
    since 2019 by its own S episode -> known; alone it would be 1 of 1."""
    eps = episodes_frame(
        [
            dict(CHILD="A", DECOM="01/12/2022", RNE="L", LS="C2", PLACE="U4"),
            dict(CHILD="B", DECOM="01/01/2019", RNE="S", LS="C2", PLACE="U4"),
        ],
        year=2024,
    )
    header = header_frame([dict(CHILD=c, DOB="01/01/2015") for c in "AB"], year=2024)
    table = measures_table(_dataset(eps, header, [2024]), Y_START, Y_END)
    values = _values(table)
    assert all(pd.isna(values[m]) for m in ("stability_long_term_n", "stability_long_term_pct"))
    assert "1 children's periods of care began before the data" in table.attrs["notes"]["stability_long_term_pct"]
    assert not pd.isna(values["stability_3plus_pct"])  # the 12 months are in the data
    only_b = measures_table(_dataset(eps[eps["CHILD"] == "B"], header, [2024]), Y_START, Y_END)
    assert _values(only_b)["stability_long_term_pct"] == 100.0 and not any(
        m.startswith("stability") for m in only_b.attrs["notes"]
    )
    # a quarter in the first year: the 12 months to 30/06/2023 begin 01/07/2022, before the data -> blank 3+
    q1 = measures_table(_dataset(eps[eps["CHILD"] == "B"], header, [2024]), Y_START, T(2023, 6, 30))
    assert (
        pd.isna(_values(q1)["stability_3plus_pct"])
        and "the data begin 01/04/2023" in q1.attrs["notes"]["stability_3plus_pct"]
    )
