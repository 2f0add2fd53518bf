"""A synthetic local authority in 903 format: the embedded default data set. No real child is in it.

Children are simulated as care histories (`simulate.histories`), then cut into yearly extracts the way a case
system does (`extract.cut_year`) and written as flat, year-prefixed CSV files (2019-episodes.csv, ...) with
dd/mm/yyyy dates and the columns of `cpanalysis.ssda903.schema.TABLES`. Deterministic: the same seed, years and
scale give the same bytes. Calibrated to a mid-sized English authority (Cheshire East's published figures):
the targets, with tolerances, are in data/reference/synthetic_calibration.csv and tests/test_synth.py checks
the default data set against them.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from cpanalysis.errors import InputError
from cpanalysis.paths import SYNTHETIC
from cpanalysis.ssda903.rules.core import show
from cpanalysis.ssda903.schema import TABLES
from cpanalysis.synth.extract import cut_year
from cpanalysis.synth.messy import messify
from cpanalysis.synth.simulate import Settings, histories

GENERATOR_VERSION = "12"  # 12: UPNs, reasons for placement change, no H5 under the age of rule 371 (11: no URN...
DEFAULT_SEED = 903
MARKER = "SYNTHETIC"
EARLIEST_YEAR, LATEST_YEAR = 2000, 2030


def as_text(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """A table as a case system writes it: the schema's columns in order, dates dd/mm/yyyy, blanks empty."""
    spec = TABLES[table]
    out = frame.reindex(columns=list(spec.columns))
    for c in spec.columns:
        if out[c].dtype.kind == "M":
            out[c] = show(out[c]).where(out[c].notna())  # dd/mm/yyyy, each distinct date formatted once
    return out.astype(object).where(out.notna(), "").astype(str).reset_index(drop=True)


def _check(out: Path, seed: int, first_year: int, last_year: int, scale: float) -> None:
    if out.exists() and not out.is_dir():
        raise InputError(f"synth: output folder {out} is a file; give a folder (it is created if missing)")
    if not (EARLIEST_YEAR <= first_year <= last_year <= LATEST_YEAR):
        raise InputError(
            f"synth: years must satisfy {EARLIEST_YEAR} <= first year <= last year <= {LATEST_YEAR} "
            f"(collection years, 2021 = 2020/21); got {first_year}..{last_year}"
        )
    if not (0 < scale <= 1000):
        raise InputError(f"synth: scale must be above 0 and at most 1000 (1 = a mid-sized LA); got {scale}")
    if seed < 0:
        raise InputError(f"synth: seed must be a non-negative integer; got {seed}")


def generate(
    out_dir: str | Path,
    seed: int = DEFAULT_SEED,
    first_year: int = 2012,
    last_year: int = 2021,
    scale: float = 1.0,
    messy: bool = False,
    settings: Settings | None = None,
    entry_growth: float | None = None,
    turn_year: int | None = None,
    growth_after: float = 0.0,
) -> Path:
    """Write yearly 903 extracts of a synthetic LA (YYYY-header.csv, YYYY-episodes.csv, YYYY-uasc.csv,
    YYYY-reviews.csv, YYYY-ad1.csv, YYYY-placed_adoption.csv, YYYY-prev_perm.csv, YYYY-missing.csv,
    YYYY-oc2.csv, YYYY-oc3.csv for collection years first_year..last_year) and a SYNTHETIC marker into out_dir.

    scale 1 is a mid-sized English authority (about 550 looked after by 2020); scale 100 is about 55,000.
    messy=True injects duplicate rows, lower-case codes, stray spaces, ISO dates, invalid codes and
    corrections made by the following year's return (see `cpanalysis.synth.messy`). settings: volumes and trends
    other than the default's (`Settings`; the region generator varies them by authority). entry_growth sets the
    yearly growth of entries over those settings (default +2.5%; e.g. -0.08 for a declining authority); with
    turn_year, entries grow so up to that collection year and by growth_after a year after it (an authority whose
    demand turned: e.g. entry_growth 0.06, turn_year 2017, growth_after -0.04)."""
    out = Path(out_dir).expanduser()
    _check(out, seed, first_year, last_year, scale)
    out.mkdir(parents=True, exist_ok=True)
    if entry_growth is not None:
        if not -0.5 < entry_growth < 1:
            raise InputError(f"synth: entry growth must be between -0.5 and 1 (a yearly share); got {entry_growth}")
        settings = replace(settings or Settings(), entry_growth=entry_growth)
    if turn_year is not None:
        if not -0.5 < growth_after < 1:
            raise InputError(
                f"synth: growth after the turn must be between -0.5 and 1 (a yearly share); got {growth_after}"
            )
        settings = replace(settings or Settings(), turn_year=turn_year, growth_after=growth_after)
    h = histories(seed, first_year, last_year, scale, settings)
    rng = np.random.default_rng([seed, 1])
    for year in range(first_year, last_year + 1):
        tables = {name: as_text(df, name) for name, df in cut_year(h, year).items()}
        if messy:
            tables = messify(tables, rng, correct_next_year=year == last_year - 1)
        for name, df in tables.items():
            df.to_csv(out / f"{year}-{name}.csv", index=False, lineterminator="\n")
    (out / MARKER).write_text(
        "SYNTHETIC DATA made by cpanalysis.synth (a simulation: no real child is in these files).\n"
        f"generator {GENERATOR_VERSION}, seed {seed}, years {first_year}-{last_year}, scale {scale:g}, "
        f"messy {messy}"
        + (f", entry growth {entry_growth:g}" if entry_growth is not None else "")
        + (f", turning in {turn_year} to {growth_after:g}" if turn_year is not None else "")
        + "\n",
        encoding="utf-8",
    )
    return out


def _current(folder: Path) -> bool:
    marker = folder / MARKER
    return marker.exists() and f"generator {GENERATOR_VERSION}," in marker.read_text(encoding="utf-8")


def ensure_default() -> Path:
    """The embedded default data set, data/synthetic/default/: generated (seed 903, 2012-2021, scale 1) if it is
    missing or was made by an older generator version (the version is in its SYNTHETIC marker file)."""
    target = SYNTHETIC / "default"
    if _current(target):
        return target
    tmp = SYNTHETIC / f".default-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    generate(tmp)
    if not _current(target):  # another process may have finished first
        shutil.rmtree(target, ignore_errors=True)
        try:
            tmp.rename(target)
        except OSError:
            if not _current(target):
                raise
    shutil.rmtree(tmp, ignore_errors=True)
    return target


from cpanalysis.synth.region import generate_region  # noqa: E402  (it uses generate above)

__all__ = [
    "GENERATOR_VERSION",
    "Settings",
    "as_text",
    "cut_year",
    "ensure_default",
    "generate",
    "generate_region",
    "histories",
]
