"""The Corporate Parenting scorecard, as in the 2017 Cheshire East pack: per measure its reference, name,
polarity, target, comparators, the last year-end value and each quarter of this year (year to date), RAG
against target, direction of travel since last quarter, and the analyst's comment.

RAG: for 'high is good', Green at or above target, Amber within the tolerance below it, Red further below
(mirrored for 'low is good'); 'context' measures have no RAG. Direction of travel compares the latest quarter
with the one before: Improving / Worsening by polarity, or No change.
"""

from __future__ import annotations

import html
import math
from pathlib import Path

import pandas as pd

from cpanalysis.disclosure import MARKER, suppress_measures
from cpanalysis.errors import InputError
from cpanalysis.paths import REFERENCE

# each derived measure and the count it is computed over (for disclosure control)
BASES = {
    "A1": "adopted",
    "A2": "adopted",
    "A10": "adopted",
    "A3_pct": "adopted",
    "ceased_sgo_pct": "ceased_sgo",
    "ceased_adopted_pct": "adopted",
    "residential_pct": "cla_at_end",
    "stability_3plus_pct": "cla_at_end",
    "stability_long_term_pct": "cla_at_end",
    "rate_per_10k": "cla_at_end",
}
TARGET_COLUMNS = ["ref", "measure", "name", "polarity", "unit", "target", "amber_tolerance", "source"]


def load_targets(path: str | Path | None = None) -> pd.DataFrame:
    """data/reference/targets.csv, checked: polarity high/low/context, numeric targets."""
    path = Path(path) if path else REFERENCE / "targets.csv"
    t = pd.read_csv(path, dtype={"ref": str})
    missing = [c for c in TARGET_COLUMNS if c not in t.columns]
    if missing:
        raise InputError(f"{path}: missing column(s) {', '.join(missing)} (expected {', '.join(TARGET_COLUMNS)})")
    bad = t[~t["polarity"].isin(["high", "low", "context"])]
    if not bad.empty:
        raise InputError(
            f"{path}: polarity must be high, low or context (row {bad.index[0] + 2}: {bad['polarity'].iloc[0]})"
        )
    return t


def load_comments(path: str | Path | None = None) -> dict[str, str]:
    """The analyst's comments, ref -> text (a CSV with columns ref, comment)."""
    path = Path(path) if path else REFERENCE / "scorecard_comments.csv"
    if not path.exists():
        return {}
    c = pd.read_csv(path, dtype=str).fillna("")
    return dict(zip(c["ref"], c["comment"]))


def _num(value) -> float | None:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


def rag(value, target, polarity: str, tolerance) -> str:
    """'Green', 'Amber' or 'Red' against target (see module docstring); '' for context measures or when the
    value or target is missing."""
    v, t, tol = _num(value), _num(target), _num(tolerance) or 0.0
    if polarity not in ("high", "low") or v is None or t is None:
        return ""
    gap = v - t if polarity == "high" else t - v
    return "Green" if gap >= 0 else "Amber" if gap >= -tol else "Red"


def direction(current, previous, polarity: str) -> str:
    """'Improving', 'Worsening' or 'No change' since the previous value; 'Up'/'Down' for context measures."""
    c, p = _num(current), _num(previous)
    if c is None or p is None:
        return ""
    if c == p:
        return "No change"
    if polarity == "context":
        return "Up" if c > p else "Down"
    better = c > p if polarity == "high" else c < p
    return "Improving" if better else "Worsening"


