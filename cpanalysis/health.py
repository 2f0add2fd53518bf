"""Outcomes of children looked after continuously for 12 months (903 OC2 table), as in the DfE's 'Outcomes for
children looked after by local authorities' (year ending 31 March).

The OC2 cohort of collection year N: children looked after on 31 March N (an episode open that day, cpanalysis.
population.cla_at) in a period of care (cpanalysis.periods) that began on or before 1 April N-1, so looked after
throughout the year; periods of short breaks only (LS V3/V4) do not count. A child who left care and came back
during the year is not in it (the period of care was broken). The cohort is worked out from Episodes; the OC2 rows
of its children give the outcomes (a cohort child with no OC2 row counts as not having had the check; an OC2 row
for a child outside the cohort is left out and reported by validation).

OC2 codes: HEALTH_ASSESSMENT (the annual health assessment, every child), IMMUNISATIONS, TEETH_CHECK, HEALTH_CHECK
(health surveillance / development check, under-5s only: DfE rules 545/546), CONVICTED: 1 yes, 0 no. SDQ_SCORE
0-40 (ages 4-16), blank with SDQ_REASON when not done.
"""

from __future__ import annotations

import pandas as pd

from cpanalysis.periods import period_bounds
from cpanalysis.population import age_in_years, open_at
from cpanalysis.ssda903.schema import year_end, year_start

SDQ_HIGH = 20  # the 2017 pack's P3.8 threshold (the DfE calls 17+ 'a cause for concern')
YES = "1"


def oc2_cohort(
    episodes: pd.DataFrame, year: int, header: pd.DataFrame | None = None, bounds: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The OC2 cohort of collection `year` (module docstring): CHILD, PERIOD_START, DOB and age (completed years
    at 31 March `year`) when a header is given. `bounds`: the episodes' period_bounds, when already at hand."""
    first, last = pd.Timestamp(year_start(year)), pd.Timestamp(year_end(year))
    looked_after = open_at(episodes, last)["CHILD"]  # the children cla_at(episodes, last) counts
    per = period_bounds(episodes) if bounds is None else bounds
    per = per[~per["SHORT_BREAKS_ONLY"] & (per["START"] <= first) & (per["END"].isna() | (per["END"] > last))]
    per = per[per["CHILD"].astype(object).isin(looked_after.astype(object))]  # as objects: hashed, not per value
    out = per[["CHILD", "START"]].rename(columns={"START": "PERIOD_START"}).drop_duplicates("CHILD")
    out = out.sort_values("CHILD").reset_index(drop=True)
    if header is not None:
        dob = header.drop_duplicates("CHILD", keep="last").set_index("CHILD")["DOB"]
        out["DOB"] = out["CHILD"].map(dob)
        out["age"] = age_in_years(out["DOB"], last)
    return out


def outcomes(oc2: pd.DataFrame, episodes: pd.DataFrame, header: pd.DataFrame, year: int) -> dict[str, float]:
    """The cohort's outcomes for collection `year`, counts beside percentages (of the cohort, or of its age group):
    oc2_cohort; health_check_n/_pct (annual health assessment, HEALTH_ASSESSMENT), immunisations_n/_pct,
    teeth_check_n/_pct (all ages); under5 and health_assessment_under5_n/_pct (development checks, HEALTH_CHECK,
    aged under 5 at 31 March); sdq_scored (aged 4-16 with
    a score), sdq_20plus_n/_pct, sdq_average (one decimal); aged_10plus, convicted_n/_pct (convicted or given a youth
    caution in the year). No OC2 rows for the year: the cohort only and the rest blank."""
    cohort = oc2_cohort(episodes, year, header)
    rows = oc2[oc2["YEAR"] == year] if "YEAR" in oc2 else oc2
    rows = rows.drop_duplicates("CHILD", keep="last").set_index("CHILD")
    n = len(cohort)
    out: dict[str, float] = {"oc2_cohort": n}
    if rows.empty:
        return out
    got = rows.reindex(cohort["CHILD"])

    def share(prefix: str, column: str, mask: pd.Series, base: str | None = None) -> None:
        yes = int((got[column].to_numpy() == YES)[mask.to_numpy()].sum())
        d = int(mask.sum())
        if base:
            out[base] = d
        out[f"{prefix}_n"] = yes
        out[f"{prefix}_pct"] = _pct(yes, d)

    every = pd.Series(True, index=cohort.index)
    share("health_check", "HEALTH_ASSESSMENT", every)  # the annual health assessment (key kept)
    share("immunisations", "IMMUNISATIONS", every)
    share("teeth_check", "TEETH_CHECK", every)
    share("health_assessment_under5", "HEALTH_CHECK", cohort["age"] < 5, "under5")  # development checks
    sdq = pd.to_numeric(got["SDQ_SCORE"], errors="coerce").reset_index(drop=True)
    scored = sdq[(cohort["age"] >= 4) & (cohort["age"] <= 16) & sdq.between(0, 40)]
    out["sdq_scored"] = len(scored)
    out["sdq_20plus_n"] = int((scored >= SDQ_HIGH).sum())
    out["sdq_20plus_pct"] = _pct(out["sdq_20plus_n"], len(scored))
    out["sdq_average"] = round(float(scored.mean()), 1) if len(scored) else float("nan")
    share("convicted", "CONVICTED", cohort["age"] >= 10, "aged_10plus")
    return out


def _pct(n: int, d: int) -> float:
    return round(100 * n / d, 1) if d else float("nan")
