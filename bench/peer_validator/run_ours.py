"""cpanalysis's per-return findings on the two D2I data sets in tests/fixtures/external/, for the side by side
with the peer validator (see README.md here). Not imported by the package or the tests.

Each year's return is validated as submitted, with the previous year's return at hand (`run_rules` on
`Return(tables, year, prev)`, as `validate_returns` does), and the code-list and date findings made while
loading are added. The merged-history findings are left out: the peer has no such view.

Output: bench/results/peer_validator/ours.csv (dataset, year, rule, table, row), `row` the 0-based data row
of the file (SOURCE_ROW - 2, the peer's index).
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pandas as pd

from cpanalysis.ssda903 import findings
from cpanalysis.ssda903.validate import Return, run_rules

ROOT = Path(__file__).resolve().parents[2]
EXTERNAL = ROOT / "tests" / "fixtures" / "external"
OUT = ROOT / "bench" / "results" / "peer_validator"
load_module = importlib.import_module("cpanalysis.ssda903.load")  # the module (the package exports `load`)
DATASETS = ["d2i-demand-model-sample", "d2i-validator-fake"]


def per_return(folder: Path) -> pd.DataFrame:
    """Loading findings and per-return rule findings of every year's return in `folder`."""
    captured: dict = {}

    def capture(returns, history):  # the load's own call: keep the returns, leave the merged history out
        captured.update(returns)
        return findings.empty()

    real = load_module.validate_returns
    load_module.validate_returns = capture
    try:
        data = load_module.load(folder)
    finally:
        load_module.validate_returns = real
    out = [data.quality]
    for year, tables in sorted(captured.items()):
        out.append(run_rules(Return(tables, year=year, prev=captured.get(year - 1)), "return"))
    return findings.concat(out)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    frames = []
    for name in DATASETS:
        f = per_return(EXTERNAL / name).dropna(subset=["row"])
        frames.append(
            pd.DataFrame(
                {
                    "dataset": name,
                    "year": f["year"].astype(int),
                    "rule": f["rule"],
                    "table": f["table"],
                    "row": f["row"].astype(int) - 2,
                    "severity": f["severity"],
                    "outcome": f["outcome"],
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    out.to_csv(OUT / "ours.csv", index=False)
    print(f"{OUT / 'ours.csv'}: {len(out)} findings")


if __name__ == "__main__":
    main()
