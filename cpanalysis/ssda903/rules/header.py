"""Header rules: values not entered, date of birth, UPN, mother and her child, a child with episodes but no
Header row, and changes from the child's Header row in last year's return."""

from __future__ import annotations

import pandas as pd

from cpanalysis.categories import SHORT_BREAK_LS
from cpanalysis.ssda903.rules.core import (
    FEMALE,
    MALE,
    Return,
    blank_rule,
    by_child,
    carried,
    has,
    last_year,
    rule,
    show,
    year_end_of,
    year_start_of,
)

blank_rule("101", "header", "SEX", "Gender code is not entered.")
blank_rule("103", "header", "ETHNIC", "The ethnicity code has not been entered.")


@rule(
    "child_not_in_header",
    "episodes",
    "CHILD",
    "Child has episodes but no Header row (no sex or date of birth).",
    dfe=False,
)
def _orphan(r: Return):
    eps = r["episodes"]
    return ~has(eps["CHILD"], r["header"]["CHILD"]) & ~eps["CHILD"].duplicated()


@rule("102", "header", "DOB", "Date of birth is not a valid date (blank).")
def _102(r: Return):
    return r["header"]["DOB"].isna()


# ---- UPN, mother, age, and against last year's Header ------------------------------------------------

_UPN = r"^(?:[A-HJ-NPQRT-Z](?:\d{12}|\d{11}[A-Z])|UN[1-5])$"


@rule(
    "168",
    "header",
    "UPN",
    "Unique Pupil Number (UPN) is not valid. If unknown, default codes should be UN1, UN2, UN3, UN4 or UN5.",
)
def _168(r: Return):
    upn = r["header"]["UPN"]
    return upn.notna() & ~upn.str.fullmatch(_UPN).fillna(False).astype(bool), lambda: "UPN " + upn.fillna("blank")


@rule("174", "header", "MC_DOB", "Mother's child date of birth is recorded but gender shows that the child is a male.")
def _174(r: Return):
    h = r["header"]
    return h["SEX"].isin(MALE) & h["MC_DOB"].notna()


@rule(
    "209",
    "header",
    "UPN",
    "Child looked after is of school age and should not have an unknown Unique Pupil Number (UPN) code of UN1.",
)
def _209(r: Return):
    """School age: 4 or over on 31 August of the year before the collection year starts (31/08/2018 for
    2019/20)."""
    h = r["header"]
    aug31 = pd.to_datetime((h["YEAR"] - 2).astype(str) + "-08-31")
    return h["UPN"].eq("UN1") & (h["DOB"] + pd.DateOffset(years=4) <= aug31)


@rule("301", "header", "DOB", "Date of birth falls after the year ended.")
def _301(r: Return):
    h = r["header"]
    return h["DOB"] > year_end_of(h), lambda: "DOB " + show(h["DOB"])


@rule("351", "header", "DOB", "Child was over 25 at the start of the current collection year.")
def _351(r: Return):
    h = r["header"]
    return year_start_of(h) > h["DOB"] + pd.DateOffset(years=25), lambda: "DOB " + show(h["DOB"])


@rule("611", "header", "MC_DOB", "Date of birth field is blank, but child is a mother.")
def _611(r: Return):
    h = r["header"]
    return h["MOTHER"].eq("1") & h["MC_DOB"].isna()


@rule(
    "612",
    "header",
    "MC_DOB",
    "Date of birth field has been completed but mother field indicates child is not a mother.",
)
def _612(r: Return):
    h = r["header"]
    return (h["MOTHER"].eq("0") | h["MOTHER"].isna()) & h["SEX"].isin(FEMALE) & h["MC_DOB"].notna()


@rule(
    "620",
    "header",
    "MOTHER",
    "Child has been recorded as a mother, but date of birth shows that the mother is under 11 years of age.",
)
def _620(r: Return):
    h = r["header"]
    return h["MOTHER"].eq("1") & (h["DOB"] + pd.DateOffset(years=11) > year_start_of(h))


@rule(
    "621",
    "header",
    "MC_DOB",
    "Mother's field has been completed but date of birth shows that the mother is younger than her child.",
)
def _621(r: Return):
    h = r["header"]
    return h["MC_DOB"] <= h["DOB"], lambda: "DOB " + show(h["DOB"]) + ", MC_DOB " + show(h["MC_DOB"])


def _changed(r: Return, column: str, same_code: dict | None = None):
    """Rows whose `column` differs from the child's row in last year's Header (blank differs from a value);
    `same_code` maps old codes to the new ones that mean the same."""
    h = r["header"]
    seen, last = last_year(r, "header", column)
    now = h[column].astype(object)
    if same_code:
        now, last = (v.where(~v.isin(list(same_code)), v.map(same_code)) for v in (now, last))
    same = now.eq(last) | (now.isna() & last.isna())
    return seen & ~same, lambda: column + " " + h[column].astype(str).replace("NaT", "blank").fillna("blank")


@rule(
    "202", "header", "SEX", "The gender code conflicts with the gender already recorded for this child.", scope="return"
)
def _202(r: Return):
    """SEX 1/2 (to 2023/24) and M/F (from 2024/25) are the same genders."""
    return _changed(r, "SEX", {"1": "M", "2": "F"})


