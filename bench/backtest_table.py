"""The backtest table of issue 18: on each data set, the MAPE (%) of the total 6, 12 and 24 months ahead of the
model, the last value, the linear trend and the headline (backtest.headline_accuracy, judged points only), and
the coverage of the headline's 90% range and of the simulation band alone.

Data sets (generated once into --data-dir): the synthetic LA (scale 1), the same at scale 20, a declining
authority (entries falling 8% a year) and the D2I demand-model sample (tests/fixtures/external). The backtest
points of each (the slow part) are cached on disk under --cache-dir, keyed by data set, simulations and seed, so
changing only the headline rule reruns in seconds.

Run:  .venv/bin/python bench/backtest_table.py                   (100 simulations per cutoff)
      .venv/bin/python bench/backtest_table.py --sims 30 --sets la declining
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from cpanalysis import backtest as bt
from cpanalysis import projection as pj
from cpanalysis.context import load_data
from cpanalysis.errors import InputError
from cpanalysis.synth import generate

ROOT = Path(__file__).resolve().parents[1]
D2I = ROOT / "tests" / "fixtures" / "external" / "d2i-demand-model-sample"
SETS = {  # name: generate's keyword arguments (None: a folder in the repository)
    "la": {"scale": 1.0},
    "scale20": {"scale": 20.0},
    "declining": {"scale": 1.0, "entry_growth": -0.08},
    "d2i": None,
}
COLUMNS = ["model", "last_value", "linear_trend", "headline", "coverage_pct", "band_coverage_pct"]


def data_folder(name: str, data_dir: Path) -> Path:
    """The folder of data set `name`, generated into `data_dir` on first use."""
    if SETS[name] is None:
        return D2I
    folder = data_dir / name
    if not (folder / "SYNTHETIC").exists():
        generate(folder, **SETS[name])
    return folder


def points_for(name: str, data_dir: Path, cache_dir: Path, sims: int, seed: int) -> pd.DataFrame:
    """The backtest points of data set `name` (backtest.backtest with the model's entry trend), from the cache
    when they are there."""
    cached = cache_dir / f"{name}_sims{sims}_seed{seed}_damping{pj.ENTRY_DAMPING}.parquet"
    if cached.exists():
        return pd.read_parquet(cached)
    data = load_data(data_folder(name, data_dir))
    states = pj.monthly_states(data["episodes"], data["header"], data.data_start, data.data_end)
    points = bt.backtest(states, sims=sims, seed=seed, entry_damping=pj.ENTRY_DAMPING)
    cache_dir.mkdir(parents=True, exist_ok=True)
    points.to_parquet(cached)
    return points


def table(names: list[str], data_dir: Path, cache_dir: Path, sims: int, seed: int) -> pd.DataFrame:
    """One row per data set and horizon (Total): points, judged and COLUMNS (see the module's docstring)."""
    rows = []
    for name in names:
        try:
            points = points_for(name, data_dir, cache_dir, sims, seed)
        except InputError as err:
            print(f"{name}: {err}")
            continue
        acc = bt.headline_accuracy(points)
        total = acc[acc["category"] == pj.TOTAL]
        rows.append(total.assign(data=name)[["data", "horizon", "points", "judged", *COLUMNS]])
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


def main() -> None:
    """Print the table (and write it as CSV if --output is given)."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sets", nargs="+", default=list(SETS), choices=list(SETS))
    p.add_argument("--sims", type=int, default=100, help="simulations per backtest cutoff")
    p.add_argument("--seed", type=int, default=903)
    p.add_argument("--data-dir", type=Path, default=Path("/tmp/cpanalysis_backtest/data"))
    p.add_argument("--cache-dir", type=Path, default=Path("/tmp/cpanalysis_backtest/points"))
    p.add_argument("--output", "-o", type=Path, help="also write the table here (CSV)")
    args = p.parse_args()
    out = table(args.sets, args.data_dir, args.cache_dir, args.sims, args.seed)
    print(out.round(1).to_string(index=False))
    if args.output:
        out.round(2).to_csv(args.output, index=False)


if __name__ == "__main__":
    main()
