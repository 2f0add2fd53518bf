"""What every notebook does first: validate its parameters, load the data, prepare the output folders.

A notebook's first code cell after `parameters` is one call:

    ctx = setup(data_dir=data_dir, period_end=period_end, la_code=la_code, period=period, output_dir=output_dir)

which fails with one readable InputError (e.g. a period end after the last date in the data) and returns a
`Context` holding the loaded Dataset, the reporting period and where figures and tables go.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import pandas as pd

from cpanalysis.errors import InputError
from cpanalysis.ssda903 import Dataset, load
from cpanalysis.ssda903 import cache as dataset_cache
from cpanalysis.ssda903.schema import year_start

if TYPE_CHECKING:
    from cpanalysis.projection import Fit, Simulation

T = TypeVar("T")
PERIODS = {"quarter": 3, "year": 12}
LA_CODE = re.compile(r"^E0[6-9]\d{6}$|^E1[0-9]\d{6}$")


@dataclass(frozen=True)
class Context:
    """A notebook's validated parameters and loaded data."""

    data: Dataset
    period_end: pd.Timestamp
    period_start: pd.Timestamp
    period: str
    la_code: str | None
    out: Path
    synthetic: bool

    @property
    def figures(self) -> Path:
        return self.out / "figures"

    @property
    def tables(self) -> Path:
        return self.out / "tables"

    @property
    def source_note(self) -> str:
        """Footnote for charts and tables: the data and whether they are synthetic (no folder or file name: the
        committee's copy names no path)."""
        kind = "SYNTHETIC data (no real child)" if self.synthetic else "the local authority's SSDA903 return"
        return f"Source: {kind}, to {self.period_end:%d/%m/%Y}."

    @property
    def previous_end(self) -> pd.Timestamp:
        """The end of the period before this one (the previous quarter end, or a year earlier for a yearly pack)."""
        return self.period_start - pd.Timedelta(days=1)

    @property
    def last_march(self) -> pd.Timestamp:
        """The latest 31 March on or before the period end (for the DfE's 31 March measures)."""
        return max(d for d in self.quarter_ends() if d.month == 3)

    @property
    def march_years(self) -> list[int]:
        """Every year ending 31 March from the data's first to the period end (the pack's own years)."""
        return [d.year for d in self.quarter_ends() if d.month == 3]

    def quarter_ends(self, last: pd.Timestamp | None = None) -> list[pd.Timestamp]:
        """Every quarter end (30/6, 30/9, 31/12, 31/3) from the first collection year to `last` (default:
        the period end)."""
        first = pd.Timestamp(year_start(self.data.first_year)) + pd.offsets.QuarterEnd(startingMonth=3)
        return list(pd.date_range(first, last or self.period_end, freq="QE-MAR"))

    def scorecard_columns(self) -> dict[str, pd.DataFrame]:
        """scorecard.quarter_columns(data, period_end, la_code), shared in a batch run (Context.shared): notebooks
        04b and 05 both show the scorecard, and at national size its columns take half a minute."""
        from cpanalysis import scorecard

        return self.shared(
            "scorecard",
            (self.period_end, self.la_code),
            lambda: scorecard.quarter_columns(self.data, self.period_end, self.la_code),
        )

    def projection(
        self, window_months: int, months: int, sims: int, states: pd.DataFrame | None = None
    ) -> tuple[Fit, Simulation]:
        """The demand model fitted to the period end over `window_months` (projection.fit with ENTRY_DAMPING) and
        its baseline simulation of `months` x `sims`: the cost notebook's projection, which the sufficiency deep
        dive reads too, shared in a batch run (Context.shared). `states`: the monthly states, if the notebook
        has them (else worked out from the data)."""
        from cpanalysis import projection as pj

        def compute() -> tuple[Fit, Simulation]:
            d, monthly = self.data, states
            if monthly is None:
                monthly = pj.monthly_states(d["episodes"], d["header"], d.data_start, d.data_end)
            fitted = pj.fit(monthly, self.period_end, window_months, pj.ENTRY_DAMPING)
            return fitted, pj.simulate(fitted, months, sims)

        return self.shared("projection", (self.period_end, window_months, months, sims), compute)

    def shared(self, name: str, key: tuple, compute: Callable[[], T]) -> T:
        """compute(), for this data set and `key`. In a batch run (CPANALYSIS_DATA_CACHE set) the first notebook to
        ask works it out and shares it in the run's private folder, as it does the loaded data, and the others
        (each in its own kernel) read it back; outside a run it is worked out."""
        shared = _shared_file(str(self.data.source), (_stamp(self.data.source), name, *key))
        if shared is None:
            return compute()
        if shared.exists():
            with shared.open("rb") as fh:
                return pickle.load(fh)
        value = compute()
        _share(value, shared)
        return value


def parse_date(value: str | pd.Timestamp, name: str) -> pd.Timestamp:
    """A date parameter given as YYYY-MM-DD (or dd/mm/yyyy)."""
    if isinstance(value, pd.Timestamp):
        return value.normalize()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return pd.Timestamp(pd.to_datetime(str(value).strip(), format=fmt))
        except (ValueError, TypeError):
            continue
    raise InputError(f"{name} '{value}' is not a date (expected YYYY-MM-DD, e.g. 2021-03-31)")


CACHE_ENV = "CPANALYSIS_DATA_CACHE"


