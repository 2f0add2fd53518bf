"""Many authorities at once: every authority of a region analysed as one Dask task, then compared.

Input (`authorities`): a folder holding one folder of 903 extracts per authority, each named by its ONS LA code
(`E06000049/`), or one pooled extract (the way regional data sets are kept) whose files carry an LA column
(`LA`, `LA_CODE` or `LA_NAME`, holding the LA's ONS code, its name or its DfE 3-digit number), split by LA.

Each authority's work (`analyse_authority`) is one task on a Dask distributed cluster (a LocalCluster by default,
or an existing scheduler): load and validate its extracts, the measures for the year to the period end
(`measures.measures_table`), the scorecard (`scorecard.build_scorecard`), the placement spend per child, and the
demand projection (`projection.monthly_states` -> `fit` -> `simulate` -> `summarise`, as notebook 03 runs it).
The extracts are read where the task runs; only small aggregate tables travel back to the client. A bad extract
(an InputError) is reported for that authority and the others go on. Each authority's projection seed comes from
its LA code and the run's seed (`authority_seed`), never from task order, so the results are the same whatever
the number of workers.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from cpanalysis.errors import InputError

LA_CODE = re.compile(r"^E(0[6-9]|10)\d{6}$")  # ONS codes of English LAs: unitary, metropolitan, London, county
LA_COLUMNS = ("LA_CODE", "LA", "LA_NAME")  # a pooled extract's authority column, first found wins
HORIZONS = (12, 24, 36)  # months ahead at which projected growth is reported
SIMULATIONS = 200  # Monte Carlo runs per authority (notebook 03 uses 500 for one LA)


@dataclass(frozen=True)
class Authority:
    """One authority of a region: its LA code and where its extracts are (its own folder, or the pooled extract's
    folder with the LA column and the value of it that selects this authority's rows)."""

    la_code: str
    source: Path
    column: str | None = None
    value: str | None = None


@dataclass
class AuthorityResult:
    """What one task sends back: aggregates only (no child-level rows)."""

    la_code: str
    status: str = "ok"  # ok | failed
    error: str = ""
    seconds: float = 0.0
    period_end: pd.Timestamp | None = None
    measures: pd.DataFrame = field(default_factory=pd.DataFrame)  # measure, value (unsuppressed)
    scorecard: pd.DataFrame = field(default_factory=pd.DataFrame)  # build_scorecard's table (suppressed)
    projection: pd.DataFrame = field(default_factory=pd.DataFrame)  # months, central, lower, upper (total)
    simulated_totals: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))  # [sim, horizon]
    spend: pd.DataFrame = field(default_factory=pd.DataFrame)  # costs.spend for the year: category, care_days, ...


def authority_seed(la_code: str, seed: int = 903) -> int:
    """A seed of the authority's own from the run's seed and its LA code (CRC-32 of 'seed:code'): the same in every
    process and whatever the order or number of tasks."""
    return zlib.crc32(f"{int(seed)}:{la_code}".encode()) & 0x7FFFFFFF


# --------------------------------------------------------------------------------------------------- input
def _la_lookup() -> dict[str, str]:
    """ONS code, name (lower case) and DfE 3-digit number -> ONS code, for every English LA in population.csv
    (the most recent code for a number that changed)."""
    from cpanalysis.population import load_population

    pop = load_population()
    las = pop[pop["level"] == "Local authority"].sort_values("mid_year")
    out: dict[str, str] = {}
    for row in las.itertuples():
        out[str(row.area_code)] = str(row.area_code)
        out[str(row.area_name).strip().lower()] = str(row.area_code)
        if pd.notna(row.old_la_code):
            out[str(row.old_la_code).split(".")[0]] = str(row.area_code)
    return out


def _pooled_column(path: Path) -> str | None:
    from cpanalysis.ssda903.discover import _header_columns

    columns = {c.strip().upper() for c in _header_columns(path)}
    return next((c for c in LA_COLUMNS if c in columns), None)


