"""Episodes against last year's return: the episode open at the end of last year must be this year's first, with
the same details; an episode begun before this year must be in last year's return; and a child once adopted does
not come back into care under the same record."""

from __future__ import annotations

import pandas as pd

from cpanalysis.categories import ADOPTED
from cpanalysis.ssda903.rules.core import Return, flag, has, lookup, rule, show, year_start_of


def _last_year_episodes(r: Return) -> pd.DataFrame | None:
    """Last year's Episodes (None when no previous return is at hand)."""
    prev = (r.prev or {}).get("episodes")
    return None if prev is None or prev.empty else prev


def _first_vs_open(r: Return) -> tuple[pd.Series, pd.DataFrame]:
    """Which of this year's episodes is its child's first, and for each episode the child's last episode of last
    year's return when that one was open (all-blank rows otherwise). Worked out once per return (502, 503A-G)."""
    if "first_vs_open" not in r._cache:
        r._cache["first_vs_open"] = _first_and_open(r)
    return r._cache["first_vs_open"]


def _first_and_open(r: Return) -> tuple[pd.Series, pd.DataFrame]:
    eps = r["episodes"]
    first = eps["DECOM"].eq(eps.groupby("CHILD")["DECOM"].transform("min"))
    prev = _last_year_episodes(r)
    if prev is None:
        return first & False, pd.DataFrame(index=eps.index, columns=eps.columns)
    last = prev.sort_values(["CHILD", "DECOM"], kind="mergesort").drop_duplicates("CHILD", keep="last")
    last = last[last["DEC"].isna()].set_index("CHILD")
    return first & has(eps["CHILD"], last.index), last.reindex(eps["CHILD"]).set_axis(eps.index)


@rule(
    "502",
    "episodes",
    "DECOM",
    "Last year's record ended with an open episode. The date on which that episode started does not match the "
    "start date of the first episode on this year's record.",
    scope="return",
)
def _502(r: Return):
    eps = r["episodes"]
    first, last = _first_vs_open(r)
    started = pd.to_datetime(last["DECOM"]).astype("datetime64[ns]")
    return first & eps["DECOM"].ne(
        started
    ), lambda: "DECOM " + show(eps["DECOM"]) + ", last year's open episode " + show(started)


def _same_as_last_year(code: str, column: str, what: str, transitions: tuple[tuple[str, str], ...] = ()) -> None:
    """Register rule `code`: the first episode's `column` differs from that of the episode left open at the end of
    last year; a blank differs from a value. `transitions` (last year's, this year's) are recodings the DfE
    allows."""

    def check(r: Return):
        eps = r["episodes"]
        first, last = _first_vs_open(r)
        now, then = eps[column].astype(object), last[column].astype(object)
        same = now.eq(then) | (now.isna() & then.isna())
        for old, new in transitions:
            same |= then.eq(old) & now.eq(new)
        return first & eps["DECOM"].eq(pd.to_datetime(last["DECOM"])) & ~same, (
            lambda: f"{column} " + now.fillna("blank").astype(str) + ", last year " + then.fillna("blank").astype(str)
        )

    message = f"The {what} in the first episode does not match open episode at end of last year."
    rule(code, "episodes", column, message, scope="return")(check)


_same_as_last_year("503A", "RNE", "reason for new episode")
_same_as_last_year("503B", "LS", "legal status")
_same_as_last_year("503C", "CIN", "category of need")
_same_as_last_year(
    "503D", "PLACE", "placement type", (("H5", "K3"),) + tuple(("Z1", z) for z in ("Z11", "Z12", "Z13", "Z14"))
)
_same_as_last_year("503E", "PLACE_PROVIDER", "placement provider")
_same_as_last_year("503F", "URN", "Ofsted URN")
_same_as_last_year("503G", "PL_DISTANCE", "distance")


@rule(
    "562",
    "episodes",
    "DECOM",
    "Episode commenced before the start of the current collection year but there is a missing continuous episode "
    "in the previous year.",
    scope="return",
)
def _562(r: Return):
    """The child's first episode, begun before this year, is not the last episode of last year's return."""
    eps = r["episodes"]
    begun_before, prev = _first_begun_before_year(r)
    last_start = lookup(eps["CHILD"], prev.groupby("CHILD")["DECOM"].max())
    return begun_before & eps["DECOM"].ne(
        last_start
    ), lambda: "DECOM " + show(eps["DECOM"]) + ", last year's last episode started " + show(last_start)


def _first_begun_before_year(r: Return) -> tuple[pd.Series, pd.DataFrame]:
    """Whether each episode is its child's first in the return and began before the return's year (all False when
    no previous return is at hand), and last year's Episodes."""
    eps = r["episodes"]
    prev = _last_year_episodes(r)
    if prev is None:
        return pd.Series(False, index=eps.index), r.tables["episodes"].iloc[:0]
    first = eps["DECOM"].eq(eps.groupby("CHILD")["DECOM"].transform("min"))
    return first & (eps["DECOM"] < year_start_of(eps)), prev


@rule(
    "NoE",
    "episodes",
    "DECOM",
    "This child has no episodes loaded for previous year even though child started to be looked after before this "
    "current year.",
    scope="return",
)
def _noe(r: Return):
    """Every episode begun before the year (not only the child's first: overlapping episodes may both have), of a
    child with no episode in last year's return."""
    eps, prev = r["episodes"], _last_year_episodes(r)
    if prev is None:
        return pd.Series(False, index=eps.index)
    return (eps["DECOM"] < year_start_of(eps)) & ~has(eps["CHILD"], prev["CHILD"])


@rule(
    "199",
    "episodes",
    "DECOM",
    "Episode information shows child has been previously adopted from care.",
)
def _199(r: Return):
    """An episode starting on or after the day an earlier episode of the child's (this year's or last year's)
    ended in adoption."""
    eps = r["episodes"]
    seen = pd.concat([eps, _last_year_episodes(r)]) if _last_year_episodes(r) is not None else eps
    adopted = seen[seen["REC"].isin(ADOPTED)]
    adopted_on = lookup(eps["CHILD"], adopted.groupby("CHILD")["DEC"].min())
    return flag(eps["DECOM"] >= adopted_on), lambda: "adopted " + show(adopted_on)


@rule(
    "453",
    "episodes",
    "PL_DISTANCE",
    "Contradiction between placement distance in the last episode of the previous year and in the first episode of "
    "the current year (0.2 miles or more apart, or blank last year).",
    scope="return",
)
def _453(r: Return):
    """For the child's first episode, continuing (same RNE) the one left open at the end of last year."""
    eps = r["episodes"]
    first, last = _first_vs_open(r)
    now, then = (pd.to_numeric(d["PL_DISTANCE"], errors="coerce") for d in (eps, last))
    apart = ((now - then).abs() >= 0.2) | (then.isna() & now.notna())
    return (
        flag(first & eps["RNE"].eq(last["RNE"]) & apart),
        lambda: (
            "PL_DISTANCE "
            + eps["PL_DISTANCE"].fillna("blank")
            + ", last year "
            + last["PL_DISTANCE"].fillna("blank").astype(str)
        ),
    )
