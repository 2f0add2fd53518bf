"""The synthetic LA: calibrated to the targets in data/reference/synthetic_calibration.csv, valid against the
project's own validator, deterministic, and messy on request with the expected findings."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from cpanalysis import adoption, population
from cpanalysis.paths import REFERENCE
from cpanalysis.ssda903 import load
from cpanalysis.synth import ensure_default, generate

TARGETS = pd.read_csv(REFERENCE / "synthetic_calibration.csv")


@pytest.fixture(scope="module")
def data():
    return load(ensure_default())


def _years(spec: str) -> list[int]:
    a, _, b = spec.partition("-")
    return list(range(int(a), int(b or a) + 1))


def _metric(data, metric: str, year: int) -> float:
    eps, end = data["episodes"], pd.Timestamp(year, 3, 31)
    start = pd.Timestamp(year - 1, 4, 1)
    mix = population.cla_breakdown(eps, end, "placement").set_index("placement")["percent"]
    if metric == "cla_at_31_march":
        return population.cla_count(eps, end)
    if metric == "starts_per_year":
        return population.starts(eps, start, end)["CHILD"].nunique()
    if metric == "foster_pct":
        return mix.get("In-house foster", 0) + mix.get("External (IFA) foster", 0)
    if metric == "in_house_share_of_foster_pct":
        return (
            100 * mix.get("In-house foster", 0) / (mix.get("In-house foster", 0) + mix.get("External (IFA) foster", 0))
        )
    if metric == "residential_pct":
        return mix.get("Residential", 0) + mix.get("Secure", 0) + mix.get("Residential school", 0)
    if metric == "placed_with_parents_pct":
        return mix.get("Placed with parents", 0)
    if metric == "supported_pct":
        return mix.get("Supported / semi-independent", 0)
    if metric == "placed_for_adoption_pct":
        return mix.get("Placed for adoption", 0)
    three = pd.Timestamp(year - 3, 4, 1)
    if metric == "adopted_per_year_3yr_avg":
        return len(adoption.journeys(eps, data["ad1"], three, end)) / 3
    if metric == "sgo_per_year_3yr_avg":
        c = population.ceased(eps, three, end)
        return (c["reason_group"] == "Special guardianship order").sum() / 3
    if metric in ("A1_3yr_avg", "A2_3yr_avg"):
        j = adoption.journeys(eps, data["ad1"], three, end)
        return j[metric[:2] + "_days"].mean()
    if metric == "stability_3plus_pct":
        return population.stability_3plus(eps, end)["percent"]
    if metric == "uasc_at_31_march":
        return population.cla_at(eps, end, uasc=data["uasc"])["uasc"].sum()
    if metric == "short_break_children":
        return eps.loc[eps["LS"].isin(["V3", "V4"]), "CHILD"].nunique()
    raise KeyError(metric)


@pytest.mark.parametrize("row", TARGETS.to_dict(orient="records"), ids=lambda r: r["metric"])
def test_calibration(data, row):
    years = _years(row["years"])
    if row["metric"] == "short_break_children":
        values = [_metric(data, row["metric"], years[-1])]
    else:
        values = [_metric(data, row["metric"], y) for y in years]
    for year, value in zip(years, values):
        assert row["low"] <= value <= row["high"], (
            f"{row['metric']} {year}: {value:.1f} not in [{row['low']}, {row['high']}]"
        )


def test_default_set_validates_clean(data):
    errors = data.quality[data.quality["severity"].isin(["error", "warning"])]
    assert errors.empty, errors.head().to_string()
    assert data.years == list(range(2012, 2022))
    assert (ensure_default() / "SYNTHETIC").exists()


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for f in sorted(folder.glob("*.csv")):
        h.update(f.name.encode() + f.read_bytes())
    return h.hexdigest()


def test_same_seed_same_bytes(tmp_path):
    a = generate(tmp_path / "a", seed=7, first_year=2018, last_year=2020, scale=0.3)
    b = generate(tmp_path / "b", seed=7, first_year=2018, last_year=2020, scale=0.3)
    c = generate(tmp_path / "c", seed=8, first_year=2018, last_year=2020, scale=0.3)
    assert _digest(a) == _digest(b) != _digest(c)


def test_messy_output_produces_the_expected_findings(tmp_path):
    data = load(generate(tmp_path, seed=3, first_year=2018, last_year=2020, scale=0.5, messy=True))
    rules = set(data.quality["rule"])
    assert {"duplicate_row", "lower_case_code", "whitespace", "iso_date", "invalid_code", "superseded"} <= rules
    invalid = data.quality[data.quality["rule"] == "invalid_code"]
    assert set(invalid["message"].str.extract(r"code '(\w+)'")[0]) == {"PR9"}
    acc = data.accounting
    assert (acc["used"] + acc["rejected"] == acc["rows_read"]).all()
