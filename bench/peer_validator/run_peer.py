"""Run the peer validator (data-to-insight/csc-validator-be-903, its lac2022_23 rule set) on the two D2I data sets
in tests/fixtures/external/, year by year with the previous year's files, and write the rows it flags.

Runs in the peer's own venv (see README.md here), never in the project's: it imports `lac_validator`, which
pins pandas < 2. Not imported by the package or the tests.

Each rule is given its own deep copy of the tables: the peer's `copy_datastore` is a shallow copy, so a rule
that changes a table in place (e.g. 388 on the 2017/18 sample) changes what later rules see.

Output: one CSV (dataset, year, rule, table, row) under bench/results/peer_validator/, `row` being the 0-based
data row of the file (the peer's index), the same numbering as cpanalysis's SOURCE_ROW less nothing: see
compare.py for the mapping.
"""

from __future__ import annotations

import csv
import logging
import sys
from pathlib import Path

import lac_validator.lac_validator as lv
from lac_validator.rules.lac2022_23 import registry

ROOT = Path(__file__).resolve().parents[2]
EXTERNAL = ROOT / "tests" / "fixtures" / "external"
OUT = ROOT / "bench" / "results" / "peer_validator"
SAMPLE_TABLES = ["episodes", "header", "missing", "oc2", "oc3", "previous_permanence", "reviews", "uasc"]


def _deep_copy(data_store: dict) -> dict:
    """A deep copy of every table (the metadata dict copied one level: it holds the collection year etc.)."""
    return {k: (v.copy(deep=True) if k != "metadata" else dict(v)) for k, v in data_store.items()}


lv.copy_datastore = _deep_copy


def _files(paths: list[Path], description: str) -> list[dict]:
    return [{"name": p.name, "description": description, "file_content": p.read_bytes()} for p in paths]


def run(this_year: list[Path], last_year: list[Path], collection_year: int) -> list[tuple[int, str, str, int]]:
    """(year, rule, table, row) of every row the peer flags for one return."""
    files = _files(this_year, "This year") + _files(last_year, "Prev year")
    meta = {"collectionYear": str(collection_year), "localAuthority": "E09000027"}
    v = lv.LacValidator(metadata=meta, files=files, registry=registry)
    out = []
    for table, frame in v.ds_results.items():
        if table == "metadata" or table.endswith("_last"):
            continue
        for col in [c for c in frame.columns if str(c).startswith("ERR_")]:
            for row in frame.index[frame[col] == True]:  # noqa: E712 - the peer's column is object-typed
                out.append((collection_year, col[4:], table, int(row)))
    if v.fails:
        print(f"{collection_year}: rules failing to run: {sorted(v.fails)}", file=sys.stderr)
    return out


def main() -> None:
    logging.disable(logging.WARNING)
    OUT.mkdir(parents=True, exist_ok=True)
    rows = []
    sample = EXTERNAL / "d2i-demand-model-sample"
    for year in range(2017, 2022):  # file year 2017 holds the 2017/18 return: collection year 2018
        this = [sample / f"{year}-{t}.csv" for t in SAMPLE_TABLES]
        last = [sample / f"{year - 1}-{t}.csv" for t in SAMPLE_TABLES if (sample / f"{year - 1}-{t}.csv").exists()]
        rows += [("d2i-demand-model-sample", *r) for r in run(this, last, year + 1)]
    fake = EXTERNAL / "d2i-validator-fake"
    rows += [("d2i-validator-fake", *r) for r in run(sorted(fake.glob("*.csv")), [], 2018)]
    with open(OUT / "peer.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["dataset", "year", "rule", "table", "row"])
        w.writerows(rows)
    print(f"{OUT / 'peer.csv'}: {len(rows)} flagged rows")


if __name__ == "__main__":
    main()
