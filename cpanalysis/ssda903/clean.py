"""Clean a file's rows into the canonical form, recording every correction and rejection (`clean`; `clean_files`:
several files of one table at once, each as if alone).

Corrections (row kept, finding 'corrected'): stray spaces trimmed; lower-case codes upper-cased;
dates written another common way read as the date they say (`date_format`: dd/mm/yyyy with a time,
yyyy-mm-dd with or without a time, dd-mm-yyyy, dd.mm.yyyy, dd/mm/yy, an Excel day number). A date
that is none of these (e.g. 31/02/2019, or the month-first 01/13/2018) is never guessed.
Rejections (row left out, finding 'rejected'): blank CHILD; a key date (e.g. DECOM) blank or
unparseable; an episode end date (DEC) that cannot be read; a repeat of an earlier row of the same file;
a second row for the same key (e.g. CHILD + DECOM) in one file (the file's last one is kept).
Kept as found, with an error: a code not valid in the collection year (reported under the DfE's rule for that
code list, `CODE_RULES`, e.g. 103 for ETHNIC, so a 903 lead can match it to the DfE portal; `invalid_code`
where the DfE has no such rule); other unreadable dates (blanked; under the DfE's rule where it has one,
`DATE_RULES`, e.g. 102 for DOB).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from cpanalysis.errors import InputError
from cpanalysis.ssda903 import findings
from cpanalysis.ssda903.schema import (
    TABLES,
    TEXT,
    Table,
    code_end_dates,
    collection_year,
    valid_codes,
    year_end,
    year_label,
    year_start,
)

_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
# (pattern, strptime format of the date part, description); dd/mm/yyyy, the 903's own, is tried first.
_DATE_VARIANTS = [
    (r"^(\d{1,2}/\d{1,2}/\d{4})" + _TIME, "%d/%m/%Y", "dd/mm/yyyy with a time"),
    (r"^(\d{4}-\d{1,2}-\d{1,2})" + _TIME, "%Y-%m-%d", "yyyy-mm-dd"),
    (r"^(\d{1,2}-\d{1,2}-\d{4})" + _TIME, "%d-%m-%Y", "dd-mm-yyyy"),
    (r"^(\d{1,2}\.\d{1,2}\.\d{4})" + _TIME, "%d.%m.%Y", "dd.mm.yyyy"),
    (r"^(\d{1,2}/\d{1,2}/\d{2})$", "%d/%m/%y", "dd/mm/yy"),
]
_EXCEL_DAY = r"^(\d{5})(?:\.0+)?$"  # an Excel day number (1 = 1 January 1900), 10000 = 18/05/1927


# The DfE validation rule whose only check is "not in the code list", per code list; code lists not here are
# reported as invalid_code.
CODE_RULES = {
    "SEX": "101",
    "ETHNIC": "103",
    "RNE": "143",
    "LS": "144",
    "CIN": "145",
    "PLACE": "146",
    "REC": "149",
    "PLACE_PROVIDER": "178",
    "REASON_PLACE_CHANGE": "1009",
    "REASON_PLACED_CEASED": "120",
}
# The DfE rule for an unreadable date, per table and column; other dates are reported as date_unreadable.
DATE_RULES = {
    ("header", "DOB"): "102",
    ("header", "MC_DOB"): "171",
    ("uasc", "DUC"): "104",
    ("reviews", "REVIEW"): "166",
    ("missing", "MIS_START"): "1004",
    ("missing", "MIS_END"): "1005",
    ("ad1", "DATE_INT"): "112",
    ("ad1", "DATE_MATCH"): "113",
    ("placed_adoption", "DATE_PLACED"): "115",
    ("placed_adoption", "DATE_PLACED_CEASED"): "116",
}


def parse_dates(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Dates of a text column (stray spaces around a date ignored) and, for each, how it was written when not
    dd/mm/yyyy ('' when it was, or it is blank or unreadable: unreadable ones are NaT with a non-blank text). Each
    distinct text is trimmed and read once (a column holds a few thousand distinct dates however many rows it has)."""
    codes, uniques = distinct(text)
    return _dates_of(codes, pc.utf8_trim(uniques, characters=WHITESPACE), text.index)


