"""Regions (cpanalysis.region, cpanalysis.synth.region): many authorities on Dask, and their comparison.

- The comparison's regional figures and its disclosure control on hand-made authority results (worked by hand).
- On a LocalCluster of two in-process workers: four small synthetic authorities and one broken one; each
  authority's measures equal a single-authority run's; the broken one is reported and the others go on; the same
  results on one worker; a pooled extract with an LA column gives the same as one folder per LA.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cpanalysis.cli import main
from cpanalysis.disclosure import MARKER
from cpanalysis.errors import InputError
from cpanalysis.measures import measures_table
from cpanalysis.region import (
    Authority,
    AuthorityResult,
    RegionRun,
    analyse_authority,
    authorities,
    authority_seed,
    comparison,
    pack_table,
    run_region,
    spend_per_child,
    suppressed,
    write_pack,
    write_packs,
    year_to,
)
from cpanalysis.ssda903 import load
from cpanalysis.synth import generate_region

T = pd.Timestamp
END = T(2021, 3, 31)
SIMS = 40


# ---------------------------------------------------------------- hand-made results
def _result(code, cla, in_house, residential_pct, adopted, a1, now, at12, sims, care_days, spend_gbp):
    measures = pd.DataFrame(
        {
            "measure": [
                "cla_at_end",
                "in_house_foster",
                "external_foster",
                "residential_pct",
                "adopted",
                "A1",
                "A2_children",
                "A2",
                "stability_3plus_n",
                "stability_3plus_pct",
                "spend_per_child_gbp",
            ],
            "value": pd.Series(
                [cla, in_house, 10, residential_pct, adopted, a1, 0, np.nan, 6, round(600 / cla, 1), 0.0],
                dtype=object,
            ),
        }
    )
    projection = pd.DataFrame(
        {
            "months": [0, 12, 24, 36],
            "central": [now, at12, at12, at12],
            "lower": [now, at12 - 2, at12 - 2, at12 - 2],
            "upper": [now, at12 + 2, at12 + 2, at12 + 2],
        }
    )
    spend = pd.DataFrame(
        {"category": ["In-house foster", "Other"], "care_days": [care_days, 365], "spend_gbp": [spend_gbp, np.nan]}
    )
    card = pd.DataFrame({"RAG": ["Green", "Green", "Red", ""]})
    return AuthorityResult(
        code,
        period_end=END,
        measures=measures,
        scorecard=card,
        projection=projection,
        simulated_totals=np.array(sims, dtype=float),
        spend=spend,
    )


@pytest.fixture()
def hand_run() -> RegionRun:
    # Halton (E06000006, 27,662 children aged 0-17 mid-2020) and Warrington (E06000007, 43,406)
    a = _result("E06000006", 40, 10, 10.0, 6, 400.0, 40, 44, [[44, 44, 44], [46, 46, 46]], 3650, 365000.0)
    b = _result("E06000007", 60, 30, 5.0, 4, 300.0, 60, 57, [[56, 56, 56], [60, 60, 60]], 7300, 1095000.0)
    for res, (in_time, held) in ((a, (3, 10)), (b, (20, 25))):  # reviews, as issue 13's measures name them
        extra = pd.DataFrame({"measure": ["reviews_in_time", "reviews_held"], "value": [in_time, held]})
        res.measures = pd.concat([res.measures, extra], ignore_index=True)
    return RegionRun([a, b, AuthorityResult("E06000008", "failed", "E06000008/2021-episodes.csv: no DECOM")], 2, 1, "x")


def test_region_row_pools_the_authorities(hand_run):
    wide = comparison(hand_run)
    region = wide.loc["Region"]
    assert list(wide.index) == ["E06000006", "E06000007", "Region"]  # the failed one is not compared
    assert region["cla_at_end"] == 100
    assert region["rate_per_10k"] == 14  # 100 / (27,662 + 43,406) x 10,000 = 14.07
    assert region["in_house_foster_pct"] == 40.0  # (10 + 30) / 100
    assert region["residential_pct"] == 7.0  # (4 + 3) / 100: 10% of 40 and 5% of 60
    assert region["A1"] == 360.0  # (6 x 400 + 4 x 300) / 10, weighted by children adopted
    assert region["stability_3plus_pct"] == 12.0  # (6 + 6) / 100
    assert region["reviews_in_time_pct"] == 65.7  # (3 + 20) / (10 + 25)
    assert wide.loc["E06000007", "reviews_in_time_pct"] == 80.0
    # priced care only: (365,000 + 1,095,000) / ((3,650 + 7,300) / 365 days) = 48,666.7
    assert region["spend_per_child_gbp"] == 48667
    # simulations added: 100 and 106 against 100 now -> mean +3%, 5th-95th percentile 100.3 to 105.7
    assert region["growth_12m_pct"] == 3.0
    assert region["growth_12m_lower_pct"] == 0.3
    assert region["growth_12m_upper_pct"] == 5.7
    assert wide.loc["E06000006", "growth_12m_pct"] == 10.0  # 44 / 40
    assert wide.loc["E06000006", "rag_green"] == 2 and wide.loc["E06000006", "rag_red"] == 1


def test_spend_per_child_leaves_out_unpriced_care():
    spend = pd.DataFrame({"care_days": [730, 365], "spend_gbp": [73000.0, np.nan]})
    assert spend_per_child(spend, year_to(END), END) == 36500  # 73,000 / (730 / 365) children


def test_suppression_hides_small_counts_what_they_give_away_and_what_is_derived(hand_run):
    shown = suppressed(comparison(hand_run))
    # Warrington adopted 4: hidden, and its A1; Halton's 6 is hidden too, or 10 - 6 would give the 4 away
    assert shown.loc["E06000007", "adopted"] == MARKER and shown.loc["E06000007", "A1"] == MARKER
    assert shown.loc["E06000006", "adopted"] == MARKER and shown.loc["E06000006", "A1"] == MARKER
    assert shown.loc["Region", "adopted"] == 10 and shown.loc["Region", "A1"] == 360.0
    # residential: 4 and 3 children -> both percentages hidden; the region's 7 children shown
    assert shown.loc["E06000006", "residential_pct"] == MARKER and shown.loc["E06000007", "residential_pct"] == MARKER
    assert shown.loc["Region", "residential_pct"] == 7.0
    assert shown.loc["E06000006", "in_house_foster_pct"] == 25.0  # 10 of 40: not small
    assert shown.loc["E06000006", "reviews_in_time_pct"] == MARKER  # 3 reviews in time
    assert shown.loc["E06000007", "reviews_in_time_pct"] == 80.0
    assert shown.loc["E06000006", "rag_green"] == 2  # scorecard RAG counts are not children


def test_pack_table_adds_england_from_the_published_figures(hand_run):
    table, year = pack_table(hand_run)
    england = table.set_index("la_code").loc["England"]
    published = pd.read_csv(Path(__file__).resolve().parents[1] / "data/reference/published_benchmarks.csv")
    rate = published[
        (published["area_code"] == "E92000001")
        & (published["measure"] == "rate_per_10k")
        & (published["year_ending_march"] == year)
    ]["value"]
    assert year == 2021 and england["rate_per_10k"] == int(rate.iloc[0])


def test_authority_seed_depends_on_code_and_seed_only():
    assert authority_seed("E06000006", 903) == authority_seed("E06000006", 903)
    assert authority_seed("E06000006", 903) != authority_seed("E06000007", 903)
    assert authority_seed("E06000006", 903) != authority_seed("E06000006", 904)


# ---------------------------------------------------------------- on Dask
@pytest.fixture(scope="module")
def region_dir(tmp_path_factory) -> Path:
    """Four small synthetic authorities (2018-2021) and a fifth whose 2021 episodes lack DECOM."""
    root = tmp_path_factory.mktemp("region")
    generate_region(root, authorities=4, seed=903, first_year=2018, last_year=2021, scale=0.05)
    broken = root / "E06000010"
    shutil.copytree(root / "E06000006", broken)
    eps = pd.read_csv(broken / "2021-episodes.csv", dtype=str)
    eps.drop(columns="DECOM").to_csv(broken / "2021-episodes.csv", index=False)
    return root


@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster

    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster,
        Client(cluster) as c,
    ):
        yield c


@pytest.fixture(scope="module")
def region_run(region_dir, client) -> tuple[RegionRun, list[str]]:
    lines: list[str] = []
    return run_region(region_dir, client=client, simulations=SIMS, progress=lines.append), lines


def test_synthetic_region_has_real_codes_different_sizes_and_trends(region_dir):
    table = pd.read_csv(region_dir / "authorities.csv")
    assert list(table["la_code"]) == ["E06000006", "E06000007", "E06000008", "E06000009"]  # the North West's first
    assert table["scale"].nunique() == 4 and table["entry_growth"].nunique() == 4
    assert table["entry_growth"].between(-0.03, 0.07).all()


def test_an_authority_is_the_same_in_any_region(region_dir, tmp_path):
    one = generate_region(tmp_path, authorities=1, seed=903, first_year=2018, last_year=2021, scale=0.05)
    assert one["la_code"].tolist() == ["E06000006"]
    for f in ("2021-episodes.csv", "2021-header.csv"):
        assert (tmp_path / "E06000006" / f).read_bytes() == (region_dir / "E06000006" / f).read_bytes()


def test_each_authority_runs_and_the_broken_one_is_reported(region_run):
    run, lines = region_run
    assert [r.la_code for r in run.results] == ["E06000006", "E06000007", "E06000008", "E06000009", "E06000010"]
    assert [r.la_code for r in run.ok] == ["E06000006", "E06000007", "E06000008", "E06000009"]
    (bad,) = run.failed
    assert "2021-episodes.csv" in bad.error and "DECOM" in bad.error
    assert run.workers == 2
    assert len(lines) == 5 and sum("FAILED" in line for line in lines) == 1


def test_measures_equal_a_single_authority_run(region_run, region_dir):
    run, _ = region_run
    for r in run.ok:
        alone = measures_table(load(region_dir / r.la_code), T(2020, 4, 1), END, la_code=r.la_code)
        got = r.measures[r.measures["measure"] != "spend_per_child_gbp"].reset_index(drop=True)
        pd.testing.assert_frame_equal(got, alone)
        assert len(r.projection) == 4 and r.simulated_totals.shape == (SIMS, 3)


def test_same_results_on_one_worker(region_run, region_dir, tmp_path):
    from distributed import Client, LocalCluster

    run, _ = region_run
    for code in ("E06000008", "E06000007"):
        shutil.copytree(region_dir / code, tmp_path / code)
    with (
        LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster,
        Client(cluster) as c,
    ):
        alone = run_region(tmp_path, client=c, simulations=SIMS, progress=None)
    before = {r.la_code: r for r in run.ok}
    for r in alone.results:
        pd.testing.assert_frame_equal(r.measures, before[r.la_code].measures)
        pd.testing.assert_frame_equal(r.projection, before[r.la_code].projection)
        np.testing.assert_array_equal(r.simulated_totals, before[r.la_code].simulated_totals)


def test_pooled_extract_is_split_by_its_la_column(region_run, region_dir, tmp_path, client):
    run, _ = region_run
    names = {"E06000006": "Halton", "E06000007": "Warrington"}
    for f in sorted((region_dir / "E06000006").glob("*.csv")):
        parts = [pd.read_csv(region_dir / code / f.name, dtype=str).assign(LA=name) for code, name in names.items()]
        parts.append(parts[0].head(1).assign(LA="Atlantis"))
        pd.concat(parts).to_csv(tmp_path / f.name, index=False)
    found, failed = authorities(tmp_path)
    assert [a.la_code for a in found] == ["E06000006", "E06000007"] and found[0].value == "Halton"
    assert [r.la_code for r in failed] == ["Atlantis"] and "not an English local authority" in failed[0].error
    pooled = run_region(tmp_path, client=client, simulations=SIMS, progress=None)
    before = {r.la_code: r for r in run.ok}
    for r in pooled.ok:
        pd.testing.assert_frame_equal(r.measures, before[r.la_code].measures)
    assert [r.la_code for r in pooled.failed] == ["Atlantis"]


def test_the_pack_is_written_with_suppression(region_run, tmp_path):
    run, _ = region_run
    folder = write_pack(run, tmp_path, synthetic=True)
    table = pd.read_csv(folder / "region_benchmarks.csv", dtype=str)
    assert list(table["la_code"]) == ["E06000006", "E06000007", "E06000008", "E06000009", "Region", "England"]
    counts = pd.to_numeric(table["cla_at_end"], errors="coerce")
    assert not counts.between(1, 4).any()
    page = (folder / "region_pack.html").read_text()
    assert "SYNTHETIC DATA" in page and "E06000010" in page  # the authority not analysed is listed
    assert (folder / "region_benchmarks.xlsx").exists() and (folder / "figures" / "rate_per_10k.png").exists()
    status = pd.read_csv(folder / "authorities.csv")
    assert status.set_index("la_code").loc["E06000010", "status"] == "failed"


def test_packs_are_one_batch_run_per_authority_analysed(region_run, region_dir, tmp_path, monkeypatch):
    import cpanalysis.batch

    calls = []

    def fake_run(**kwargs):
        calls.append(kwargs)
        return kwargs["out"] / "run", {"failed": []}

    monkeypatch.setattr(cpanalysis.batch, "run", fake_run)
    run, _ = region_run
    made = write_packs(run, region_dir, tmp_path, progress=None)
    assert [c["la_code"] for c in calls] == ["E06000006", "E06000007", "E06000008", "E06000009"]
    assert calls[0]["data_dir"] == region_dir / "E06000006" and calls[0]["period_end"] == "2021-03-31"
    assert calls[0]["out"] == tmp_path / "packs" / "E06000006" and len(made) == 4


def test_a_bad_extract_in_a_task_is_a_failed_result(region_dir):
    res = analyse_authority(Authority("E06000010", region_dir / "E06000010"))
    assert res.status == "failed" and "DECOM" in res.error


# ---------------------------------------------------------------- command line
def test_region_command_bad_input_exits_2(tmp_path, capsys):
    assert main(["region", str(tmp_path / "missing")]) == 2
    assert "no such folder" in capsys.readouterr().err
    (tmp_path / "notes.txt").write_text("x")
    assert main(["region", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no 903 tables" in err
    assert main(["region", str(tmp_path), "--workers", "0"]) == 2


def test_authorities_needs_la_folders_or_an_la_column(d2i_sample):
    with pytest.raises(InputError, match="LA column"):
        authorities(d2i_sample)
