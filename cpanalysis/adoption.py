"""How quickly children who need adoption get a family: the adoption scorecard measures (DfE definitions).

Over children adopted (their period of care ended with REC E11/E12) in a window:
- A1: days from entering care (start of the period of care that ended in adoption, dated as in
  cpanalysis.periods) to moving in with the adoptive family: the start of the placement with the family who
  adopted (the last A3-A6 placement of the period; after a disrupted adoptive placement, not the first one).
- A2: days from court authority to place (start of the first LS E1 or D1 episode in that period) to the match
  decision (AD1 DATE_MATCH of that adoption: a match date within the period, from the AD1 row of the year of the
  adoption if there is one); a match before the authority counts as 0; no placement order or no match: excluded.
- A10: as A1, but for children adopted by their foster carer (AD1 FOSTER_CARE = 1, or an A3/A5 placement) the
  end is the start of the placement with that carer: from the A3/A5 episode, back through episodes whose RNE
  is L, T or U (same carer), to the one whose RNE is S, P or B.
- A3: number and percent who waited "less than 14 months" between entering care and moving in with their adoptive
  family (DfE adoption scorecard wording), taken as fewer than 426 days: the scorecard's own day count for 14
  months (its A1 threshold) with "less than" strict, so a wait of exactly 426 days is not counted.
The scorecard reports 3-year averages (thresholds since 2013-16: A1 426 days, A2 121 days). Sources: DfE adoption
scorecard definitions (A1, A2, A3, A10) and "Children looked after in England including adoptions" methodology.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cpanalysis.categories import (
    ADOPTED,
    ADOPTION_PLACEMENTS,
    ADOPTION_WITH_CURRENT_CARER,
    PLACEMENT_ORDER_LS,
)
from cpanalysis.population import with_periods
from cpanalysis.ssda903.schema import collection_year

A1_THRESHOLD = 426
A2_THRESHOLD = 121
A3_DAYS = 426
SAME_CARER_RNE = ("L", "T", "U")


def journeys(episodes: pd.DataFrame, ad1: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """One row per child adopted in [start, end] (a period of care ending with REC E11/E12 then): CHILD, entered
    (start of that period), order (first LS E1/D1 episode in it), match (AD1 DATE_MATCH of that adoption), placed
    (start of the placement with the family who adopted: the last A3-A6 placement of the period), carer_placement
    (for foster-carer adoptions: start of the placement with that carer), adopted, by_foster_carer (AD1 FOSTER_CARE
    1 or that placement A3/A5), A1_days, A2_days (negative -> 0, no order or no match -> blank), A10_days, within_426
    (A1_days < 426: less than 14 months). See the module docstring for each definition. `episodes` may be the output
    of population.with_periods (computed once)."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    eps = with_periods(episodes)
    eps = eps[~eps["SHORT_BREAK"]]
    done = eps[eps["PERIOD_REASON"].isin(ADOPTED) & (eps["PERIOD_END"] >= start) & (eps["PERIOD_END"] <= end)]
    key = ["CHILD", "PERIOD"]
    out = done.groupby(key).agg(entered=("PERIOD_START", "first"), adopted=("PERIOD_END", "first"))
    order = done[done["LS"].isin(PLACEMENT_ORDER_LS)].groupby(key)["DECOM"].min().rename("order")
    adoptive = _adoptive_placement(done)
    out = out.join(order).join(adoptive["DECOM"].rename("placed")).join(adoptive["PLACE"].rename("place"))
    out = out.join(_carer_placement_start(done, adoptive)).reset_index()
    a = _ad1_for(out, ad1)
    out["match"] = a["DATE_MATCH"].to_numpy()
    foster_carer = pd.Series(a["FOSTER_CARE"].to_numpy(), index=out.index).eq("1")
    out["by_foster_carer"] = foster_carer | out["place"].isin(ADOPTION_WITH_CURRENT_CARER)
    out["carer_placement"] = out["carer_placement"].where(out["by_foster_carer"])
    out["A1_days"] = (out["placed"] - out["entered"]).dt.days
    out["A2_days"] = (out["match"] - out["order"]).dt.days.clip(lower=0)
    a10_end = out["carer_placement"].where(out["carer_placement"].notna(), out["placed"])
    out["A10_days"] = (a10_end - out["entered"]).dt.days
    out["within_426"] = out["A1_days"].lt(A3_DAYS).astype(object).where(out["A1_days"].notna())
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
    return out[cols].sort_values(["adopted", "CHILD"]).reset_index(drop=True)


