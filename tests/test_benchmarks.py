"""Benchmarks against figures read by hand from the DfE's published files (slices in tests/fixtures/dfe)."""

from __future__ import annotations

import pandas as pd
import pytest

from cpanalysis import benchmarks
from cpanalysis.errors import InputError


def test_cheshire_east_2025_against_the_published_tables():
    b = benchmarks.benchmarks("E06000049", 2025).set_index("measure")
    # cla_number_and_rate_per_10k_children.csv, 2025, "Children looked after on 31 March each year":
    # England 81770 (67 per 10,000), North West 14620 (90), Cheshire East 550 (66)
    assert b.loc["cla_at_end", ["england", "region", "la"]].tolist() == [81770, 14620, 550]
    assert b.loc["rate_per_10k", ["england", "region", "la"]].tolist() == [67, 90, 66]
    # statistical neighbours of 895 (sn_model_2025_wide.csv): Gloucestershire 57, Warwickshire 56, North Yorkshire 48,
    # Warrington 69, Wiltshire 46, Hampshire 60, Cheshire West and Chester 82, Oxfordshire 51, Worcestershire 86,
    # Leicestershire 47 -> 602 / 10 = 60.2; counts 758+727+561+310+478+1738+584+800+1036+694 = 7686 -> 768.6
    assert b.loc["rate_per_10k", "stat_neighbours"] == 60.2
    assert b.loc["cla_at_end", "stat_neighbours"] == 768.6
    # la_cla_ceased_by_reason: Cheshire East 2025 adopted 23 (11%), SGO 29 (13%) of 215 ceasing
    assert b.loc[["adopted", "ceased_adopted_pct", "ceased_sgo", "ceased_sgo_pct"], "la"].tolist() == [23, 11, 29, 13]
    # la_cla_placement_stability: Cheshire East 2025 3+ placements 60 of 550 = 11%; long-term 114 of 180 = 63%
    assert b.loc[["stability_3plus_pct", "stability_long_term_pct"], "la"].tolist() == [11, 63]


def test_neighbours_are_the_dfe_model_and_reorganised_las_are_found_under_either_code():
    sn = benchmarks.statistical_neighbours("E06000049")
    # 895's neighbours 916, 937, 815, 877, 865, 850, 896, 931, 885, 855; 815 North Yorkshire is E06000065 since
    # April 2023 and was E10000023 before
    assert [codes[0] for codes in sn] == [
        "E10000013",
        "E10000031",
        "E06000065",
        "E06000007",
        "E06000054",
        "E10000014",
        "E06000050",
        "E10000025",
        "E10000034",
        "E10000018",
    ]
    assert sn[2] == ["E06000065", "E10000023"]
    # and a neighbour list works for any LA: Warrington (877) -> first 895 Cheshire East
    assert benchmarks.statistical_neighbours("E06000007")[0] == ["E06000049"]


def test_bad_la_or_year_is_a_clear_input_error():
    with pytest.raises(InputError, match="not an English local authority"):
        benchmarks.benchmarks("E12000002", 2025)  # a region, not an LA
    with pytest.raises(InputError, match="year ending March 2015"):
        benchmarks.benchmarks("E06000049", 2015)
    # nearest: 2030 -> the latest published (2025); 2015 -> the earliest (2021): CLA 550 and 518 as published
    assert benchmarks.benchmarks("E06000049", 2030, nearest=True).set_index("measure").loc["cla_at_end", "la"] == 550
    early = benchmarks.benchmarks("E06000049", 2015, nearest=True)
    assert early["year_ending_march"].iloc[0] == 2021 and early.set_index("measure").loc["cla_at_end", "la"] == 518


def test_the_shipped_table_is_rebuilt_from_the_dfe_files(dfe_dir):
    shipped = benchmarks.load_published()
    rebuilt = benchmarks.build_reference(dfe_dir)
    pd.testing.assert_frame_equal(rebuilt.reset_index(drop=True), shipped, check_dtype=False)


def test_lait_comparators_for_the_new_measures():
    # LAIT, year ending March 2021: England 10% of children looked after went missing, average SDQ 13.7, 2% of the
    # OC2 cohort aged 10+ convicted, 52% of care leavers aged 19-21 in EET, 88% in suitable accommodation;
    # Cheshire East 10%, 14.3, (suppressed), 50%, 94%
    b = benchmarks.benchmarks("E06000049", 2021).set_index("measure")
    assert b.loc["missing_pct", ["england", "la"]].tolist() == [10, 10]
    assert b.loc["sdq_average", ["england", "la"]].tolist() == [13.7, 14.3]
    assert b.loc["convicted_pct", "england"] == 2 and pd.isna(b.loc["convicted_pct", "la"])
    assert b.loc["care_leavers_19_21_eet_pct", ["england", "la"]].tolist() == [52, 50]
    assert b.loc["care_leavers_19_21_suitable_accom_pct", ["england", "la"]].tolist() == [88, 94]
    # no comparator for the distance measure: LAIT's counts only placements outside the LA as well
    assert "placed_over_20_miles_pct" not in b.index
