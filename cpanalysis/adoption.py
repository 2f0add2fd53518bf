"""How quickly children who need adoption get a family: the adoption scorecard measures (DfE definitions).

Over children adopted (their period of care ended with REC E11/E12) in a window:
- A1: days from entering care (start of the period of care that ended in adoption) to moving in with the
  adoptive family (start of the first A3-A6 placement in that period).
- A2: days from court authority to place (start of the first LS E1 or D1 episode in that period) to the match
  decision (AD1 DATE_MATCH); a match before the authority counts as 0; no placement order: excluded.
- A10: as A1, but for children adopted by their foster carer (AD1 FOSTER_CARE = 1, or an A3/A5 placement) the
  end is the start of the placement with that carer: from the A3/A5 episode, back through episodes whose RNE
  is L, T or U (same carer), to the one whose RNE is S, P or B.
- A3: number and percent who moved in with their adoptive family within 426 days (14 months) of entering care.
The scorecard reports 3-year averages (thresholds since 2013-16: A1 426 days, A2 121 days).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cpanalysis.categories import ADOPTED, ADOPTION_PLACEMENTS, ADOPTION_WITH_CURRENT_CARER, PLACEMENT_ORDER_LS
from cpanalysis.periods import episodes_with_periods

A1_THRESHOLD = 426
A2_THRESHOLD = 121
A3_DAYS = 426
SAME_CARER_RNE = ("L", "T", "U")


def journeys(episodes: pd.DataFrame, ad1: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """One row per child adopted in [start, end]: CHILD, entered, order, match, placed, carer_placement (start
    of the placement with the carer who adopted, for foster-carer adoptions), adopted, by_foster_carer,
    A1_days, A2_days, A10_days, within_426 (see the module docstring for each definition)."""
    eps = episodes_with_periods(episodes)
    done = eps[eps["PERIOD_REASON"].isin(ADOPTED) & (eps["PERIOD_END"] >= start) & (eps["PERIOD_END"] <= end)]
    key = ["CHILD", "PERIOD"]
    first = done.groupby(key).agg(entered=("PERIOD_START", "first"), adopted=("PERIOD_END", "first"))
    order = done[done["LS"].isin(PLACEMENT_ORDER_LS)].groupby(key)["DECOM"].min().rename("order")
    adopt_eps = done[done["PLACE"].isin(ADOPTION_PLACEMENTS)]
    placed = adopt_eps.groupby(key)["DECOM"].min().rename("placed")
    first_adopt = adopt_eps.sort_values("DECOM").groupby(key).head(1).set_index(key)
    out = first.join(order).join(placed).reset_index()
    # the start of the placement with the current carer: walk back over same-carer episodes
    carer_start = _carer_placement_start(done, first_adopt)
    out = out.join(carer_start, on=key)
    a = ad1.drop_duplicates("CHILD", keep="last").set_index("CHILD") if not ad1.empty else None
    out["match"] = out["CHILD"].map(a["DATE_MATCH"]) if a is not None else pd.NaT
    fc_ad1 = out["CHILD"].map(a["FOSTER_CARE"]).eq("1") if a is not None else False
    out["by_foster_carer"] = fc_ad1 | out["CHILD"].map(first_adopt.reset_index().set_index("CHILD")["PLACE"]).isin(
        ADOPTION_WITH_CURRENT_CARER
    )
    out["A1_days"] = (out["placed"] - out["entered"]).dt.days
    a2 = (out["match"] - out["order"]).dt.days
    out["A2_days"] = a2.clip(lower=0).where(out["order"].notna() & out["match"].notna())
    a10_end = out["carer_placement"].where(out["by_foster_carer"] & out["carer_placement"].notna(), out["placed"])
    out["A10_days"] = (a10_end - out["entered"]).dt.days
    out["within_426"] = out["A1_days"].le(A3_DAYS).where(out["A1_days"].notna())
    cols = [
        "CHILD",
        "entered",
        "order",
        "match",
        "placed",
        "carer_placement",
        "adopted",
        "by_foster_carer",
        "A1_days",
        "A2_days",
        "A10_days",
        "within_426",
    ]
    return out[cols].sort_values("adopted").reset_index(drop=True)


def _carer_placement_start(done: pd.DataFrame, first_adopt: pd.DataFrame) -> pd.Series:
    """For each adopted period whose first adoption placement is with the current carer (A3/A5): the DECOM of
    the episode that began the placement with that carer (walking back over RNE L/T/U episodes)."""
    current = first_adopt[first_adopt["PLACE"].isin(ADOPTION_WITH_CURRENT_CARER)]
    if current.empty:
        empty = pd.MultiIndex.from_tuples([], names=["CHILD", "PERIOD"])
        return pd.Series(index=empty, dtype="datetime64[ns]", name="carer_placement")
    eps = done.sort_values(["CHILD", "DECOM"])
    # a run of same-carer episodes starts at each episode whose RNE is S, P or B
    new_carer = ~eps["RNE"].isin(SAME_CARER_RNE) | eps["EPISODE_IN_PERIOD"].eq(1)
    eps = eps.assign(carer_start=eps["DECOM"].where(new_carer).groupby([eps["CHILD"], eps["PERIOD"]]).ffill())
    lookup = eps.set_index(["CHILD", "PERIOD", "DECOM"])["carer_start"]
    idx = pd.MultiIndex.from_arrays(
        [current.index.get_level_values(0), current.index.get_level_values(1), current["DECOM"]]
    )
    return pd.Series(lookup.reindex(idx).to_numpy(), index=current.index, name="carer_placement")


def summary(j: pd.DataFrame) -> pd.DataFrame:
    """Scorecard measures from journeys(...): adopted, A1, A2, A10 (mean days, one decimal; A2 over
    children with a placement order and a match), A3 number and percent within 426 days."""
    a3_base = j["within_426"].notna().sum()
    a3_n = int(j["within_426"].fillna(False).astype(bool).sum())
    rows = [
        ("adopted", len(j)),
        ("A1", _mean(j["A1_days"])),
        ("A2", _mean(j["A2_days"])),
        ("A2_children", int(j["A2_days"].notna().sum())),
        ("A10", _mean(j["A10_days"])),
        ("A3_n", a3_n),
        ("A3_pct", round(100 * a3_n / a3_base, 1) if a3_base else np.nan),
    ]
    return pd.DataFrame(rows, columns=["measure", "value"])


def _mean(s: pd.Series) -> float:
    s = s.dropna()
    return round(float(s.mean()), 1) if len(s) else np.nan


def waiting(episodes: pd.DataFrame, date: pd.Timestamp) -> pd.DataFrame:
    """Children looked after at `date` with a placement order (LS E1/D1 in their current period) who have not
    yet moved in with an adoptive family (no A3-A6 placement in that period): CHILD, order, days_waiting."""
    date = pd.Timestamp(date)
    eps = episodes_with_periods(episodes)
    eps = eps[eps["DECOM"] <= date]
    current = eps.sort_values("DECOM").groupby("CHILD").tail(1)
    current = current[current["DEC"].isna() | (current["DEC"] > date)]
    cur = eps.merge(current[["CHILD", "PERIOD"]], on=["CHILD", "PERIOD"])
    order = cur[cur["LS"].isin(PLACEMENT_ORDER_LS)].groupby("CHILD")["DECOM"].min().rename("order")
    placed = cur[cur["PLACE"].isin(ADOPTION_PLACEMENTS)]["CHILD"].unique()
    out = order[~order.index.isin(placed)].reset_index()
    out["days_waiting"] = (date - out["order"]).dt.days
    return out.sort_values("days_waiting", ascending=False).reset_index(drop=True)


def scorecard(episodes: pd.DataFrame, ad1: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """A1, A2, A10 (mean days) and A3 (% within 426 days) for the period [start, end] and for the three years
    to `end` (the scorecard's 3-year average), against the thresholds: measure, period, three_years, threshold,
    children_period, children_three_years (the counts each average is over)."""
    three_start = pd.Timestamp(end) - pd.DateOffset(years=3) + pd.Timedelta(days=1)
    jp, j3 = journeys(episodes, ad1, start, end), journeys(episodes, ad1, three_start, end)
    sp, s3 = summary(jp).set_index("measure")["value"], summary(j3).set_index("measure")["value"]
    rows = []
    for measure, name, threshold, base in [
        ("A1", "A1: days from entering care to moving in with the adoptive family", A1_THRESHOLD, "adopted"),
        ("A2", "A2: days from court authority to place to match with adopters", A2_THRESHOLD, "A2_children"),
        ("A10", "A10: as A1, counting foster-carer adoptions from moving in with the carer", A1_THRESHOLD, "adopted"),
        ("A3_pct", "A3: % moving in within 14 months (426 days) of entering care", np.nan, "adopted"),
    ]:
        rows.append({"measure": name, "period": sp[measure], "three_years": s3[measure], "threshold": threshold,
                     "children_period": int(sp[base]), "children_three_years": int(s3[base])})
    return pd.DataFrame(rows)


WAIT_BANDS = ((0, 90, "Under 3 months"), (91, 182, "3 to 6 months"), (183, 365, "6 to 12 months"),
              (366, 100_000, "Over 12 months"))


def wait_bands(waiting_children: pd.DataFrame) -> pd.DataFrame:
    """Children with a placement order not yet placed, by how long they have waited since the order:
    wait, children."""
    days = waiting_children["days_waiting"]
    return pd.DataFrame({"wait": [label for _, _, label in WAIT_BANDS],
                         "children": [int(((days >= lo) & (days <= hi)).sum()) for lo, hi, _ in WAIT_BANDS]})


def pipeline(placed_adoption: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Adoption plans (PlacedAdoption): decisions that a child should be placed for adoption made in [start, end],
    plans that ceased in it (by reason), and plans open at `end`: stage, children."""
    pa = placed_adoption
    made = ((pa["DATE_PLACED"] >= start) & (pa["DATE_PLACED"] <= end)).sum()
    ceased = pa[(pa["DATE_PLACED_CEASED"] >= start) & (pa["DATE_PLACED_CEASED"] <= end)]
    open_ = ((pa["DATE_PLACED"] <= end) & (pa["DATE_PLACED_CEASED"].isna() | (pa["DATE_PLACED_CEASED"] > end))).sum()
    rows = [("Decisions that the child should be placed for adoption", int(made)),
            ("Plans that ceased (all reasons)", len(ceased))]
    for code, n in ceased["REASON_PLACED_CEASED"].fillna("unknown").value_counts().sort_index().items():
        rows.append((f"  ceased: {code}", int(n)))
    rows.append(("Plans open at the end of the period (includes children placed, not yet adopted)", int(open_)))
    return pd.DataFrame(rows, columns=["stage", "children"])