@rule(
    "203",
    "header",
    "DOB",
    "Date of birth disagrees with the date of birth already recorded for this child.",
    scope="return",
)
def _203(r: Return):
    return _changed(r, "DOB")


@rule(
    "204",
    "header",
    "ETHNIC",
    "Ethnic origin code disagrees with the ethnic origin already recorded for this child.",
    scope="return",
)
def _204(r: Return):
    return _changed(r, "ETHNIC")


@rule(
    "208",
    "header",
    "UPN",
    "Unique Pupil Number (UPN) for the current year disagrees with the Unique Pupil Number (UPN) already "
    "recorded for this child.",
    scope="return",
)
def _208(r: Return):
    """A change is allowed from blank or UN1 to UN2-UN5, from blank to UN1, and from blank or any UN code to
    a real UPN."""
    h = r["header"]
    seen, last = last_year(r, "header", "UPN")
    now = h["UPN"]
    unknown = tuple(f"UN{i}" for i in range(1, 6))
    was_blank = last.isna()
    differs = now.ne(last) & ~(now.isna() & was_blank)
    allowed = (
        ((last.eq("UN1") | was_blank) & now.isin(unknown[1:]))
        | (was_blank & now.eq("UN1"))
        | ((last.isin(unknown) | was_blank) & now.notna() & ~now.isin(unknown))
    )
    return (
        seen & differs & ~allowed,
        lambda: "UPN " + now.fillna("blank") + ", last year " + last.fillna("blank").astype(str),
    )


@rule(
    "624",
    "header",
    "MC_DOB",
    "Date of birth of the first child contradicts the date of birth of the first child previously recorded.",
    scope="return",
)
def _624(r: Return):
    h = r["header"]
    _, last = last_year(r, "header", "MC_DOB")
    last = pd.to_datetime(last)
    return last.notna() & h["MC_DOB"].ne(last), lambda: "MC_DOB " + show(h["MC_DOB"]) + ", last year " + show(last)


@rule(
    "626",
    "header",
    "MOTHER",
    "Child was reported as a mother but the date of birth of the first child is before the current year which "
    "contradicts with the mother status recorded last year.",
    scope="return",
)
def _626(r: Return):
    h = r["header"]
    _, last = last_year(r, "header", "MOTHER")
    return h["MOTHER"].eq("1") & last.eq("0") & (h["MC_DOB"] < year_start_of(h))


# ---- Header against Episodes (and Reviews) -----------------------------------------------------------


@rule("232", "header", "SEX", "Sex of the child/young person has been reported as unknown (U).", severity="warning")
def _232(r: Return):
    return r["header"]["SEX"].eq("U")


_UNKNOWN_UPN = tuple(f"UN{i}" for i in range(1, 6))


@rule("444", "header", "UPN", "Duplicate UPN has been reported (another child in the return has the same UPN).")
def _444(r: Return):
    """Found on each child after the first (in CHILD order) with a UPN that is not an unknown code."""
    h = r["header"]
    known = h[h["UPN"].notna() & ~h["UPN"].isin(_UNKNOWN_UPN)].drop_duplicates(["YEAR", "CHILD", "UPN"])
    known = known.sort_values(["YEAR", "UPN", "CHILD"], kind="mergesort")
    later = known.index[known.duplicated(["YEAR", "UPN"])]
    return pd.Series(h.index.isin(later), index=h.index), lambda: "UPN " + h["UPN"].fillna("")


@rule(
    "207",
    "header",
    "MOTHER",
    "Mother status for the current year disagrees with the mother status already recorded for this child.",
    scope="return",
)
def _207(r: Return):
    """A child recorded as a mother last year, with episodes this year, is not one now."""
    h = r["header"]
    _, last = last_year(r, "header", "MOTHER")
    return last.eq("1") & h["MOTHER"].ne("1") & has(
        h["CHILD"], r["episodes"]["CHILD"]
    ), lambda: "MOTHER " + h["MOTHER"].fillna("blank")


@rule(
    "210",
    "header",
    "UPN",
    "Children looked after for more than a week at 31 March should not have an unknown Unique Pupil Number (UPN) "
    "code of UN4.",
)
def _210(r: Return):
    """Looked after at 31 March (an episode open then) and since before 24 March (the child's first episode in the
    return starts before it)."""
    h = r["header"]
    eps = r["episodes"]
    end = year_end_of(eps)
    open_at_end = eps[eps["DEC"].isna() | (eps["DEC"] > end)]
    first = by_child(h, eps, "min", "DECOM")
    week_before = year_end_of(h) - pd.Timedelta(days=7)
    return h["UPN"].eq("UN4") & has(h["CHILD"], open_at_end["CHILD"]) & (
        first < week_before
    ), lambda: "first DECOM " + show(first)


def _ceased(r: Return) -> pd.DataFrame:
    """Episodes that ended a period of care inside their return's year, short breaks excluded."""
    eps = r["episodes"]
    in_year = (eps["DEC"] >= year_start_of(eps)) & (eps["DEC"] <= year_end_of(eps))
    return eps[in_year & eps["REC"].notna() & eps["REC"].ne("X1") & ~eps["LS"].isin(SHORT_BREAK_LS)]


