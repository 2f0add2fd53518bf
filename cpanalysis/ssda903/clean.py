"""Clean one file's rows into the canonical form, recording every correction and rejection.

Corrections (row kept, finding 'corrected'): stray spaces trimmed; lower-case codes upper-cased;
ISO dates (yyyy-mm-dd) accepted as well as dd/mm/yyyy.
Rejections (row left out, finding 'rejected'): blank CHILD; a key date (e.g. DECOM) blank or
unparseable; an episode end date (DEC) that cannot be read; a repeat of an earlier row of the same file;
a second row for the same key (e.g. CHILD + DECOM) in one file (the file's last one is kept).
Kept as found, with an error: a code not valid in the collection year; other unreadable dates (blanked).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from cpanalysis.errors import InputError
from cpanalysis.ssda903 import findings
from cpanalysis.ssda903.schema import (
    TABLES,
    TEXT,
    Table,
    code_end_dates,
    valid_codes,
    year_end,
    year_label,
    year_start,
)

_ISO = r"^\d{4}-\d{2}-\d{2}(?:[ T]00:00(?::00)?)?$"


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


def clean(raw: pd.DataFrame, table: str, file: str, year: int) -> tuple[pd.DataFrame, pd.DataFrame]:  # noqa: C901 - the loader is being rewritten (#12): split there
    """Canonical rows of one file and the findings about them (see the module docstring)."""
    spec = TABLES[table]
    check_columns(raw, spec, file)
    found: list[pd.DataFrame] = []
    extra = [c for c in raw.columns if c not in spec.columns and c != "SOURCE_ROW"]
    if extra:
        found.append(
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
        found.append(
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
    df = pd.DataFrame({c: raw[c] if c in raw.columns else "" for c in spec.columns})
    df["YEAR"] = year
    df["SOURCE_FILE"] = file
    df["SOURCE_ROW"] = raw["SOURCE_ROW"].to_numpy()
    reject = pd.Series("", index=df.index, dtype=object)

    def note(mask, column, rule, severity, outcome, message):
        found.append(
            findings.make(
                df[mask], table=table, column=column, rule=rule, severity=severity, outcome=outcome, message=message
            )
        )

    for col in spec.columns:
        text = df[col].astype(str)
        stripped = text.str.strip()
        spaced = text.ne(stripped)
        if spaced.any():
            note(spaced, col, "whitespace", "info", "corrected", "stray spaces removed from '" + text[spaced] + "'")
        if col in spec.codes:
            upper = stripped.str.upper()
            lower = upper.ne(stripped)
            if lower.any():
                note(
                    lower,
                    col,
                    "lower_case_code",
                    "info",
                    "corrected",
                    "code '" + stripped[lower] + "' upper-cased to '" + upper[lower] + "'",
                )
            stripped = upper
        df[col] = stripped.where(stripped.ne(""), None).astype(TEXT)

    no_child = df["CHILD"].isna()
    reject[no_child] = "blank CHILD"
    note(no_child, "CHILD", "child_blank", "error", "rejected", "row has no CHILD id: cannot be attributed")

    key_dates = [c for c in spec.key if c in spec.dates] + (["DEC"] if table == "episodes" else [])
    for col in spec.dates:
        text = df[col]
        parsed = pd.to_datetime(text, format="%d/%m/%Y", errors="coerce")
        bad = text.notna() & parsed.isna()
        if bad.any():
            iso_ok = bad & text.str.match(_ISO).fillna(False).astype(bool)
            iso = pd.to_datetime(text[iso_ok].str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
            parsed[iso_ok] = iso
            iso_ok &= parsed.notna()
            if iso_ok.any():
                note(
                    iso_ok,
                    col,
                    "iso_date",
                    "info",
                    "corrected",
                    "ISO date '" + text[iso_ok] + "' read as yyyy-mm-dd (903 dates are dd/mm/yyyy)",
                )
            bad &= ~iso_ok
            if bad.any():
                if col in key_dates:
                    reject[bad & reject.eq("")] = f"unreadable {col}"
                    note(
                        bad,
                        col,
                        "date_unreadable",
                        "error",
                        "rejected",
                        f"{col} '" + text[bad] + "' is not a date (expected dd/mm/yyyy): row left out",
                    )
                else:
                    note(
                        bad,
                        col,
                        "date_unreadable",
                        "error",
                        "used",
                        f"{col} '" + text[bad] + "' is not a date (expected dd/mm/yyyy): treated as blank",
                    )
        df[col] = parsed.astype("datetime64[ns]")
        if col in spec.key:
            blank = text.isna() & reject.eq("")
            reject[blank] = f"blank {col}"
            note(blank, col, "key_blank", "error", "rejected", f"{col} is blank: row cannot be placed in time")

    content = list(spec.columns)
    live = reject.eq("")
    dup = _within(df, live, content, keep="first")
    if dup.any():
        first_row = df[live].groupby(content, dropna=False)["SOURCE_ROW"].transform("first")
        reject[dup] = "duplicate row"
        note(
            dup,
            "",
            "duplicate_row",
            "warning",
            "rejected",
            "exact repeat of line " + first_row.reindex(df.index)[dup].astype(int).astype(str) + ": left out",
        )
    live = reject.eq("")
    key = list(spec.key)
    clash = _within(df, live, key, keep="last")
    if clash.any():
        keep_row = df[live].groupby(key)["SOURCE_ROW"].transform("last")
        reject[clash] = "conflicting key"
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

    live = reject.eq("")
    for col, list_name in spec.codes.items():
        codes = df[col]
        ok = valid_codes(list_name, year)
        invalid = live & codes.notna() & ~codes.isin(ok)
        if invalid.any():
            note(
                invalid,
                col,
                "invalid_code",
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


def _within(df: pd.DataFrame, live: pd.Series, columns: list[str], keep: str) -> pd.Series:
    """Live rows that repeat another live row on `columns` (all but the `keep` one of each group)."""
    repeated = df.loc[live, columns].duplicated(keep=keep)
    return repeated.reindex(df.index, fill_value=False).astype(bool)


def _episode_dates(raw_episodes: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    return tuple(
        pd.to_datetime(raw_episodes[c].astype(str).str.strip(), format="%d/%m/%Y", errors="coerce")
        for c in ("DECOM", "DEC")
    )


def year_fit(raw_episodes: pd.DataFrame, year: int) -> int:
    """How many episodes of a raw file belong in collection `year`: started by its 31 March and not
    ended before its 1 April."""
    decom, dec = _episode_dates(raw_episodes)
    start, end = pd.Timestamp(year_start(year)), pd.Timestamp(year_end(year))
    return int(((decom <= end) & (dec.isna() | (dec >= start))).sum())


def infer_year(raw_episodes: pd.DataFrame | None, others: list[pd.DataFrame]) -> int | None:
    """Collection year of an undated extract: the one holding the latest episode date (DECOM or DEC),
    or failing episodes, the latest date found in any table (future dates ignored)."""
    frames = [raw_episodes[["DECOM", "DEC"]]] if raw_episodes is not None else others
    latest = None
    today = pd.Timestamp(dt.date.today())
    for frame in frames:
        for col in frame.columns:
            d = pd.to_datetime(frame[col].astype(str).str.strip(), format="%d/%m/%Y", errors="coerce")
            d = d[d <= today]
            if not d.empty and (latest is None or d.max() > latest):
                latest = d.max()
    if latest is None:
        return None
    return latest.year if latest.month <= 3 else latest.year + 1