def _adoptive_placement(done: pd.DataFrame) -> pd.DataFrame:
    """For each adopted period, the first episode of the placement with the family who adopted: the last episode in
    A3-A6 that began a placement with an adoptive family (the previous episode was not an adoption placement, or its
    RNE is S, P or B: a new carer). After a disrupted adoptive placement (A4/A6, then foster care or another family)
    this is the later family's, not the first. Indexed by CHILD, PERIOD."""
    eps = done.sort_values(["CHILD", "DECOM"])
    adopt = eps["PLACE"].isin(ADOPTION_PLACEMENTS)
    previous = adopt.groupby([eps["CHILD"], eps["PERIOD"]]).shift(1, fill_value=False).astype(bool)
    begins = adopt & (~previous | eps["RNE"].isin(["S", "P", "B"]))
    return eps[begins].groupby(["CHILD", "PERIOD"]).tail(1).set_index(["CHILD", "PERIOD"])


def _ad1_for(adoptions: pd.DataFrame, ad1: pd.DataFrame) -> pd.DataFrame:
    """The AD1 row of each adoption (rows of `adoptions`: CHILD, entered, adopted): the child's rows whose match date
    falls within the period that ended in adoption (entered to adopted), preferring the row of the collection year
    of the adoption, then the latest year. Columns DATE_MATCH, FOSTER_CARE, aligned with `adoptions` (blank: none)."""
    out = pd.DataFrame(
        {
            "DATE_MATCH": pd.Series(pd.NaT, index=adoptions.index, dtype="datetime64[ns]"),
            "FOSTER_CARE": pd.Series(np.nan, index=adoptions.index, dtype=object),
        }
    )
    if ad1.empty or adoptions.empty:
        return out
    rows = ad1.assign(YEAR=ad1.get("YEAR", 0))[["CHILD", "DATE_MATCH", "FOSTER_CARE", "YEAR"]]
    pairs = adoptions[["CHILD", "entered", "adopted"]].reset_index().merge(rows, on="CHILD")
    pairs = pairs[(pairs["DATE_MATCH"] >= pairs["entered"]) & (pairs["DATE_MATCH"] <= pairs["adopted"])]
    pairs = pairs.assign(same_year=pairs["YEAR"].eq(pairs["adopted"].map(collection_year)))
    pairs = pairs.sort_values(["index", "same_year", "YEAR", "DATE_MATCH"], kind="mergesort")
    chosen = pairs.drop_duplicates("index", keep="last").set_index("index")
    out.loc[chosen.index, "DATE_MATCH"] = chosen["DATE_MATCH"]
    out.loc[chosen.index, "FOSTER_CARE"] = chosen["FOSTER_CARE"].astype(object)
    return out


