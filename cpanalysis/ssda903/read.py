"""Read one 903 source into raw text frames, exactly as written (no cleaning, no type conversion).

Each frame has a `SOURCE_ROW` column: the line number in a CSV (header = line 1), or the record number
in an XML return (the n-th CHILD element, n-th EPISODE, ...).
"""

from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pcsv

from cpanalysis.errors import InputError
from cpanalysis.ssda903.schema import TABLES, TEXT

_SEPARATORS = re.compile(r"[\s\-.]+")


def column_name(name: object) -> str:
    """The 903 spelling of a column name as exports write it: `Place Provider`, `place-provider` and
    ` PLACE_PROVIDER` all give `PLACE_PROVIDER` (byte-order mark, case and separators ignored)."""
    return _SEPARATORS.sub("_", str(name).replace("\ufeff", "").strip().strip('"').strip()).upper()


def _columns(df: pd.DataFrame, path: Path) -> pd.DataFrame:
    names = [column_name(c) for c in df.columns]
    seen = {n for n in names if names.count(n) > 1 and n}
    if seen:
        raise InputError(
            f"{path}: column {', '.join(sorted(seen))} appears more than once (after ignoring case and spaces)"
        )
    df.columns = names
    return df


def read_csv(path: Path) -> pd.DataFrame:
    """All cells as text ('' for blank; held by pyarrow, TEXT), column names in their 903 spelling (see
    `column_name`)."""
    if path.stat().st_size == 0:
        raise InputError(f"{path}: the file is empty (expected a header line of 903 column names)")
    last_error: Exception | None = None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            df = _by_arrow(path) if encoding == "utf-8-sig" else None
            if df is None:
                df = pd.read_csv(path, dtype=TEXT, keep_default_na=False, encoding=encoding, skipinitialspace=False)
            break
        except UnicodeDecodeError as exc:
            last_error = exc
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise InputError(f"{path}: cannot be read as CSV ({str(exc).strip()})") from exc
    else:
        raise InputError(f"{path}: cannot be decoded as UTF-8 or Windows-1252 text ({last_error})")
    df = _columns(df, path).fillna("")
    df["SOURCE_ROW"] = range(2, len(df) + 2)
    return df


def _by_arrow(path: Path) -> pd.DataFrame | None:
    """pd.read_csv(path, dtype=TEXT, keep_default_na=False, encoding='utf-8-sig') by pyarrow's CSV reader (5 times
    faster on a national extract, and no Python string a cell), for a file it reads the same way: UTF-8, distinct
    and non-blank column names, every row as many fields as the header. None for any other file (or anything pyarrow
    does not read): pandas reads it then, as before."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            names = next(csv.reader(fh), [])
        if not names or "" in names or len(set(names)) < len(names):
            return None
        own = [f"c{i}" for i in range(len(names))]
        table = pcsv.read_csv(
            path,
            read_options=pcsv.ReadOptions(column_names=own, skip_rows=1),
            parse_options=pcsv.ParseOptions(newlines_in_values=True),  # a quoted line break: never split there
            convert_options=pcsv.ConvertOptions(
                column_types={c: pa.large_string() for c in own},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowException, ValueError, csv.Error):
        return None
    if table.column_names != own or any(t != pa.large_string() for t in table.schema.types):
        return None
    return table.rename_columns(names).to_pandas(types_mapper=lambda _: TEXT)


def read_xlsx(path: Path, sheet: str) -> pd.DataFrame:
    """One sheet of an Excel workbook, as `read_csv` reads a CSV (row numbers as Excel shows them; date
    cells as ISO text, which cleaning reads)."""
    try:
        df = pd.read_excel(path, sheet_name=sheet, dtype=str, keep_default_na=False, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise InputError(f"{path} [{sheet}]: cannot be read as an Excel workbook ({exc})") from exc
    df = df.loc[:, [not str(c).startswith("Unnamed:") for c in df.columns]]
    df = _columns(df, path).astype(object).fillna("")
    df["SOURCE_ROW"] = range(2, len(df) + 2)
    return df


def xlsx_sheets(path: Path) -> dict[str, list[str]]:
    """Each sheet's name and its first row (the column names), without reading the data."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True)
    except Exception as exc:
        raise InputError(f"{path}: cannot be read as an Excel workbook ({exc})") from exc
    try:
        out = {}
        for ws in wb.worksheets:
            first = next(ws.iter_rows(max_row=1, values_only=True), ())
            out[ws.title] = [column_name(c) for c in first if c is not None]
        return out
    finally:
        wb.close()


# XML element -> 903 column, where they differ.
_XML_RENAMES = {"CHILDID": "CHILD", "PL": "PLACE"}


def _text(el: ET.Element | None) -> str:
    return (el.text or "").strip() if el is not None else ""


def _fields(parent: ET.Element) -> dict[str, str]:
    return {_XML_RENAMES.get(c.tag, c.tag): _text(c) for c in parent if len(c) == 0}


def read_xml(path: Path) -> dict[str, pd.DataFrame]:  # noqa: C901 - the loader is being rewritten (#12): split there
    """The tables of a DfE 903 XML return (CHILD elements holding HEADER and EPISODE elements)."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise InputError(f"{path}: not well-formed XML ({exc})") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
    children = root.findall("CHILD")
    if not children:
        raise InputError(f"{path}: no CHILD elements (expected a DfE 903 XML return, root EXPSSDA903)")
    rows: dict[str, list[dict[str, str]]] = {name: [] for name in TABLES}
    for child in children:
        header_el = child.find("HEADER")
        header = _fields(header_el) if header_el is not None else {}
        ident = {"CHILD": header.get("CHILD", ""), "DOB": header.get("DOB", "")}
        rows["header"].append(header)
        if header.get("DUC"):
            rows["uasc"].append({**ident, "SEX": header.get("SEX", ""), "DUC": header["DUC"]})
        if header.get("DATE_MATCH") or header.get("DATE_INT"):
            rows["ad1"].append(header)
        if header.get("IN_TOUCH") or header.get("ACTIV") or header.get("ACCOM"):
            rows["oc3"].append(header)
        if header_el is not None:
            for tag, table in [
                ("AREVIEW", "reviews"),
                ("AD_PLACED", "placed_adoption"),
                ("AMISSING", "missing"),
                ("PERMANENCE", "prev_perm"),
                ("OC2", "oc2"),
            ]:
                rows[table].extend({**ident, **_fields(el)} for el in header_el.findall(tag))
        rows["episodes"].extend({"CHILD": ident["CHILD"], **_fields(el)} for el in child.findall("EPISODE"))
    out = {}
    for name, records in rows.items():
        cols = list(TABLES[name].columns)
        df = pd.DataFrame(records).reindex(columns=cols).astype(object).fillna("")
        df["SOURCE_ROW"] = range(1, len(df) + 1)
        out[name] = df
    return out
