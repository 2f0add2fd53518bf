"""Benchmarks (issue 17's figures): load + validate, `cpanalysis measures` for a year end to end, a 3-year monthly
projection at 500 simulations, the backtest at 200 simulations, and the batch run, on the synthetic LA (scale 1)
and at national size (scale 100), the data of each scale generated once and kept in the cache folder (default
$TMPDIR/cpanalysis-bench); and a region of synthetic authorities on Dask with 1 and 2 workers. Prints seconds and
peak memory (RSS) for each step. Run: make bench  (or add --scales 1); one part alone: python bench/run_bench.py la
| region (region: --authorities 10 --region-scale 1 --simulations 200)."""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import peer_demand_model

from cpanalysis import backtest as bt
from cpanalysis import projection as pj
from cpanalysis.cli import main as cli
from cpanalysis.ssda903 import load
from cpanalysis.ssda903.cache import CACHE_ENV
from cpanalysis.synth import generate

CACHE = Path(tempfile.gettempdir()) / "cpanalysis-bench"


def timed(label: str, fn, *args, **kwargs):
    t0 = time.perf_counter()
    result = fn(*args, **kwargs)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{label:<56} {time.perf_counter() - t0:8.1f} s   peak RSS {peak:8.0f} MB", flush=True)
    return result


def data_folder(scale: float, cache: Path) -> Path:
    """The synthetic extracts at `scale`, generated on first use and kept (same seed: same bytes)."""
    folder = cache / f"scale-{scale:g}"
    if not (folder / "SYNTHETIC").exists():
        timed(f"synth.generate (scale {scale:g}, once)", generate, folder, scale=scale)
    return folder


def measures(folder: Path, out: Path) -> None:
    with contextlib.redirect_stdout(io.StringIO()):
        code = cli(["measures", str(folder), "--start", "2020-04-01", "--end", "2021-03-31", "-o", str(out)])
    if code:
        raise RuntimeError(f"cpanalysis measures exited {code}")


def projection(states: pd.DataFrame, end: pd.Timestamp) -> pd.DataFrame:
    """What the pack and `cpanalysis project` run: fit, 36 months x 500 simulations, summarise."""
    return pj.summarise(pj.simulate(pj.fit(states, end, 24, pj.ENTRY_DAMPING), 36, 500))


def validate_alone(folder: Path, work: Path) -> None:
    """`cpanalysis validate` in its own process with no dataset cache: load + validate as a user first meets it
    (with the CLI's start), and the peak memory of that process and its validation workers together, free of what
    this process holds from the steps before."""
    cmd = [sys.executable, "-c", peer_demand_model._OURS, "validate", str(folder), "-o", str(work / "dq.csv")]
    seconds, peak = peer_demand_model._measured(cmd, str(work), {**os.environ, CACHE_ENV: "off"})
    label = "cpanalysis validate (own process + workers, no cache)"
    print(f"   {label:<53} {seconds:8.1f} s   peak RSS {peak:8.0f} MB")