def _carer_placement_start(done: pd.DataFrame, first_adopt: pd.DataFrame) -> pd.Series:
    """For each adopted period: the start of the placement with the carer of its adoptive placement, found
    by walking back from that episode over episodes whose RNE is L, T or U (same carer) to the one whose RNE is
    S, P or B (or the period's first episode). Indexed by CHILD, PERIOD; named carer_placement."""
    eps = done.sort_values(["CHILD", "DECOM"])
    new_carer = ~eps["RNE"].isin(SAME_CARER_RNE) | eps["EPISODE_IN_PERIOD"].eq(1)
    carer_start = eps["DECOM"].where(new_carer).groupby([eps["CHILD"], eps["PERIOD"]]).ffill()
    lookup = pd.Series(carer_start.to_numpy(), index=pd.MultiIndex.from_frame(eps[["CHILD", "PERIOD", "DECOM"]]))
    idx = pd.MultiIndex.from_arrays(
        [first_adopt.index.get_level_values(0), first_adopt.index.get_level_values(1), first_adopt["DECOM"]]
    )
    values = lookup.reindex(idx).to_numpy() if len(idx) else np.array([], dtype="datetime64[ns]")
    return pd.Series(values, index=first_adopt.index, name="carer_placement", dtype="datetime64[ns]")


def summary(j: pd.DataFrame) -> pd.DataFrame:
    """Scorecard measures from journeys(...): adopted, A1, A2, A10 (mean days, one decimal; A2 over
    children with a placement order and a match), A3 number and percent within 426 days."""
    a3_base = j["within_426"].notna().sum()
    a3_n = int(j["within_426"].eq(True).sum())
    rows = [
        ("adopted", len(j)),
        ("A1", _mean(j["A1_days"])),
        ("A2", _mean(j["A2_days"])),
        ("A2_children", int(j["A2_days"].notna().sum())),
        ("A10", _mean(j["A10_days"])),
        ("A3_n", a3_n),
        ("A3_pct", round(100 * a3_n / a3_base, 1) if a3_base else np.nan),
    ]
    return pd.DataFrame({"measure": [m for m, _ in rows], "value": pd.Series([v for _, v in rows], dtype=object)})


def _mean(s: pd.Series) -> float:
    s = s.dropna()
    return round(float(s.mean()), 1) if len(s) else np.nan


def waiting(episodes: pd.DataFrame, date: pd.Timestamp) -> pd.DataFrame:
    """Children with a placement order not yet placed for adoption at `date`: looked after then (short breaks
    excluded) with current legal status E1/D1 and a current placement other than A3-A6. Columns: CHILD, order
    (start of the first E1/D1 episode of the current period of care), days_waiting (order -> `date`), longest
    first."""
    date = pd.Timestamp(date)
    eps = with_periods(episodes)
    eps = eps[~eps["SHORT_BREAK"] & (eps["DECOM"] <= date)]
    last = ~eps["CHILD"].duplicated(keep="last")  # each child's latest episode started by `date`
    waiting_now = last & (eps["DEC"].isna() | (eps["DEC"] > date)) & eps["LS"].isin(PLACEMENT_ORDER_LS)
    waiting_now &= ~eps["PLACE"].isin(ADOPTION_PLACEMENTS)
    period = eps["PERIOD"].where(waiting_now).groupby(eps["CHILD"]).transform("max")
    orders = eps[eps["PERIOD"].eq(period) & eps["LS"].isin(PLACEMENT_ORDER_LS)]
    out = orders.groupby("CHILD")["DECOM"].min().rename("order").reset_index()
    out["days_waiting"] = (date - out["order"]).dt.days
    return out.sort_values(["days_waiting", "CHILD"], ascending=[False, True]).reset_index(drop=True)


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
        rows.append(
            {
                "measure": name,
                "period": sp[measure],
                "three_years": s3[measure],
                "threshold": threshold,
                "children_period": int(sp[base]),
                "children_three_years": int(s3[base]),
            }
        )
    return pd.DataFrame(rows)


WAIT_BANDS = (
    (0, 90, "Under 3 months"),
    (91, 182, "3 to 6 months"),
    (183, 365, "6 to 12 months"),
    (366, 100_000, "Over 12 months"),
)


def wait_bands(waiting_children: pd.DataFrame) -> pd.DataFrame:
    """Children with a placement order not yet placed, by how long they have waited since the order:
    wait, children."""
    days = waiting_children["days_waiting"]
    return pd.DataFrame(
        {
            "wait": [label for _, _, label in WAIT_BANDS],
            "children": [int(((days >= lo) & (days <= hi)).sum()) for lo, hi, _ in WAIT_BANDS],
        }
    )


