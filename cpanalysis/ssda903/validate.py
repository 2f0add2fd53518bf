"""Running the validation rules, as the DfE applies them. The registry (`RULES`, in cpanalysis/ssda903/rules/,
one module per table) holds the rules, each with its DfE code
where it has one (the code a 903 lead sees on the DfE portal), its table, severity, message and a
vectorised check. The rule texts follow the DfE 903 validation rules as published in
data-to-insight/csc-validator-be-903; the code is this project's own. Rules without a DfE code are
named (e.g. `overlapping_episodes`): checks the measures need that the DfE does not make in that form.

`validate_returns` applies every rule to each year's return as submitted (with the previous year's
return at hand for cross-year rules) and to the merged history the measures use; a finding on the
merged history that repeats one already made on the same file row is dropped. Every finding keeps the
row ('used'): the analyst is told, the figures do not silently change. The loader does the same a return at a
time (`Validation`), so that each year is checked while the next is cleaned; at LA size, where each rule's fixed cost
outweighs its data, the returns are checked together in one run of the rules (`_returns_findings`).

To add a rule: see cpanalysis/ssda903/rules/core.py.

The OC2 and OC3 measures are guarded by the registry's rules too: an OC2 row of a child outside the OC2 cohort
(190, 185, 198), care leaver information for a young person who is not a care leaver (1001, 1002).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cpanalysis.parallel import Jobs
from cpanalysis.ssda903 import findings
from cpanalysis.ssda903.rules import RULES, Return, empty_table, flag
from cpanalysis.ssda903.schema import TABLES

__all__ = [
    "DOC",
    "RULES",
    "Return",
    "Validation",
    "empty_table",
    "run_rules",
    "validate",
    "validate_returns",
    "rules_table",
]


# ---- running ---------------------------------------------------------------------------------------


def run_rules(r: Return, scope: str, codes: set[str] | None = None) -> pd.DataFrame:
    """Findings of every registered rule (or those of `codes`) that applies to `scope` ('return' or 'history'),
    on the rows of the years each rule is in force (rules.core.IN_FORCE). The rules see the children's ids as
    numbers (`_coded`); the findings quote them as written."""
    out = []
    written, r = r, _coded(r)
    for rl in RULES.values():
        if rl.scope not in ("both", scope) or (codes is not None and rl.code not in codes):
            continue
        frame = r[rl.table]
        if frame.empty:
            continue
        in_force = None if rl.years == (None, None) else rl.in_force(frame["YEAR"])  # None: every year
        if in_force is not None and not in_force.any():
            continue
        result = rl.check(r)
        mask, detail = result if isinstance(result, tuple) else (result, None)
        mask = flag(
            pd.Series(mask, index=frame.index) if not isinstance(mask, pd.Series) else mask.reindex(frame.index)
        )
        if in_force is not None:
            mask &= in_force
        if not mask.any():
            continue
        if callable(detail):  # details are worked out only for a rule that finds something
            detail = detail()
        message = rl.message if detail is None else rl.message.rstrip(".") + ": " + detail.astype(str)
        out.append(
            findings.make(
                written[rl.table][mask],
                table=rl.table,
                column=rl.column,
                rule=rl.code,
                severity=rl.severity,
                outcome="used",
                message=message,
            )
        )
    return findings.concat(out)


def _coded(r: Return) -> Return:
    """`r` with each table's CHILD (the previous year's too) as a number: the id's position among all the ids in
    sorted order (NaN for a blank). Equal ids stay equal and sort as before, so every rule (all join, group, sort
    and match rows by child, none reads the id itself) finds the same rows; hashing and sorting numbers instead of
    text is what makes it worth it (a national history's cross-table checks by child)."""
    frames = [*r.tables.values(), *(r.prev or {}).values()]
    ids = [pa.array(f["CHILD"], type=pa.large_string(), from_pandas=True) for f in frames if len(f)]
    if not ids:
        return r
    every = pc.unique(pa.chunked_array(ids, type=pa.large_string()).combine_chunks().drop_null())
    every = every.take(pc.sort_indices(every))

    def coded(frame: pd.DataFrame) -> pd.DataFrame:
        at = pc.index_in(pa.array(frame["CHILD"], type=pa.large_string(), from_pandas=True), value_set=every)
        out = frame.copy(deep=False)
        out["CHILD"] = pd.Series(at.to_numpy(zero_copy_only=False), index=frame.index, dtype="float64")
        return out

    prev = None if r.prev is None else {n: coded(t) for n, t in r.prev.items()}
    return Return({n: coded(r[n]) for n in TABLES}, year=r.year, prev=prev)  # a table not given: empty, coded


def validate(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Findings of every rule on the merged history (all years' tables, one version of each record)."""
    return run_rules(Return(tables), "history")


def _findings(
    tables: dict[str, pd.DataFrame], scope: str, year: int | None, prev: dict | None, codes: set[str] | None = None
) -> pd.DataFrame:
    """run_rules on one return (`year`, with the previous year's `prev`) or the merged history (year None); only the
    rules of `codes` when given."""
    return run_rules(Return(tables, year=year, prev=prev), scope, codes)


def _tagged(frame: pd.DataFrame, year: int) -> pd.DataFrame:
    """`frame` with each CHILD as '<year>|<CHILD>' (a blank stays blank)."""
    return frame.assign(CHILD=f"{year}|" + frame["CHILD"])


def _together(batch: list[tuple[int, dict, dict | None]]) -> Return:
    """Several years' returns (year, tables, previous year's tables or None) as one Return, each child's id tagged
    with the year of the return it is in, the previous years' rows with the year they are previous to: a rule that
    joins rows by child (every cross-row and cross-year rule) then sees one return at a time, as `_findings` would.
    Its `year` is the latest (rules ask only whether it is a return; each row has its own YEAR)."""

    def stacked(frames: list[pd.DataFrame]) -> pd.DataFrame | None:
        frames = [f for f in frames if f is not None and len(f)]
        return pd.concat(frames, ignore_index=True) if frames else None

    tables, prev = {}, {}
    for name in {n for _, t, p in batch for n in (*t, *(p or {}))}:
        tables[name] = stacked([_tagged(t[name], y) for y, t, _ in batch if name in t])
        prev[name] = stacked([_tagged(p[name], y) for y, _, p in batch if p is not None and name in p])
    return Return(
        {n: t for n, t in tables.items() if t is not None},
        year=batch[-1][0],
        prev={n: t for n, t in prev.items() if t is not None} or None,
    )


def _tables_in(tables: dict[str, pd.DataFrame] | None) -> frozenset[str]:
    return frozenset(n for n, t in (tables or {}).items() if len(t))


def _returns_findings(batch: list[tuple[int, dict, dict | None]]) -> pd.DataFrame:
    """The findings of every return of `batch` (year, tables, previous year's tables or None) as submitted: what
    `_findings` gives for each year in turn, in the same order (by year, then rule, then row), the rules run
    once over all of them (at LA size each rule's fixed cost, a few pandas calls, was most of the time).

    The years are checked together in groups whose returns have the same tables with rows, and the same tables of
    the previous year (a rule may do nothing where a table is empty, e.g. 630 without PrevPerm rows)."""
    groups: dict[tuple, list] = {}
    for item in batch:
        groups.setdefault((_tables_in(item[1]), _tables_in(item[2]) if item[2] is not None else None), []).append(item)
    out = []
    for group in groups.values():
        if len(group) == 1:
            y, tables, prev = group[0]
            out.append(_findings(tables, "return", y, prev))
            continue
        found = run_rules(_together(group), "return")
        out.append(found.assign(CHILD=found["CHILD"].str[5:]))  # '<year>|' untagged
    found = findings.concat(out)
    if found.empty:
        return found
    order = np.lexsort((found["rule"].map(_RULE_ORDER).to_numpy(), found["year"].to_numpy()))
    return found.iloc[order].reset_index(drop=True)


_RULE_ORDER = {code: i for i, code in enumerate(RULES)}


# Below this many episode rows in the returns the rules run here, the returns together (_returns_findings): starting
# worker processes (an interpreter and its imports each) takes longer than the rules. Loads of the synthetic LA at
# scale 4 (41,000 rows) took as long here as on two workers, at scale 8 (82,000) 0.2-0.7 s longer.
IN_PROCESS_EPISODES = 60_000


# The history's rules run as this many jobs on worker processes (consecutive rules of the registry, so their
# findings come in the registry's order): the history is checked once every return is cleaned, and as one job it
# kept one worker busy for 14 s at national size while the other had nothing left to do.
HISTORY_PARTS = 4


def _history_parts(n: int) -> list[set[str]]:
    codes = [c for c, r in RULES.items() if r.scope in ("both", "history")]
    return [set(part) for part in np.array_split(np.array(codes, dtype=object), n)]


class Validation:
    """validate_returns a return at a time: `add` each year's return (with the previous year's) as soon as it is
    cleaned, and `finish` with the merged history. On `workers` processes (parallel.Jobs) each return is checked
    while the caller goes on reading and cleaning the next ones; on one (here) the returns are held and checked
    together at the end (_returns_findings). The findings are validate_returns', in the same order."""

    def __init__(self, workers: int | None = None) -> None:
        self.jobs = Jobs(workers)
        self.held: list[tuple[int, dict, dict | None]] = []  # on one worker: the returns, checked together

    def add(self, year: int, tables: dict[str, pd.DataFrame], prev: dict[str, pd.DataFrame] | None) -> None:
        """Check the `year` return as submitted (every table of it, with last year's `prev` if loaded); the years
        in order."""
        if self.jobs.workers > 1:
            self.jobs.submit(_findings, tables, "return", year, prev)
        else:
            self.held.append((year, tables, prev))

    def finish(self, history: dict[str, pd.DataFrame]) -> pd.DataFrame:
        """Check the merged history; every finding, the returns' first (a history finding on a file row already
        reported for the same rule left out)."""
        if self.held:
            self.jobs.submit(_returns_findings, self.held)
            self.held = []
        for codes in _history_parts(HISTORY_PARTS if self.jobs.workers > 1 else 1):
            self.jobs.submit(_findings, history, "history", None, None, codes)
        found = findings.concat(self.jobs.results())
        if found.empty:
            return found
        return found.drop_duplicates(["file", "row", "table", "rule"], keep="first").reset_index(drop=True)


def workers_for(episode_rows: int) -> int | None:
    """The processes to validate returns of `episode_rows` episodes on: this one (1) under IN_PROCESS_EPISODES,
    else the default (one a CPU)."""
    return 1 if episode_rows < IN_PROCESS_EPISODES else None


def validate_returns(
    returns: dict[int, dict[str, pd.DataFrame]], history: dict[str, pd.DataFrame], workers: int | None = None
) -> pd.DataFrame:
    """Each year's return as submitted (with the previous year's, for cross-year rules), then the merged
    history; a history finding on a file row already reported for the same rule is left out. The years and the
    history are independent: they run on `workers` processes (Validation; default workers_for the returns'
    episodes), the findings in the same order whatever the number of workers."""
    if workers is None:
        workers = workers_for(sum(len(t.get("episodes", ())) for t in returns.values()))
    v = Validation(workers)
    for y, tables in sorted(returns.items()):
        v.add(y, tables, returns.get(y - 1))
    return v.finish(history)


def rules_table() -> pd.DataFrame:
    """The registry as a table: code, whether it is the DfE's, table, column, severity, scope, the collection
    years it is in force ('' for every year), message."""
    return pd.DataFrame(
        [
            (r.code, "DfE" if r.dfe else "cpanalysis", r.table, r.column, r.severity, r.scope, _years(r), r.message)
            for r in RULES.values()
        ],
        columns=["code", "source", "table", "column", "severity", "applied to", "years", "message"],
    )


def _years(r) -> str:
    first, last = r.years
    if first is None and last is None:
        return ""
    if first == last:
        return f"{first} only"
    return f"{first} on" if last is None else (f"up to {last}" if first is None else f"{first}-{last}")


_SCOPES = {"both": "each return and the history", "return": "each return", "history": "merged history"}


def rules_markdown() -> str:
    """docs/validation-rules.md: the table of rules, generated from the registry."""
    t = rules_table().assign(**{"applied to": lambda d: d["applied to"].map(_SCOPES)})
    t["code"] = pd.Categorical(t["code"])
    order = t.assign(_num=pd.to_numeric(t["code"].astype(str), errors="coerce")).sort_values(
        ["table", "_num", "code"], na_position="last", kind="mergesort"
    )
    n_dfe = int((t["source"] == "DfE").sum())
    lines = [
        "# Validation rules",
        "",
        "Generated from the rule registry in `cpanalysis/ssda903/rules/` by `rules_markdown()`; do not edit "
        "(regenerate with `python -m cpanalysis.ssda903.validate`).",
        "",
        f"{len(t)} rules: {n_dfe} with the DfE's code (match them to the DfE portal), {len(t) - n_dfe} of "
        "cpanalysis's own. Every finding keeps its row (outcome *used*) and names the file, row, child and rule "
        "in the data-quality table. Code lists (under the DfE's rule for each list, e.g. 103 for ETHNIC; "
        "invalid_code where the DfE has none) and unreadable dates are checked while loading, "
        "see `clean.py`. A rule with *years* applies only to rows of those collection years (2024 = 2023/24), "
        "as in the DfE's rules for each year (`IN_FORCE` in `rules/core.py`).",
        "",
        "| code | source | table | column | severity | applied to | years | rule |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in order.itertuples(index=False):
        msg = str(row.message).replace("|", "\\|")
        cells = [row.code, row.source, row.table, row.column, row.severity, row[5], row.years, msg]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


DOC = Path(__file__).resolve().parents[2] / "docs" / "validation-rules.md"

if __name__ == "__main__":  # pragma: no cover - regenerates the docs table
    DOC.write_text(rules_markdown(), encoding="utf-8")
    print(f"{DOC}: {len(RULES)} rules")
