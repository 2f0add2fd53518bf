"""Summaries of a loaded Dataset for people: what was read, what was kept, what was found."""

from __future__ import annotations

import pandas as pd

from cpanalysis.ssda903.load import Dataset
from cpanalysis.ssda903.schema import year_label


def findings_by_rule(data: Dataset) -> pd.DataFrame:
    """Number of findings per rule, severity and outcome, most frequent first."""
    q = data.quality
    if q.empty:
        return pd.DataFrame(columns=["rule", "severity", "outcome", "findings"])
    return (
        q.groupby(["rule", "severity", "outcome"])
        .size()
        .rename("findings")
        .reset_index()
        .sort_values(["findings", "rule"], ascending=[False, True], ignore_index=True)
    )


def findings_by_year(data: Dataset) -> pd.DataFrame:
    """Findings per collection year and severity (rows: years; columns: error / warning / info)."""
    q = data.quality.dropna(subset=["year"])
    table = q.pivot_table(index="year", columns="severity", values="rule", aggfunc="size", fill_value=0)
    return table.reindex(columns=["error", "warning", "info"], fill_value=0).astype(int)


def tables_by_year(data: Dataset) -> pd.DataFrame:
    """Rows read per table (rows) and collection year (columns)."""
    return data.accounting.pivot_table(index="table", columns="year", values="rows_read", aggfunc="sum", fill_value=0)


def summary_text(data: Dataset) -> str:
    """A plain-text summary for the terminal."""
    acc = data.accounting
    lines = [
        f"Loaded {data.source}",
        f"  files: {data.files['file'].nunique()}   tables: {', '.join(sorted(acc['table'].unique()))}",
        f"  collection years: {', '.join(year_label(y) for y in data.years)}",
        f"  rows read: {acc['rows_read'].sum():,}   used: {acc['used'].sum():,} "
        f"(of which corrected: {acc['corrected'].sum():,})   rejected: {acc['rejected'].sum():,}",
        f"  after de-duplication across years: {len(data['episodes']):,} episodes of "
        f"{data['episodes']['CHILD'].nunique():,} children",
        "",
    ]
    sev = data.quality["severity"].value_counts()
    lines.append("Findings: " + ", ".join(f"{sev.get(s, 0):,} {s}" for s in ("error", "warning", "info")))
    by_rule = findings_by_rule(data)
    if not by_rule.empty:
        lines.append(by_rule.to_string(index=False))
    return "\n".join(lines)


def children_with_most_findings(data: Dataset, n: int = 10) -> pd.DataFrame:
    """The n children (by the LA's own CHILD id: analyst-only) with the most errors and warnings, and the
    rules they broke."""
    q = data.quality[data.quality["severity"].isin(["error", "warning"]) & data.quality["CHILD"].notna()]
    if q.empty:
        return pd.DataFrame(columns=["CHILD", "findings", "rules"])
    grouped = q.groupby("CHILD")
    out = pd.DataFrame({"findings": grouped.size(), "rules": grouped["rule"].agg(lambda r: ", ".join(sorted(set(r))))})
    return out.sort_values("findings", ascending=False, kind="mergesort").head(n).reset_index()


def corrections_and_rejections(data: Dataset) -> pd.DataFrame:
    """What the loader changed or left out, by table, outcome and rule, with one example message each."""
    q = data.quality[data.quality["outcome"].isin(["corrected", "rejected"])]
    if q.empty:
        return pd.DataFrame(columns=["table", "outcome", "rule", "rows", "example"])
    return (
        q.groupby(["table", "outcome", "rule"])
        .agg(rows=("message", "size"), example=("message", "first"))
        .reset_index()
        .sort_values(["outcome", "rows"], ascending=[False, False], ignore_index=True)
    )


def failing_rules(data: Dataset, n: int = 12) -> pd.DataFrame:
    """The n rules with most errors and warnings (info left out): rule, findings; most frequent first."""
    q = data.quality[data.quality["severity"].isin(["error", "warning"])]
    counts = q["rule"].value_counts().head(n)
    return pd.DataFrame({"rule": counts.index, "findings": counts.to_numpy()})


def check_accounting(accounting: pd.DataFrame) -> pd.DataFrame:
    """The row accounting, after checking every row read was either used or rejected (a loader bug otherwise)."""
    if not (accounting["used"] + accounting["rejected"] == accounting["rows_read"]).all():
        raise AssertionError("row accounting: used + rejected differs from rows read")
    return accounting


def failing_rules_note(top: pd.DataFrame) -> str:
    """What the failing-rules chart shows, or that there is nothing to show."""
    if top.empty:
        return "No errors or warnings: every row passed every rule."
    return f"The {len(top)} rules with the most findings."
