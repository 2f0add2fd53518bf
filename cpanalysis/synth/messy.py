"""Imperfections that real 903 extracts have, injected on request (`generate(..., messy=True)`), so the loader's
data-quality path has something to find: duplicate rows, lower-case codes, stray spaces, ISO dates, invalid
codes, and a return that the next year's return corrects."""

from __future__ import annotations

import numpy as np
import pandas as pd

SHARE = 0.01  # share of Episodes rows given each kind of fault (at least one row each)


def _rows(rng: np.random.Generator, frame: pd.DataFrame, share: float = SHARE) -> np.ndarray:
    n = len(frame)
    return rng.choice(n, size=min(n, max(1, int(n * share))), replace=False) if n else np.array([], int)


def messify(
    tables: dict[str, pd.DataFrame], rng: np.random.Generator, correct_next_year: bool
) -> dict[str, pd.DataFrame]:
    """Faults in one year's text tables (every cell a string, dates dd/mm/yyyy), each in about 1% of Episodes rows:
    LS in lower case, PLACE with spaces around it, DECOM as an ISO date, PLACE_PROVIDER 'PR9' (no such code), whole
    rows repeated (Episodes and Header). With correct_next_year, a few placements still open on 31 March are
    recorded as U5 instead of U4: the next year's return has them right, so the loader reports them superseded."""
    eps = tables["episodes"].copy()
    col = eps.columns.get_loc
    rows = _rows(rng, eps)
    eps.iloc[rows, col("LS")] = eps["LS"].iloc[rows].str.lower().to_numpy()
    rows = _rows(rng, eps)
    eps.iloc[rows, col("PLACE")] = (" " + eps["PLACE"].iloc[rows] + "  ").to_numpy()
    rows = _rows(rng, eps)
    iso = pd.to_datetime(eps["DECOM"].iloc[rows], format="%d/%m/%Y").dt.strftime("%Y-%m-%d")
    eps.iloc[rows, col("DECOM")] = iso.to_numpy()
    rows = _rows(rng, eps, SHARE / 2)
    eps.iloc[rows, col("PLACE_PROVIDER")] = "PR9"
    if correct_next_year:
        wrong = eps.index[eps["PLACE"].eq("U4") & eps["DEC"].eq("")][:5]
        eps.loc[wrong, "PLACE"] = "U5"
    eps = pd.concat([eps, eps.iloc[_rows(rng, eps)]]).sort_index(kind="mergesort")
    header = tables["header"]
    header = pd.concat([header, header.iloc[_rows(rng, header, SHARE / 2)]]).sort_index(kind="mergesort")
    return {**tables, "episodes": eps, "header": header}
