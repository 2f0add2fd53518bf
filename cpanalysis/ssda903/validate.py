"""Running the validation rules, as the DfE applies them. The registry (`RULES`, in cpanalysis/ssda903/rules/,
one module per table) holds the rules, each with its DfE code
where it has one (the code a 903 lead sees on the DfE portal), its table, severity, message and a
vectorised check. The rule texts follow the DfE 903 validation rules as published in
data-to-insight/csc-validator-be-903; the code is this project's own. Rules without a DfE code are
named (e.g. `overlapping_episodes`): checks the measures need that the DfE does not make in that form.

`validate_returns` applies every rule to each year's return as submitted (with the previous year's
return at hand for cross-year rules) and to the merged history the measures use; a finding on the
merged history that repeats one already made on the same file row is dropped. Every finding keeps the
row ('used'): the analyst is told, the figures do not silently change.

To add a rule: see cpanalysis/ssda903/rules/core.py.

The OC2 and OC3 measures are guarded by the registry's rules too: an OC2 row of a child outside the OC2 cohort
(190, 185, 198), care leaver information for a young person who is not a care leaver (1001, 1002).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from cpanalysis.parallel import in_processes
from cpanalysis.ssda903 import findings
from cpanalysis.ssda903.rules import RULES, Return, empty_table, flag

__all__ = ["DOC", "RULES", "Return", "empty_table", "run_rules", "validate", "validate_returns", "rules_table"]


# ---- running ---------------------------------------------------------------------------------------


def run_rules(r: Return, scope: str, codes: set[str] | None = None) -> pd.DataFrame:
    """Findings of every registered rule (or those of `codes`) that applies to `scope` ('return' or 'history'),
    on the rows of the years each rule is in force (rules.core.IN_FORCE)."""
    out = []
    for rl in RULES.values():
        if rl.scope not in ("both", scope) or (codes is not None and rl.code not in codes):
            continue
        frame = r[rl.table]
        always = rl.years == (None, None)  # in force every year: no need to look at the years
        if frame.empty or (r.year is not None and not always and not rl.in_force(pd.Series([r.year])).iloc[0]):
            continue
        result = rl.check(r)
        mask, detail = result if isinstance(result, tuple) else (result, None)
        mask = flag(
            pd.Series(mask, index=frame.index) if not isinstance(mask, pd.Series) else mask.reindex(frame.index)
        )
        if not always:
            mask &= rl.in_force(frame["YEAR"])
        if not mask.any():
            continue
        if callable(detail):  # details are worked out only for a rule that finds something
            detail = detail()
        message = rl.message if detail is None else rl.message.rstrip(".") + ": " + detail.astype(str)
        out.append(
            findings.make(
                frame[mask],
                table=rl.table,
                column=rl.column,
                rule=rl.code,
                severity=rl.severity,
                outcome="used",
                message=message,
            )
        )
    return findings.concat(out)


def validate(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Findings of every rule on the merged history (all years' tables, one version of each record)."""
    return run_rules(Return(tables), "history")


def _findings(tables: dict[str, pd.DataFrame], scope: str, year: int | None, prev: dict | None) -> pd.DataFrame:
    """run_rules on one return (`year`, with the previous year's `prev`) or the merged history (year None)."""
    return run_rules(Return(tables, year=year, prev=prev), scope)


# Below this many episodes in the history the rules run here: starting worker processes (an interpreter and its
# imports each) takes longer than the rules (the synthetic LA, 6,000 episodes: 17 s on two workers, 6 s here).
IN_PROCESS_EPISODES = 20_000


def validate_returns(
    returns: dict[int, dict[str, pd.DataFrame]], history: dict[str, pd.DataFrame], workers: int | None = None
) -> pd.DataFrame:
    """Each year's return as submitted (with the previous year's, for cross-year rules), then the merged
    history; a history finding on a file row already reported for the same rule is left out. The years and the
    history are independent: they run on `workers` processes (parallel.in_processes; default one a CPU, or this
    process alone for a history under IN_PROCESS_EPISODES episodes), the history (the largest) first, the findings in
    the same order whatever the number of workers."""
    if workers is None and len(history.get("episodes", ())) < IN_PROCESS_EPISODES:
        workers = 1
    jobs = [(history, "history", None, None)]
    jobs += [(tables, "return", y, returns.get(y - 1)) for y, tables in sorted(returns.items())]
    found = in_processes(_findings, jobs, workers)
    found = findings.concat([*found[1:], found[0]])
    if found.empty:
        return found
    return found.drop_duplicates(["file", "row", "table", "rule"], keep="first").reset_index(drop=True)


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
