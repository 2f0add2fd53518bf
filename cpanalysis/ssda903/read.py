"""Read one 903 source into raw text frames, exactly as written (no cleaning, no type conversion).

Each frame has a `SOURCE_ROW` column: the line number in a CSV (header = line 1), or the record number
in an XML return (the n-th CHILD element, n-th EPISODE, ...).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd

from cpanalysis.errors import InputError
from cpanalysis.ssda903.schema import TABLES


def read_csv(path: Path) -> pd.DataFrame:
    """All cells as text ('' for blank), column names stripped and upper-cased."""
    if path.stat().st_size == 0:
        raise InputError(f"{path}: the file is empty (expected a header line of 903 column names)")
    last_error: Exception | None = None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding, skipinitialspace=False)
            break
        except UnicodeDecodeError as exc:
            last_error = exc
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise InputError(f"{path}: cannot be read as CSV ({str(exc).strip()})") from exc
    else:
        raise InputError(f"{path}: cannot be decoded as UTF-8 or Windows-1252 text ({last_error})")
    df.columns = [str(c).strip().upper() for c in df.columns]
    df = df.astype(object).fillna("")
    df["SOURCE_ROW"] = range(2, len(df) + 2)
    return df


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