def pipeline(
    placed_adoption: pd.DataFrame, episodes: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp
) -> pd.DataFrame:
    """Adoption plans (PlacedAdoption, each decision once though every year's return repeats it): decisions that a
    child should be placed for adoption made in [start, end], plans that ceased in it (by reason, in words), and
    plans open at `end`: a decision made by then, not ceased by then, for a child still looked after on that day
    (so not yet adopted; a child placed with adopters is still looked after). Columns stage, children."""
    from cpanalysis.population import cla_at
    from cpanalysis.ssda903.schema import label

    pa = placed_adoption.sort_values([c for c in ("YEAR",) if c in placed_adoption.columns] or ["CHILD"])
    pa = pa.drop_duplicates(["CHILD", "DATE_PLACED"], keep="last")
    made = ((pa["DATE_PLACED"] >= start) & (pa["DATE_PLACED"] <= end)).sum()
    ceased = pa[(pa["DATE_PLACED_CEASED"] >= start) & (pa["DATE_PLACED_CEASED"] <= end)]
    looked_after = set(cla_at(episodes, end)["CHILD"])
    still = (pa["DATE_PLACED"] <= end) & (pa["DATE_PLACED_CEASED"].isna() | (pa["DATE_PLACED_CEASED"] > end))
    open_ = pa.loc[still & pa["CHILD"].isin(looked_after), "CHILD"].nunique()
    rows = [
        ("Decisions that the child should be placed for adoption", int(made)),
        ("Plans that ceased (all reasons)", len(ceased)),
    ]
    for code, n in ceased["REASON_PLACED_CEASED"].fillna("unknown").value_counts().sort_index().items():
        rows.append((f"  ceased: {label('REASON_PLACED_CEASED', code).lower()}", int(n)))
    rows.append(("Plans open at the end of the period (children still looked after, not yet adopted)", int(open_)))
    return pd.DataFrame(rows, columns=["stage", "children"])


JOURNEY_STAGES = {
    "entered": "Entered care",
    "order": "Placement order",
    "match": "Matched",
    "placed": "Moved in",
    "adopted": "Adopted",
}


def three_year_start(end: pd.Timestamp) -> pd.Timestamp:
    """The first day of the scorecard's three-year window ending on `end` (1 April 2018 for 31 March 2021)."""
    return end - pd.DateOffset(years=3) + pd.Timedelta(days=1)


def scorecard_safe(sc: pd.DataFrame) -> pd.DataFrame:
    """The scorecard for the committee: each average suppressed where it is over 1-4 children (period and three
    years each against its own count)."""
    from cpanalysis.disclosure import suppress

    out = suppress(sc, ["children_period"], ["period"])
    return suppress(out, ["children_three_years"], ["three_years"])


def journey_table(j: pd.DataFrame) -> pd.DataFrame:
    """Children's journeys (from journeys) longest A1 wait first, stage columns named for readers."""
    return j.sort_values("A1_days", ascending=False).rename(columns=JOURNEY_STAGES)


def england_stages(path=None, up_to: int | None = None) -> pd.DataFrame:
    """England's average months from entry into care to placed for adoption (stage 4.x) and to adoption (6.x), by
    year ending March, from data/reference/england_adoption_stages.csv (DfE); with `up_to` (the pack's year ending
    March), only the years to it, or the first published year when all are later."""
    from cpanalysis.paths import REFERENCE

    england = pd.read_csv(path or REFERENCE / "england_adoption_stages.csv")
    england = england[england["stage"].str.startswith(("4.", "6."))]
    wide = england.pivot(index="year_ending_march", columns="stage", values="months").reset_index()
    if up_to is not None:
        years = wide["year_ending_march"]
        wide = wide[years <= max(up_to, years.min())].reset_index(drop=True)
    return wide
