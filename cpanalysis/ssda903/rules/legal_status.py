"""Legal status rules: how long short-term orders may last, freeing and placement orders by date, and legal
statuses by age."""

from __future__ import annotations

import pandas as pd

from cpanalysis.ssda903.rules.core import Return, flag, rule, show, year_end_of


def spells(r: Return) -> tuple[pd.Series, pd.Series]:
    """For each episode, the days of its spell (the run of the child's consecutive episodes, each starting the day
    the last ended, with the same legal status; an open one counted to the end of its return's year), and whether
    it is the spell's last episode. Worked out once per return (361-364)."""
    if "spells" not in r._cache:
        r._cache["spells"] = _spells(r)
    return r._cache["spells"]


def _spells(r: Return) -> tuple[pd.Series, pd.Series]:
    e = r.episodes()
    end = e["DEC"].fillna(year_end_of(e))
    joined = e["HAS_PREV"] & e["PREV_DEC"].eq(e["DECOM"]) & e["PREV_LS"].eq(e["LS"])
    order = r.in_order().index
    spell = (~joined.loc[order]).cumsum()
    days = (end - e["DECOM"]).dt.days.loc[order].groupby(spell).transform("sum")
    last = ~spell.duplicated(keep="last")
    return days.reindex(e.index), last.reindex(e.index)


def _spell_rule(code: str, ls: str, days: int, message: str) -> None:
    """Register rule `code`: a spell of legal status `ls` lasting more than `days` days, found on every episode of
    the spell (the DfE's check is of each episode with that legal status, over the consecutive episodes it
    continues)."""

    def check(r: Return):
        eps = r["episodes"]
        lasted, _ = spells(r)
        return flag(
            eps["LS"].eq(ls) & (lasted > days)
        ), lambda: f"LS {ls} for " + lasted.astype("Int64").astype(str) + " days"

    rule(code, "episodes", "LS", message)(check)


_spell_rule("361", "L1", 3, "Police protection legal status (L1) lasted longer than maximum 72 hours allowed.")
_spell_rule("362", "L2", 21, "Emergency protection order (EPO, L2) lasted longer than 21 days.")
_spell_rule(
    "363", "L3", 7, "Child assessment order (CAO, L3) lasted longer than 7 days allowed in the Children Act 1989."
)
_spell_rule(
    "364",
    "J2",
    21,
    "Sections 41-46 of Police and Criminal Evidence (PACE; 1984) severely limits the time a child can be detained "
    "in custody in Local Authority (LA) accommodation (J2 for more than 21 days).",
)


@rule("445", "episodes", "LS", "D1 is not a valid code for episodes starting after December 2005.")
def _445(r: Return):
    eps = r["episodes"]
    return eps["LS"].eq("D1") & (eps["DECOM"] > pd.Timestamp("2005-12-31")), lambda: "DECOM " + show(eps["DECOM"])


@rule("446", "episodes", "LS", "E1 is not a valid code for episodes starting before December 2005.")
def _446(r: Return):
    eps = r["episodes"]
    return eps["LS"].eq("E1") & (eps["DECOM"] < pd.Timestamp("2005-12-01")), lambda: "DECOM " + show(eps["DECOM"])


@rule(
    "451",
    "episodes",
    "LS",
    "Child is still freed for adoption (LS D1, open), but freeing orders could not be applied for since 30 December "
    "2005.",
)
def _451(r: Return):
    eps = r["episodes"]
    return eps["LS"].eq("D1") & eps["DEC"].isna() & eps["REC"].isna()
