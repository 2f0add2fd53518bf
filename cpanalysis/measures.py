"""The measures table `measure,value` for a reporting period: the contract of `cpanalysis measures` and the
input of the scorecard. Values are unsuppressed: this is for analysts (disclosure control comes later)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cpanalysis import adoption, population
from cpanalysis.categories import ADOPTED, SGO
from cpanalysis.errors import InputError
from cpanalysis.ssda903 import Dataset


def measures_table(data: Dataset, start: pd.Timestamp, end: pd.Timestamp, la_code: str | None = None) -> pd.DataFrame:
    """cla_at_end, starts, ceased, adopted, ceased_sgo, ceased_adopted_pct, ceased_sgo_pct, A1, A2, A10,
    A3_pct (+ rate_per_10k with an LA code, in-house / external foster, residential %, stability, waiting)
    for [start, end]. Children counted once in starts and ceased; ceased percentages use each child's last
    ending; A1/A2/A10 are mean days over children adopted in the period."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    if end < start:
        raise InputError(f"the period is empty: end {end:%Y-%m-%d} is before start {start:%Y-%m-%d}")
    eps, header = data["episodes"], data["header"]
    cla = population.cla_at(eps, end, header)
    ceased = population.ceased(eps, start, end)
    last = ceased[ceased["last"]]
    n_ceased = len(last)
    sgo = int(last["PERIOD_REASON"].isin(SGO).sum())
    adopted = int(last["PERIOD_REASON"].isin(ADOPTED).sum())
    rows: list[tuple[str, float]] = [
        ("cla_at_end", len(cla)),
        ("starts", population.starts(eps, start, end)["CHILD"].nunique()),
        ("ceased", n_ceased),
        ("adopted", adopted),
        ("ceased_sgo", sgo),
        ("ceased_adopted_pct", _pct(adopted, n_ceased)),
        ("ceased_sgo_pct", _pct(sgo, n_ceased)),
    ]
    summary = adoption.summary(adoption.journeys(eps, data["ad1"], start, end)).set_index("measure")["value"]
    rows += [(m, summary[m]) for m in ("A1", "A2", "A10", "A3_pct")]
    mix = cla["placement"].value_counts()
    rows += [
        ("in_house_foster", int(mix.get("In-house foster", 0))),
        ("external_foster", int(mix.get("External (IFA) foster", 0))),
        (
            "residential_pct",
            _pct(int(mix.get("Residential", 0) + mix.get("Secure", 0) + mix.get("Residential school", 0)), len(cla)),
        ),
        ("waiting_for_adoption", len(adoption.waiting(eps, end))),
    ]
    if end.month == 3 and end.day == 31:
        rows.append(("stability_3plus_pct", population.stability_3plus(eps, end)["percent"]))
        rows.append(("stability_long_term_pct", population.stability_long_term(eps, header, end)["percent"]))
    if la_code:
        year_ending = end.year if end.month <= 3 else end.year + 1
        rows.append(
            ("rate_per_10k", population.rate_per_10k(len(cla), population.population_for(la_code, year_ending)))
        )
    values = [int(v) if isinstance(v, (int, np.integer)) else float(v) for _, v in rows]
    return pd.DataFrame({"measure": [m for m, _ in rows], "value": pd.Series(values, dtype=object)})


def _pct(n: int, d: int) -> float:
    return round(100 * n / d, 1) if d else np.nan