@rule(
    "607",
    "header",
    "MOTHER",
    "Child ceased to be looked after in the year, but mother field has not been completed.",
)
def _607(r: Return):
    h = r["header"]
    return h["SEX"].isin(FEMALE) & h["MOTHER"].isna() & has(h["CHILD"], _ceased(r)["CHILD"])


@rule(
    "625",
    "header",
    "MC_DOB",
    "Date of birth of the first child is beyond the end of this reporting year or the date the child ceased to be "
    "looked after.",
)
def _625(r: Return):
    """Ceased: the child's last episode ended a period of care."""
    h = r["header"]
    e = r.episodes()
    ended = e[~e["HAS_NEXT"] & e["REC"].notna() & e["REC"].ne("X1")]
    ceased_on = by_child(h, ended, "max", "DEC")
    return (h["MC_DOB"] > year_end_of(h)) | (
        h["MC_DOB"] > ceased_on
    ), lambda: "MC_DOB " + show(h["MC_DOB"]) + ", ceased " + show(ceased_on)


@rule(
    "399",
    "header",
    "MOTHER",
    "Mother field, review field or participation field are completed but child is looked after under legal status "
    "V3 or V4 (short breaks only).",
)
def _399(r: Return):
    h = r["header"]
    eps = r["episodes"]
    only_breaks = eps["LS"].isin(SHORT_BREAK_LS).groupby(eps["CHILD"]).all()
    breaks_only = has(h["CHILD"], only_breaks.index[only_breaks])
    reviewed = has(h["CHILD"], r["reviews"].dropna(subset=["REVIEW"])["CHILD"]) | has(
        h["CHILD"], r["reviews"].dropna(subset=["REVIEW_CODE"])["CHILD"]
    )
    return breaks_only & (h["MOTHER"].notna() | reviewed)


# ---- mother and UPN of children looked after (not on short breaks only) ---------------------------------


def _looked_after(r: Return) -> pd.Series:
    """Whether each Header row's child has an episode in view that is not a short break (LS V3/V4)."""
    eps = r["episodes"]
    return has(r["header"]["CHILD"], eps.loc[~eps["LS"].isin(SHORT_BREAK_LS), "CHILD"])


@rule("393", "header", "MOTHER", "Child is looked after but mother field is not completed.")
def _393(r: Return):
    """A girl with an episode other than a short break (V3/V4), on the rows of files that carry MOTHER
    (core.carried)."""
    h = r["header"]
    return h["SEX"].isin(FEMALE) & h["MOTHER"].isna() & carried(h, "MOTHER") & _looked_after(r)


@rule("442", "header", "UPN", "Unique Pupil Number (UPN) field is not completed.")
def _442(r: Return):
    """A child with an episode other than a short break (V3/V4); UN1-UN5 are the codes for a UPN not known. On the
    rows of files that carry UPNs (core.carried)."""
    h = r["header"]
    return h["UPN"].isna() & carried(h, "UPN") & _looked_after(r)


@rule("165", "header", "MOTHER", "Data entry for mother status is invalid.")
def _165(r: Return):
    """MOTHER, when given, is 0 or 1 and only for a girl; a girl looked after (an episode other than a short break)
    has it given, where the file carries MOTHER (core.carried). The DfE also lets it be blank for a care leaver
    with OC3 data and no episode: no finding here."""
    h = r["header"]
    mother = h["MOTHER"]
    invalid = mother.notna() & ~mother.isin(["0", "1"])
    male = mother.notna() & h["SEX"].isin(MALE)
    blank = mother.isna() & carried(h, "MOTHER") & h["SEX"].isin(FEMALE) & _looked_after(r)
    why = pd.Series("not completed for a girl looked after", index=h.index, dtype=object)
    why = why.mask(male, "completed for a boy").mask(invalid, "MOTHER " + mother.fillna("") + " is not 0 or 1")
    return invalid | male | blank, why


OTHER_DATA = ("placed_adoption", "missing", "reviews", "ad1", "prev_perm", "oc2")  # DfE rule 1012's tables


@rule(
    "1012",
    "header",
    "CHILD",
    "No other data should be returned for OC3 children who had no episodes in the current year.",
    scope="return",
)
def _1012(r: Return):
    """The DfE reports the rows of PlacedAdoption, Missing, Reviews, AD1, PrevPerm and OC2 of a child with no episode
    in the return; here it is one finding on the child's Header row naming those tables (a child with no Header row
    either is found by the INT checks)."""
    h = r["header"]
    without_episodes = ~has(h["CHILD"], r["episodes"]["CHILD"])
    found = pd.DataFrame({t: has(h["CHILD"], r[t]["CHILD"]) for t in OTHER_DATA}, index=h.index)
    names = pd.Series("", index=h.index, dtype=object)
    for t in OTHER_DATA:
        names = names + found[t].map({True: t + " ", False: ""})
    return without_episodes & found.any(axis=1), lambda: "rows in " + names.str.strip().str.replace(" ", ", ")
