"""Statutory reviews of looked-after children (903 Reviews table): timeliness and the child's participation.

Timescales (Care Planning, Placement and Case Review (England) Regulations 2010, reg. 33; DfE 903 guidance for the
Reviews table): in each period of care the first review is due within 20 working days of the day the child
became looked after, the second within 3 months of the first, and each later one within 6 months of the one
before. Working days are Monday to Friday less England's bank holidays (the `holidays` library, GB/ENG). A review
is on time when it is held on or before its due date; the next one falls due from the date the last was actually
held. Periods of care come from cpanalysis.periods (short-break-only periods, LS V3/V4, are left out: they have a
different review regime).

Participation (903 REVIEW_CODE): PN0 the child was under 4 at the review; PN1-PN6 the child took part (in person,
through an advocate, by conveying views...); PN7 the child did not take part.

Reviews before the data's first collection year are not in the extracts: in a period that began before
`known_from`, the first review seen is not judged (its place in the chain is unknown) and later ones are judged
against 6 months, provided the first seen is more than 4 months after the period began (else the period is
skipped: the first seen might be the 1st or 2nd review).
"""

from __future__ import annotations

from functools import lru_cache

import holidays
import numpy as np
import pandas as pd

from cpanalysis.periods import period_bounds
from cpanalysis.population import age_in_years

PARTICIPATED = ("PN1", "PN2", "PN3", "PN4", "PN5", "PN6")
UNDER_4 = "PN0"
FIRST_WORKING_DAYS = 20


@lru_cache(maxsize=1)
def _bank_holidays(first: int = 1990, last: int = 2040) -> np.ndarray:
    days = holidays.country_holidays("GB", subdiv="ENG", years=range(first, last + 1))
    return np.array(sorted(days), dtype="datetime64[D]")


def add_working_days(dates: pd.Series, n: int) -> pd.Series:
    """The `n`th working day after each date (Monday-Friday, England's bank holidays excluded): e.g. 20 working
    days after Monday 10 April 2017 is Thursday 11 May 2017 (Good Friday, Easter Monday and May Day skipped)."""
    days = dates.to_numpy(dtype="datetime64[D]")
    ok = ~np.isnat(days)
    out = np.full(days.shape, np.datetime64("NaT"), dtype="datetime64[D]")
    # a start on a weekend or holiday: count from the next working day's eve (roll back to the last working day)
    out[ok] = np.busday_offset(days[ok], n, roll="backward", holidays=_bank_holidays())
    return pd.Series(out.astype("datetime64[ns]"), index=dates.index)


def review_chain(reviews: pd.DataFrame, episodes: pd.DataFrame, known_from: pd.Timestamp | None = None) -> pd.DataFrame:
    """Each review held in a period of care, in order, with its due date and whether it was on time: CHILD, PERIOD,
    START, END (of the period), REVIEW, REVIEW_CODE, DOB, N (1, 2, ... within the period), DUE, ON_TIME (blank
    where not judged, see module docstring). Reviews outside any period of care are left out (validation reports
    them)."""
    cols = ["CHILD", "PERIOD", "START", "END", "REVIEW", "REVIEW_CODE", "DOB", "N", "DUE", "ON_TIME", "EARLY", "SKIP"]
    if reviews.empty or episodes.empty:
        return pd.DataFrame(columns=cols)
    per = period_bounds(episodes)
    per = per[~per["SHORT_BREAKS_ONLY"]][["CHILD", "PERIOD", "START", "END"]]
    rev = reviews[["CHILD", "REVIEW", "REVIEW_CODE", "DOB"]].dropna(subset=["REVIEW"])
    rev = rev.drop_duplicates(["CHILD", "REVIEW"]).merge(per, on="CHILD")
    rev = rev[(rev["REVIEW"] >= rev["START"]) & (rev["END"].isna() | (rev["REVIEW"] <= rev["END"]))]
    rev = rev.sort_values(["CHILD", "PERIOD", "REVIEW"], kind="mergesort").reset_index(drop=True)
    rev["N"] = rev.groupby(["CHILD", "PERIOD"]).cumcount() + 1
    prev = rev.groupby(["CHILD", "PERIOD"])["REVIEW"].shift()
    rev["DUE"] = _next_due(rev["N"] - 1, prev, rev["START"])
    rev["EARLY"] = False
    rev["SKIP"] = False
    if known_from is not None:
        rev["EARLY"] = rev["START"] < pd.Timestamp(known_from)
        first_seen = rev.groupby(["CHILD", "PERIOD"])["REVIEW"].transform("first")
        rev["SKIP"] = rev["EARLY"] & (first_seen <= rev["START"] + pd.DateOffset(months=4))
        rev.loc[rev["EARLY"], "DUE"] = (prev + pd.DateOffset(months=6))[rev["EARLY"]]
        rev.loc[rev["SKIP"] | (rev["EARLY"] & (rev["N"] == 1)), "DUE"] = pd.NaT
    rev["ON_TIME"] = (rev["REVIEW"] <= rev["DUE"]).astype(object).where(rev["DUE"].notna(), None)
    return rev[cols]


