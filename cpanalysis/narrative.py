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