def _stamp(path: Path) -> tuple:
    files = [path] if path.is_file() else sorted(path.rglob("*")) if path.exists() else []
    return tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files if f.is_file())


def _shared_file(path: str, stamp: tuple) -> Path | None:
    folder = os.environ.get(CACHE_ENV)
    return Path(folder) / (hashlib.sha256(repr((path, stamp)).encode()).hexdigest()[:32] + ".pkl") if folder else None


def _share(data: object, target: Path) -> None:
    part = target.with_suffix(f".{os.getpid()}.part")
    with part.open("wb") as fh:
        pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)
    part.replace(target)


@functools.lru_cache(maxsize=4)
def _load_cached(path: str, stamp: tuple, tables: tuple[str, ...] | None = None) -> Dataset:
    shared = _shared_file(path, stamp)
    if shared and shared.exists():
        with shared.open("rb") as fh:
            return pickle.load(fh)
    return load(path, cache=dataset_cache.default_folder(), tables=tables)


def load_data(data_dir: str | Path, tables: tuple[str, ...] | None = None) -> Dataset:
    """Load a data folder (cached in this process while its files are unchanged, and across processes in the
    parquet cache of cpanalysis/ssda903/cache.py). When the environment variable CPANALYSIS_DATA_CACHE names a
    folder (the batch run sets a private temporary one, removed when the run ends), the loaded Dataset is shared
    there too, so the run's notebooks, each in its own kernel, load it only once. `tables`: only these (see
    `ssda903.load`), e.g. episodes and header for a projection."""
    path = Path(data_dir).expanduser().resolve()
    stamp = _stamp(path)
    data = _load_cached(str(path), stamp, tables)
    shared = _shared_file(str(path), stamp)
    if shared and tables is None and not shared.exists():  # the first to load it in this run shares it
        _share(data, shared)
    return data


def is_synthetic(data_dir: str | Path) -> bool:
    """True for data made by cpanalysis' synthetic generator (it leaves a SYNTHETIC marker file)."""
    path = Path(data_dir)
    return any((p / "SYNTHETIC").exists() for p in [path, *path.parents][:3])


def check_codes(la_code: str | None, period: str) -> None:
    """One InputError for a period that is not 'quarter' or 'year' or an LA code that is not an English one."""
    if period not in PERIODS:
        raise InputError(f"period '{period}' is not one of {', '.join(PERIODS)}")
    if la_code and not LA_CODE.match(str(la_code)):
        raise InputError(f"la_code '{la_code}' is not an English LA code (9 characters such as E06000049)")


def check_parameters(
    data: Dataset, period_end: str | pd.Timestamp | None, la_code: str | None, period: str
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The reporting period's end and start, or one InputError: a period that is not 'quarter' or 'year', an LA code
    that is not an English one, a period end after the last date the data speak for or whose period starts before
    the data begin. Used by setup() and, once before any notebook runs, by the batch run."""
    check_codes(la_code, period)
    end = data.data_end if not period_end else parse_date(period_end, "period_end")
    begin = pd.Timestamp(year_start(data.first_year))
    if end > data.data_end:
        raise InputError(
            f"period_end {end:%Y-%m-%d} is after the last date in the data ({data.data_end:%Y-%m-%d}, "
            f"the end of the {data.last_year - 1}/{str(data.last_year)[2:]} return)"
        )
    start = end - pd.DateOffset(months=PERIODS[period]) + pd.Timedelta(days=1)
    if start < begin:
        raise InputError(
            f"period_end {end:%Y-%m-%d}: the {period} before it starts before the data begin ({begin:%Y-%m-%d})"
        )
    return end, start


def setup(
    data_dir: str | Path | None = None,
    period_end: str | None = None,
    la_code: str | None = None,
    period: str = "quarter",
    output_dir: str | Path | None = None,
) -> Context:
    """Validate a notebook's parameters and load its data.

    data_dir: a 903 folder or XML file (None or '': the embedded synthetic data set).
    period_end: last day of the reporting period (None or '': the last 31 March in the data); it must not
    be after the last date the data speak for, nor before the data begin.
    period: 'quarter' (3 months to period_end) or 'year' (12 months).
    la_code: the LA's 9-character ONS code (E06000049 for Cheshire East), for rates and benchmarks.
    output_dir: where figures/ and tables/ are written (default outputs/interactive).
    """
    if not data_dir:
        from cpanalysis.synth import ensure_default

        data_dir = ensure_default()
    data = load_data(data_dir)
    end, start = check_parameters(data, period_end, la_code, period)
    from cpanalysis.paths import OUTPUTS

    out = Path(output_dir) if output_dir else OUTPUTS / "interactive"
    for sub in ("figures", "tables"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    return Context(data, end, start, period, la_code or None, out, is_synthetic(data_dir))


def save_tables(tables: dict[str, pd.DataFrame], ctx: Context, prefix: str = "") -> list[Path]:
    """save_table for each of {name: table}, as prefix + name."""
    return [save_table(df, ctx, f"{prefix}{name}") for name, df in tables.items()]


def save_table(df: pd.DataFrame, ctx: Context, name: str) -> Path:
    """Write a table as CSV into the run's tables/ folder (the batch gathers them into one XLSX)."""
    path = ctx.tables / f"{name}.csv"
    df.to_csv(path, index=False)
    return path