def _next_due(held: pd.Series, last: pd.Series, start: pd.Series) -> pd.Series:
    """Due date of the next review after `held` reviews in the period (the last held on `last`)."""
    first = add_working_days(start, FIRST_WORKING_DAYS)
    second = last + pd.DateOffset(months=3)
    later = last + pd.DateOffset(months=6)
    return first.where(held == 0, second.where(held == 1, later))


def reviews_due(chain: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Reviews that fell due in [start, end]: those held (with their due date in the period) and, per period of
    care, the next one after the last held (or the first, when none was) if it fell due by `end` while the child
    was still looked after and was not held: CHILD, PERIOD, DUE, ON_TIME (False for one not held)."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    judged = chain[chain["DUE"].notna()]
    held = judged[(judged["DUE"] >= start) & (judged["DUE"] <= end)][["CHILD", "PERIOD", "DUE", "ON_TIME"]]
    last = chain.groupby(["CHILD", "PERIOD"]).tail(1)
    last = last[~last["SKIP"].astype(bool)]
    held_before = last["N"].where(~last["EARLY"].astype(bool), 2)  # before the data: the next is 6 months on
    nxt = pd.DataFrame(
        {
            "CHILD": last["CHILD"],
            "PERIOD": last["PERIOD"],
            "DUE": _next_due(held_before, last["REVIEW"], last["START"]),
            "END": last["END"],
        }
    )
    overdue = nxt[(nxt["DUE"] >= start) & (nxt["DUE"] <= end) & (nxt["END"].isna() | (nxt["DUE"] < nxt["END"]))]
    return pd.concat([held, overdue.drop(columns="END").assign(ON_TIME=False)], ignore_index=True)


def periods_without_review(
    episodes: pd.DataFrame,
    chain: pd.DataFrame,
    start: pd.Timestamp,
    end: pd.Timestamp,
    known_from: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Periods of care (not short breaks; begun on or after `known_from`) whose first review fell due in [start,
    end] while the child was looked after, with no review held in the period at all: CHILD, PERIOD, DUE, ON_TIME
    False."""
    per = period_bounds(episodes)
    per = per[~per["SHORT_BREAKS_ONLY"]]
    if known_from is not None:
        per = per[per["START"] >= pd.Timestamp(known_from)]
    per = per.merge(chain[["CHILD", "PERIOD"]].drop_duplicates(), how="left", indicator=True)
    per = per[per["_merge"] == "left_only"]
    due = add_working_days(per["START"], FIRST_WORKING_DAYS)
    ok = (due >= start) & (due <= end) & (per["END"].isna() | (due < per["END"]))
    return pd.DataFrame({"CHILD": per["CHILD"][ok], "PERIOD": per["PERIOD"][ok], "DUE": due[ok], "ON_TIME": False})


def timeliness(
    reviews: pd.DataFrame,
    episodes: pd.DataFrame,
    start: pd.Timestamp,
    end: pd.Timestamp,
    known_from: pd.Timestamp | None = None,
    chain: pd.DataFrame | None = None,
) -> dict[str, float]:
    """P1.2 for the period [start, end] (`chain`: review_chain(reviews, episodes, known_from), when already at
    hand):
    - reviews_held, reviews_in_time, reviews_in_time_pct: of the reviews held in the period (and judged), the %
      held on or before their due date;
    - children_review_due, children_reviews_all_in_time, children_reviews_all_in_time_pct: of children with a
      review due in the period (held or not), the % whose every review due in it was held on time."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    chain = review_chain(reviews, episodes, known_from) if chain is None else chain
    held = chain[(chain["REVIEW"] >= start) & (chain["REVIEW"] <= end) & chain["ON_TIME"].notna()]
    due = reviews_due(chain, start, end)
    due = pd.concat([due, periods_without_review(episodes, chain, start, end, known_from)], ignore_index=True)
    by_child = due["ON_TIME"].astype(bool).groupby(due["CHILD"]).all()
    n, ok = len(held), int(held["ON_TIME"].astype(bool).sum())
    children, all_ok = len(by_child), int(by_child.sum())
    return {
        "reviews_held": n,
        "reviews_in_time": ok,
        "reviews_in_time_pct": _pct(ok, n),
        "children_review_due": children,
        "children_reviews_all_in_time": all_ok,
        "children_reviews_all_in_time_pct": _pct(all_ok, children),
    }


def participation(
    reviews: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp, header: pd.DataFrame | None = None
) -> dict[str, float]:
    """P1.3 for [start, end]: of the reviews held in the period for children aged 4 or over at the review (age in
    completed years from DOB, the Reviews DOB or else the header's; REVIEW_CODE other than PN0 where no DOB is
    known), the % where the child participated (PN1-PN6): reviews_aged_4plus, reviews_participated,
    review_participation_pct. A child reviewed on their 4th birthday is aged 4."""
    rev = reviews[(reviews["REVIEW"] >= pd.Timestamp(start)) & (reviews["REVIEW"] <= pd.Timestamp(end))]
    rev = rev.drop_duplicates(["CHILD", "REVIEW"])
    dob = rev["DOB"]
    if header is not None and not header.empty:
        dob = dob.fillna(rev["CHILD"].map(header.drop_duplicates("CHILD", keep="last").set_index("CHILD")["DOB"]))
    age = age_in_years(dob, rev["REVIEW"])
    aged_4 = (age >= 4).where(dob.notna(), rev["REVIEW_CODE"].notna() & rev["REVIEW_CODE"].ne(UNDER_4))
    base = rev[aged_4.astype(bool)]
    took_part = int(base["REVIEW_CODE"].isin(PARTICIPATED).sum())
    return {
        "reviews_aged_4plus": len(base),
        "reviews_participated": took_part,
        "review_participation_pct": _pct(took_part, len(base)),
    }


def participation_by_code(reviews: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Reviews held in [start, end] by REVIEW_CODE (PN0-PN7; blank as 'Not recorded'): code, reviews, percent."""
    rev = reviews[(reviews["REVIEW"] >= pd.Timestamp(start)) & (reviews["REVIEW"] <= pd.Timestamp(end))]
    rev = rev.drop_duplicates(["CHILD", "REVIEW"])
    counts = rev["REVIEW_CODE"].fillna("Not recorded").value_counts().sort_index()
    out = counts.rename("reviews").rename_axis("code").reset_index()
    total = out["reviews"].sum()
    out["percent"] = (100 * out["reviews"] / total).round(1) if total else 0.0
    return out


def _pct(n: int, d: int) -> float:
    return round(100 * n / d, 1) if d else float("nan")
