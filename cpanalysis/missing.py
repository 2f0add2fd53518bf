"""Children missing from care (903 Missing table): DfE definitions, as in 'Children looked after in England'.

MISSING = M: missing (not at the placement or the place they are expected to be, whereabouts not known);
MISSING = A: away from placement without authorisation (whereabouts known). An episode counts for the period when
its MIS_START falls in [start, end] while the child was looked after (an episode, not a short break, open that day);
one that does not is left out and reported by validation.
"""

from __future__ import annotations

import pandas as pd

from cpanalysis.categories import SHORT_BREAK_LS
from cpanalysis.population import cla_during

MISSING, AWAY = "M", "A"
MANY = 5  # the 2017 pack's P2.7: children who went missing 5 times or more


def episodes_in_period(missing: pd.DataFrame, episodes: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp):
    """Missing/away episodes starting in [start, end] on a day the child was looked after (not on a short break):
    the Missing rows (CHILD, MISSING, MIS_START, MIS_END), each once."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    mis = missing[(missing["MIS_START"] >= start) & (missing["MIS_START"] <= end)]
    mis = mis.drop_duplicates(["CHILD", "MIS_START", "MISSING"])[["CHILD", "MISSING", "MIS_START", "MIS_END"]]
    eps = episodes[~episodes["LS"].isin(SHORT_BREAK_LS)][["CHILD", "DECOM", "DEC"]]
    on = mis.reset_index().merge(eps, on="CHILD")
    on = on[(on["DECOM"] <= on["MIS_START"]) & (on["DEC"].isna() | (on["DEC"] >= on["MIS_START"]))]
    return mis.loc[on["index"].unique()]


def missing_summary(
    missing: pd.DataFrame, episodes: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp
) -> dict[str, float]:
    """P2.7 for [start, end]: missing_children (children with at least one MISSING = M episode starting in the
    period), missing_episodes (those episodes), missing_5plus (children with 5 or more), away_children and
    away_episodes (MISSING = A), cla_during (children looked after at any time in the period, short breaks aside)
    and missing_pct (missing_children of cla_during, the DfE's '% of children looked after who went missing')."""
    mis = episodes_in_period(missing, episodes, start, end)
    m = mis[mis["MISSING"] == MISSING].groupby("CHILD").size()
    a = mis[mis["MISSING"] == AWAY].groupby("CHILD").size()
    during = len(cla_during(episodes, start, end))
    return {
        "missing_children": len(m),
        "missing_episodes": int(m.sum()),
        "missing_5plus": int((m >= MANY).sum()),
        "away_children": len(a),
        "away_episodes": int(a.sum()),
        "cla_during": during,
        "missing_pct": round(100 * len(m) / during, 1) if during else float("nan"),
    }


def missing_by_child(missing: pd.DataFrame, episodes: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp):
    """How often children went missing in [start, end]: episodes (1, 2, 3-4, 5-9, 10 or more), children. For the
    committee after disclosure control; no child identifier in it."""
    mis = episodes_in_period(missing, episodes, start, end)
    per_child = mis[mis["MISSING"] == MISSING].groupby("CHILD").size()
    bands = pd.cut(per_child, [0, 1, 2, 4, 9, float("inf")], labels=["1", "2", "3-4", "5-9", "10 or more"])
    counts = bands.value_counts().reindex(["1", "2", "3-4", "5-9", "10 or more"], fill_value=0)
    return counts.rename("children").rename_axis("episodes").reset_index()