def authorities(path: str | Path) -> tuple[list[Authority], list[AuthorityResult]]:
    """The authorities under `path` (see the module doc), by LA code; and, for a pooled extract, those whose LA
    value is not an English LA (code, name or DfE number), as failed results. InputError when `path` holds
    neither LA-code folders nor a pooled extract."""
    root = Path(path).expanduser()
    if not root.is_dir():
        raise InputError(
            f"{root}: no such folder (expected one folder of 903 extracts per LA code, or a pooled extract)"
        )
    folders = sorted(p for p in root.iterdir() if p.is_dir() and LA_CODE.match(p.name))
    if folders:
        return [Authority(p.name, p) for p in folders], []
    from cpanalysis.ssda903.discover import discover

    sources, _ = discover(root)
    csvs = [s for s in sources if s.fmt == "csv"]
    pooled = [(s, _pooled_column(s.path)) for s in csvs]
    if not csvs or not all(col for _, col in pooled):
        raise InputError(
            f"{root}: no sub-folders named by LA code (e.g. E06000049/) and not a pooled extract: every CSV file "
            f"needs an LA column ({', '.join(LA_COLUMNS)})"
            + (f"; {pooled[0][0].path.name} has none" if pooled and not pooled[0][1] else "")
        )
    values: dict[tuple[str, str], None] = {}
    for src, col in pooled:
        cells = pd.read_csv(src.path, usecols=lambda c, col=col: c.strip().upper() == col, dtype=str)
        for v in cells.iloc[:, 0].dropna().str.strip().unique():
            values[(col, v)] = None
    lookup = _la_lookup()
    found: dict[str, Authority] = {}
    failed = []
    for col, value in values:
        code = lookup.get(value) or lookup.get(value.lower())
        if code is None:
            failed.append(
                AuthorityResult(
                    value,
                    "failed",
                    f"{root}: {col} '{value}' is not an English local authority (an ONS code such as E06000049, an "
                    "LA name or a DfE 3-digit LA number)",
                )
            )
        elif code not in found:
            found[code] = Authority(code, root, col, value)
    return [found[c] for c in sorted(found)], failed


def split_pooled(authority: Authority, target: Path) -> Path:
    """Write the authority's rows of a pooled extract into `target`, the files keeping their names and folders and
    losing the LA column: a folder `cpanalysis.ssda903.load` reads like any LA's."""
    from cpanalysis.ssda903.discover import discover
    from cpanalysis.ssda903.read import read_csv

    sources, _ = discover(authority.source)
    for src in sources:
        if src.fmt != "csv":
            continue
        raw = read_csv(src.path)
        col = next((c for c in LA_COLUMNS if c in raw.columns), None)
        if col is None:
            raise InputError(f"{src.path}: no LA column ({', '.join(LA_COLUMNS)}) in a pooled extract")
        own = raw[raw[col].str.strip() == authority.value].drop(
            columns=[c for c in LA_COLUMNS if c in raw] + ["SOURCE_ROW"]
        )
        out = target / src.path.relative_to(authority.source)
        out.parent.mkdir(parents=True, exist_ok=True)
        own.to_csv(out, index=False, lineterminator="\n")
    return target


# --------------------------------------------------------------------------------------------------- one task
def _load(authority: Authority):
    from cpanalysis.ssda903 import load

    if authority.column is None:
        return load(authority.source)
    with tempfile.TemporaryDirectory(prefix="cpanalysis-la-") as tmp:
        return load(split_pooled(authority, Path(tmp)))


def year_to(period_end: pd.Timestamp) -> pd.Timestamp:
    """The first day of the year that ends on `period_end`."""
    return pd.Timestamp(period_end) - pd.DateOffset(years=1) + pd.Timedelta(days=1)


