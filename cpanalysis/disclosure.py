"""Statistical disclosure control for anything that leaves the analysts' hands.

As in the DfE's published tables: counts of 1 to 4 are shown as "[c]" (0 is shown), and any figure computed
from a suppressed count (a percentage, a rate, an average over fewer than 5 children) is suppressed too.
Committee outputs must also never show a child identifier, date of birth or postcode: `find_identifiers`
looks for them in tables and in rendered text.
"""

from __future__ import annotations

import re

import pandas as pd

THRESHOLD = 5
MARKER = "[c]"
IDENTIFYING_COLUMNS = ("CHILD", "DOB", "UPN", "HOME_POST", "PL_POST", "MC_DOB", "URN", "MOTHER")
POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b")
UPN = re.compile(r"\b[A-Z]\d{11}[A-Z\d]\b")


class DisclosureError(Exception):
    """A committee output would reveal a child."""


def is_small(value) -> bool:
    """True for a count of 1 to 4 (a count that must not be published)."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return False
    return 0 < v < THRESHOLD


def suppress(
    df: pd.DataFrame, counts: list[str], derived: list[str] | None = None, marker: str = MARKER
) -> pd.DataFrame:
    """A copy with counts of 1-4 in `counts` replaced by the marker, and `derived` columns (percentages, rates,
    averages computed from those counts) replaced in every row where any of the counts was suppressed."""
    out = df.astype({c: object for c in [*counts, *(derived or [])]}).copy()
    small = pd.Series(False, index=df.index)
    for c in counts:
        hit = df[c].map(is_small)
        out.loc[hit, c] = marker
        small |= hit
    for c in derived or []:
        out.loc[small, c] = marker
    return out


def suppress_value(value, base: float | None = None, marker: str = MARKER):
    """One figure: a count of 1-4 becomes the marker; a derived figure whose base count is 1-4 too."""
    if is_small(value if base is None else base):
        return marker
    return value


def suppress_measures(table: pd.DataFrame, bases: dict[str, str], marker: str = MARKER) -> pd.DataFrame:
    """A `measure,value` table with small counts suppressed: `bases` maps each derived measure (e.g. A1) to the
    count it is computed over (e.g. adopted); measures not in `bases` are treated as counts unless their name
    ends in _pct, _days or is a rate."""
    values = table.set_index("measure")["value"]
    out = []
    for measure, value in values.items():
        base = bases.get(measure)
        if base is not None:
            out.append(suppress_value(value, values.get(base), marker))
        elif measure.endswith(("_pct", "_rate", "rate_per_10k")):
            out.append(value)
        else:
            out.append(suppress_value(value, None, marker))
    return pd.DataFrame({"measure": values.index, "value": pd.Series(out, dtype=object)})


def find_identifiers(obj: pd.DataFrame | str, child_ids: set[str] | None = None) -> list[str]:
    """What in a table or a text would identify a child: identifying columns, postcodes, UPNs, and (given the
    data's CHILD ids) any of those ids appearing as a whole word."""
    problems = []
    if isinstance(obj, pd.DataFrame):
        problems += [f"column {c}" for c in obj.columns if str(c).upper() in IDENTIFYING_COLUMNS]
        text = obj.astype(str).to_csv(index=False)
    else:
        text = obj
    problems += [f"postcode {m}" for m in sorted(set(POSTCODE.findall(text)))]
    problems += [f"UPN {m}" for m in sorted(set(UPN.findall(text)))]
    if child_ids:
        words = set(re.findall(r"\b\w+\b", text))
        problems += [f"CHILD id {c}" for c in sorted(words & child_ids)]
    return problems


def assert_no_identifiers(obj: pd.DataFrame | str, child_ids: set[str] | None = None) -> None:
    """Raise DisclosureError naming what was found."""
    found = find_identifiers(obj, child_ids)
    if found:
        raise DisclosureError("would reveal a child: " + ", ".join(found[:10]))

