"""`cpanalysis ...`: the command-line entry point. Each sub-command is one small function below.

Exit codes: 0 success, 1 a batch run finished with failed notebooks, 2 bad input (clear message).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from cpanalysis.errors import InputError

Command = Callable[[argparse.Namespace], int]


def _validate(args: argparse.Namespace) -> int:
    from cpanalysis.ssda903 import load
    from cpanalysis.ssda903.report import summary_text

    data = load(args.data)
    print(summary_text(data))
    if args.output:
        data.quality.to_csv(args.output, index=False)
        print(f"\nData-quality table ({len(data.quality)} findings) written to {args.output}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cpanalysis", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="load and validate a folder (or XML file) of 903 extracts")
    p.add_argument("data", help="folder of 903 CSV files (flat, per-year sub-folders) or a 903 XML file")
    p.add_argument("--output", "-o", help="write the data-quality table to this CSV")
    p.set_defaults(func=_validate)

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    func: Command = args.func
    try:
        return func(args)
    except InputError as exc:
        print(f"cpanalysis {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