def spend_per_child(spend: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> float:
    """What a year of care cost per child, on average: placement spend in [start, end] (care days x the weekly unit
    costs of data/reference/unit_costs.csv, costs.spend) over the average number of children looked after in it
    (care days / days in the period), both over the placement categories that have a unit cost (the others, e.g.
    'Other', are left out of both: never guessed). Blank with no priced care days."""
    priced = spend.dropna(subset=["spend_gbp"])
    days = float(priced["care_days"].sum())
    if not days:
        return np.nan
    return round(float(priced["spend_gbp"].sum()) / (days / ((end - start).days + 1)), 0)


def analyse_authority(
    authority: Authority,
    period_end: str | pd.Timestamp | None = None,
    simulations: int = SIMULATIONS,
    seed: int = 903,
    window_months: int = 24,
) -> AuthorityResult:
    """One authority's work, run as a Dask task (see the module doc): measures for the year to `period_end`
    (default: the last 31 March in its data), the scorecard, spend per child and the projection's total at
    HORIZONS with its 90% range. An InputError becomes a failed result with its message."""
    from cpanalysis import costs, scorecard
    from cpanalysis import projection as pj
    from cpanalysis.measures import measures_table
    from cpanalysis.ssda903.schema import collection_year

    t0 = time.perf_counter()
    res = AuthorityResult(authority.la_code)
    try:
        data = _load(authority)
        end = pd.Timestamp(period_end).normalize() if period_end else data.data_end
        start = year_to(end)
        res.period_end = end
        columns = scorecard.quarter_columns(data, end, authority.la_code)
        # at 31 March the scorecard's last column is the year to the period end: the same measures table
        last = list(columns)[-1] if columns else None
        year_column = last is not None and (end.month, end.day) == (3, 31) and last.startswith("Q4")
        res.measures = columns[last] if year_column else measures_table(data, start, end, la_code=authority.la_code)
        res.scorecard = scorecard.build_scorecard(
            scorecard.values_long(columns),
            scorecard.load_targets(),
            scorecard.comparators(authority.la_code, collection_year(end)),
            {},
        )
        res.spend = costs.spend(data["episodes"], start, end, costs.load_unit_costs())
        res.measures = pd.concat(
            [
                res.measures,
                pd.DataFrame({"measure": ["spend_per_child_gbp"], "value": [spend_per_child(res.spend, start, end)]}),
            ],
            ignore_index=True,
        )
        states = pj.monthly_states(data["episodes"], data["header"], data.data_start, data.data_end)
        fitted = pj.fit(states, end, window_months, pj.ENTRY_DAMPING)
        sim = pj.simulate(fitted, max(HORIZONS), simulations, authority_seed(authority.la_code, seed), workers=1)
        summary = pj.summarise(sim)
        total = summary[summary["category"] == pj.TOTAL].reset_index(drop=True)
        steps = [0, *HORIZONS]
        res.projection = total.iloc[steps][["date", "central", "lower", "upper"]].assign(months=steps)
        res.simulated_totals = sim.totals()[:, list(HORIZONS)].astype(float)
    except InputError as exc:
        res.status, res.error = "failed", str(exc)
    res.seconds = round(time.perf_counter() - t0, 2)
    return res


# --------------------------------------------------------------------------------------------------- the run
@dataclass
class RegionRun:
    """A region's results: one AuthorityResult per authority (ok and failed), and how it ran."""

    results: list[AuthorityResult]
    workers: int
    seconds: float
    scheduler: str

    @property
    def ok(self) -> list[AuthorityResult]:
        return [r for r in self.results if r.status == "ok"]

    @property
    def failed(self) -> list[AuthorityResult]:
        return [r for r in self.results if r.status != "ok"]


def _client(scheduler: str | None, workers: int | None, processes: bool):
    """A distributed Client: to the scheduler at `scheduler`, or to a new LocalCluster of `workers` single-threaded
    workers (default: one per core) in separate processes. Returns (client, cluster or None)."""
    import os

    from distributed import Client, LocalCluster

    if scheduler:
        try:
            return Client(scheduler, timeout="10s"), None
        except (OSError, TimeoutError, ValueError) as exc:
            raise InputError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
    n = workers or os.cpu_count() or 1
    if n < 1:
        raise InputError(f"--workers must be at least 1 (got {n})")
    cluster = LocalCluster(
        n_workers=n, threads_per_worker=1, processes=processes, dashboard_address=":0", silence_logs=40
    )
    return Client(cluster), cluster


def run_region(
    path: str | Path,
    scheduler: str | None = None,
    workers: int | None = None,
    period_end: str | None = None,
    simulations: int = SIMULATIONS,
    seed: int = 903,
    processes: bool = True,
    client=None,
    progress: Callable[[str], None] | None = print,
) -> RegionRun:
    """Analyse every authority under `path` on Dask (see the module doc), one task each; `progress` gets a line
    as each task finishes (distributed.as_completed). Give `client` to use an existing distributed Client (it is
    left open); otherwise one is made from `scheduler` / `workers` and closed at the end."""
    from distributed import as_completed

    if simulations < 1:
        raise InputError(f"simulations must be at least 1 (got {simulations})")
    found, failed = authorities(path)
    t0 = time.perf_counter()
    own, cluster = (None, None) if client is not None else _client(scheduler, workers, processes)
    client = client or own
    try:
        n_workers = len(client.nthreads())
        futures = {
            client.submit(
                analyse_authority, a, period_end, simulations, seed, key=f"authority-{a.la_code}", pure=False
            ): a
            for a in found
        }
        results = list(failed)
        for done, fut in enumerate(as_completed(futures), 1):
            a = futures[fut]
            if fut.status == "error":
                exc = fut.exception()
                res = AuthorityResult(a.la_code, "failed", f"internal error: {type(exc).__name__}: {exc}")
            else:
                res = fut.result()
            results.append(res)
            if progress:
                what = f"ok in {res.seconds:.1f} s" if res.status == "ok" else f"FAILED: {res.error}"
                progress(f"[{done}/{len(futures)}] {a.la_code} {what}")
        address = client.scheduler.address
    finally:
        if own is not None:
            own.close()
        if cluster is not None:
            cluster.close()
    results.sort(key=lambda r: r.la_code)
    return RegionRun(results, n_workers, round(time.perf_counter() - t0, 2), address)


# --------------------------------------------------------------------------------------------------- comparison
# Each compared measure: its label, and the counts it is computed over (suppressed when any is 1-4; a pooled
# regional figure is numerator total / denominator total). Counts come first, then what is derived.
COUNTS = ("cla_at_end", "starts", "ceased", "adopted", "in_house_foster", "external_foster", "residential_n")
LABELS = {
    "cla_at_end": "Looked after at the period end",
    "rate_per_10k": "Rate per 10,000 children aged 0-17",
    "in_house_foster_pct": "% in in-house foster care",
    "external_foster_pct": "% in external (IFA) foster care",
    "residential_pct": "% in residential care",
    "stability_3plus_pct": "% with 3+ placements in the year",
    "stability_long_term_pct": "% long-term stable (same placement 2+ years)",
    "A1": "A1: days from entering care to moving in with adopters",
    "A2": "A2: days from placement order to match",
    "A10": "A10: A1 from moving in with the foster carer who adopts",
    "spend_per_child_gbp": "Placement spend per child looked after (GBP a year)",
    **{f"growth_{h}m_pct": f"Projected change in children looked after in {h} months (%)" for h in HORIZONS},
    **{f"growth_{h}m_lower_pct": f"{h} months: 90% range from (%)" for h in HORIZONS},
    **{f"growth_{h}m_upper_pct": f"{h} months: 90% range to (%)" for h in HORIZONS},
    "reviews_in_time_pct": "% of reviews held in time",
    "children_reviews_all_in_time_pct": "% of children whose reviews were all in time",
    "review_participation_pct": "% of reviews (aged 4+) the child took part in",
    "rag_green": "Scorecard measures Green",
    "rag_amber": "Scorecard measures Amber",
    "rag_red": "Scorecard measures Red",
    "la_code": "LA code",
    "la_name": "Authority",
}
RATIOS = {  # derived measure -> (numerator, denominator), pooled for the region
    "in_house_foster_pct": ("in_house_foster", "cla_at_end"),
    "external_foster_pct": ("external_foster", "cla_at_end"),
    "residential_pct": ("residential_n", "cla_at_end"),
    "stability_3plus_pct": ("stability_3plus_n", "cla_at_end"),
    "stability_long_term_pct": ("stability_long_term_n", "stability_long_term_eligible"),
    # reviews, where the measures table has them (cpanalysis.reviews)
    "reviews_in_time_pct": ("reviews_in_time", "reviews_held"),
    "children_reviews_all_in_time_pct": ("children_reviews_all_in_time", "children_review_due"),
    "review_participation_pct": ("reviews_participated", "reviews_aged_4plus"),
}
MEANS = {"A1": "adopted", "A2": "A2_children", "A10": "adopted"}  # average days, weighted by these counts


def _bases() -> dict[str, tuple[str, ...]]:
    from cpanalysis.scorecard import BASES

    growth = {f"growth_{h}m{s}_pct": ("cla_at_end",) for h in HORIZONS for s in ("", "_lower", "_upper")}
    return {
        **BASES,
        **{m: nd for m, nd in RATIOS.items()},
        "spend_per_child_gbp": ("cla_at_end",),
        **growth,
    }


def authority_values(res: AuthorityResult) -> dict[str, float]:
    """One authority's row of the comparison: its measures, the numerators the suppression needs, the placement
    shares, RAG counts of its scorecard and the projected change at each horizon (central and 90% range, % of
    the number looked after at the period end)."""
    from cpanalysis.scorecard import _with_numerators

    v = _with_numerators(res.measures).set_index("measure")["value"].astype(float).to_dict()
    for m, (n, d) in RATIOS.items():
        if m not in v and n in v and d in v:
            v[m] = round(100 * v[n] / v[d], 1) if v[d] else np.nan
    now = float(res.projection.loc[res.projection["months"] == 0, "central"].iloc[0]) if len(res.projection) else 0
    for h in HORIZONS:
        row = res.projection[res.projection["months"] == h]
        for col, suffix in (("central", ""), ("lower", "_lower"), ("upper", "_upper")):
            v[f"growth_{h}m{suffix}_pct"] = round(100 * (float(row[col].iloc[0]) / now - 1), 1) if now else np.nan
    rag = res.scorecard["RAG"].value_counts() if "RAG" in res.scorecard else pd.Series(dtype=int)
    for status in ("Green", "Amber", "Red"):
        v[f"rag_{status.lower()}"] = int(rag.get(status, 0))
    return v


def _pooled_spend_per_child(ok: list) -> float:
    """Added priced spend over the added average numbers looked after (care days / days in the year)."""
    priced = [r.spend.dropna(subset=["spend_gbp"]) for r in ok]
    spend = sum(float(p["spend_gbp"].sum()) for p in priced)
    avg = sum(
        float(p["care_days"].sum()) / ((r.period_end - year_to(r.period_end)).days + 1) for p, r in zip(priced, ok)
    )
    return round(spend / avg, 0) if avg else np.nan


def _pooled_growth(ok: list) -> dict[str, float]:
    """Projected % change at each horizon from the sum of the authorities' simulations (simulation i of every
    authority added), with its 90% range: growth_{h}m_pct, _lower_pct, _upper_pct."""
    sims = min(r.simulated_totals.shape[0] for r in ok)
    summed = sum(r.simulated_totals[:sims] for r in ok)
    now = sum(float(r.projection.loc[r.projection["months"] == 0, "central"].iloc[0]) for r in ok)
    out: dict[str, float] = {}
    for i, h in enumerate(HORIZONS):
        for suffix, value in (
            ("", summed[:, i].mean()),
            ("_lower", np.quantile(summed[:, i], 0.05)),
            ("_upper", np.quantile(summed[:, i], 0.95)),
        ):
            out[f"growth_{h}m{suffix}_pct"] = round(100 * (value / now - 1), 1) if now else np.nan
    return out


def comparison(run: RegionRun) -> pd.DataFrame:
    """The unsuppressed comparison: one row per authority that ran (index: LA code) and a last row 'Region', the
    authorities pooled: counts added up; rate per 10,000 on their added populations; percentages as added
    numerators over added denominators; A1/A2/A10 weighted by their children; spend per child as added spend
    over the added average numbers looked after; projected change from the sum of the authorities' simulations
    (simulation i of every authority added: their 90% range, not a sum of ranges). Other measures (reviews):
    the mean of the authorities'. Columns: la_name, then the measures."""
    from cpanalysis.population import population_for, rate_per_10k
    from cpanalysis.ssda903.schema import collection_year

    ok = run.ok
    if not ok:
        raise InputError("no authority could be analysed: " + "; ".join(f"{r.la_code}: {r.error}" for r in run.failed))
    rows = {r.la_code: authority_values(r) for r in ok}
    wide = pd.DataFrame.from_dict(rows, orient="index")
    region: dict[str, float] = {}
    for c in wide.columns:
        region[c] = wide[c].mean()
    for c in [*COUNTS, "stability_3plus_n", "stability_long_term_n", "stability_long_term_eligible", "A2_children"]:
        if c in wide:
            region[c] = wide[c].sum()
    for c in ("rag_green", "rag_amber", "rag_red"):
        region[c] = np.nan
    children = sum(population_for(r.la_code, collection_year(r.period_end)) for r in ok)
    region["rate_per_10k"] = rate_per_10k(region["cla_at_end"], children)
    for m, (n, d) in RATIOS.items():
        if n in region and d in region:
            region[m] = round(100 * region[n] / region[d], 1) if region[d] else np.nan
    for m, w in MEANS.items():
        if m not in wide or w not in wide:
            continue
        weights = wide[w].where(wide[m].notna(), 0)
        region[m] = round(float((wide[m].fillna(0) * weights).sum() / weights.sum()), 1) if weights.sum() else np.nan
    region["spend_per_child_gbp"] = _pooled_spend_per_child(ok)
    region.update(_pooled_growth(ok))
    wide = wide.reindex(columns=list(dict.fromkeys([*wide.columns, *region])))
    wide.loc["Region"] = pd.Series(region)
    names = _la_names()
    wide.insert(
        0, "la_name", [names.get(c, c) if c != "Region" else f"Region ({len(ok)} authorities)" for c in wide.index]
    )
    return wide.rename_axis("la_code")


def _la_names() -> dict[str, str]:
    from cpanalysis.population import load_population

    pop = load_population()
    return dict(zip(pop["area_code"], pop["area_name"]))


def england(year: int, la_code: str) -> tuple[pd.Series, int]:
    """England's published figures (data/reference/published_benchmarks.csv via benchmarks.benchmarks) for the
    compared measures, for the year ending March `year` or the nearest published year: (values, year used)."""
    from cpanalysis.benchmarks import benchmarks

    bench = benchmarks(la_code, year, nearest=True)
    return bench.set_index("measure")["england"], int(bench["year_ending_march"].iloc[0])


def columns_shown(wide: pd.DataFrame) -> list[str]:
    """The compared measures, in the pack's order, that the comparison holds."""
    order = [
        "cla_at_end",
        "rate_per_10k",
        "in_house_foster_pct",
        "external_foster_pct",
        "residential_pct",
        "stability_3plus_pct",
        "stability_long_term_pct",
        "A1",
        "A2",
        "A10",
        *[c for c in RATIOS if "review" in c],
        "spend_per_child_gbp",
        *[f"growth_{h}m{s}_pct" for h in HORIZONS for s in ("", "_lower", "_upper")],
        "rag_green",
        "rag_amber",
        "rag_red",
    ]
    return [c for c in order if c in wide.columns]


def suppressed(wide: pd.DataFrame) -> pd.DataFrame:
    """The comparison with the pack's disclosure control (cpanalysis.disclosure): counts of 1-4 shown [c]; then,
    since the Region row is the authorities' total, secondary suppression of the counts (suppress_with_totals:
    no single hidden count can be worked out from the total); then every figure derived from a hidden count
    (rates, percentages, averages, spend per child, projected change: `_bases`) is hidden too. RAG counts are
    measures, not children: never suppressed."""
    from cpanalysis.disclosure import MARKER, suppress_with_totals

    counts = [c for c in COUNTS if c in wide]
    bases = {k: v for k, v in _bases().items() if k in wide}
    extra = [b for bs in bases.values() for b in bs if b in wide and b not in counts]
    base_cols = counts + list(dict.fromkeys(extra))
    out = suppress_with_totals(wide, counts, total_row="Region")
    out = out.astype({c: object for c in [*bases, *extra]})
    for c in extra:
        out.loc[wide[c].map(lambda v: 0 < v < 5 if pd.notna(v) else False), c] = MARKER
    hidden = pd.DataFrame({c: out[c].map(lambda v: isinstance(v, str) and v == MARKER) for c in base_cols}).astype(bool)
    for m, names in bases.items():
        mask = hidden[[b for b in names if b in hidden]].any(axis=1) if names else False
        out.loc[mask, m] = MARKER
    return out


def pack_table(run: RegionRun) -> tuple[pd.DataFrame, int]:
    """The regional benchmarking table: every authority, the region and England (published), the compared
    measures only, disclosure-controlled (see `suppressed`): (table, England's year)."""
    from cpanalysis.ssda903.schema import collection_year

    wide = comparison(run)
    shown = suppressed(wide)[["la_name", *columns_shown(wide)]]
    first = run.ok[0]
    eng, year = england(collection_year(first.period_end), first.la_code)
    row = {c: eng.get(c, np.nan) for c in shown.columns}
    row["la_name"] = f"England (published, year ending March {year})"
    shown.loc["England"] = pd.Series(row)
    for c in [*COUNTS, "rate_per_10k", "spend_per_child_gbp", "rag_green", "rag_amber", "rag_red"]:
        if c in shown:
            shown[c] = pd.Series([_whole(v) for v in shown[c]], index=shown.index, dtype=object)
    return shown.reset_index(), year


def _whole(v):
    """A whole number as an int (counts, rates, pounds), a marker or a blank left as it is."""
    return v if isinstance(v, str) or v is None or pd.isna(v) else int(round(float(v)))


# --------------------------------------------------------------------------------------------------- the pack
def _number(v, unit: str = "") -> str:
    if isinstance(v, str):
        return v
    if v is None or pd.isna(v):
        return ""
    return f"{v:,.0f}" if unit == "count" or float(v).is_integer() else f"{v:,.1f}"


def status_table(run: RegionRun) -> pd.DataFrame:
    """One row per authority: la_code, la_name, status, seconds, error (the InputError's message)."""
    names = _la_names()
    return pd.DataFrame(
        [(r.la_code, names.get(r.la_code, ""), r.status, r.seconds, r.error) for r in run.results],
        columns=["la_code", "la_name", "status", "seconds", "error"],
    )


def charts_for(table: pd.DataFrame, year: int, out: Path, synthetic: bool) -> list[str]:
    """One horizontal bar chart per headline measure: each authority (hidden values left out, and said so), with
    lines at the region's and England's figures; the projected change with each authority's 90% range.
    Returns the figure names."""
    import matplotlib.pyplot as plt

    from cpanalysis import charts

    body = table[~table["la_code"].isin(["Region", "England"])]
    ref = table.set_index("la_code")
    names = []
    for measure in [
        "rate_per_10k",
        "residential_pct",
        "stability_3plus_pct",
        "A1",
        "spend_per_child_gbp",
        f"growth_{HORIZONS[-1]}m_pct",
    ]:
        if measure not in table:
            continue
        values = pd.to_numeric(body[measure], errors="coerce")
        data = pd.DataFrame({"authority": body["la_name"], "value": values}).dropna()
        if data.empty:
            continue
        lines = {
            "Region": pd.to_numeric(pd.Series([ref.at["Region", measure]]), errors="coerce").iloc[0],
            f"England ({year})": pd.to_numeric(pd.Series([ref.at["England", measure]]), errors="coerce").iloc[0],
        }
        band = None
        if measure.startswith("growth_"):
            lo, hi = measure.replace("_pct", "_lower_pct"), measure.replace("_pct", "_upper_pct")
            band = (
                pd.to_numeric(body.loc[data.index, lo], errors="coerce"),
                pd.to_numeric(body.loc[data.index, hi], errors="coerce"),
            )
        hidden = len(body) - len(data)
        fig = charts.comparison_chart(
            data,
            "value",
            "authority",
            title=LABELS.get(measure, measure),
            xlabel=LABELS.get(measure, measure),
            lines={k: v for k, v in lines.items() if pd.notna(v)},
            band=band,
            source=(
                f"{hidden} authorit{'y' if hidden == 1 else 'ies'} not shown (fewer than 5 children). "
                if hidden
                else ""
            )
            + "903 returns; England: DfE published figures.",
            synthetic=synthetic,
        )
        charts.save_figure(fig, out, measure)
        plt.close(fig)
        names.append(measure)
    return names


def write_pack(run: RegionRun, out: str | Path | None = None, synthetic: bool = False) -> Path:
    """The regional benchmarking pack in out/region_<timestamp>/ (default outputs/): region_benchmarks.csv and
    .xlsx (the disclosure-controlled table, with the authorities' status), region_pack.html (the table and the
    charts), figures/, authorities.csv (each authority's status, time and error). Checked for child identifiers
    before it is written (disclosure.assert_no_identifiers)."""
    import html

    from cpanalysis.disclosure import MARKER, assert_no_identifiers
    from cpanalysis.paths import OUTPUTS

    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    folder = Path(out or OUTPUTS).expanduser().resolve() / f"region_{stamp}"
    (folder / "figures").mkdir(parents=True, exist_ok=True)
    status = status_table(run)
    if not run.ok:
        status.to_csv(folder / "authorities.csv", index=False, lineterminator="\n")
        raise InputError("no authority could be analysed: " + "; ".join(f"{r.la_code}: {r.error}" for r in run.failed))
    table, year = pack_table(run)
    assert_no_identifiers(table, where="the regional benchmarking table")
    table.to_csv(folder / "region_benchmarks.csv", index=False, lineterminator="\n")
    status.to_csv(folder / "authorities.csv", index=False, lineterminator="\n")
    with pd.ExcelWriter(folder / "region_benchmarks.xlsx") as xl:
        table.rename(columns={c: LABELS.get(c, c) for c in table.columns}).to_excel(
            xl, sheet_name="benchmarks", index=False
        )
        status.to_excel(xl, sheet_name="authorities", index=False)
    figures = charts_for(table, year, folder / "figures", synthetic)
    head = "".join(f"<th>{html.escape(LABELS.get(c, c.replace('_', ' ')))}</th>" for c in table.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_number(v))}</td>" for v in row) + "</tr>"
        for row in table.itertuples(index=False)
    )
    failed = "".join(f"<li>{html.escape(r.la_code)}: {html.escape(r.error)}</li>" for r in run.failed)
    end = run.ok[0].period_end
    page = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Regional benchmarking</title><style>"
        "body{font-family:Arial,Helvetica,sans-serif;margin:24px}table{border-collapse:collapse;font-size:12px}"
        "th{background:#24496b;color:#fff;padding:5px;vertical-align:bottom}td{border:1px solid #bbb;padding:4px}"
        "tr:nth-last-child(-n+2) td{font-weight:bold}img{max-width:900px;display:block;margin:12px 0}</style>"
        f"</head><body><h1>Regional benchmarking: {len(run.ok)} authorities, year to {end:%d %B %Y}"
        f"{' (SYNTHETIC DATA)' if synthetic else ''}</h1>"
        "<p>Each authority against the region (the authorities pooled: rates on their added populations, "
        "percentages on added numerators and denominators, adoption averages weighted by children) and England "
        f"(the DfE's published figures, year ending March {year}). {MARKER} = fewer than 5 children, or a figure "
        "computed from fewer than 5 (or one that would reveal such a count from the regional total), not shown. "
        f"Projected change: {HORIZONS[-1]}-month demand projection, central and 90% range. RAG counts: the "
        "authority's scorecard measures on target (Green), close (Amber) and off target (Red).</p>"
        + (f"<h2>Not analysed</h2><ul>{failed}</ul>" if failed else "")
        + f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        + "".join(f"<img src='figures/{n}.png' alt='{html.escape(LABELS.get(n, n))}'>" for n in figures)
        + f"<p>Run on {run.workers} Dask worker(s) at {html.escape(run.scheduler)} in {run.seconds:.1f} s.</p>"
        "</body></html>"
    )
    assert_no_identifiers(page, where="the regional benchmarking pack")
    (folder / "region_pack.html").write_text(page, encoding="utf-8")
    return folder


def write_packs(run: RegionRun, path: str | Path, folder: Path, progress: Callable[[str], None] | None = print) -> list:
    """Each analysed authority's own committee pack (cpanalysis.batch.run) into folder/packs/, one after another;
    a pooled extract's authority from its rows, split into a temporary folder. Returns (la_code, run folder or
    error) pairs."""
    from cpanalysis.batch import run as batch_run

    found = {a.la_code: a for a in authorities(path)[0]}
    made = []
    for r in run.ok:
        a = found[r.la_code]
        with tempfile.TemporaryDirectory(prefix="cpanalysis-la-") as tmp:
            data = a.source if a.column is None else split_pooled(a, Path(tmp))
            try:
                pack, manifest = batch_run(
                    data_dir=data,
                    period_end=f"{r.period_end:%Y-%m-%d}",
                    la_code=r.la_code,
                    out=folder / "packs" / r.la_code,
                    progress=False,
                )
                made.append((r.la_code, str(pack)))
                if progress:
                    progress(f"pack {r.la_code}: {pack} ({len(manifest['failed'])} notebook(s) failed)")
            except InputError as exc:
                made.append((r.la_code, f"failed: {exc}"))
    return made
