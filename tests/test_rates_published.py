"""The rate per 10,000 against the DfE's published figures: published counts + the ONS mid-year estimates in
data/reference/population.csv must give the published rates (year ending 31 March N uses mid-(N-1)).

Sources (tests/fixtures/dfe, Open Government Licence v3.0): the EES file cla_number_and_rate_per_10k_children.csv
(2021-2025; looked after at 31 March, starting, ceasing; LA counts exact, regional and national counts rounded to the
nearest 10) and LAIT (its long table reduced to lait_cla_at_31_march.csv; looked after at 31 March, 2016-2025).
"""

from __future__ import annotations

import pandas as pd
import pytest

from cpanalysis import population
from cpanalysis.errors import InputError
from cpanalysis.paths import REFERENCE

CHESHIRE_EAST = "E06000049"


@pytest.fixture(scope="module")
def pop() -> pd.DataFrame:
    return population.load_population()


@pytest.fixture(scope="module")
def ees(dfe_dir) -> pd.DataFrame:
    pub = pd.read_csv(dfe_dir / "cla_number_and_rate_per_10k_children.csv", dtype=str, encoding="utf-8-sig")
    level = pub["geographic_level"]
    pub["code"] = (
        pub["new_la_code"]
        .where(level == "Local authority")
        .fillna(pub["region_code"].where(level == "Regional"))
        .fillna(pub["country_code"])
    )
    published = pub["children_count"].str.fullmatch(r"\d+") & pub["rate_per_10000"].str.fullmatch(r"\d+")
    return pub[published.fillna(False)].reset_index(drop=True)


@pytest.fixture(scope="module")
def lait(dfe_dir) -> pd.DataFrame:
    raw = pd.read_csv(dfe_dir / "lait_cla_at_31_march.csv", dtype=str)
    wide = raw.pivot_table(
        index=["LA Number", "LA and Regions", "Years"], columns="Short Desc", values="Values", aggfunc="first"
    ).reset_index()
    wide = wide[wide["LAC"].str.fullmatch(r"\d+", na=False) & wide["LACnum"].str.fullmatch(r"\d+", na=False)]
    return wide.assign(
        la_number=wide["LA Number"].astype(int).astype(str),
        year=wide["Years"].astype(int),
        children=wide["LACnum"].astype(int),
        rate=wide["LAC"].astype(int),
    )


def test_cheshire_east_every_published_year(lait, ees, pop):
    # LAIT, Cheshire East (LA 895), looked after at 31 March 2016..2025: counts 391 ... 550, rates 52 ... 66
    ce = lait[lait["la_number"] == "895"].sort_values("year")
    assert list(ce["year"]) == list(range(2016, 2026))
    assert list(ce["children"]) == [391, 428, 476, 485, 534, 518, 522, 580, 541, 550]  # as the DfE README lists
    got = [population.rate_for(n, CHESHIRE_EAST, y, pop) for n, y in zip(ce["children"], ce["year"])]
    assert got == [52, 57, 63, 64, 70, 67, 67, 72, 66, 66] == list(ce["rate"])
    # EES, 2021..2025: looked after, starting and ceasing (15 published rates)
    rows = ees[ees["code"] == CHESHIRE_EAST]
    assert len(rows) == 15
    for r in rows.itertuples():
        assert population.rate_for(int(r.children_count), CHESHIRE_EAST, int(r.time_period), pop) == int(
            r.rate_per_10000
        ), r


def test_every_la_in_the_ees_file(ees, pop):
    las = ees[ees["geographic_level"] == "Local authority"]
    misses, checked = [], 0
    for r in las.itertuples():
        try:
            rate = population.rate_for(int(r.children_count), r.code, int(r.time_period), pop)
        except InputError:
            misses.append((r.code, r.time_period, "no population"))
            continue
        checked += 1
        if rate != int(r.rate_per_10000):
            misses.append((r.code, r.time_period, r.population_type, rate, r.rate_per_10000))
    # every published LA rate 2021-2025 (three measures, ~150 LAs) is reproduced, the renamed North Yorkshire and
    # Somerset included (found through their DfE LA numbers)
    assert misses == [] and checked > 2200


def test_regions_and_england_consistent_with_rounded_counts(ees, pop):
    # regional and national counts are published rounded to the nearest 10: the published rate must be the rate of
    # some count within 5 of the published one
    agg = ees[ees["geographic_level"] != "Local authority"]
    assert len(agg) > 150
    for r in agg.itertuples():
        denominator = population.population_for(r.code, int(r.time_period), pop)
        n = int(r.children_count)
        possible = {population.rate_per_10k(c, denominator) for c in range(max(n - 5, 0), n + 5)}
        assert int(r.rate_per_10000) in possible, r
    # England, 31 March 2025: 81,770 children / mid-2024 12,183,016 x 10,000 = 67.1 -> 67 (published 67)
    assert population.rate_for(81770, "E92000001", 2025, pop) == 67


def test_every_la_in_lait_from_2019(lait, pop):
    # LAIT's rates for 2016-2018 were computed with the ONS estimates of the time, since revised (the revised series
    # in population.csv reproduces only ~40% of them); from 2019 every LA rate is reproduced.
    recent = lait[lait["year"] >= 2019]
    by_number = pop[pop["level"] == "Local authority"].set_index(["old_la_code", "mid_year"])["population_0_17"]
    by_number = by_number[~by_number.index.duplicated()]
    checked, misses = 0, []
    for r in recent.itertuples():
        key = (r.la_number, r.year - 1)
        if key not in by_number.index:
            continue  # an LA that no longer exists as such (e.g. pre-2019 Dorset)
        checked += 1
        if population.rate_per_10k(r.children, by_number[key]) != r.rate:
            misses.append((r.la_number, r.year))
    assert misses == [] and checked > 1000


def test_population_table_attribution_and_columns():
    readme = (REFERENCE / "README.md").read_text(encoding="utf-8")
    assert "population.csv" in readme and "Open Government Licence v3.0" in readme
    pop = population.load_population()
    assert {"area_code", "old_la_code", "mid_year", "population_0_17"} <= set(pop.columns)
    assert pop["mid_year"].min() == 2012 and pop["mid_year"].max() == 2024