def build(
    values: dict[str, pd.DataFrame],
    targets: pd.DataFrame,
    comments: dict[str, str] | None = None,
    england: dict[str, float] | None = None,
    stat_neighbours: dict[str, float] | None = None,
) -> pd.DataFrame:
    """One row per target measure. `values` maps column labels (e.g. 'Year end 2019-20', 'Q1 2020-21', ...,
    oldest first, the last being the latest quarter) to measures tables (measure, value). RAG is on the latest
    column, direction of travel against the one before it. Small counts are suppressed in the displayed values."""
    comments, england, stat_neighbours = comments or {}, england or {}, stat_neighbours or {}
    raw = {label: t.set_index("measure")["value"] for label, t in values.items()}
    shown = {label: suppress_measures(t, BASES).set_index("measure")["value"] for label, t in values.items()}
    labels = list(values)
    rows = []
    for t in targets.itertuples():
        latest = raw[labels[-1]].get(t.measure)
        previous = raw[labels[-2]].get(t.measure) if len(labels) > 1 else None
        row = {
            "Ref": t.ref,
            "Measure": t.name,
            "Polarity": {"high": "High is good", "low": "Low is good"}.get(t.polarity, "Context"),
            "Stat neighbour avg": stat_neighbours.get(t.measure, ""),
            "England avg": england.get(t.measure, ""),
            "Target": _fmt(t.target),
        }
        row.update({label: _fmt(shown[label].get(t.measure)) for label in labels})
        row["RAG"] = rag(latest, t.target, t.polarity, t.amber_tolerance)
        row["Direction of travel"] = direction(latest, previous, t.polarity)
        row["Comment"] = comments.get(t.ref, "")
        rows.append(row)
    return pd.DataFrame(rows)


def _fmt(value) -> str:
    if value is None or (isinstance(value, str) and value == MARKER):
        return "" if value is None else MARKER
    v = _num(value)
    if v is None:
        return ""
    return f"{v:,.0f}" if v == int(v) else f"{v:,.1f}"


COLOURS = {"Green": "#1a9850", "Amber": "#f0a202", "Red": "#d73027"}
ARROWS = {
    "Improving": "▲ Improving",
    "Worsening": "▼ Worsening",
    "No change": "► No change",
    "Up": "▲ Up",
    "Down": "▼ Down",
}


def to_html(card: pd.DataFrame) -> str:
    """The scorecard as a self-contained HTML table: RAG cells coloured AND labelled in words, arrows for travel."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in card.columns)
    body = []
    for _, row in card.iterrows():
        cells = []
        for col, value in row.items():
            text = html.escape(str(value))
            style = ""
            if col == "RAG" and value in COLOURS:
                style = f' style="background:{COLOURS[value]};color:#fff;font-weight:bold"'
            if col == "Direction of travel":
                text = html.escape(ARROWS.get(value, str(value)))
                if value in ("Improving", "Worsening"):
                    colour = "#1a9850" if value == "Improving" else "#d73027"
                    style = f' style="color:{colour};font-weight:bold"'
            cells.append(f"<td{style}>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    css = (
        "<style>.cp-scorecard{border-collapse:collapse;font-family:sans-serif;font-size:13px}"
        ".cp-scorecard th{background:#24496b;color:#fff;padding:6px;text-align:left}"
        ".cp-scorecard td{border:1px solid #ccc;padding:5px;vertical-align:top}"
        ".cp-scorecard tr:nth-child(even){background:#f4f6f8}</style>"
    )
    return f'{css}<table class="cp-scorecard"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def quarter_columns(data, period_end: pd.Timestamp, la_code: str | None = None) -> dict[str, pd.DataFrame]:
    """The scorecard's columns: the last financial year end (that whole year), then each quarter of the financial
    year holding `period_end`, up to it, as the year to date (counts at the quarter end; flows, adoption averages
    and percentages ceased over the year to date)."""
    from cpanalysis.measures import measures_table

    end = pd.Timestamp(period_end)
    fy_start = pd.Timestamp(end.year if end.month >= 4 else end.year - 1, 4, 1)
    last_fy_start = fy_start - pd.DateOffset(years=1)
    begin = pd.Timestamp(data.first_year - 1, 4, 1)
    cols: dict[str, pd.DataFrame] = {}
    if last_fy_start >= begin:
        label = f"Year end {last_fy_start.year}-{str(fy_start.year)[2:]}"
        cols[label] = measures_table(data, last_fy_start, fy_start - pd.Timedelta(days=1), la_code)
    fy = f"{fy_start.year}-{str(fy_start.year + 1)[2:]}"
    for q, q_end in enumerate(pd.date_range(fy_start, end, freq="QE-MAR"), 1):
        cols[f"Q{q} {fy}"] = measures_table(data, fy_start, q_end, la_code)
    return cols