def _dates_of(codes: np.ndarray, uniques: pa.Array, index: pd.Index) -> tuple[pd.Series, pd.Series]:
    """parse_dates of the texts `uniques[codes]` (code -1 or a null: blank)."""
    text = pd.Series(uniques.to_pandas(), dtype=object)
    parsed, how = _parse_distinct(text.where(text.ne("") & text.notna(), None))
    dates = np.append(parsed.to_numpy("datetime64[ns]"), np.datetime64("NaT"))
    written = np.append(how.to_numpy(dtype=object), "")
    return pd.Series(dates[codes], index=index), pd.Series(written[codes], index=index, dtype=object)


# The characters Python's str.strip() removes (those of str.isspace, tests/test_load.py checks), for pyarrow's
# utf8_trim
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def distinct(column: pd.Series) -> tuple[np.ndarray, pa.Array]:
    """pd.factorize of a text column: for each row the position of its text among the distinct texts (in order of
    first appearance; -1 for a blank, NaN/None), and those texts (a pyarrow array). Text held by pyarrow is encoded
    by pyarrow, with no Python string made a row (a national extract has tens of millions of cells, a few thousand
    distinct a column, but as many ids as rows)."""
    if (
        isinstance(column.dtype, pd.StringDtype)
        and column.dtype.storage == "pyarrow"
        or isinstance(column.dtype, pd.ArrowDtype)
    ):
        encoded = pc.dictionary_encode(pa.chunked_array(column.array._pa_array)).combine_chunks()
        codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.intp, copy=False)
        return codes, encoded.dictionary.cast(pa.large_string())
    codes, uniques = pd.factorize(column.astype(object).where(column.notna(), None))
    return codes, pa.array([str(u) for u in uniques], type=pa.large_string())  # a number as its text


def as_text(codes: np.ndarray, values: pa.Array, index: pd.Index) -> pd.Series:
    """The column of `values[codes]` (a null and code -1: blank) as canonical text (TEXT), by pyarrow's take."""
    taken = values.take(pa.array(codes, mask=codes < 0))
    return pd.Series(taken.to_pandas(types_mapper=lambda _: TEXT), index=index)


def _at(values: pa.Array, codes: np.ndarray, mask: pd.Series) -> pd.Series:
    """`values[codes]` on the rows of `mask` (a few: what a finding quotes), as Python text."""
    return pd.Series(values.take(pa.array(codes[mask.to_numpy()])).to_pylist(), index=mask.index[mask], dtype=object)


