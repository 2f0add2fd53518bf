"""Statistical disclosure control for anything that leaves the analysts' hands.

As in the DfE's published tables:
- primary suppression: a count of 1 to 4 is shown as "[c]"; 0 is shown (the DfE publishes zeros);
- derived figures: a percentage, rate or average computed from a suppressed count is suppressed too;
- secondary suppression (`suppress_with_totals`): where a table carries row or column totals, a line (row or
  column) with exactly one suppressed cell would give it away by subtraction from the total, so the smallest other
  non-zero cell of that line is suppressed as well (or the total itself when there is none), repeated until every
  line with a total has none or at least two suppressed cells.
Committee outputs must also never show a child identifier, date of birth, UPN or postcode: `find_identifiers`
looks for them in tables and in rendered text (HTML, CSV).
"""

from __future__ import annotations

import re
from collections.abc import Hashable

import pandas as pd

from cpanalysis.errors import InputError

THRESHOLD = 5
MARKER = "[c]"
# 903 columns that identify a child (CHILD id, UPN, dates of birth, postcodes, unique reference numbers)
IDENTIFYING_COLUMNS = ("CHILD", "CHILD_ID", "DOB", "UPN", "HOME_POST", "PL_POST", "MC_DOB", "URN", "SWID")
POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b")
UPN = re.compile(r"\b[A-Z]\d{11}[A-Z\d]\b")  # 13 characters: check letter, LA (3), school (4), year (2), serial (3)
HEADER_CELL = re.compile(r"<th[^>]*>\s*([A-Za-z_]+)\s*</th>")


class DisclosureError(InputError):
    """A committee output would reveal a child (small numbers or an identifier)."""


