"""Episodes -> periods of care and placements: the one model every measure uses.

Definitions (DfE 903 guidance):
- An *episode* runs from DECOM to DEC (blank DEC: still open) with one legal status and placement.
- A *period of care* is a run of a child's episodes joined end to start: an episode continues the
  period when the previous episode ended with REC X1 on the day this one starts. Any other REC ends
  the period; its REC is the period's reason for ceasing. A period should start with RNE S: one that
  does not is reported by validation, not silently mended.
- A *placement* is a run of episodes within a period whose placement did not change: an episode with
  RNE L (legal status change only) continues the previous placement; RNE S, P, T, B, U start a new one.

Input episodes are the loader's canonical frame: one row per CHILD + DECOM, DECOM/DEC as datetimes.
"""

from __future__ import annotations

import pandas as pd

from cpanalysis.categories import SHORT_BREAK_LS

PLACEMENT_STARTING_RNE = ("S", "P", "T", "B", "U")


def _sorted(episodes: pd.DataFrame) -> pd.DataFrame:
    return episodes.sort_values(["CHILD", "DECOM"], kind="mergesort").reset_index(drop=True)


def episodes_with_periods(episodes: pd.DataFrame) -> pd.DataFrame:
    """Episodes sorted by child and start, with PERIOD (1, 2, ... per child), PERIOD_START (start of
    its first episode not under short breaks; NaT for a period of short breaks only), PERIOD_END
    (NaT while open), PERIOD_REASON (REC that ended it), EPISODE_IN_PERIOD, SHORT_BREAK (LS V3/V4),
    SHORT_BREAKS_ONLY and PLACEMENT (1, 2, ... per child) columns added (see the module docstring)."""
    eps = _sorted(episodes)
    same_child = eps["CHILD"].eq(eps["CHILD"].shift())
    prev_rec = eps["REC"].shift()
    prev_dec = eps["DEC"].shift()
    continues = same_child & prev_rec.eq("X1") & prev_dec.eq(eps["DECOM"])
    eps["PERIOD"] = (~continues).astype(int).groupby(eps["CHILD"]).cumsum()
    key = [eps["CHILD"], eps["PERIOD"]]
    eps["EPISODE_IN_PERIOD"] = eps.groupby(key).cumcount() + 1
    eps["SHORT_BREAK"] = eps["LS"].isin(SHORT_BREAK_LS)
    eps["PERIOD_START"] = eps["DECOM"].where(~eps["SHORT_BREAK"]).groupby(key).transform("min")
    eps["SHORT_BREAKS_ONLY"] = eps["PERIOD_START"].isna()
    last = eps.groupby(key).cumcount(ascending=False).eq(0)
    ended = last & eps["DEC"].notna()
    end = eps["DEC"].where(ended)
    reason = eps["REC"].where(ended)
    eps["PERIOD_END"] = end.groupby(key).transform("max")
    eps["PERIOD_REASON"] = reason.groupby(key).transform("last")
    new_placement = ~continues | eps["RNE"].isin(PLACEMENT_STARTING_RNE)
    eps["PLACEMENT"] = new_placement.astype(int).groupby(eps["CHILD"]).cumsum()
    return eps


def period_bounds(episodes: pd.DataFrame) -> pd.DataFrame:
    """One row per period of care, quickly (no code sequences): CHILD, PERIOD, START, END (NaT while looked
    after), SHORT_BREAKS_ONLY. The same periods as periods_of_care; `episodes` may already be
    episodes_with_periods output."""
    eps = episodes if "PERIOD_START" in episodes else episodes_with_periods(episodes)
    key = [eps["CHILD"], eps["PERIOD"]]
    out = pd.DataFrame(
        {
            "START": eps["PERIOD_START"].groupby(key, sort=True).first(),
            "END": eps["PERIOD_END"].groupby(key, sort=True).first(),
            "SHORT_BREAKS_ONLY": eps["SHORT_BREAKS_ONLY"].groupby(key, sort=True).first(),
        }
    )
    return out.rename_axis(["CHILD", "PERIOD"]).reset_index()


def periods_of_care(episodes: pd.DataFrame) -> pd.DataFrame:
    """One row per child's period of care: CHILD, PERIOD, START, END (NaT while looked after),
    REASON (REC of the last episode, blank while open), N_EPISODES, FIRST_RNE, LEGAL_STATUSES and
    PLACEMENTS (codes in order, repeats collapsed, joined by '>'), LAST_LS, LAST_PLACE,
    SHORT_BREAKS_ONLY (every episode under LS V3/V4)."""
    eps = episodes_with_periods(episodes)
    grouped = eps.groupby(["CHILD", "PERIOD"], sort=True)
    out = grouped.agg(
        START=("PERIOD_START", "first"),
        END=("PERIOD_END", "first"),
        REASON=("PERIOD_REASON", "first"),
        N_EPISODES=("DECOM", "size"),
        FIRST_RNE=("RNE", "first"),
        LAST_LS=("LS", "last"),
        LAST_PLACE=("PLACE", "last"),
    )
    out["LEGAL_STATUSES"] = grouped["LS"].agg(_sequence)
    out["PLACEMENTS"] = grouped["PLACE"].agg(_sequence)
    out["SHORT_BREAKS_ONLY"] = grouped["SHORT_BREAKS_ONLY"].first()
    return out.reset_index()


def placements(episodes: pd.DataFrame) -> pd.DataFrame:
    """One row per placement: CHILD, PERIOD, PLACEMENT, START, END (NaT while open), RNE that began
    it, PLACE and PLACE_PROVIDER (of its first episode), LS at its start."""
    eps = episodes_with_periods(episodes)
    grouped = eps.groupby(["CHILD", "PLACEMENT"], sort=True)
    out = grouped.agg(
        PERIOD=("PERIOD", "first"),
        START=("DECOM", "first"),
        END=("DEC", "last"),
        RNE=("RNE", "first"),
        PLACE=("PLACE", "first"),
        PLACE_PROVIDER=("PLACE_PROVIDER", "first"),
        LS=("LS", "first"),
    )
    return out.reset_index()[["CHILD", "PERIOD", "PLACEMENT", "START", "END", "RNE", "PLACE", "PLACE_PROVIDER", "LS"]]


def _sequence(codes: pd.Series) -> str:
    values = [str(c) for c in codes.dropna()]
    collapsed = [c for i, c in enumerate(values) if i == 0 or c != values[i - 1]]
    return ">".join(collapsed)
