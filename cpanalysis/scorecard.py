"""The Corporate Parenting scorecard, as in the 2017 Cheshire East pack (pages 15-18): per measure its reference,
name, polarity (high or low is good), statistical-neighbour and England averages, target, last year-end value and
each quarter of this year (year to date), RAG status against target, quarterly direction of travel, and the
analyst's comment.

- RAG (`rag`): judged on the latest column's value, or for the adoption rows (A1, A2, A10, A3: single-year year
  to date in the columns) on the 3-year average to that date, which is what the DfE thresholds are for. For
  'high is good', Green at or above target, Amber below it by no more than the tolerance, Red
  further below; mirrored for 'low is good' (Green at or below target). 'context' measures (and missing values or
  targets) have no RAG.
- Direction of travel (`direction_of_travel`): the latest quarter against the column before it: Improving or
  Worsening by polarity, No change when equal; Up/Down for context measures. Year-to-date counts (starts, adoptions
  so far) always grow through the year, so they get no direction of travel.
- Disclosure control: counts of 1-4 and any figure computed from them (per the registry's `bases`) are shown as
  "[c]"; RAG and direction are judged on the unsuppressed values.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from cpanalysis.disclosure import MARKER, suppress_measures
from cpanalysis.errors import InputError
from cpanalysis.paths import REFERENCE

POLARITIES = ("high", "low", "context")
UNITS = ("count", "percent", "days", "rate", "score")


@dataclass(frozen=True)
class Measure:
    """A scorecard measure. `measure` is its name in the measures table (cpanalysis.measures.measures_table);
    `bases` are the counts it is computed from (suppressed when any is 1-4); `cumulative` marks year-to-date
    counts (no direction of travel); `rag_on` names the measure the RAG judges when it is not the one shown (the
    adoption rows show the year to date but their thresholds are for 3-year averages, so RAG is on those)."""

    ref: str
    measure: str
    name: str
    polarity: str
    unit: str
    bases: tuple[str, ...] = ()
    cumulative: bool = False
    rag_on: str | None = None


REGISTRY: tuple[Measure, ...] = (
    Measure("G1", "cla_at_end", "Number of cared for children", "context", "count"),
    Measure(
        "G2", "rate_per_10k", "Rate per 10,000 children aged 0-17 looked after", "context", "rate", ("cla_at_end",)
    ),
    Measure("G3", "care_leavers", "Number of care leavers aged 17-21 (OC3 of the year)", "context", "count"),
    Measure("G4", "starts", "Children starting to be looked after (year to date)", "context", "count", cumulative=True),
    Measure("G5", "ceased", "Children ceasing to be looked after (year to date)", "context", "count", cumulative=True),
    Measure(
        "P1.2",
        "reviews_in_time_pct",
        "% of cared for children's reviews held within timescales (year to date)",
        "high",
        "percent",
        ("reviews_in_time", "reviews_held"),
    ),
    Measure(
        "P1.2b",
        "children_reviews_all_in_time_pct",
        "% of children with a review due whose every review due was on time (year to date)",
        "high",
        "percent",
        ("children_reviews_all_in_time", "children_review_due"),
    ),
    Measure(
        "P1.3",
        "review_participation_pct",
        "% of reviews of children aged 4+ in which the child participated (year to date)",
        "high",
        "percent",
        ("reviews_participated", "reviews_aged_4plus"),
    ),
    Measure(
        "P2.1",
        "in_house_foster",
        "Cared for children in in-house foster care (incl. family and friends)",
        "high",
        "count",
    ),
    Measure("P2.2", "external_foster", "Cared for children in external (IFA) foster care", "low", "count"),
    Measure(
        "P2.3",
        "placed_over_20_miles_pct",
        "% of cared for children placed more than 20 miles from home",
        "low",
        "percent",
        ("placed_over_20_miles_n", "distance_known"),
    ),
    Measure(
        "P2.4",
        "residential_pct",
        "% of cared for children in residential care",
        "low",
        "percent",
        ("residential_n", "cla_at_end"),
    ),
    Measure(
        "P2.6",
        "stability_long_term_pct",
        "Long-term stability: % under 16, in care 2.5+ years, same placement 2+ years",
        "high",
        "percent",
        ("stability_long_term_n", "stability_long_term_eligible"),
    ),
    Measure(
        "P2.6b",
        "stability_3plus_pct",
        "% of cared for children with 3 or more placements in the year",
        "low",
        "percent",
        ("stability_3plus_n", "cla_at_end"),
    ),
    Measure(
        "P2.7",
        "missing_5plus",
        "Cared for children who went missing 5 times or more (year to date)",
        "low",
        "count",
        cumulative=True,
    ),
    Measure(
        "P2.7a",
        "missing_children",
        "Cared for children who went missing (year to date)",
        "low",
        "count",
        cumulative=True,
    ),
    Measure(
        "P2.7b",
        "missing_pct",
        "% of children looked after in the period who went missing (year to date)",
        "low",
        "percent",
        ("missing_children", "cla_during"),
    ),
    Measure(
        "P2.7c",
        "away_children",
        "Cared for children away from placement without authorisation (year to date)",
        "low",
        "count",
        cumulative=True,
    ),
    Measure(
        "P2.9",
        "ceased_sgo_pct",
        "% ceased to be looked after through a special guardianship order (year to date)",
        "high",
        "percent",
        ("ceased_sgo", "ceased"),
    ),
    Measure(
        "P2.10",
        "ceased_adopted_pct",
        "% ceased to be looked after through adoption (year to date)",
        "high",
        "percent",
        ("adopted", "ceased"),
    ),
    Measure("P2.11", "adopted", "Children adopted (year to date)", "high", "count", cumulative=True),
    Measure(
        "P2.12",
        "A3_pct",
        "% waiting under 14 months (426 days) from entering care to moving in with adoptive family",
        "high",
        "percent",
        ("A3_n", "adopted"),
        rag_on="A3_pct_3yr",
    ),
    Measure(
        "P2.13",
        "A1",
        "A1: average days from entering care to moving in with adoptive family",
        "low",
        "days",
        ("adopted",),
        rag_on="A1_3yr",
    ),
    Measure(
        "P2.14",
        "A2",
        "A2: average days from placement order to match with adoptive family",
        "low",
        "days",
        ("A2_children",),
        rag_on="A2_3yr",
    ),
    Measure(
        "P2.15",
        "A10",
        "A10: as A1 but from moving in with the foster carer who adopts",
        "low",
        "days",
        ("adopted",),
        rag_on="A10_3yr",
    ),
    Measure("P2.16", "waiting_for_adoption", "Children with a placement order not yet placed", "context", "count"),
    Measure(
        "P3.0",
        "oc2_cohort",
        "Children looked after continuously for 12 months at 31 March (OC2 cohort)",
        "context",
        "count",
    ),
    Measure(
        "P3.3",
        "health_check_pct",
        "% of children in care over 12 months with their annual health assessment",
        "high",
        "percent",
        ("health_check_n", "oc2_cohort"),
    ),
    Measure(
        "P3.4",
        "immunisations_pct",
        "% of children in care over 12 months with immunisations up to date",
        "high",
        "percent",
        ("immunisations_n", "oc2_cohort"),
    ),
    Measure(
        "P3.5",
        "teeth_check_pct",
        "% of children in care over 12 months who had a dental check",
        "high",
        "percent",
        ("teeth_check_n", "oc2_cohort"),
    ),
    Measure(
        "P3.6",
        "health_assessment_under5_pct",
        "% of children under 5 in care over 12 months with development assessments up to date",
        "high",
        "percent",
        ("health_assessment_under5_n", "under5"),
    ),
    Measure(
        "P3.8",
        "sdq_20plus_pct",
        "% of children aged 4-16 in care over 12 months with an SDQ score of 20 or above",
        "low",
        "percent",
        ("sdq_20plus_n", "sdq_scored"),
    ),
    Measure(
        "P3.8b",
        "sdq_average",
        "Average SDQ score of children aged 4-16 in care over 12 months",
        "low",
        "score",
        ("sdq_scored",),
    ),
    Measure(
        "P4.11",
        "care_leavers_17_18_eet_pct",
        "% of care leavers aged 17-18 in education, employment or training",
        "high",
        "percent",
        ("care_leavers_17_18_eet", "care_leavers_17_18"),
    ),
    Measure(
        "P4.12",
        "care_leavers_19_21_eet_pct",
        "% of care leavers aged 19-21 in education, employment or training",
        "high",
        "percent",
        ("care_leavers_19_21_eet", "care_leavers_19_21"),
    ),
    Measure("P5.1", "care_leavers_higher_education", "Care leavers aged 17-21 in higher education", "high", "count"),
    Measure(
        "P5.5",
        "care_leavers_19_21_suitable_accom_pct",
        "% of care leavers aged 19-21 in suitable accommodation",
        "high",
        "percent",
        ("care_leavers_19_21_suitable_accom", "care_leavers_19_21"),
    ),
    Measure(
        "P5.5b",
        "care_leavers_17_18_suitable_accom_pct",
        "% of care leavers aged 17-18 in suitable accommodation",
        "high",
        "percent",
        ("care_leavers_17_18_suitable_accom", "care_leavers_17_18"),
    ),
    Measure(
        "P5.5c",
        "care_leavers_19_21_in_touch_pct",
        "% of care leavers aged 19-21 the local authority is in touch with",
        "high",
        "percent",
        ("care_leavers_19_21_in_touch", "care_leavers_19_21"),
    ),
    Measure(
        "P5.5d",
        "care_leavers_17_18_in_touch_pct",
        "% of care leavers aged 17-18 the local authority is in touch with",
        "high",
        "percent",
        ("care_leavers_17_18_in_touch", "care_leavers_17_18"),
    ),
    Measure(
        "P5.6",
        "convicted_pct",
        "% of children aged 10+ in care over 12 months convicted or given a youth caution in the year",
        "low",
        "percent",
        ("convicted_n", "aged_10plus"),
    ),
)
BY_MEASURE = {m.measure: m for m in REGISTRY}
BASES = {m.measure: m.bases for m in REGISTRY if m.bases}
TARGET_COLUMNS = ["ref", "measure", "name", "polarity", "unit", "target", "amber_tolerance", "source"]
POLARITY_LABEL = {"high": "High is good", "low": "Low is good", "context": "Context"}


def load_targets(path: str | Path | None = None) -> pd.DataFrame:
    """data/reference/targets.csv (or the analyst's own), checked: the columns of TARGET_COLUMNS, measures known to
    the REGISTRY, polarity high/low/context, numeric targets and tolerances (blank = no target)."""
    path = Path(path) if path else REFERENCE / "targets.csv"
    if not path.exists():
        raise InputError(f"targets file not found: {path}")
    t = pd.read_csv(path, dtype={"ref": str, "measure": str})
    missing = [c for c in TARGET_COLUMNS if c not in t.columns]
    if missing:
        raise InputError(f"{path}: missing column(s) {', '.join(missing)} (expected {', '.join(TARGET_COLUMNS)})")
    for column, allowed in (("polarity", POLARITIES), ("unit", UNITS), ("measure", tuple(BY_MEASURE))):
        bad = t[~t[column].isin(allowed)]
        if not bad.empty:
            raise InputError(
                f"{path} row {bad.index[0] + 2}: {column} '{bad[column].iloc[0]}' is not one of {', '.join(allowed)}"
            )
    for column in ("target", "amber_tolerance"):
        numbers = pd.to_numeric(t[column], errors="coerce")
        bad = t[numbers.isna() & t[column].notna()]
        if not bad.empty:
            raise InputError(f"{path} row {bad.index[0] + 2}: {column} '{bad[column].iloc[0]}' is not a number")
        t[column] = numbers
    return t


def load_comments(path: str | Path | None = None) -> dict[str, str]:
    """The analyst's comments, ref -> text, from a CSV with columns ref, comment (none if the file is absent)."""
    path = Path(path) if path else REFERENCE / "scorecard_comments.csv"
    if not path.exists():
        return {}
    c = pd.read_csv(path, dtype=str).fillna("")
    if not {"ref", "comment"} <= set(c.columns):
        raise InputError(f"{path}: expected columns ref, comment (found {', '.join(c.columns)})")
    return dict(zip(c["ref"], c["comment"]))


def _num(value) -> float | None:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


def rag(value, target, polarity: str, tolerance=None) -> str:
    """'Green', 'Amber' or 'Red' against target (see module docstring); '' for context measures or when the value
    or the target is missing. tolerance: the width of the Amber band beyond the target (blank = 0, no Amber)."""
    v, t, tol = _num(value), _num(target), _num(tolerance) or 0.0
    if polarity not in ("high", "low") or v is None or t is None:
        return ""
    gap = v - t if polarity == "high" else t - v
    return "Green" if gap >= 0 else "Amber" if gap >= -tol else "Red"


def direction_of_travel(current, previous, polarity: str) -> str:
    """'Improving', 'Worsening' or 'No change' from the previous value by polarity; 'Up'/'Down' for context
    measures; '' when either value is missing."""
    c, p = _num(current), _num(previous)
    if c is None or p is None:
        return ""
    if c == p:
        return "No change"
    if polarity == "context":
        return "Up" if c > p else "Down"
    better = c > p if polarity == "high" else c < p
    return "Improving" if better else "Worsening"


direction = direction_of_travel  # the name notebook 05 first used


def _with_numerators(table: pd.DataFrame) -> pd.DataFrame:
    """Add residential_n (the count behind residential_pct) so a percentage of 1-4 children can be suppressed."""
    v = table.set_index("measure")["value"]
    if "residential_n" in v.index or "residential_pct" not in v.index:
        return table
    pct, n = _num(v.get("residential_pct")), _num(v.get("cla_at_end"))
    count = round(pct * n / 100) if pct is not None and n is not None else float("nan")
    return pd.concat([table, pd.DataFrame({"measure": ["residential_n"], "value": [count]})], ignore_index=True)


def _fmt(value, unit: str = "count") -> str:
    if isinstance(value, str) and value == MARKER:
        return MARKER
    v = _num(value)
    if v is None:
        return ""
    if unit == "percent":
        return f"{v:.1f}%" if v != int(v) else f"{v:.0f}%"
    return f"{v:,.0f}" if v == int(v) else f"{v:,.1f}"


def build_scorecard(
    values: pd.DataFrame,
    targets: pd.DataFrame | None = None,
    benchmarks: pd.DataFrame | None = None,
    comments: dict[str, str] | pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per measure of `targets` (default data/reference/targets.csv).

    values: long table measure, period_label, value; the period labels become the value columns in the order they
    first appear (e.g. 'Year end 2019-20', 'Q1 2020-21', ...), the last being the latest quarter. RAG is judged on
    the latest column, direction of travel against the one before it. benchmarks: measure, england,
    stat_neighbours (as cpanalysis.benchmarks.benchmarks returns). comments: ref -> text (or a frame ref, comment).
    Columns: Ref, Measure, Polarity, Stat neighbour avg, England avg, Target, <periods>, RAG, Direction of travel,
    Comment; values formatted for reading, with small counts and what is computed from them shown as [c]."""
    missing = {"measure", "period_label", "value"} - set(values.columns)
    if missing:
        raise InputError(f"scorecard values need columns measure, period_label, value (missing {', '.join(missing)})")
    targets = load_targets() if targets is None else targets
    if isinstance(comments, pd.DataFrame):
        comments = dict(zip(comments["ref"], comments["comment"].fillna("")))
    comments = comments or {}
    bench = benchmarks.set_index("measure") if benchmarks is not None and len(benchmarks) else pd.DataFrame()
    labels = list(dict.fromkeys(values["period_label"]))
    tables = {lab: _with_numerators(values.loc[values["period_label"] == lab, ["measure", "value"]]) for lab in labels}
    raw = {lab: t.set_index("measure")["value"] for lab, t in tables.items()}
    shown = {lab: suppress_measures(t, BASES).set_index("measure")["value"] for lab, t in tables.items()}
    rows = []
    for t in targets.itertuples():
        m = BY_MEASURE[t.measure]
        latest = raw[labels[-1]].get(t.measure) if labels else None
        judged = raw[labels[-1]].get(m.rag_on) if labels and m.rag_on else latest
        previous = raw[labels[-2]].get(t.measure) if len(labels) > 1 else None
        row = {
            "Ref": t.ref,
            "Measure": t.name,
            "Polarity": POLARITY_LABEL[t.polarity],
            "Stat neighbour avg": _fmt(bench.at[t.measure, "stat_neighbours"], m.unit)
            if t.measure in bench.index
            else "",
            "England avg": _fmt(bench.at[t.measure, "england"], m.unit) if t.measure in bench.index else "",
            "Target": _fmt(t.target, m.unit),
        }
        row.update({lab: _fmt(shown[lab].get(t.measure), m.unit) for lab in labels})
        row["RAG"] = rag(judged, t.target, t.polarity, t.amber_tolerance)
        row["Direction of travel"] = "" if m.cumulative else direction_of_travel(latest, previous, t.polarity)
        row["Comment"] = comments.get(t.ref, "")
        rows.append(row)
    return pd.DataFrame(rows)


def build(
    values: dict[str, pd.DataFrame],
    targets: pd.DataFrame,
    comments: dict[str, str] | None = None,
    england: dict[str, float] | None = None,
    stat_neighbours: dict[str, float] | None = None,
) -> pd.DataFrame:
    """build_scorecard from a dict of period label -> measures table (measure, value), oldest first, and England /
    statistical-neighbour values by measure."""
    long = values_long(values)
    england, stat_neighbours = england or {}, stat_neighbours or {}
    names = sorted(set(england) | set(stat_neighbours))
    bench = pd.DataFrame(
        {
            "measure": names,
            "england": [england.get(n) for n in names],
            "stat_neighbours": [stat_neighbours.get(n) for n in names],
        }
    )
    return build_scorecard(long, targets, bench, comments)


RAG_STYLE = {
    "Green": "background:#1a7f3c;color:#fff",
    "Amber": "background:#f5b800;color:#000",
    "Red": "background:#c0261d;color:#fff",
}
ARROWS = {
    "Improving": "▲ Improving",
    "Worsening": "▼ Worsening",
    "No change": "► No change",
    "Up": "↑ Up",
    "Down": "↓ Down",
}
TRAVEL_COLOUR = {"Improving": "#1a7f3c", "Worsening": "#c0261d"}
_NUMERIC = ("Stat neighbour avg", "England avg", "Target")


def scorecard_html(card: pd.DataFrame, caption: str = "") -> str:
    """The scorecard as a self-contained HTML table (inline CSS): RAG cells coloured AND labelled in words, arrows
    with the words for the direction of travel (readable in black and white and by screen readers), numbers right
    aligned, and a key below; on paper a landscape A4 page of its own (class cp-scorecard-page, cpanalysis.pdf)."""
    periods = [c for c in card.columns if str(c).startswith(("Q", "Year end"))]
    head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in card.columns)
    body = []
    for _, row in card.iterrows():
        cells = []
        for col, value in row.items():
            text = html.escape("" if value is None else str(value))
            style = ""
            if col == "RAG" and value in RAG_STYLE:
                style = RAG_STYLE[value] + ";font-weight:bold;text-align:center"
            elif col == "Direction of travel" and value:
                text = html.escape(ARROWS.get(value, str(value)))
                style = f"color:{TRAVEL_COLOUR.get(value, '#333')};font-weight:bold;white-space:nowrap"
            elif col in _NUMERIC or col in periods:
                style = "text-align:right;white-space:nowrap"
            tag = "th" if col == "Ref" else "td"
            scope = ' scope="row"' if tag == "th" else ""
            cells.append(f'<{tag}{scope} style="{style}">{text}</{tag}>' if style else f"<{tag}{scope}>{text}</{tag}>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    css = (
        "<style>.cp-scorecard{border-collapse:collapse;font-family:Arial,Helvetica,sans-serif;font-size:13px}"
        ".cp-scorecard caption{text-align:left;font-weight:bold;font-size:15px;padding:4px 0}"
        ".cp-scorecard thead th{background:#24496b;color:#fff;padding:6px;text-align:left;vertical-align:bottom}"
        ".cp-scorecard td,.cp-scorecard tbody th{border:1px solid #bbb;padding:5px;vertical-align:top;"
        "text-align:left;font-weight:normal}"
        ".cp-scorecard tbody tr:nth-child(even){background:#f4f6f8}"
        ".cp-key{font-family:Arial,Helvetica,sans-serif;font-size:12px;color:#333}</style>"
    )
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    key = (
        '<p class="cp-key">RAG against target: <b>Green</b> on or better than target; <b>Amber</b> within the '
        "tolerance of it; <b>Red</b> further off. Direction of travel since the previous column: ▲ Improving, "
        "▼ Worsening, ► No change (↑/↓ for context measures, which have no better direction). "
        f"{MARKER} = fewer than 5 children, or a figure computed from fewer than 5, not shown.</p>"
    )
    return (
        f'{css}<div class="cp-scorecard-page"><table class="cp-scorecard">{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>{key}</div>"
    )


to_html = scorecard_html  # the name notebook 05 first used


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


def section(card: pd.DataFrame, *refs: str) -> pd.DataFrame:
    """The scorecard rows whose Ref is one of `refs` or starts with one followed by a dot or a letter (e.g. 'P1'
    gives P1.2, P1.2b, P1.3; 'P5.5' gives P5.5, P5.5b, ...), in the scorecard's order."""
    pattern = "|".join(f"{r.replace('.', '[.]')}(?:[.a-z].*)?" for r in refs)
    return card[card["Ref"].str.fullmatch(pattern)].reset_index(drop=True)


def blank_notes(columns: dict[str, pd.DataFrame]) -> list[str]:
    """Why some measures are blank in the latest column (a table the data lack; see measures_table)."""
    if not columns:
        return []
    return list(dict(list(columns.values())[-1].attrs.get("notes", {})).values())


def values_long(columns: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """quarter_columns(...) as the long table build_scorecard takes: measure, period_label, value."""
    if not columns:
        return pd.DataFrame(columns=["measure", "period_label", "value"])
    return pd.concat([t.assign(period_label=lab) for lab, t in columns.items()], ignore_index=True)


def comparators(la_code: str | None, year: int) -> pd.DataFrame:
    """England's and the statistical neighbours' published figures for the scorecard's comparable measures (rates,
    percentages, days: a count for England says nothing about one LA) for the year ending 31 March `year`, or the
    nearest published year: measure, england, stat_neighbours, year_ending_march. Empty without an LA code."""
    from cpanalysis.benchmarks import benchmarks

    if not la_code:
        return pd.DataFrame(columns=["measure", "england", "stat_neighbours", "year_ending_march"])
    bench = benchmarks(la_code, year, nearest=True)
    comparable = [m.measure for m in REGISTRY if m.unit != "count"]
    return bench[bench["measure"].isin(comparable)][["measure", "england", "stat_neighbours", "year_ending_march"]]