def bench(scale: float, cache: Path, work: Path, batch: bool) -> None:
    print(f"\n== scale {scale:g}")
    folder = data_folder(scale, cache)
    end = pd.Timestamp(2021, 3, 31)
    store = work / f"datasets-{scale:g}"  # a fresh parquet cache each run: the first load below is cold
    os.environ[CACHE_ENV] = str(store)  # what `cpanalysis measures` (and validate, project, notebooks) use
    data = timed("load + validate (ssda903.load), storing the parquet cache", load, folder, cache=store)
    validate_alone(folder, work)
    timed("load again: from the parquet cache (a re-run, a kernel)", load, folder, cache=store)
    timed("load episodes + header only, cached (cpanalysis project)", load, folder, store, ("episodes", "header"))
    print(f"   {len(data['episodes']):,} episodes")
    timed("cpanalysis measures, a year, end to end (data cached)", measures, folder, work / f"measures-{scale:g}.csv")
    states = timed(
        "projection.monthly_states (120 month ends)",
        pj.monthly_states,
        data["episodes"],
        data["header"],
        data.data_start,
        data.data_end,
    )
    print(f"   {int((states['month'] == states['month'].max()).sum()):,} looked after at the end")
    # the first in a process also loads numba's compiled code (about 0.5 s, once, like an import); the notebooks'
    # later projections (scenarios, the explorer, the backtest) and every projection after it do not
    timed("projection: 36 months, 500 simulations, first in process", projection, states, end)
    timed("projection: 36 months, 500 simulations (fit+simulate)", projection, states, end)
    timed(
        "backtest.backtest (quarterly cutoffs, 200 simulations)",
        bt.backtest,
        states,
        window_months=24,
        sims=200,
        entry_damping=pj.ENTRY_DAMPING,
    )
    bench_explorers(data, pj.fit(states, end, 24, entry_damping=pj.ENTRY_DAMPING), end)
    print("   side by side with cs-demand-model, the same data and window, 36 months:")
    peer_demand_model.side_by_side(folder, end)
    if batch:
        from cpanalysis.batch import run

        _, manifest = timed(
            "batch.run (every notebook, default settings)", run, data_dir=folder, out=work / "runs", progress=False
        )
        for nb in manifest["notebooks"]:
            print(f"   {nb['name']:<52} {nb['seconds']:8.1f} s  {nb['status']}")


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_region(work: Path, authorities: int, scale: float, simulations: int, workers: tuple[int, ...]) -> None:
    """cpanalysis region on a synthetic region: the same authorities on a LocalCluster of each number of worker
    processes (one thread each); wall time from submitting the tasks to the last result, and the speed-up."""
    from distributed import Client, LocalCluster

    from cpanalysis.region import run_region
    from cpanalysis.synth import generate_region

    print(f"\n== region: {authorities} synthetic authorities, scale {scale:g}, {simulations} simulations each")
    folder = work / "region"
    table = timed(
        f"synth.generate_region ({authorities} authorities)", generate_region, folder, authorities, scale=scale
    )
    print(f"   scales {table['scale'].min():.2f}-{table['scale'].max():.2f} (1 = about 550 looked after)")
    seconds = {}
    for n in workers:
        with (
            LocalCluster(n_workers=n, threads_per_worker=1, dashboard_address=":0", silence_logs=40) as cluster,
            Client(cluster) as client,
        ):
            result = timed(
                f"region.run_region ({n} worker{'s' if n > 1 else ''})",
                run_region,
                folder,
                client=client,
                simulations=simulations,
                progress=None,
            )
            peaks = client.run(_peak_rss_mb)
        seconds[n] = result.seconds
        tasks = sorted(r.seconds for r in result.ok)
        print(
            f"   {len(result.ok)} ok, {len(result.failed)} failed; run {result.seconds:.1f} s; "
            f"per authority {tasks[0]:.1f}-{tasks[-1]:.1f} s (median {tasks[len(tasks) // 2]:.1f} s); "
            f"worker peak RSS {', '.join(f'{v:.0f}' for v in peaks.values())} MB"
        )
    if len(seconds) > 1:
        first, last = min(seconds), max(seconds)
        print(f"   speed-up {first} -> {last} workers: {seconds[first] / seconds[last]:.2f}x")


def bench_explorers(data, fitted: pj.Fit, end: pd.Timestamp) -> None:
    """The live what-if in notebook 03 (each slider change re-simulates: this is the wait an analyst sees) and the
    deep dives' heaviest steps."""
    from cpanalysis import cohorts, costs, explore

    unit = costs.load_unit_costs()
    spend = costs.spend_by_year(data["episodes"], ["2019-20", "2020-21"], unit)
    explorer = timed("explore.scenario_explorer (build, 200 sims)", explore.scenario_explorer, fitted, unit, spend)
    controls = explorer.controls()
    for name, value in (
        ("entry_change_pct", 20.0),
        ("in_house_share", 0.5),
        ("step_down", 5),
        ("cost_inflation_pct", 5.0),
    ):
        timed(f"   scenario explorer redraw: {name} = {value:g}", setattr, controls[name], "value", value)
    eps, header = data["episodes"], data["header"]
    cohort = timed(
        "cohorts.cohort (looked after at 31/03/2018)",
        cohorts.cohort,
        eps,
        header,
        data["uasc"],
        "looked_after_at",
        pd.Timestamp(2018, 3, 31),
        end,
    )
    moves = timed("cohorts.moves", cohorts.moves, eps, cohort)
    timed(
        "cohorts.kaplan_meier (by age band)",
        cohorts.kaplan_meier,
        cohorts.time_to_first_move(cohort, moves),
        "age_band",
    )
    entrants = cohorts.exit_durations(cohorts.cohort(eps, header, None, "entered_in_year", 2018, end))
    timed("cohorts.cumulative_incidence (6 routes)", cohorts.cumulative_incidence, entrants)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("part", nargs="?", choices=["all", "la", "region"], default="all")
    parser.add_argument("--scales", type=float, nargs="+", default=[1, 100])
    parser.add_argument("--no-batch-at-scale", type=float, default=None, help="skip the batch run at this scale")
    parser.add_argument("--cache", type=Path, default=CACHE, help="folder for the generated data (kept)")
    parser.add_argument("--authorities", type=int, default=10, help="region: number of synthetic authorities")
    parser.add_argument("--region-scale", type=float, default=1.0, help="region: scale of every authority")
    parser.add_argument("--simulations", type=int, default=200, help="region: projection runs per authority")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="region: worker counts to time")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.part in ("all", "la"):
            for scale in args.scales:
                bench(scale, args.cache, Path(tmp), batch=scale != args.no_batch_at_scale)
        if args.part in ("all", "region"):
            bench_region(Path(tmp), args.authorities, args.region_scale, args.simulations, tuple(args.workers))


if __name__ == "__main__":
    main()
