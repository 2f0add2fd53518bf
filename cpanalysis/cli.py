"""`cpanalysis ...`: the command-line entry point. Each sub-command is one small function below.

Exit codes: 0 success, 1 a batch run finished with failed notebooks, 2 bad input (clear message),
3 an internal error (one line; CPANALYSIS_DEBUG=1 shows the traceback).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from cpanalysis.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

Command = Callable[[argparse.Namespace], int]


def _validate(args: argparse.Namespace) -> int:
    from cpanalysis.ssda903 import load
    from cpanalysis.ssda903.cache import default_folder
    from cpanalysis.ssda903.report import summary_text

    data = load(args.data, cache=default_folder())
    print(summary_text(data))
    if args.output:
        data.quality.to_csv(args.output, index=False)
        print(f"\nData-quality table ({len(data.quality)} findings) written to {args.output}")
    return 0


def _write_csv(table: pd.DataFrame, output: str | None) -> int:
    """The table as CSV (LF line ends, UTF-8) to `output`, or to standard output; exit code 0."""
    text = table.to_csv(index=False, lineterminator="\n")
    if output:
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        print(text, end="")
    return 0


def _measures(args: argparse.Namespace) -> int:
    from cpanalysis.context import parse_date
    from cpanalysis.measures import measures_table
    from cpanalysis.ssda903 import load
    from cpanalysis.ssda903.cache import default_folder

    start, end = parse_date(args.start, "--start"), parse_date(args.end, "--end")
    if end < start:
        raise InputError(f"the period is empty: --end {end:%Y-%m-%d} is before --start {start:%Y-%m-%d}")
    table = measures_table(load(args.data, cache=default_folder()), start, end, la_code=args.la_code)
    for measure, note in table.attrs.get("notes", {}).items():
        print(f"note: {measure}: {note}", file=sys.stderr)
    return _write_csv(table, args.output)


def _project(args: argparse.Namespace) -> int:
    from cpanalysis import backtest as bt
    from cpanalysis import projection as pj
    from cpanalysis.context import load_data, parse_date

    start, end = parse_date(args.start, "--start"), parse_date(args.end, "--end")
    if args.months < 1 or args.simulations < 1:
        raise InputError(f"--months and --simulations must be at least 1 (got {args.months} and {args.simulations})")
    data = load_data(args.data, tables=("episodes", "header"))  # all a projection needs
    states = pj.monthly_states(data["episodes"], data["header"], data.data_start, data.data_end)
    table = bt.headline_table(states, start, end, args.months, args.simulations, args.backtest_simulations)
    return _write_csv(table, args.output)


def _synth(args: argparse.Namespace) -> int:
    from cpanalysis.synth import generate, generate_region

    if args.authorities is not None:
        table = generate_region(
            args.out, args.authorities, args.seed, args.first_year, args.last_year, args.scale, args.messy, args.region
        )
        print(table.to_string(index=False))
        print(f"{len(table)} synthetic authorities written to {args.out}, one folder per LA code")
        return 0
    out = generate(
        args.out,
        seed=args.seed,
        first_year=args.first_year,
        last_year=args.last_year,
        scale=args.scale,
        messy=args.messy,
        entry_growth=args.entry_growth,
        turn_year=args.turn_year,
        growth_after=args.growth_after,
    )
    print(
        f"Synthetic 903 extracts ({args.first_year - 1}/{str(args.first_year)[2:]} to "
        f"{args.last_year - 1}/{str(args.last_year)[2:]}, scale {args.scale}) written to {out}"
    )
    return 0


def _run(args: argparse.Namespace) -> int:
    from cpanalysis.batch import parse_overrides, run

    run_dir, manifest = run(
        data_dir=args.data,
        period_end=args.period_end,
        la_code=args.la_code,
        period=args.period,
        out=args.out,
        overrides=parse_overrides(args.p),
        workers=args.workers,
    )
    print(f"\nRun folder: {run_dir}")
    for nb in manifest["notebooks"]:
        line = f"  {nb['status']:>6}  {nb['seconds']:6.1f}s  {nb['name']} ({nb['audience']})"
        if nb["error"]:
            err = nb["error"]
            where = f"cell {err['cell']}: " if err.get("cell") is not None else ""
            line += f"\n          {where}{err['error']}: {err['message']}"
        print(line)
    if manifest["failed"]:
        print(f"{len(manifest['failed'])} notebook(s) failed: {', '.join(manifest['failed'])} (see manifest.json)")
        return 1
    print(f"Committee pack: {run_dir / 'committee_pack.html'}")
    return 0


def _region(args: argparse.Namespace) -> int:
    from cpanalysis.context import is_synthetic, parse_date
    from cpanalysis.region import authorities, run_region, write_pack, write_packs

    if args.workers is not None and args.workers < 1:
        raise InputError(f"--workers must be at least 1 (got {args.workers})")
    period_end = f"{parse_date(args.period_end, '--period-end'):%Y-%m-%d}" if args.period_end else None
    found, _ = authorities(args.dir)
    synthetic = bool(found) and all(is_synthetic(a.source) for a in found)
    result = run_region(
        args.dir,
        scheduler=args.scheduler,
        workers=args.workers,
        period_end=period_end,
        simulations=args.simulations,
        seed=args.seed,
    )
    folder = write_pack(result, args.out, synthetic=synthetic)
    print(
        f"{len(result.ok)} of {len(result.results)} authorities analysed on {result.workers} worker(s) in "
        f"{result.seconds:.1f} s; regional pack: {folder / 'region_pack.html'}"
    )
    for r in result.failed:
        print(f"  not analysed: {r.la_code}: {r.error}", file=sys.stderr)
    if args.packs:
        write_packs(result, args.dir, folder)
    return 0


def _deep_dive(args: argparse.Namespace) -> int:
    from cpanalysis.batch import parse_overrides
    from cpanalysis.deep_dive import PAPERS, write_paper

    overrides = parse_overrides(args.p)
    stem = PAPERS.get(args.name, args.name)
    if "*" in overrides:  # -p NAME VALUE: for this deep dive
        overrides[stem] = {**overrides.pop("*"), **overrides.get(stem, {})}
    html = write_paper(args.name, args.data, args.period_end, args.la_code, args.out, overrides)
    print(f"Deep-dive paper: {html}")
    pdf = html.with_suffix(".pdf")
    print(f"PDF: {pdf}" if pdf.exists() else "PDF: not written (no PDF route installed: HTML only)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cpanalysis", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="load and validate a folder (or XML file) of 903 extracts")
    p.add_argument("data", help="folder of 903 CSV files (flat, per-year sub-folders) or a 903 XML file")
    p.add_argument("--output", "-o", help="write the data-quality table to this CSV")
    p.set_defaults(func=_validate)

    p = sub.add_parser("measures", help="the statutory measures for a period, as CSV (measure,value)")
    p.add_argument("data", help="folder of 903 extracts or a 903 XML file")
    p.add_argument("--start", required=True, help="first day of the period, YYYY-MM-DD")
    p.add_argument("--end", required=True, help="last day of the period, YYYY-MM-DD")
    p.add_argument("--la-code", help="LA code (e.g. E06000049) to add the rate per 10,000")
    p.add_argument("--output", "-o", help="write the CSV here instead of standard output")
    p.set_defaults(func=_measures)

    p = sub.add_parser("project", help="the demand model's projection with its headline 90% range, as CSV")
    p.add_argument("data", help="folder of 903 extracts or a 903 XML file")
    p.add_argument("--start", required=True, help="first month end of the reference window, YYYY-MM-DD")
    p.add_argument("--end", required=True, help="last month end of the reference window (the projection's start)")
    p.add_argument("--months", type=int, default=36, help="month ends to project from --end (default 36)")
    p.add_argument("--simulations", type=int, default=500, help="Monte Carlo runs (default 500)")
    p.add_argument("--backtest-simulations", type=int, default=200, help="runs per backtest cutoff (default 200)")
    p.add_argument("--output", "-o", help="write the CSV (date,category,central,low,high) here, not standard output")
    p.set_defaults(func=_project)

    p = sub.add_parser("synth", help="write a synthetic local authority's 903 extracts")
    p.add_argument("out", help="output folder")
    p.add_argument("--seed", type=int, default=903)
    p.add_argument("--first-year", type=int, default=2012, help="first collection year (2012 = 2011/12)")
    p.add_argument("--last-year", type=int, default=2021, help="last collection year")
    p.add_argument("--scale", type=float, default=1.0, help="1 = a mid-sized LA; 100 = national size")
    p.add_argument("--messy", action="store_true", help="inject duplicates, bad codes, ISO dates, corrections")
    p.add_argument(
        "--authorities",
        "-n",
        type=int,
        help="write a region: N authorities, one sub-folder per LA code, sized by "
        "each LA's population of children (--scale times) with their own rates and trends",
    )
    p.add_argument("--region", default="E12000002", help="with --authorities: the region whose LAs come first")
    p.add_argument(
        "--entry-growth",
        "--trend",
        type=float,
        help="yearly growth of entries (default 0.025; e.g. -0.08: a declining authority)",
    )
    p.add_argument(
        "--turn-year",
        type=int,
        help="entries peak in this collection year and then grow by --growth-after (an authority that turned)",
    )
    p.add_argument(
        "--growth-after",
        type=float,
        default=0.0,
        help="with --turn-year: yearly growth of entries after it (default 0)",
    )
    p.set_defaults(func=_synth)

    p = sub.add_parser("run", help="the quarterly committee pack: run every notebook into outputs/<period-end>_<time>/")
    p.add_argument("--data", help="903 data folder (default: the embedded synthetic data set)")
    p.add_argument("--period-end", help="YYYY-MM-DD, end of the reporting period (default: last 31 March in the data)")
    p.add_argument("--la-code", default="E06000049", help="LA code for rates and benchmarks")
    p.add_argument("--period", default="quarter", choices=["quarter", "year"], help="reporting period length")
    p.add_argument("--out", help="folder for run folders (default: outputs/)")
    p.add_argument("--workers", type=int, help="notebooks side by side, each in its own kernel (default: one a core)")
    p.add_argument(
        "-p",
        nargs=2,
        action="append",
        metavar=("NAME", "VALUE"),
        help="notebook parameter for every notebook declaring it, or NOTEBOOK.NAME for one notebook",
    )
    p.set_defaults(func=_run)

    p = sub.add_parser("region", help="every authority of a region on Dask, and the regional benchmarking pack")
    p.add_argument(
        "dir", help="folder of one 903 folder per LA code (E06000049/ ...), or a pooled extract with an LA column"
    )
    p.add_argument("--scheduler", help="address of an existing Dask scheduler (default: a local cluster)")
    p.add_argument("--workers", type=int, help="local cluster workers (default: one per core)")
    p.add_argument("--period-end", help="YYYY-MM-DD (default: each authority's last 31 March)")
    p.add_argument("--simulations", type=int, default=200, help="projection runs per authority")
    p.add_argument("--seed", type=int, default=903, help="run seed; each authority's is derived from it and its code")
    p.add_argument("--packs", action="store_true", help="also each authority's committee pack (cpanalysis run)")
    p.add_argument("--out", help="folder for the region_<timestamp>/ folder (default: outputs/)")
    p.set_defaults(func=_region)

    p = sub.add_parser("deep-dive", help="one deep dive (stability, permanence, sufficiency) as a standalone paper")
    p.add_argument("name", help="stability | permanence | sufficiency")
    p.add_argument("--data", help="903 data folder (default: the embedded synthetic data set)")
    p.add_argument("--period-end", help="YYYY-MM-DD: the date the paper is as at (default: last 31 March in the data)")
    p.add_argument("--la-code", default="E06000049", help="LA code")
    p.add_argument("--out", help="folder for the paper's folder (default: outputs/)")
    p.add_argument(
        "-p", nargs=2, action="append", metavar=("NAME", "VALUE"), help="a parameter of the deep dive, e.g. cohort_year"
    )
    p.set_defaults(func=_deep_dive)

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    func: Command = args.func
    try:
        return func(args)
    except InputError as exc:
        print(f"cpanalysis {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"cpanalysis {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug, not bad input: one readable line, the traceback on request
        if os.environ.get("CPANALYSIS_DEBUG"):
            raise
        print(
            f"cpanalysis {args.command}: internal error: {type(exc).__name__}: {exc}\n"
            "(set CPANALYSIS_DEBUG=1 to see the traceback, and please report it)",
            file=sys.stderr,
        )
        return 3


if __name__ == "__main__":
    sys.exit(main())
