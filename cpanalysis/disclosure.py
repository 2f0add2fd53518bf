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


def protect_lines(
    values: pd.DataFrame,
    hidden: pd.DataFrame,
    lines: list[list[tuple[Hashable, Hashable]]],
    threshold: int = THRESHOLD,
) -> pd.DataFrame:
    """Secondary suppression over any set of `lines`: groups of cells whose sum a reader knows (a total shown in
    the table, or the same total published elsewhere in the pack, such as the number looked after). `hidden` marks
    the cells already suppressed. While a line holds hidden cells that are a single cell, or that add up to fewer
    than `threshold` children (two [c] cells adding to 4 would give "4 children" away), its smallest non-zero
    visible cell is hidden too; a line with no such cell is left as it is (its total must then be hidden by the
    caller). Returns the new mask of hidden cells. Deterministic: ties go to the first cell of the line."""
    hidden = hidden.copy()

    def exposed(line: list[tuple[Hashable, Hashable]]) -> bool:
        cells = [cell for cell in line if hidden.at[cell]]
        total = sum(float(values.at[cell]) for cell in cells)
        return bool(cells) and (len(cells) == 1 or total < threshold)

    changed = True
    while changed:
        changed = False
        for line in lines:
            if not exposed(line):
                continue
            candidates = [
                (float(values.at[cell]), i)
                for i, cell in enumerate(line)
                if not hidden.at[cell] and pd.notna(values.at[cell]) and float(values.at[cell]) > 0
            ]
            if candidates:
                hidden.at[line[min(candidates)[1]]] = True
                changed = True
    return hidden


def suppress_table(
    df: pd.DataFrame,
    counts: list[str],
    derived: list[str] | None = None,
    lines: str | None = "columns",
    groups: dict[Hashable, list[Hashable]] | None = None,
    marker: str = MARKER,
) -> pd.DataFrame:
    """Primary and secondary suppression of a committee table, so that no [c] can be worked out from the rest.

    counts: the count columns. lines: which of their sums a reader knows, shown or published elsewhere in the pack:
    'columns' (each count column adds up to a whole, e.g. children by placement type add up to all children
    looked after), 'rows' (the counts of a row add up to a whole, e.g. a date's placement types), 'both', or
    None (a time series: nothing adds up). groups: {row label: [row labels of its parts]} for a row that is the
    sum of other rows (e.g. "Residential (incl. secure, schools)" = Residential + Secure + Residential school), in
    every count column; labels are the table's index. derived: columns computed from a row's counts (a percentage
    of the row, a rate, spend): suppressed wherever any of that row's counts is.

    The rows are recorded in df.attrs['disclosure'] (the lines, for cpanalysis.disclosure.audit_table)."""
    derived = derived or []
    _check_columns(df, [*counts, *derived])
    if not df.index.is_unique:
        raise InputError("cannot suppress: the table's index has repeated labels (set a unique index first)")
    values = df[counts].apply(pd.to_numeric, errors="coerce")
    hidden = pd.DataFrame({c: _hidden(df[c], THRESHOLD, marker) for c in counts}, index=df.index)
    part_rows = [r for r in df.index if r not in (groups or {})]
    line_cells: list[list[tuple[Hashable, Hashable]]] = []
    if lines in ("columns", "both"):
        line_cells += [[(r, c) for r in part_rows] for c in counts]
    if lines in ("rows", "both"):
        line_cells += [[(r, c) for c in counts] for r in df.index]
    for total, parts in (groups or {}).items():
        line_cells += [[(total, c), *[(r, c) for r in parts]] for c in counts]
    hidden = protect_lines(values, hidden, line_cells)
    out = df.astype({c: object for c in [*counts, *derived]})
    for c in counts:
        out.loc[hidden[c], c] = marker
    out.loc[hidden.any(axis=1), derived] = marker
    out.attrs["disclosure"] = {
        "counts": list(counts),
        "lines": lines,
        "groups": {str(k): v for k, v in (groups or {}).items()},
    }
    return out


def audit_table(table: pd.DataFrame, counts: list[str], lines: str | None = "columns") -> list[str]:
    """What in a published table could be worked out by subtraction, judged from the table alone: a line (see
    suppress_table) whose sum is known holding exactly one [c]. Empty when there is none. (With the unsuppressed
    values, the tests also check that the [c] cells of a line never add up to fewer than 5.)"""
    problems = []
    is_marker = table[counts].map(lambda v: isinstance(v, str) and v == MARKER)
    if lines in ("columns", "both"):
        problems += [f"column {c}: one {MARKER}" for c in counts if is_marker[c].sum() == 1]
    if lines in ("rows", "both"):
        problems += [f"row {i}: one {MARKER}" for i, n in is_marker.sum(axis=1).items() if n == 1]
    return problems
