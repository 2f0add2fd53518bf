"""Sentences that state a finding, written from the numbers (for the markdown above each chart). Counts of 1-4
are never written out: they read '<5'."""

from __future__ import annotations

import pandas as pd

from cpanalysis.disclosure import is_small


def n(value: float) -> str:
    """A count as committee text: '<5' for 1-4, else with thousands separators."""
    return "<5" if is_small(value) else f"{int(value):,}"


def cla_trend(series: pd.DataFrame) -> str:
    """'534 children were looked after on 31 March 2021, 12 more (+2.3%) than a year earlier and 140 more than
    at 31 March 2016.' from a frame of date, children (quarter ends)."""
    s = series.set_index("date")["children"]
    end = s.index[-1]
    now = s.iloc[-1]
    text = f"**{n(now)} children** were looked after on {end:%d %B %Y}"
    year_ago = end - pd.DateOffset(years=1)
    if year_ago in s.index and s[year_ago] > 0:
        diff = now - s[year_ago]
        text += f", {n(abs(diff))} {'more' if diff >= 0 else 'fewer'} ({diff / s[year_ago]:+.1%}) than a year earlier"
    first = s.index[0]
    if first < year_ago:
        diff = now - s.iloc[0]
        text += f" and {n(abs(diff))} {'more' if diff >= 0 else 'fewer'} than on {first:%d %B %Y}"
    return text + "."


def flows_trend(flows: pd.DataFrame, last: int = 4) -> str:
    """Starts against endings over the last `last` periods."""
    recent = flows.tail(last)
    started, ceased = recent["started"].sum(), recent["ceased"].sum()
    verdict = (
        "more children came into care than left"
        if started > ceased
        else ("more children left care than came in" if ceased > started else "as many children left care as came in")
    )
    return (
        f"Over the last {len(recent)} quarters {n(started)} children started to be looked after and "
        f"{n(ceased)} ceased: {verdict}."
    )


def show(df: pd.DataFrame, precision: int = 1):
    """A table for readers: no index column, numbers to `precision` decimals with thousands separators,
    blanks for missing values."""
    return df.style.hide(axis="index").format(precision=precision, thousands=",", na_rep="")


_CODE_LISTS = {"legal_status": "LS", "provider": "PLACE_PROVIDER", "category_of_need": "CIN"}


def labelled(table: pd.DataFrame, by: str) -> pd.DataFrame:
    """A breakdown with readable categories: '903 code - label' for code lists, 'UASC' / 'Not UASC'."""
    from cpanalysis.ssda903.schema import label

    out = table.copy()
    if by in _CODE_LISTS:
        out[by] = out[by].map(lambda c: f"{c} - {label(_CODE_LISTS[by], c)}" if isinstance(c, str) else c)
    elif by == "uasc":
        out[by] = out[by].map({True: "UASC", False: "Not UASC", "True": "UASC", "False": "Not UASC"})
    return out
