"""Validation rules that protect the measures, run on the loaded (merged, de-duplicated) tables.

Each rule returns findings (outcome 'used': the row stays, the analyst is told). The rules follow the
DfE 903 validation rules (data-to-insight/csc-validator-be-903) that matter most to the measures:
- dec_before_decom: DEC earlier than DECOM
- dec_rec_mismatch: DEC and REC must be both blank or both set
- overlapping_episodes: an episode starts before the previous one ended, or after an open one
- x1_gap: REC X1 but the next episode does not start on the same day, or there is none
- period_start_not_s: a period of care starts with RNE other than S (within the years the data cover)
- s_mid_period: RNE S on an episode that continues a period after X1
- child_not_in_header: a child in Episodes with no Header row
- dob_missing / decom_before_dob / aged_18_at_start: date of birth checks
- ad1_not_adopted: an AD1 row for a child with no adoption (REC E11/E12)
- adopted_without_ad1: an adoption (REC E11/E12) with no AD1 row (A2 cannot be computed)
- placed_ceased_before_placed / missing_end_before_start: end dates before start dates
- episode_outside_year: an episode in a year's file that starts after, or ended before, that year
- review_outside_care: a review dated before the period of care began or after it ended (DEC)
- review_code_age: REVIEW_CODE PN0 (under 4) for a child aged 4 or over at the review, or PN1-PN7 under 4
- missing_outside_care: a missing / away episode starting on a day the child was not looked after
- oc2_not_in_cohort: an OC2 row for a child not looked after continuously for 12 months at 31 March
- oc3_not_care_leaver: an OC3 row for a child whose episodes in the data all ended before their 16th birthday
(Duplicate Reviews, Missing, OC2 and OC3 rows are merged by the loader on their keys, as for every table.)
"""

from __future__ import annotations

import pandas as pd

from cpanalysis.categories import ADOPTED, SHORT_BREAK_LS
from cpanalysis.periods import episodes_with_periods, period_bounds
from cpanalysis.ssda903 import findings
from cpanalysis.ssda903.schema import year_end, year_label, year_start


def _d(s: pd.Series) -> pd.Series:
    return s.dt.strftime("%d/%m/%Y").fillna("blank")


