"""Benchmark of the synthetic LA generator: wall time and peak memory of `cpanalysis.synth.generate` (2012-2021)
at each scale, each run in a fresh process so its peak resident memory (getrusage ru_maxrss) is its own.

Run:  .venv/bin/python bench/bench_synth.py            (scales 1 and 100)
      .venv/bin/python bench/bench_synth.py --scales 1 10
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
import pandas as pd
from cpanalysis.synth import generate
out, scale = Path(sys.argv[1]), float(sys.argv[2])
t0 = time.perf_counter()
generate(out, scale=scale)
seconds = time.perf_counter() - t0
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
eps = pd.read_csv(out / "2021-episodes.csv", dtype=str, usecols=["CHILD", "LS", "DEC"])
open_ = eps[eps["DEC"].isna() & ~eps["LS"].isin(["V3", "V4"])]
size_mb = sum(f.stat().st_size for f in out.iterdir()) / 1e6
print(json.dumps({"scale": scale, "seconds": round(seconds, 1), "peak_rss_mb": round(peak_mb),
                  "looked_after_2021": int(open_["CHILD"].nunique()), "episode_rows_2021": len(eps),
                  "files_mb": round(size_mb, 1)}))
"""


def run(scale: float, folder: str) -> dict:
    """Generate at `scale` in a child process; its timing, peak memory and size as a dict."""
    done = subprocess.run(
        [sys.executable, "-c", CHILD, f"{folder}/s{scale:g}", str(scale)], check=True, capture_output=True, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1, 100])
    args = parser.parse_args()
    print(
        f"{'scale':>6} {'seconds':>8} {'peak RSS MB':>12} {'CLA 31/03/2021':>15} {'2021 episode rows':>18} "
        f"{'files MB':>9}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for scale in args.scales:
            r = run(scale, tmp)
            print(
                f"{r['scale']:>6g} {r['seconds']:>8.1f} {r['peak_rss_mb']:>12,} {r['looked_after_2021']:>15,} "
                f"{r['episode_rows_2021']:>18,} {r['files_mb']:>9.1f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
