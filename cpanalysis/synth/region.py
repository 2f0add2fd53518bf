"""A synthetic region: several authorities of different sizes and trends, one folder of 903 extracts each, named
by a real English LA code (so rates per 10,000 use that LA's ONS population), for tests and benchmarks.

Each authority is `cpanalysis.synth.generate` with its own seed and settings:
- size: scale x (the LA's children aged 0-17 / Cheshire East's, the authority the default data set is calibrated
  to) x a rate factor drawn from a log-normal (sd 0.3, kept within 0.5-2): so rates per 10,000 vary around the
  default's, as English LAs' do;
- trend: yearly growth of entries drawn uniformly from -3% to +7% (the default is +2.5%).
The draws and each authority's seed come from the region seed and the LA code (`cpanalysis.region.authority_seed`),
never from the order of the authorities: the same seed gives the same authority in any region it is part of.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from cpanalysis.errors import InputError
from cpanalysis.population import load_population
from cpanalysis.synth.simulate import Settings

REFERENCE_LA = "E06000049"  # Cheshire East: the authority scale 1 is calibrated to
DEFAULT_REGION = "E12000002"  # North West: 24 authorities
MANIFEST = "authorities.csv"


def region_authorities(n: int, year_ending: int, region: str = DEFAULT_REGION) -> pd.DataFrame:
    """n real English LAs with an ONS estimate of children aged 0-17 for the year ending 31 March `year_ending`:
    those of `region` first, by code, then those of the other regions, by region and code. Columns: la_code,
    la_name, region_code, population_0_17."""
    pop = load_population()
    las = pop[(pop["level"] == "Local authority") & (pop["mid_year"] == year_ending - 1)]
    if region not in set(pop.loc[pop["level"] == "Regional", "area_code"]):
        raise InputError(f"synth region: '{region}' is not an English region code (e.g. {DEFAULT_REGION})")
    las = las.assign(first=las["region_code"] != region).sort_values(["first", "region_code", "area_code"])
    if not 1 <= n <= len(las):
        raise InputError(f"synth region: the number of authorities must be 1 to {len(las)} (got {n})")
    out = las.head(n).rename(columns={"area_code": "la_code", "area_name": "la_name"})
    return out[["la_code", "la_name", "region_code", "population_0_17"]].reset_index(drop=True)


def generate_region(
    out_dir: str | Path,
    authorities: int = 4,
    seed: int = 903,
    first_year: int = 2012,
    last_year: int = 2021,
    scale: float = 1.0,
    messy: bool = False,
    region: str = DEFAULT_REGION,
) -> pd.DataFrame:
    """Write `authorities` synthetic LAs into out_dir/<LA code>/ (see the module doc) and out_dir/authorities.csv:
    la_code, la_name, seed, scale, rate_factor, entry_growth. Returns that table."""
    from cpanalysis.region import authority_seed
    from cpanalysis.synth import generate

    out = Path(out_dir).expanduser()
    if out.exists() and not out.is_dir():
        raise InputError(f"synth: output folder {out} is a file; give a folder (it is created if missing)")
    if not 0 < scale <= 1000:
        raise InputError(f"synth: scale must be above 0 and at most 1000 (1 = a mid-sized LA); got {scale}")
    las = region_authorities(authorities, last_year, region)
    reference = load_population()
    ref = reference[(reference["area_code"] == REFERENCE_LA) & (reference["mid_year"] == last_year - 1)]
    ref_children = float(ref["population_0_17"].iloc[0]) if len(ref) else 77292.0
    rows = []
    for la in las.itertuples():
        own = authority_seed(la.la_code, seed)
        rng = np.random.default_rng([own, 7])
        rate_factor = float(np.clip(rng.lognormal(0.0, 0.3), 0.5, 2.0))
        growth = float(rng.uniform(-0.03, 0.07))
        la_scale = round(scale * la.population_0_17 / ref_children * rate_factor, 4)
        settings = replace(Settings(), entry_growth=growth)
        generate(out / la.la_code, own, first_year, last_year, la_scale, messy, settings)
        rows.append((la.la_code, la.la_name, own, la_scale, round(rate_factor, 3), round(growth, 4)))
    table = pd.DataFrame(rows, columns=["la_code", "la_name", "seed", "scale", "rate_factor", "entry_growth"])
    table.to_csv(out / MANIFEST, index=False, lineterminator="\n")
    return table