def validate(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """All cross-row findings for the loaded tables."""
    eps, header = tables["episodes"], tables["header"]
    out = [episode_rules(eps), header_rules(eps, header), adoption_rules(eps, tables["ad1"])]
    pa = tables["placed_adoption"]
    bad = pa["DATE_PLACED_CEASED"] < pa["DATE_PLACED"]
    out.append(
        findings.make(
            pa[bad],
            table="placed_adoption",
            column="DATE_PLACED_CEASED",
            rule="placed_ceased_before_placed",
            severity="error",
            outcome="used",
            message="adoption plan ceased before the decision date",
        )
    )
    out.append(outcome_rules(tables))
    mis = tables["missing"]
    bad = mis["MIS_END"] < mis["MIS_START"]
    out.append(
        findings.make(
            mis[bad],
            table="missing",
            column="MIS_END",
            rule="missing_end_before_start",
            severity="error",
            outcome="used",
            message="missing episode ends before it starts",
        )
    )
    return findings.concat(out)


def episode_rules(eps: pd.DataFrame) -> pd.DataFrame:
    """Rules on the sequence of a child's episodes."""
    if eps.empty:
        return findings.empty()
    out = []

    def add(mask, column, rule, severity, message):
        out.append(
            findings.make(
                eps[mask],
                table="episodes",
                column=column,
                rule=rule,
                severity=severity,
                outcome="used",
                message=message,
            )
        )

    eps = eps.sort_values(["CHILD", "DECOM"], kind="mergesort").reset_index(drop=True)
    add(
        eps["DEC"] < eps["DECOM"],
        "DEC",
        "dec_before_decom",
        "error",
        "episode ends (DEC " + _d(eps["DEC"]) + ") before it starts (DECOM " + _d(eps["DECOM"]) + ")",
    )
    mismatch = eps["DEC"].isna() != eps["REC"].isna()
    add(
        mismatch,
        "DEC/REC",
        "dec_rec_mismatch",
        "error",
        "DEC "
        + _d(eps["DEC"])
        + " with REC "
        + eps["REC"].fillna("blank").astype(str)
        + ": both must be blank (open) or both set (ended)",
    )

    nxt_same = eps["CHILD"].eq(eps["CHILD"].shift(-1))
    nxt_decom = eps["DECOM"].shift(-1)
    overlap = nxt_same & (eps["DEC"].isna() | (nxt_decom < eps["DEC"]))
    add(
        overlap,
        "DEC",
        "overlapping_episodes",
        "error",
        "episode (DECOM "
        + _d(eps["DECOM"])
        + ", DEC "
        + _d(eps["DEC"])
        + ") overlaps the next one starting "
        + _d(nxt_decom),
    )
    x1 = eps["REC"].eq("X1") & eps["DEC"].notna()
    gap = x1 & nxt_same & (nxt_decom > eps["DEC"])
    add(
        gap,
        "REC",
        "x1_gap",
        "error",
        "REC X1 (ends "
        + _d(eps["DEC"])
        + ") but the next episode starts "
        + _d(nxt_decom)
        + ": the period of care is taken to end on the X1 date",
    )
    add(
        x1 & ~nxt_same,
        "REC",
        "x1_gap",
        "error",
        "REC X1 (ends " + _d(eps["DEC"]) + ") but no episode follows: the period of care is taken to end then",
    )

    wp = episodes_with_periods(eps)
    # before the first return's year the data hold only the episodes still open then, not their predecessors
    seen_from = pd.Timestamp(year_start(int(eps["YEAR"].min())))
    add(
        wp["EPISODE_IN_PERIOD"].eq(1) & wp["RNE"].ne("S") & (wp["DECOM"] >= seen_from),
        "RNE",
        "period_start_not_s",
        "error",
        "episode starts a period of care but RNE is " + wp["RNE"].fillna("blank").astype(str) + ", not S",
    )
    add(
        wp["EPISODE_IN_PERIOD"].gt(1) & wp["RNE"].eq("S"),
        "RNE",
        "s_mid_period",
        "warning",
        "RNE S on an episode that follows an X1 on the same day: it continues the period of care",
    )
    return findings.concat(out)


def header_rules(eps: pd.DataFrame, header: pd.DataFrame) -> pd.DataFrame:
    """Children and their dates of birth."""
    out = []
    if not eps.empty:
        orphan = ~eps["CHILD"].isin(header["CHILD"])
        first = orphan & ~eps["CHILD"].duplicated()
        out.append(
            findings.make(
                eps[first],
                table="episodes",
                column="CHILD",
                rule="child_not_in_header",
                severity="error",
                outcome="used",
                message="child has episodes but no Header row (no sex or date of birth)",
            )
        )
    out.append(
        findings.make(
            header[header["DOB"].isna()],
            table="header",
            column="DOB",
            rule="dob_missing",
            severity="error",
            outcome="used",
            message="date of birth is blank",
        )
    )
    dob = eps["CHILD"].map(header.drop_duplicates("CHILD").set_index("CHILD")["DOB"])
    early = eps["DECOM"] < dob
    out.append(
        findings.make(
            eps[early],
            table="episodes",
            column="DECOM",
            rule="decom_before_dob",
            severity="error",
            outcome="used",
            message="episode starts " + _d(eps["DECOM"]) + ", before birth " + _d(dob),
        )
    )
    old = eps["DECOM"] >= dob + pd.DateOffset(years=18)
    out.append(
        findings.make(
            eps[old],
            table="episodes",
            column="DECOM",
            rule="aged_18_at_start",
            severity="error",
            outcome="used",
            message="episode starts " + _d(eps["DECOM"]) + " when the child is 18 or over (born " + _d(dob) + ")",
        )
    )
    return findings.concat(out)


def adoption_rules(eps: pd.DataFrame, ad1: pd.DataFrame) -> pd.DataFrame:
    """AD1 rows and adoptions must match."""
    adopted = eps[eps["REC"].isin(ADOPTED)]
    out = [
        findings.make(
            ad1[~ad1["CHILD"].isin(adopted["CHILD"])],
            table="ad1",
            column="CHILD",
            rule="ad1_not_adopted",
            severity="warning",
            outcome="used",
            message="AD1 row for a child with no episode ending in adoption (REC E11/E12)",
        )
    ]
    if not ad1.empty:
        lacking = adopted[~adopted["CHILD"].isin(ad1["CHILD"])]
        out.append(
            findings.make(
                lacking,
                table="episodes",
                column="REC",
                rule="adopted_without_ad1",
                severity="warning",
                outcome="used",
                message="child adopted (REC " + lacking["REC"].astype(str) + ") with no AD1 row: excluded from A2",
            )
        )
    return findings.concat(out)


def year_rules(eps: pd.DataFrame, year: int) -> pd.DataFrame:
    """Episodes of one year's file that do not belong to that collection year (a wrong-year file shows
    up as most of its rows here)."""
    late = eps["DECOM"] > pd.Timestamp(year_end(year))
    ended = eps["DEC"] < pd.Timestamp(year_start(year))
    label = year_label(year)
    return findings.concat(
        [
            findings.make(
                eps[late],
                table="episodes",
                column="DECOM",
                rule="episode_outside_year",
                severity="error",
                outcome="used",
                message="episode starts " + _d(eps["DECOM"]) + f", after the {label} collection year this file is for",
            ),
            findings.make(
                eps[ended],
                table="episodes",
                column="DEC",
                rule="episode_outside_year",
                severity="warning",
                outcome="used",
                message="episode ended " + _d(eps["DEC"]) + f", before the {label} collection year this file is for",
            ),
        ]
    )


def outcome_rules(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Rules guarding the Reviews, Missing, OC2 and OC3 measures (module docstring); tables the data lack are
    skipped."""
    from cpanalysis.health import oc2_cohort  # the one definition of the cohort (health imports periods only)
    from cpanalysis.population import age_in_years

    eps, header = tables["episodes"], tables["header"]
    if eps.empty:
        return findings.empty()
    out = []
    per = period_bounds(eps)[["CHILD", "START", "END"]]

    def inside(rows: pd.DataFrame, column: str, spans: pd.DataFrame) -> pd.Series:
        """Whether each row's date falls in one of the child's spans (START <= date <= END, END blank = open)."""
        m = rows[["CHILD", column]].reset_index().merge(spans, on="CHILD")
        hit = (m["START"] <= m[column]) & (m["END"].isna() | (m[column] <= m["END"]))
        return pd.Series(rows.index.isin(m.loc[hit, "index"]), index=rows.index)

    rev = tables.get("reviews")
    if rev is not None and not rev.empty:
        known = rev[rev["CHILD"].isin(eps["CHILD"]) & rev["REVIEW"].notna()]
        bad = ~inside(known, "REVIEW", per)
        out.append(
            findings.make(
                known[bad],
                table="reviews",
                column="REVIEW",
                rule="review_outside_care",
                severity="warning",
                outcome="used",
                message="review on " + _d(known["REVIEW"]) + " is not within a period of care: not counted",
            )
        )
        dob = rev["DOB"].fillna(
            rev["CHILD"].map(header.drop_duplicates("CHILD", keep="last").set_index("CHILD")["DOB"])
        )
        age = age_in_years(dob, rev["REVIEW"])
        code = rev["REVIEW_CODE"]
        wrong = ((code == "PN0") & (age >= 4)) | (code.str.fullmatch(r"PN[1-7]").fillna(False) & (age < 4))
        out.append(
            findings.make(
                rev[wrong],
                table="reviews",
                column="REVIEW_CODE",
                rule="review_code_age",
                severity="warning",
                outcome="used",
                message="REVIEW_CODE "
                + code.fillna("blank").astype(str)
                + " for a child aged "
                + age.astype("Int64").astype(str)
                + " at the review (PN0 is for under-4s only)",
            )
        )
    mis = tables.get("missing")
    if mis is not None and not mis.empty:
        spans = eps[~eps["LS"].isin(SHORT_BREAK_LS)][["CHILD", "DECOM", "DEC"]]
        spans = spans.rename(columns={"DECOM": "START", "DEC": "END"})
        known = mis[mis["CHILD"].isin(eps["CHILD"]) & mis["MIS_START"].notna()]
        bad = ~inside(known, "MIS_START", spans)
        out.append(
            findings.make(
                known[bad],
                table="missing",
                column="MIS_START",
                rule="missing_outside_care",
                severity="warning",
                outcome="used",
                message="missing from "
                + _d(known["MIS_START"])
                + ", a day the child was not looked after: not counted",
            )
        )
    oc2 = tables.get("oc2")
    if oc2 is not None and not oc2.empty:
        for year, rows in oc2.groupby("YEAR"):
            bad = ~rows["CHILD"].isin(oc2_cohort(eps, int(year))["CHILD"])
            out.append(
                findings.make(
                    rows[bad],
                    table="oc2",
                    column="CHILD",
                    rule="oc2_not_in_cohort",
                    severity="warning",
                    outcome="used",
                    message=f"not looked after continuously for 12 months at {year_end(int(year)):%d/%m/%Y}: "
                    "left out of the health and offending measures",
                )
            )
    oc3 = tables.get("oc3")
    if oc3 is not None and not oc3.empty:
        dob = header.drop_duplicates("CHILD", keep="last").set_index("CHILD")["DOB"]
        last = eps.assign(END=eps["DEC"].fillna(pd.Timestamp.max.normalize())).groupby("CHILD")["END"].max()
        seen = oc3[oc3["CHILD"].isin(last.index)]
        sixteen = seen["DOB"].fillna(seen["CHILD"].map(dob)) + pd.DateOffset(years=16)
        bad = seen["CHILD"].map(last) < sixteen
        out.append(
            findings.make(
                seen[bad],
                table="oc3",
                column="CHILD",
                rule="oc3_not_care_leaver",
                severity="warning",
                outcome="used",
                message="every episode in the data ended before the 16th birthday: not a care leaver",
            )
        )
    return findings.concat(out)
