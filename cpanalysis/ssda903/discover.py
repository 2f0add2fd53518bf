"""Find the 903 tables in what an analyst points at: a flat folder of year-prefixed files
(`2019-episodes.csv`), per-year sub-folders (`2019/episodes.csv`), one year's folder (`episodes.csv`),
name variants (`SSDA903_2019_Episodes.csv`, `PlacedAdoption.csv`, any case), Excel workbooks (`.xlsx`:
one table a file, or one table a sheet named for it) or a DfE XML return. Tables that cannot be named
from the file (or sheet) name are recognised by their columns."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from cpanalysis.errors import InputError
from cpanalysis.ssda903.read import column_name, xlsx_sheets
from cpanalysis.ssda903.schema import TABLE_ALIASES, TABLES

_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")
_NOISE = re.compile(r"ssda903|903|(?<!\d)20\d\d(?!\d)|[^a-z0-9]")


@dataclass(frozen=True)
class Source:
    """One input file: its path, the table it holds (None for XML: it holds several), its collection
    year (None when neither its name nor its folder says), its format ('csv', 'xlsx' or 'xml') and, for a
    workbook, the sheet."""

    path: Path
    table: str | None
    year: int | None
    fmt: str
    sheet: str | None = None


def year_from_name(path: Path, root: Path) -> int | None:
    """The collection year named by the file name or, failing that, by a folder below `root`."""
    m = _YEAR.search(path.stem)
    if m:
        return int(m.group(1))
    for part in reversed(path.relative_to(root).parts[:-1] if path != root else ()):
        m = _YEAR.fullmatch(part) or _YEAR.search(part)
        if m:
            return int(m.group(1))
    return None


def table_from_name(path: Path) -> str | None:
    """The 903 table a file name names, e.g. `SSDA903_2019_Episodes.csv` -> 'episodes'."""
    stem = _NOISE.sub("", path.stem.lower())
    for table, aliases in TABLE_ALIASES.items():
        if stem in aliases:
            return table
    return None


def table_from_columns(columns: list[str]) -> str | None:
    """The table whose required columns are all present, preferring the one with most columns matched."""
    cols = {column_name(c) for c in columns}
    best, best_score = None, 0
    for table in TABLES.values():
        if set(table.required) <= cols:
            score = len(cols & set(table.columns)) - len(set(table.columns) - cols)
            if best is None or score > best_score:
                best, best_score = table.name, score
    return best


def _header_columns(path: Path) -> list[str]:
    try:
        with path.open("r", encoding="utf-8-sig", errors="replace") as fh:
            first = fh.readline()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from exc
    return [column_name(c) for c in first.split(",")] if first.strip() else []


def _xlsx_sources(f: Path, base: Path) -> tuple[list[Source], list[tuple[Path, str]]]:
    """The 903 tables of a workbook: the table its file name names (when it has one sheet of data), or one
    table a sheet, named by the sheet's name or recognised by its columns."""
    sheets = {name: cols for name, cols in xlsx_sheets(f).items() if cols}
    year = year_from_name(f, base)
    named = table_from_name(f)
    if named and len(sheets) == 1:
        return [Source(f, named, year, "xlsx", next(iter(sheets)))], []
    sources, skipped = [], []
    for name, cols in sheets.items():
        table = table_from_name(Path(name)) or table_from_columns(cols)
        if table is None:
            skipped.append((f, f"sheet '{name}' not recognised as a 903 table by its name or its columns"))
        else:
            sources.append(Source(f, table, year, "xlsx", name))
    return sources, skipped


def discover(path: str | Path) -> tuple[list[Source], list[tuple[Path, str]]]:  # noqa: C901 - the loader is being rewritten (#12): split there
    """The 903 sources under `path`, and the files skipped with the reason why.

    In a folder that holds CSV tables, XML files are skipped (they usually repeat the same return);
    an XML file is read when it is given directly or is the folder's only 903 source.
    """
    root = Path(path).expanduser()
    if not root.exists():
        raise InputError(f"{root}: no such file or folder (expected a folder of 903 CSV files or a 903 XML file)")
    if root.is_file():
        files = [root]
        base = root.parent
    else:
        base = root
        files = sorted(p for p in root.rglob("*") if p.is_file() and len(p.relative_to(root).parts) <= 3)
    sources: list[Source] = []
    skipped: list[tuple[Path, str]] = []
    xmls: list[Path] = []
    for f in files:
        suffix = f.suffix.lower()
        if f.name.startswith(".") or f.name.startswith("~$") or suffix not in (".csv", ".xml", ".xlsx"):
            reason = "not a .csv, .xlsx or .xml file"
            if suffix in (".xls", ".xlsb", ".ods"):
                reason = f"a {suffix} workbook cannot be read: save it as .xlsx or .csv"
            if root.is_file():
                raise InputError(f"{f}: not a 903 file ({reason}; expected a .csv or .xlsx table or a .xml return)")
            skipped.append((f, reason))
            continue
        if suffix == ".xlsx":
            found, skip = _xlsx_sources(f, base)
            if root.is_file() and not found:
                raise InputError(f"{f}: no sheet recognised as a 903 table")
            sources += found
            skipped += skip
            continue
        if suffix == ".xml":
            xmls.append(f)
            continue
        table = table_from_name(f) or table_from_columns(_header_columns(f))
        if table is None:
            reason = "not recognised as a 903 table by its name or its columns"
            if root.is_file():
                raise InputError(f"{f}: {reason}")
            skipped.append((f, reason))
            continue
        sources.append(Source(f, table, year_from_name(f, base), "csv"))
    for x in xmls:
        if sources:
            skipped.append((x, "XML return skipped: the folder also holds CSV tables"))
        else:
            sources.append(Source(x, None, year_from_name(x, base), "xml"))
    if not sources:
        raise InputError(
            f"{root}: no 903 tables found (expected files such as 2019-episodes.csv, 2019/header.csv, "
            "episodes.csv or a 903 XML return)"
        )
    return sources, skipped
