"""The measures table (`cpanalysis.measures.measures_table`) and `cpanalysis measures`: every value worked out by
hand on the hand-made histories of tests/factories.py (children A-G and the adoptions), the fixed CSV contract other
tools read on the public fake 903 sets, and clear errors.

Reporting year 2023/24: 1 April 2023 - 31 March 2024.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from factories import (
    adoption_ad1,
    adoption_episodes,
    care_leavers_oc3,
    header_frame,
    population_episodes,
    population_header,
    population_uasc,
)

from cpanalysis.errors import InputError
from cpanalysis.measures import measures_table
from cpanalysis.ssda903 import Dataset

T = pd.Timestamp
Y_START, Y_END = T(2023, 4, 1), T(2024, 3, 31)
CONTRACT = ["cla_at_end", "starts", "ceased", "adopted", "ceased_sgo"]
COUNTS = CONTRACT + ["A2_children", "A3_n", "waiting_for_adoption", "stability_3plus_n", "stability_long_term_n"]
AD1, UASC, OC3 = adoption_ad1(), population_uasc(), care_leavers_oc3()


def _dataset(episodes: pd.DataFrame, header: pd.DataFrame, ad1: pd.DataFrame, uasc: pd.DataFrame) -> Dataset:
    empty = pd.DataFrame()
    return Dataset(
        tables={"episodes": episodes, "header": header, "ad1": ad1, "uasc": uasc, "oc3": OC3},
        quality=empty,
        accounting=empty,
        files=pd.DataFrame({"year": [2024]}),
        source=Path("."),
    )


ALL_EPISODES = pd.concat([population_episodes(), adoption_episodes()], ignore_index=True).sort_values(
    ["CHILD", "DECOM"]
)
ADOPTION_HEADER = header_frame(
    [dict(CHILD=c, DOB="01/01/2021") for c in ["P", "Q", "R", "V", "W", "X", "S", "Y", "Z"]]
    + [dict(CHILD="AA", DOB="01/01/2021")]
)
# X4, a care leaver in OC3 with no DOB there, has it in the header: 01/01/2003
ALL_HEADER = pd.concat(
    [population_header(), ADOPTION_HEADER, header_frame([dict(CHILD="X4", DOB="01/01/2003")])], ignore_index=True
)

# The population histories (A-G) and the adoption histories together, 2023/24, by hand:
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
    "care_leavers_19_21_suitable_accom_pct": 0.0,
    # aged 17-21: X1 (17) and the three above
    "care_leavers": 4,
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
    assert {m: values[m] for m in EXPECTED} == EXPECTED
    # no Reviews, Missing or OC2 table in these data: those measures are listed blank, with the reason
    assert pd.isna(values["reviews_in_time_pct"]) and pd.isna(values["missing_children"])
    assert pd.isna(values["oc2_cohort"])
    assert "no reviews table" in table.attrs["notes"]["reviews_held"]


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
    assert {m: values[m] for m in EXPECTED} == EXPECTED
    assert "note: A1_3yr: needs the three years" in res.stderr


def _measures(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cpanalysis.cli", "measures", *args], capture_output=True, text=True)


def test_contract_on_the_public_sample(tmp_path, d2i_sample):
    out = tmp_path / "m.csv"
    res = _measures(
        str(d2i_sample),
        "--start",
        "2019-04-01",
        "--end",
        "2020-03-31",
        "--output",
        str(out),
        "--la-code",
        "E06000049",
    )
    assert res.returncode == 0, res.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("measure,value\n") and "\r" not in text
    table = pd.read_csv(out)
    assert list(table.columns) == ["measure", "value"]
    measures = list(table["measure"])
    assert measures[:5] == CONTRACT and {"A1", "A2", "A10", "A3_pct", "rate_per_10k"} <= set(measures)
    assert len(measures) == len(set(measures))
    values = table.set_index("measure")["value"]
    # counts are written as whole numbers (no "177.0"), means and percentages with at most one decimal
    lines = dict(line.split(",", 1) for line in text.splitlines()[1:])
    assert all(lines[m].isdigit() for m in COUNTS)
    assert all(lines[m] == "" or len(lines[m].partition(".")[2]) <= 1 for m in lines)
    # the adopted and SGO leavers are among the ceased; the rate is the looked-after count over Cheshire East's ONS
    # mid-2019 estimate (year ending 31/03/2020), 76,769 children aged 0-17, x 10,000, rounded
    assert values["adopted"] + values["ceased_sgo"] <= values["ceased"]
    assert values["rate_per_10k"] == int(values["cla_at_end"] / 76769 * 10000 + 0.5)


@pytest.mark.parametrize(
    "start, end, message",
    [
        ("2020-04-01", "2019-03-31", "the period is empty"),
        ("2019-13-01", "2020-03-31", "not a date"),
        ("2019-02-30", "2020-03-31", "--start '2019-02-30' is not a date"),
    ],
)
def test_bad_dates_exit_2_with_a_message(start, end, message, d2i_validator):
    res = _measures(str(d2i_validator), "--start", start, "--end", end)
    assert res.returncode == 2 and message in res.stderr and "Traceback" not in res.stderr


def test_missing_data_folder_exits_2(tmp_path):
    res = _measures(str(tmp_path / "nowhere"), "--start", "2019-04-01", "--end", "2020-03-31")
    assert res.returncode == 2 and "Traceback" not in res.stderr


def test_a_folder_without_the_other_tables_lists_their_measures_blank(tmp_path, d2i_sample):
    import shutil

    from cpanalysis.measures import DISTANCE, HEALTH, LEAVERS, MISSING, REVIEWS

    for name in ("2019-episodes.csv", "2019-header.csv", "2020-episodes.csv", "2020-header.csv"):
        shutil.copy(d2i_sample / name, tmp_path / name)
    res = _measures(str(tmp_path), "--start", "2019-04-01", "--end", "2020-03-31")
    assert res.returncode == 0, res.stderr
    lines = dict(line.split(",", 1) for line in res.stdout.splitlines()[1:])
    for m in REVIEWS + DISTANCE + MISSING + HEALTH + LEAVERS:
        assert lines[m] == "", m
    for table in ("reviews", "missing", "oc2", "oc3"):
        assert f"no {table} table in the data" in res.stderr
    assert "no PL_DISTANCE" in res.stderr


def test_every_measure_of_the_issue_is_listed(d2i_sample):
    res = _measures(str(d2i_sample), "--start", "2019-04-01", "--end", "2020-03-31")
    assert res.returncode == 0, res.stderr
    names = {line.split(",", 1)[0] for line in res.stdout.splitlines()[1:]}
    wanted = {
        "care_leavers",
        "reviews_in_time_pct",
        "children_reviews_all_in_time_pct",
        "review_participation_pct",
        "placed_over_20_miles_pct",
        "missing_children",
        "missing_5plus",
        "away_children",
        "oc2_cohort",
        "health_check_pct",
        "immunisations_pct",
        "teeth_check_pct",
        "health_assessment_under5_pct",
        "sdq_20plus_pct",
        "sdq_average",
        "convicted_pct",
    }
    for group in ("17_18", "19_21"):
        wanted |= {f"care_leavers_{group}_{m}_pct" for m in ("eet", "suitable_accom", "in_touch")}
    assert wanted <= names
