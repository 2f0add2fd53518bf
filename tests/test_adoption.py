"""Adoption timeliness (A1, A2, A10, A3), children waiting, and the measures table / CLI on hand-made histories.

Reporting year 2023/24: 1 April 2023 - 31 March 2024. Every expected value is worked out by hand in the comments.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from factories import episodes_frame, frame, header_frame
from test_population import EPISODES as POPULATION_EPISODES
from test_population import HEADER as POPULATION_HEADER
from test_population import OC3, UASC

from cpanalysis import adoption
from cpanalysis.errors import InputError
from cpanalysis.measures import measures_table
from cpanalysis.ssda903 import Dataset

T = pd.Timestamp
Y_START, Y_END = T(2023, 4, 1), T(2024, 3, 31)

ADOPTIONS = episodes_frame(
    [
        # P: entered 01/01/2022, placement order (E1) 01/07/2022, placed A6 01/03/2023, adopted 01/10/2023.
        #    A1 = 01/01/2022 -> 01/03/2023 = 365 + 31 + 28 = 424; match 01/01/2023: A2 = 01/07/2022 -> 01/01/2023 = 184.
        dict(CHILD="P", DECOM="01/01/2022", RNE="S", LS="C1", PLACE="U4", DEC="01/07/2022", REC="X1"),
        dict(CHILD="P", DECOM="01/07/2022", RNE="L", LS="E1", PLACE="U4", DEC="01/03/2023", REC="X1"),
        dict(CHILD="P", DECOM="01/03/2023", RNE="P", LS="E1", PLACE="A6", DEC="01/10/2023", REC="E11"),
        # Q: adopted by the foster carer. Entered 01/02/2022 (U6); moves to carer X (U4, RNE P) 01/05/2022; legal change
        #    (L) 01/07/2022; order and a new placement type with X (U5, RNE U) 01/09/2022; placed A5 with X (RNE T)
        #    01/06/2023; adopted 01/12/2023 (E12). Match 01/08/2022 is BEFORE the order: A2 = 0.
        #    A1 = 01/02/2022 -> 01/06/2023 = 365 + 28 + 31 + 30 + 31 = 485. A10 traces back T -> U -> L to the P episode
        #    of 01/05/2022: 01/02/2022 -> 01/05/2022 = 28 + 31 + 30 = 89.
        dict(CHILD="Q", DECOM="01/02/2022", RNE="S", LS="C1", PLACE="U6", DEC="01/05/2022", REC="X1"),
        dict(CHILD="Q", DECOM="01/05/2022", RNE="P", LS="C1", PLACE="U4", DEC="01/07/2022", REC="X1"),
        dict(CHILD="Q", DECOM="01/07/2022", RNE="L", LS="C2", PLACE="U4", DEC="01/09/2022", REC="X1"),
        dict(CHILD="Q", DECOM="01/09/2022", RNE="U", LS="E1", PLACE="U5", DEC="01/06/2023", REC="X1"),
        dict(CHILD="Q", DECOM="01/06/2023", RNE="T", LS="E1", PLACE="A5", DEC="01/12/2023", REC="E12"),
        # R: adopted with no placement order (V2, consent): excluded from A2. A1 = 01/06/2022 -> 01/06/2023 = 365.
        dict(CHILD="R", DECOM="01/06/2022", RNE="S", LS="V2", PLACE="U6", DEC="01/06/2023", REC="X1"),
        dict(CHILD="R", DECOM="01/06/2023", RNE="P", LS="V2", PLACE="A4", DEC="01/02/2024", REC="E11"),
        # V: AD1 says adopted by the foster carer (FOSTER_CARE 1) though the placement is coded A6 (RNE T, same carer).
        #    Entered 01/03/2022 (U4); order (L) 01/08/2022; A6 01/01/2023; adopted 01/09/2023. Match 01/11/2022.
        #    A1 = 01/03/2022 -> 01/01/2023 = 306; A2 = 01/08/2022 -> 01/11/2022 = 92; A10: back over T, L to the S
        #    episode: 0 days.
        dict(CHILD="V", DECOM="01/03/2022", RNE="S", LS="C2", PLACE="U4", DEC="01/08/2022", REC="X1"),
        dict(CHILD="V", DECOM="01/08/2022", RNE="L", LS="E1", PLACE="U4", DEC="01/01/2023", REC="X1"),
        dict(CHILD="V", DECOM="01/01/2023", RNE="T", LS="E1", PLACE="A6", DEC="01/09/2023", REC="E11"),
        # W: an earlier period (2019, went home), re-entered 01/06/2022; order 01/09/2022; placed A4 01/02/2023; adopted
        #    01/03/2024. A1 counts from the period that ended in adoption: 01/06/2022 -> 01/02/2023 = 245;
        #    match 01/01/2023: A2 = 01/09/2022 -> 01/01/2023 = 122.
        dict(CHILD="W", DECOM="01/01/2019", RNE="S", LS="C2", PLACE="U4", DEC="01/01/2020", REC="E4A"),
        dict(CHILD="W", DECOM="01/06/2022", RNE="S", LS="C2", PLACE="U4", DEC="01/09/2022", REC="X1"),
        dict(CHILD="W", DECOM="01/09/2022", RNE="L", LS="E1", PLACE="U4", DEC="01/02/2023", REC="X1"),
        dict(CHILD="W", DECOM="01/02/2023", RNE="P", LS="E1", PLACE="A4", DEC="01/03/2024", REC="E11"),
        # X: adopted 01/03/2023, before the year: not in the 2023/24 figures.
        dict(CHILD="X", DECOM="01/01/2021", RNE="S", LS="E1", PLACE="U4", DEC="01/06/2022", REC="X1"),
        dict(CHILD="X", DECOM="01/06/2022", RNE="P", LS="E1", PLACE="A4", DEC="01/03/2023", REC="E11"),
        # Waiting at 31/03/2024 --
        # S: order 01/06/2023, still in foster care: waiting 01/06/2023 -> 31/03/2024 = 304 days
        dict(CHILD="S", DECOM="01/01/2023", RNE="S", LS="C1", PLACE="U6", DEC="01/06/2023", REC="X1"),
        dict(CHILD="S", DECOM="01/06/2023", RNE="L", LS="E1", PLACE="U6"),
        # Y: order 01/03/2023, placed A4 01/06/2023, placement broke down 01/11/2023 (back to U6): waiting again,
        #    since the order: 01/03/2023 -> 31/03/2024 = 366 (2024 is a leap year) + 30 = 396 days
        dict(CHILD="Y", DECOM="01/01/2022", RNE="S", LS="C2", PLACE="U4", DEC="01/03/2023", REC="X1"),
        dict(CHILD="Y", DECOM="01/03/2023", RNE="L", LS="E1", PLACE="U4", DEC="01/06/2023", REC="X1"),
        dict(CHILD="Y", DECOM="01/06/2023", RNE="P", LS="E1", PLACE="A4", DEC="01/11/2023", REC="X1"),
        dict(CHILD="Y", DECOM="01/11/2023", RNE="P", LS="E1", PLACE="U6"),
        # Z: order 01/03/2023 revoked 01/09/2023 (back to a care order): not waiting
        dict(CHILD="Z", DECOM="01/01/2022", RNE="S", LS="C2", PLACE="U4", DEC="01/03/2023", REC="X1"),
        dict(CHILD="Z", DECOM="01/03/2023", RNE="L", LS="E1", PLACE="U4", DEC="01/09/2023", REC="X1"),
        dict(CHILD="Z", DECOM="01/09/2023", RNE="L", LS="C2", PLACE="U4"),
        # AA: placed for adoption 01/01/2024, not yet adopted: not waiting
        dict(CHILD="AA", DECOM="01/01/2022", RNE="S", LS="C2", PLACE="U4", DEC="01/03/2023", REC="X1"),
        dict(CHILD="AA", DECOM="01/03/2023", RNE="L", LS="E1", PLACE="U4", DEC="01/01/2024", REC="X1"),
        dict(CHILD="AA", DECOM="01/01/2024", RNE="P", LS="E1", PLACE="A4"),
    ]
)
AD1 = frame(
    "ad1",
    [
        dict(CHILD="P", DATE_MATCH="01/01/2023", FOSTER_CARE="0"),
        dict(CHILD="Q", DATE_MATCH="01/08/2022", FOSTER_CARE="1"),
        dict(CHILD="R", DATE_MATCH="01/05/2023", FOSTER_CARE="0"),
        dict(CHILD="V", DATE_MATCH="01/11/2022", FOSTER_CARE="1"),
        dict(CHILD="W", DATE_MATCH="01/01/2023", FOSTER_CARE="0"),
    ],
    year=2024,
)


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


def _dataset(episodes: pd.DataFrame, header: pd.DataFrame, ad1: pd.DataFrame, uasc: pd.DataFrame) -> Dataset:
    empty = pd.DataFrame()
    return Dataset(
        tables={"episodes": episodes, "header": header, "ad1": ad1, "uasc": uasc, "oc3": OC3},
        quality=empty,
        accounting=empty,
        files=pd.DataFrame({"year": [2024]}),
        source=Path("."),
    )


ALL_EPISODES = pd.concat([POPULATION_EPISODES, ADOPTIONS], ignore_index=True).sort_values(["CHILD", "DECOM"])
ADOPTION_HEADER = header_frame(
    [dict(CHILD=c, DOB="01/01/2021") for c in ["P", "Q", "R", "V", "W", "X", "S", "Y", "Z"]]
    + [dict(CHILD="AA", DOB="01/01/2021")]
)
# X4, a care leaver in OC3 (test_population) with no DOB there, has it in the header: 01/01/2003
ALL_HEADER = pd.concat(
    [POPULATION_HEADER, ADOPTION_HEADER, header_frame([dict(CHILD="X4", DOB="01/01/2003")])], ignore_index=True
)

# The population histories (test_population) and the adoption histories above together, 2023/24, by hand:
# looked after at 31/03/2024: A, C, F + S, Y, Z, AA = 7; starts: B, C, F, G (no adoption history starts then) = 4;
# ceased: B, C, E, G + P, Q, R, V, W = 9 children; last endings: adopted P, Q, R, V, W = 5 (55.6%), SGO E, G = 2
# (22.2%); A1/A2/A10/A3 as in test_summary_by_hand. Placements at 31/03/2024: in-house foster (U1-U6, PR1) A, S, Y,
# Z = 4; external 0; residential C = 1 of 7 = 14.3%. Waiting: Y, S = 2.
# 3+ placements in 2023/24: A 1, C 2 (U6, K2), F 1, S 1, Y 3 (U4 via L, A4, U6), Z 1, AA 2 -> Y: 1 of 7 = 14.3%.
# Long-term: under 16, in care since 30/09/2021 or before: only A (since 01/01/2020, never moved) -> 1 of 1 = 100.0%.
# Care leavers aged 19-21 in OC3 2024 (year ending 31/03/2024): X2, X3 (19), X4 (21) = 3; in touch X3 = 33.3%;
# EET X3 (P3) = 33.3%; suitable accommodation none (B2, Z2 not suitable, 01 not a code) = 0.0%.
# Rate (Cheshire East, year ending 31/03/2024 -> mid-2023 81,832): 7 / 81,832 x 10,000 = 0.86 -> 1.
EXPECTED = {
    "cla_at_end": 7,
    "starts": 4,
    "ceased": 9,
    "adopted": 5,
    "ceased_sgo": 2,
    "ceased_adopted_pct": 55.6,
    "ceased_sgo_pct": 22.2,
    "A1": 365.0,
    "A2": 99.5,
    "A10": 224.6,
    "A3_pct": 80.0,
    "A2_children": 4,
    "A3_n": 4,
    "in_house_foster": 4,
    "external_foster": 0,
    "residential_pct": 14.3,
    "waiting_for_adoption": 2,
    "stability_3plus_n": 1,
    "stability_3plus_pct": 14.3,
    "stability_long_term_n": 1,
    "stability_long_term_eligible": 1,
    "stability_long_term_pct": 100.0,
    "care_leavers_19_21": 3,
    "care_leavers_19_21_in_touch_pct": 33.3,
    "care_leavers_19_21_eet_pct": 33.3,
    "care_leavers_19_21_suitable_pct": 0.0,
    "rate_per_10k": 1,
}


def test_measures_table_by_hand():
    data = _dataset(ALL_EPISODES, ALL_HEADER, AD1, UASC)
    table = measures_table(data, Y_START, Y_END, la_code="E06000049")
    assert list(table.columns) == ["measure", "value"]
    values = dict(zip(table["measure"], table["value"]))
    # one year of extracts: the 3-year adoption averages are blank, with the reason (issue 20)
    three = {m: values.pop(m) for m in list(values) if m.endswith("_3yr")}
    assert sorted(three) == ["A10_3yr", "A1_3yr", "A2_3yr", "A3_pct_3yr", "adopted_3yr"]
    assert all(pd.isna(v) for v in three.values()) and "the data begin 01/04/2023" in table.attrs["notes"]["A1_3yr"]
    assert values == EXPECTED


@pytest.mark.parametrize(
    "start, end, message",
    [
        ("2024-04-01", "2023-03-31", "the period is empty"),
        ("2023-13-01", "2024-03-31", "is not a date"),
        (None, "2024-03-31", "blank"),
        # the data are the 2023/24 extracts: 01/04/2023 to 31/03/2024
        ("2023-04-01", "2024-06-30", "after the last date in the data"),
        ("2023-01-01", "2024-03-31", "before the data begin"),
    ],
)
def test_measures_table_bad_dates(start, end, message):
    with pytest.raises(InputError, match=message):
        measures_table(_dataset(ALL_EPISODES, ALL_HEADER, AD1, UASC), start, end)


def _write_903(folder: Path) -> None:
    """The same histories as 2023/24 903 CSV extracts (dates dd/mm/yyyy)."""
    folder.mkdir()
    tables = {"episodes": ALL_EPISODES, "header": ALL_HEADER, "ad1": AD1, "uasc": UASC, "oc3": OC3}
    for name, df in tables.items():
        out = df.drop(columns=["YEAR", "SOURCE_FILE", "SOURCE_ROW"]).copy()
        for col in out.columns:
            if pd.api.types.is_datetime64_any_dtype(out[col]):
                out[col] = out[col].dt.strftime("%d/%m/%Y")
        out.to_csv(folder / f"2024-{name}.csv", index=False)


def test_measures_cli_end_to_end(tmp_path):
    folder = tmp_path / "extracts"
    _write_903(folder)
    out = tmp_path / "measures.csv"
    cmd = [
        sys.executable,
        "-m",
        "cpanalysis.cli",
        "measures",
        str(folder),
        "--start",
        "2023-04-01",
        "--end",
        "2024-03-31",
        "--output",
        str(out),
        "--la-code",
        "E06000049",
    ]
    res = subprocess.run(cmd, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    text = out.read_text()
    assert text.startswith("measure,value\ncla_at_end,7\n") and "\nA2_children,4\n" in text  # counts as integers
    table = pd.read_csv(out)
    assert list(table.columns) == ["measure", "value"]
    assert list(table["measure"][:9]) == [
        "cla_at_end",
        "starts",
        "ceased",
        "adopted",
        "ceased_sgo",
        "ceased_adopted_pct",
        "ceased_sgo_pct",
        "A1",
        "A2",
    ]
    values = dict(zip(table["measure"], table["value"]))
    assert all(pd.isna(values.pop(m)) for m in list(values) if m.endswith("_3yr"))
    assert values == EXPECTED
    assert "note: A1_3yr: needs the three years" in res.stderr


def test_measures_cli_reversed_period_exits_2(tmp_path):
    folder = tmp_path / "extracts"
    _write_903(folder)
    cmd = [
        sys.executable,
        "-m",
        "cpanalysis.cli",
        "measures",
        str(folder),
        "--start",
        "2024-04-01",
        "--end",
        "2024-03-31",
    ]
    res = subprocess.run(cmd, capture_output=True, text=True)
    assert res.returncode == 2 and "the period is empty" in res.stderr and "Traceback" not in res.stderr
