"""committee_tables.xlsx: every committee table as a sheet a finance or performance officer can use straight away.

Numbers are stored as numbers and dates as dates (the CSVs hold text); headers are readable words; columns are
sized to their contents with the header row frozen; a first sheet, Contents, lists each table with what it holds
and where it comes from, and says what [c] means. A suppressed cell stays the text "[c]".
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from cpanalysis.disclosure import MARKER

# What each committee table holds (the definitions are those stated in the pack beside it).
DEFINITIONS = {
    "cla_by_quarter": "Children looked after at each quarter end (an episode open on the date; short breaks left out).",
    "flows_by_quarter": "Children starting and ceasing to be looked after in each quarter, each child once a quarter.",
    "rate_per_10k": "Children looked after at 31 March per 10,000 children aged 0-17 (ONS mid-year estimate); "
    "England and regional rates as published by the DfE.",
    "placement_mix_by_quarter": "Children looked after at each quarter end by placement type.",
    "cla_by_age_band": "Children looked after at the period end by age band.",
    "cla_by_sex": "Children looked after at the period end by sex.",
    "cla_by_legal_status": "Children looked after at the period end by legal status.",
    "cla_by_placement": "Children looked after at the period end by placement type.",
    "cla_by_provider": "Children looked after at the period end by placement provider.",
    "cla_by_uasc": "Children looked after at the period end: unaccompanied asylum-seeking children or not.",
    "placement_stability": "DfE stability measures at the last 31 March: 3 or more placements in the year; "
    "long-term stability of children under 16 in care 2.5 years or more.",
    "changes_since_last_quarter": "Children looked after at the period end against the end of the previous period.",
    "spend_by_category_and_year": "Placement spend by financial year: care days times the weekly unit cost / 7.",
    "sgo_allowances": "Special guardianship allowances: children who left care through an SGO, to their 18th birthday.",
    "projection_by_category": "Projected children looked after by placement type, with the 90% range.",
    "projected_spend": "Projected placement spend by financial year (£ million), with the 90% range.",
    "scenarios": "What-if scenarios against the baseline projection.",
    "backtest_accuracy": "How well the projection would have done in past years (mean absolute percentage error).",
    "adoption_scorecard": "DfE adoption scorecard measures A1, A2, A10, A3 for the period and the three years.",
    "england_adoption_stages": "England's average months between adoption stages (DfE).",
    "adoption_waiting_by_time": "Children with a placement order not yet placed, by time since the order.",
    "adoption_pipeline": "Adoption decisions, plans ceased and plans open (PlacedAdoption table).",
    "scorecard": "The Corporate Parenting scorecard: each measure by quarter against target, RAG and direction.",
}
HEADERS = {
    "period_end": "Period end",
    "net_change": "Net change",
    "looked_after": "Looked after",
    "care_days": "Care days",
    "spend_gbp": "Spend (£)",
    "weekly_cost_gbp": "Weekly cost (£)",
    "rate_per_10k": "Rate per 10,000",
    "year_ending_march": "Year ending 31 March",
    "financial_year": "Financial year",
    "uasc": "Unaccompanied asylum-seeking",
    "model_mape_pct": "Model: average error (%)",
    "model": "Model: average error (%)",
    "last_value": "Last figure carried forward: average error (%)",
    "linear_trend": "Straight line: average error (%)",
    "last_value_mape_pct": "Last figure carried forward: average error (%)",
    "linear_trend_mape_pct": "Straight line: average error (%)",
    "drift": "Last figure plus the long-run average change: average error (%)",
    "drift_mape_pct": "Last figure plus the long-run average change: average error (%)",
    "coverage_pct": "Actual inside the 90% range (%)",
    "band_coverage_pct": "Actual inside the wider range (%)",
    "points": "Past cutoffs tested",
    "horizon": "Months ahead",
}
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def header(name: str) -> str:
    """A readable header: 'spend_gbp_m' -> 'Spend (£ million)', 'children_lower' -> 'Children lower'."""
    if name in HEADERS:
        return HEADERS[name]
    text = str(name)
    text = re.sub(r"_gbp_m$", " (£ million)", text)
    text = re.sub(r"_gbp_k$", " (£ thousand)", text)
    text = re.sub(r"_gbp$", " (£)", text)
    text = re.sub(r"_pct$", " (%)", text)
    text = text.replace("_", " ")
    return text[:1].upper() + text[1:]


def typed(value: str):
    """A CSV cell as Excel should hold it: a number, a date, or text ([c] stays text)."""
    if value == "" or value == MARKER:
        return value or None
    if NUMBER.match(value):
        number = float(value)
        return int(number) if number.is_integer() and "." not in value else number
    if DATE.match(value):
        return pd.Timestamp(value).to_pydatetime()
    return value


def _fill_sheet(ws, df: pd.DataFrame) -> None:
    """One table on its sheet: bold wrapped headers, typed cells, widths, dates as dd/mm/yyyy, [c] right-aligned."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    ws.append([header(c) for c in df.columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in df.itertuples(index=False):
        ws.append([typed(v) for v in row])
    for j, col in enumerate(df.columns, 1):
        letter = get_column_letter(j)
        width = max([len(header(col)) // 2 + 2, *(len(v) + 2 for v in df[col].head(500))], default=10)
        ws.column_dimensions[letter].width = min(max(width, 8), 60)
        for cell in ws[letter][1:]:
            if hasattr(cell.value, "year") and not isinstance(cell.value, (int, float)):
                cell.number_format = "dd/mm/yyyy"
            elif cell.value == MARKER:
                cell.alignment = Alignment(horizontal="right")
    ws.freeze_panes = "A2"


def write_workbook(tables_dir: Path, path: Path, source: str = "") -> Path | None:
    """Every CSV under tables_dir as a sheet of `path`, after a Contents sheet (see the module docstring)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    csvs = sorted(tables_dir.glob("*.csv"))
    if not csvs:
        return None
    wb = Workbook()
    contents = wb.active
    contents.title = "Contents"
    contents.append(["Committee tables"])
    contents["A1"].font = Font(bold=True, size=14)
    contents.append([f"{MARKER} means fewer than 5 children, or a figure that would let one be worked out: not shown."])
    if source:
        contents.append([source])
    contents.append([])
    contents.append(["Sheet", "What it holds", "Rows"])
    for cell in contents[contents.max_row]:
        cell.font = Font(bold=True)
    used: set[str] = set()
    for csv in csvs:
        sheet_name, n = csv.stem[:31], 1
        while sheet_name in used:
            n += 1
            sheet_name = f"{csv.stem[:28]}_{n}"
        used.add(sheet_name)
        df = pd.read_csv(csv, dtype=str, keep_default_na=False)
        _fill_sheet(wb.create_sheet(sheet_name), df)
        contents.append([sheet_name, DEFINITIONS.get(csv.stem, header(csv.stem)), len(df)])
        contents.cell(contents.max_row, 1).hyperlink = f"#'{sheet_name}'!A1"
    contents.column_dimensions["A"].width = 32
    contents.column_dimensions["B"].width = 100
    contents.column_dimensions["C"].width = 8
    wb.save(path)
    return path