def _parse_distinct(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """`parse_dates` of a column of distinct, non-blank texts."""
    parsed = pd.to_datetime(text, format="%d/%m/%Y", errors="coerce")
    how = pd.Series("", index=text.index, dtype=object)
    todo = text.notna() & parsed.isna()
    if not todo.any():
        return parsed, how
    s = text[todo].astype(str)
    for pattern, fmt, desc in _DATE_VARIANTS:
        part = s.str.extract(pattern, expand=False)
        got = pd.to_datetime(part, format=fmt, errors="coerce").dropna()
        got = got[parsed[got.index].isna()]
        parsed[got.index] = got
        how[got.index] = desc
    days = pd.to_numeric(s.str.extract(_EXCEL_DAY, expand=False), errors="coerce").dropna()
    days = days[parsed[days.index].isna()]
    parsed[days.index] = pd.Timestamp(1899, 12, 30) + pd.to_timedelta(days, unit="D")
    how[days.index] = "an Excel day number"
    return parsed, how


def check_columns(raw: pd.DataFrame, spec: Table, file: str) -> None:
    """Stop with a clear message when a required column is missing."""
    present = set(raw.columns)
    missing = [c for c in spec.required if c not in present]
    if missing:
        raise InputError(
            f"{file}: missing required column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"(the {spec.name} table needs {', '.join(spec.required)}; "
            f"found: {', '.join(c for c in raw.columns if c != 'SOURCE_ROW') or 'no columns'})"
        )


def clean(raw: pd.DataFrame, table: str, file: str, year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Canonical rows of one file and the findings about them (see the module docstring)."""
    return clean_files(table, [(raw, file, year)])[0]


def clean_files(table: str, files: list[tuple[pd.DataFrame, str, int]]) -> list[tuple[pd.DataFrame, pd.DataFrame]]:
    """`clean` of each of several files of one table (raw rows, file label, collection year), worked out together
    where they have the same columns (at LA size each file's cleaning was mostly the fixed cost of a few pandas calls
    a column): each file's rows and findings are those `clean` gives it alone."""
    groups: dict[tuple, list[int]] = {}
    for i, (raw, _, _) in enumerate(files):
        groups.setdefault(tuple(raw.columns), []).append(i)
    out: list = [None] * len(files)
    for members in groups.values():
        rows, notes = _clean(table, [files[i] for i in members])
        if len(members) == 1:
            out[members[0]] = rows, notes
            continue
        file_of = rows["SOURCE_FILE"].to_numpy()
        by_file = notes.groupby("file", sort=False) if len(notes) else None
        for i in members:
            label = files[i][1]
            mine = rows[file_of == label].reset_index(drop=True)
            found = by_file.get_group(label) if by_file is not None and label in by_file.groups else None
            out[i] = mine, findings.empty() if found is None else found.reset_index(drop=True)
    return out


def _clean(table: str, files: list[tuple[pd.DataFrame, str, int]]) -> tuple[pd.DataFrame, pd.DataFrame]:  # noqa: C901 - the loader is being rewritten (#12): split there
    """`clean_files` of files with the same columns, as one frame (each row with its own file and year)."""
    spec = TABLES[table]
    found: list[pd.DataFrame] = []
    for raw, file, year in files:
        check_columns(raw, spec, file)
        found += _column_notes(raw, spec, table, file, year)
    raw = files[0][0] if len(files) == 1 else pd.concat([f[0] for f in files], ignore_index=True)
    lengths = [len(f[0]) for f in files]
    df = pd.DataFrame({c: raw[c] if c in raw.columns else "" for c in spec.columns})
    df["YEAR"] = np.repeat([f[2] for f in files], lengths)
    df["SOURCE_FILE"] = np.repeat(np.array([f[1] for f in files], dtype=object), lengths)
    df["SOURCE_ROW"] = raw["SOURCE_ROW"].to_numpy()
    rejected = pd.Series(False, index=df.index)
    same = {}  # each column as numbers, equal where the cleaned values are equal (the duplicate checks below)

    def note(mask, column, rule, severity, outcome, message):
        found.append(
            findings.make(
                df[mask], table=table, column=column, rule=rule, severity=severity, outcome=outcome, message=message
            )
        )

    texts = {}  # each date column's (codes, distinct texts), parsed below
    for col in spec.columns:
        codes, written = distinct(df[col])  # each distinct text trimmed (and upper-cased) once: a code column has few
        if (codes < 0).any():  # a cell a reader left as NaN, not '': blank
            codes = np.where(codes < 0, len(written), codes)
            written = pa.concat_arrays([written, pa.array([""], type=written.type)])
        stripped = pc.utf8_trim(written, characters=WHITESPACE)
        spaced = _each_row(pc.not_equal(written, stripped), codes, df.index)
        if spaced.any():
            text = _at(written, codes, spaced)
            note(spaced, col, "whitespace", "info", "corrected", "stray spaces removed from '" + text + "'")
        if col in spec.codes:
            upper = pa.array([v.upper() for v in stripped.to_pylist()], type=stripped.type)  # Python's upper-casing
            lower = _each_row(pc.not_equal(upper, stripped), codes, df.index)
            if lower.any():
                before, after = (_at(v, codes, lower) for v in (stripped, upper))
                note(
                    lower,
                    col,
                    "lower_case_code",
                    "info",
                    "corrected",
                    "code '" + before + "' upper-cased to '" + after + "'",
                )
            stripped = upper
        kept = pc.if_else(pc.equal(stripped, ""), pa.scalar(None, type=stripped.type), stripped)
        df[col] = as_text(codes, kept, df.index)
        if col in spec.dates:
            texts[col] = codes, kept
        else:  # the position of each row's value among the values (a blank one too)
            same[col] = pc.dictionary_encode(kept, null_encoding="encode").indices.to_numpy()[codes]

    no_child = df["CHILD"].isna()
    rejected |= no_child
    note(no_child, "CHILD", "child_blank", "error", "rejected", "row has no CHILD id: cannot be attributed")

    key_dates = [c for c in spec.key if c in spec.dates] + (["DEC"] if table == "episodes" else [])
    for col in spec.dates:
        text = df[col]
        parsed, how = _dates_of(*texts[col], df.index)
        bad = text.notna() & parsed.isna()
        other = how.ne("")
        if other.any():
            note(
                other,
                col,
                "date_format",
                "info",
                "corrected",
                f"{col} '"
                + text[other]
                + "' read as "
                + parsed[other].dt.strftime("%d/%m/%Y")
                + " (written as "
                + how[other]
                + "; 903 dates are dd/mm/yyyy)",
            )
        if bad.any():
            if col in key_dates:
                rejected |= bad
                note(
                    bad,
                    col,
                    DATE_RULES.get((table, col), "date_unreadable"),
                    "error",
                    "rejected",
                    f"{col} '" + text[bad] + "' is not a date (expected dd/mm/yyyy): row left out",
                )
            else:
                note(
                    bad,
                    col,
                    DATE_RULES.get((table, col), "date_unreadable"),
                    "error",
                    "used",
                    f"{col} '" + text[bad] + "' is not a date (expected dd/mm/yyyy): treated as blank",
                )
        df[col] = parsed.astype("datetime64[ns]")
        same[col] = df[col].to_numpy().view("int64")
        if col in spec.key:
            blank = text.isna() & ~rejected
            rejected |= blank
            note(blank, col, "key_blank", "error", "rejected", f"{col} is blank: row cannot be placed in time")

    content = list(spec.columns)  # repeats within a file
    same = pd.DataFrame(same, index=df.index).assign(SOURCE_FILE=np.repeat(np.arange(len(files)), lengths))
    live = ~rejected
    dup = _within(same, live, content + ["SOURCE_FILE"], keep="first")
    if dup.any():
        first_row = df[live].groupby(content + ["SOURCE_FILE"], dropna=False)["SOURCE_ROW"].transform("first")
        rejected |= dup
        note(
            dup,
            "",
            "duplicate_row",
            "warning",
            "rejected",
            "exact repeat of line " + first_row.reindex(df.index)[dup].astype(int).astype(str) + ": left out",
        )
    live = ~rejected
    key = list(spec.key)
    clash = _within(same, live, key + ["SOURCE_FILE"], keep="last")
    if clash.any():
        keep_row = df[live].groupby(key + ["SOURCE_FILE"])["SOURCE_ROW"].transform("last")
        rejected |= clash
        note(
            clash,
            "+".join(key),
            "conflicting_duplicate",
            "error",
            "rejected",
            "another row of this file has the same "
            + "+".join(key)
            + " with different values; line "
            + keep_row.reindex(df.index)[clash].astype(int).astype(str)
            + " kept",
        )

    live = ~rejected
    years = sorted({f[2] for f in files})
    for col, list_name in spec.codes.items():
        codes = df[col]
        for year in years:  # each row against its own year's list
            invalid = live & codes.notna() & ~codes.isin(valid_codes(list_name, year))
            if len(years) > 1:
                invalid &= df["YEAR"].eq(year)
            if invalid.any():
                note(
                    invalid,
                    col,
                    CODE_RULES.get(list_name, "invalid_code"),
                    "error",
                    "used",
                    f"{col} code '" + codes[invalid] + f"' is not valid in the {year_label(year)} collection",
                )
    if table == "episodes":
        for code, end in code_end_dates("PLACE").items():
            late = live & df["PLACE"].eq(code) & (df["DECOM"] >= pd.Timestamp(end))
            if late.any():
                note(
                    late.fillna(False),
                    "PLACE",
                    "code_ended",
                    "error",
                    "used",
                    f"PLACE {code} may not start a placement on or after {end:%d/%m/%Y}",
                )
    return df[live].reset_index(drop=True), findings.concat(found)


def _column_notes(raw: pd.DataFrame, spec: Table, table: str, file: str, year: int) -> list[pd.DataFrame]:
    """The file's columns not in the table (ignored) and the table's columns not in the file (blank)."""
    notes = []
    extra = [c for c in raw.columns if c not in spec.columns and c != "SOURCE_ROW"]
    if extra:
        notes.append(
            findings.file_level(
                file,
                year,
                table,
                ", ".join(extra),
                "unknown_column",
                "info",
                f"column(s) not in the 903 {table} table ignored: {', '.join(extra)}",
            )
        )
    absent = [c for c in spec.columns if c not in raw.columns]
    if absent:
        notes.append(
            findings.file_level(
                file,
                year,
                table,
                ", ".join(absent),
                "optional_column_absent",
                "info",
                f"optional column(s) absent, treated as blank: {', '.join(absent)}",
            )
        )
    return notes


def _each_row(flags: pa.Array, codes: np.ndarray, index: pd.Index) -> pd.Series:
    """The flags of a column's distinct texts (in `distinct`'s order) for each row (`codes`)."""
    return pd.Series(flags.to_numpy(zero_copy_only=False).astype(bool)[codes], index=index)


def _within(df: pd.DataFrame, live: pd.Series, columns: list[str], keep: str) -> pd.Series:
    """Live rows that repeat another live row on `columns` (all but the `keep` one of each group)."""
    repeated = df.loc[live, columns].duplicated(keep=keep)
    return repeated.reindex(df.index, fill_value=False).astype(bool)


def _episode_dates(raw_episodes: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    return tuple(parse_dates(raw_episodes[c])[0] for c in ("DECOM", "DEC"))


def year_fits(raw_episodes: pd.DataFrame, years: list[int]) -> dict[int, int]:
    """For each of `years`, how many episodes of a raw file belong in that collection year: started by its 31 March
    and not ended before its 1 April (the file's dates read once)."""
    decom, dec = _episode_dates(raw_episodes)
    fits = {}
    for year in years:
        start, end = pd.Timestamp(year_start(year)), pd.Timestamp(year_end(year))
        fits[year] = int(((decom <= end) & (dec.isna() | (dec >= start))).sum())
    return fits


def infer_year(raw_episodes: pd.DataFrame | None, others: list[pd.DataFrame]) -> tuple[int, str] | None:
    """Collection year of an undated extract, by the weight of its dates, and how it was decided.

    With episodes: the year in which most episodes were open (started by its 31 March, not ended before
    its 1 April; on a tie the later), so a handful of episodes dated after the year cannot move it. Without
    episodes: the collection year in which most of the other tables' event dates fall (birth dates and
    future dates ignored). None when there are no readable dates."""
    today = pd.Timestamp(dt.date.today())
    if raw_episodes is not None and len(raw_episodes):
        decom, dec = _episode_dates(raw_episodes)
        dates = pd.concat([decom, dec]).dropna()
        dates = dates[dates <= today]
        if dates.empty:
            return None
        candidates = sorted({collection_year(d) for d in dates.dt.date.unique()})
        fits = year_fits(raw_episodes, candidates)
        best = max(candidates, key=lambda y: (fits[y], y))
        return best, f"{fits[best]} of {len(raw_episodes)} episodes were open in it"
    counts: pd.Series = pd.Series(dtype=int)
    for frame in others:
        for col in frame.columns:
            if col in ("DOB", "MC_DOB", "DUC"):
                continue
            d = parse_dates(frame[col])[0].dropna()
            d = d[d <= today]
            years = d.dt.year + (d.dt.month > 3).astype(int)
            counts = counts.add(years.value_counts(), fill_value=0)
    if counts.empty:
        return None
    best = int(counts[counts == counts.max()].index.max())
    return best, f"{int(counts[best])} of {int(counts.sum())} dates fall in it"