def is_small(value, threshold: int = THRESHOLD) -> bool:
    """True for a count of 1 to threshold-1 (a count that must not be published); 0, blanks and text are not."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return False
    return 0 < v < threshold


def _check_columns(df: pd.DataFrame, columns: list[str]) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputError(f"cannot suppress: no column(s) {', '.join(map(str, missing))} in {list(df.columns)}")


def _hidden(series: pd.Series, threshold: int, marker: str) -> pd.Series:
    """Cells already shown as the marker, or counts of 1 to threshold-1."""
    return series.map(lambda v: (isinstance(v, str) and v == marker) or is_small(v, threshold)).astype(bool)


def suppress_counts(
    df: pd.DataFrame, count_cols: list[str], threshold: int = THRESHOLD, marker: str = MARKER
) -> pd.DataFrame:
    """A copy with the counts of 1 to threshold-1 in `count_cols` shown as `marker` (the DfE's "[c]"); 0 stays 0.
    The input is not changed; the count columns become object columns (numbers and markers)."""
    _check_columns(df, count_cols)
    out = df.astype({c: object for c in count_cols})
    for c in count_cols:
        out.loc[_hidden(df[c], threshold, marker), c] = marker
    return out


def suppress_derived(
    df: pd.DataFrame, count_col: str, derived_cols: list[str], threshold: int = THRESHOLD, marker: str = MARKER
) -> pd.DataFrame:
    """A copy with `derived_cols` (percentages, rates, averages computed from `count_col`) shown as `marker` in
    every row where that count is 1 to threshold-1 or already suppressed. The count itself is left as it is."""
    _check_columns(df, [count_col, *derived_cols])
    out = df.astype({c: object for c in derived_cols})
    out.loc[_hidden(df[count_col], threshold, marker), derived_cols] = marker
    return out


def suppress(
    df: pd.DataFrame, counts: list[str], derived: list[str] | None = None, marker: str = MARKER
) -> pd.DataFrame:
    """Primary suppression of a table: counts of 1-4 in `counts` become the marker, and the `derived` columns
    (computed from those counts) are suppressed in every row where ANY of the counts was."""
    derived = derived or []
    _check_columns(df, [*counts, *derived])
    small = pd.Series(False, index=df.index)
    for c in counts:
        small |= _hidden(df[c], THRESHOLD, marker)
    out = suppress_counts(df, counts, marker=marker).astype({c: object for c in derived})
    out.loc[small, derived] = marker
    return out


def _protect(
    df: pd.DataFrame, hidden: pd.DataFrame, cells: list[tuple[Hashable, str]], total: tuple[Hashable, str] | None
) -> bool:
    """Secondary suppression of one line (`cells`, adding up to `total`): when exactly one of its cells is hidden,
    hide the smallest non-zero visible cell too (ties: the first), or failing that the total. True if it hid one."""
    if sum(hidden.at[r, c] for r, c in cells) != 1:
        return False
    candidates = [
        (float(df.at[r, c]), i)
        for i, (r, c) in enumerate(cells)
        if not hidden.at[r, c] and pd.notna(df.at[r, c]) and float(df.at[r, c]) > 0
    ]
    if candidates:
        r, c = cells[min(candidates)[1]]
    elif total is not None and not hidden.at[total]:
        r, c = total
    else:
        return False
    hidden.at[r, c] = True
    return True


def _check_totals_table(df: pd.DataFrame, cols: list[str], total_row: Hashable | None) -> None:
    """An InputError unless the columns exist, the index is unique and holds `total_row` (if given)."""
    _check_columns(df, cols)
    if not df.index.is_unique:
        raise InputError("cannot suppress: the table's index has repeated labels (set a unique index first)")
    if total_row is not None and total_row not in df.index:
        raise InputError(f"cannot suppress: no total row {total_row!r} in the table's index")


def suppress_with_totals(
    df: pd.DataFrame,
    count_cols: list[str],
    total_col: str | None = None,
    total_row: Hashable | None = None,
    threshold: int = THRESHOLD,
    marker: str = MARKER,
) -> pd.DataFrame:
    """Primary and secondary suppression of a table of counts with totals (see the module docstring).

    count_cols: the columns that add up to `total_col` in each row (if given); the rows (all but `total_row`, an
    index label) add up to `total_row` in each column (if given). Secondary cells are the smallest non-zero
    unsuppressed cell of a line that has exactly one suppressed cell; ties go to the first. When a line has no
    such cell, its total is suppressed instead."""
    cols = [*count_cols, *([total_col] if total_col else [])]
    _check_totals_table(df, cols, total_row)
    out = suppress_counts(df, cols, threshold, marker)
    body = [r for r in df.index if r != total_row]
    hidden = pd.DataFrame({c: out[c].map(lambda v: isinstance(v, str) and v == marker) for c in cols}).astype(bool)
    # each line: a row's counts with its total, a column's body with the total row
    lines = []
    if total_col:
        lines += [([(r, c) for c in count_cols], (r, total_col)) for r in df.index]
    if total_row is not None:
        lines += [([(r, c) for r in body], (total_row, c)) for c in cols]
    changed = True
    while changed:  # until no line has a lone hidden cell
        changed = False
        for cells, total in lines:
            changed |= _protect(df, hidden, cells, total)
    for c in cols:
        out.loc[hidden[c], c] = marker
    return out


def suppress_value(value, base: float | None = None, marker: str = MARKER):
    """One figure: a count of 1-4 becomes the marker; a derived figure whose base count is 1-4 too."""
    if is_small(value if base is None else base):
        return marker
    return value


def suppress_measures(
    table: pd.DataFrame, bases: dict[str, str | tuple[str, ...]], marker: str = MARKER
) -> pd.DataFrame:
    """A `measure,value` table with small counts suppressed. `bases` maps each derived measure (e.g. A1) to the
    count(s) it is computed over (e.g. adopted; a percentage's numerator and denominator): it is suppressed when any
    of them is 1-4. Measures not in `bases` are counts, unless their name ends in _pct, _rate or rate_per_10k
    (derived, with no known base: left as they are)."""
    values = table.set_index("measure")["value"]
    out = []
    for measure, value in values.items():
        base = bases.get(measure)
        if base is not None:
            names = (base,) if isinstance(base, str) else base
            out.append(marker if any(is_small(values.get(b)) for b in names) else value)
        elif measure.endswith(("_pct", "_rate", "rate_per_10k")):
            out.append(value)
        else:
            out.append(suppress_value(value, None, marker))
    return pd.DataFrame({"measure": values.index, "value": pd.Series(out, dtype=object)})


def _identifying(name: object) -> bool:
    n = str(name).strip().upper()
    return n in IDENTIFYING_COLUMNS or n.startswith("URN")


def find_identifiers(obj: pd.DataFrame | str, child_ids: set[str] | None = None) -> list[str]:
    """What in a table or a text (HTML, CSV, Markdown) would identify a child: identifying 903 columns (CHILD, DOB,
    MC_DOB, UPN, HOME_POST, PL_POST, URN...; in a text, as a table header cell), UK postcodes, 13-character UPNs and
    (given the data's CHILD ids) any of those ids appearing as a whole word. Empty list when there is none."""
    problems = []
    if isinstance(obj, pd.DataFrame):
        names = [*obj.columns, *(obj.index.names or [])]
        problems += [f"column {c}" for c in names if c is not None and _identifying(c)]
        text = obj.astype(str).to_csv(index=False)
    elif isinstance(obj, str):
        text = obj
        problems += [f"column {c}" for c in sorted(set(HEADER_CELL.findall(text))) if _identifying(c)]
    else:
        raise InputError(f"find_identifiers takes a DataFrame or a text, not {type(obj).__name__}")
    problems += [f"postcode {m}" for m in sorted(set(POSTCODE.findall(text)))]
    problems += [f"UPN {m}" for m in sorted(set(UPN.findall(text)))]
    if child_ids:
        words = set(re.findall(r"\b\w+\b", text))
        problems += [f"CHILD id {c}" for c in sorted(words & {str(i) for i in child_ids})]
    return problems


def assert_no_identifiers(obj: pd.DataFrame | str, child_ids: set[str] | None = None, where: str = "") -> None:
    """Raise DisclosureError naming what was found (see find_identifiers), e.g. before a table leaves for the pack."""
    found = find_identifiers(obj, child_ids)
    if found:
        more = f" and {len(found) - 10} more" if len(found) > 10 else ""
        raise DisclosureError(
            f"{where or 'this output'} would identify a child: {', '.join(found[:10])}{more}. "
            "Remove the column or value before it goes into the committee pack."
        )


def assert_no_small_counts(df: pd.DataFrame, count_cols: list[str], threshold: int = THRESHOLD) -> None:
    """Raise DisclosureError if any of `count_cols` still holds a count of 1 to threshold-1."""
    _check_columns(df, count_cols)
    bad = [c for c in count_cols if df[c].map(lambda v: is_small(v, threshold)).any()]
    if bad:
        raise DisclosureError(f"counts of 1-{threshold - 1} left unsuppressed in column(s) {', '.join(bad)}")
