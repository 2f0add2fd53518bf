"""Every registered rule: a clean tiny return passes, and one change to it breaks the rule exactly once
(on the row changed). Also: the docs' table of rules is the registry's."""

from __future__ import annotations

import copy

import pandas as pd
import pytest
from factories import frame

from cpanalysis.ssda903.validate import DOC, RULES, Return, rules_markdown, run_rules

YEAR = 2020  # 1 April 2019 - 31 March 2020


def ep(child, decom, rne, ls, place, dec=None, rec=None, **kw):
    return dict(
        CHILD=child, DECOM=decom, RNE=rne, LS=ls, CIN="N1", PLACE=place, PLACE_PROVIDER="PR1", DEC=dec, REC=rec, **kw
    )


def base() -> dict[str, list[dict]]:
    """A: three episodes (S, P, L); T: a temporary placement then back to U4; B: adopted; L: a care leaver."""
    return {
        "header": [
            dict(CHILD="A", SEX="1", DOB="01/01/2010", ETHNIC="WBRI"),
            dict(CHILD="T", SEX="2", DOB="01/01/2010", ETHNIC="WBRI"),
            dict(CHILD="B", SEX="1", DOB="01/06/2014", ETHNIC="WBRI"),
            dict(CHILD="L", SEX="2", DOB="01/06/2001", ETHNIC="WBRI"),
        ],
        "episodes": [
            ep("A", "01/05/2019", "S", "C1", "U4", "01/07/2019", "X1", PL_POST="AA1"),
            ep("A", "01/07/2019", "P", "C1", "U6", "01/09/2019", "X1", PL_POST="BB1"),
            ep("A", "01/09/2019", "L", "C2", "U6", PL_POST="BB1"),
            ep("T", "01/05/2019", "S", "C2", "U4", "01/06/2019", "X1"),
            ep("T", "01/06/2019", "P", "C2", "T3", "10/06/2019", "X1"),
            ep("T", "10/06/2019", "P", "C2", "U4"),
            ep("B", "01/04/2019", "S", "C2", "U4", "01/06/2019", "X1"),
            ep("B", "01/06/2019", "B", "E1", "A6", "01/02/2020", "E11"),
        ],
        "ad1": [dict(CHILD="B", DATE_INT="01/05/2019", DATE_MATCH="01/06/2019")],
        "placed_adoption": [dict(CHILD="B", DATE_PLACED="01/05/2019")],
        "reviews": [dict(CHILD="A", REVIEW="01/06/2019", REVIEW_CODE="PN1")],
        "missing": [
            dict(CHILD="A", MISSING="M", MIS_START="01/06/2019", MIS_END="02/06/2019"),
            dict(CHILD="A", MISSING="A", MIS_START="05/08/2019", MIS_END="06/08/2019"),
        ],
        "oc3": [dict(CHILD="L", DOB="01/06/2001", IN_TOUCH="YES", ACTIV="F1", ACCOM="B1")],
        "prev_episodes": [ep("L", "01/01/2019", "S", "C2", "U4", "01/03/2019", "E8")],
    }


def build(rows: dict) -> Return:
    """The return; `first_year` (when set) makes the first episode's row come from that year's return."""
    tables = {t: frame(t, r, YEAR) for t, r in rows.items() if t not in ("prev_episodes", "first_year")}
    if "first_year" in rows:
        tables["episodes"].loc[0, "YEAR"] = rows["first_year"]
    prev = {"episodes": frame("episodes", rows["prev_episodes"], YEAR - 1)}
    return Return(tables, year=YEAR, prev=prev)


def setv(table: str, child: str, nth: int, **values):
    def change(rows):
        mine = [r for r in rows[table] if r["CHILD"] == child]
        mine[nth].update(values)

    return change


def add(table: str, **row):
    return lambda rows: rows[table].append(row)


def drop(table: str, child: str):
    def change(rows):
        rows[table] = [r for r in rows[table] if r["CHILD"] != child]

    return change


def both(*changes):
    def change(rows):
        for c in changes:
            c(rows)

    return change


# rule code -> (the change that breaks it once, the child whose row must be found)
BREAKS = {
    "101": (setv("header", "A", 0, SEX=None), "A"),
    "103": (setv("header", "A", 0, ETHNIC=None), "A"),
    "143": (setv("episodes", "A", 2, RNE=None), "A"),
    "144": (setv("episodes", "A", 2, LS=None), "A"),
    "145": (setv("episodes", "A", 2, CIN=None), "A"),
    "146": (setv("episodes", "A", 2, PLACE=None), "A"),
    "place_provider_blank": (setv("episodes", "A", 2, PLACE_PROVIDER=None), "A"),
    "356": (setv("episodes", "A", 0, DEC="01/04/2019"), "A"),
    "148": (setv("episodes", "A", 0, REC=None), "A"),
    "385": (setv("episodes", "A", 2, DEC="01/04/2020", REC="E8"), "A"),
    "episode_outside_year": (
        both(
            add("episodes", **ep("Z", "01/04/2020", "S", "C2", "U4")),
            add("header", CHILD="Z", SEX="1", DOB="01/01/2010", ETHNIC="WBRI"),
        ),
        "Z",
    ),
    "episode_ended_before_year": (
        both(
            add("episodes", **ep("Z", "01/01/2019", "S", "C2", "U4", "01/02/2019", "E8")),
            add("header", CHILD="Z", SEX="1", DOB="01/01/2010", ETHNIC="WBRI"),
        ),
        "Z",
    ),
    "overlapping_episodes": (setv("episodes", "A", 0, DEC="01/08/2019"), "A"),
    "388": (setv("episodes", "T", 2, DEC="01/03/2020", REC="X1"), "T"),
    "388/continued": (setv("episodes", "A", 0, REC="E8"), "A"),
    "433": (setv("episodes", "A", 1, DECOM="02/07/2019"), "A"),
    "434": (setv("episodes", "A", 2, LS="C1"), "A"),
    "435": (setv("episodes", "A", 1, LS="C2"), "A"),
    "436": (setv("episodes", "B", 1, LS="C2"), "B"),
    "380": (setv("episodes", "T", 1, RNE="S"), "T"),
    "381": (setv("episodes", "T", 1, REC="E8"), "T"),
    "383": (setv("episodes", "T", 2, PLACE="U6"), "T"),
    "390": (setv("episodes", "B", 1, PLACE="U4"), "B"),
    "437": (setv("episodes", "T", 0, REC="E2"), "T"),
    "period_start_not_s": (setv("episodes", "A", 0, RNE="P"), "A"),
    "s_mid_period": (setv("episodes", "A", 1, RNE="S"), "A"),
    "child_not_in_header": (drop("header", "A"), "A"),
    "102": (setv("header", "A", 0, DOB=None), "A"),
    "302": (setv("header", "A", 0, DOB="01/06/2019"), "A"),
    "352": (setv("header", "A", 0, DOB="01/01/2001"), "A"),
    "386": (setv("header", "B", 0, DOB="01/01/2001"), "B"),
    "387": (setv("episodes", "T", 2, DEC="01/03/2020", REC="E5"), "T"),
    "389": (setv("episodes", "T", 2, DEC="01/03/2020", REC="E7"), "T"),
    "407": (both(setv("episodes", "T", 2, DEC="01/03/2020", REC="E45"), setv("header", "T", 0, DOB="01/01/2001")), "T"),
    "460": (setv("episodes", "T", 2, DEC="01/03/2020", REC="E17"), "T"),
    "370": (setv("episodes", "A", 2, PLACE="P2"), "A"),
    "372": (setv("episodes", "A", 2, PLACE="R5"), "A"),
    "373": (both(setv("episodes", "A", 2, PLACE="S1"), setv("header", "A", 0, DOB="01/01/2017")), "A"),
    "374": (setv("episodes", "A", 2, PLACE="P3"), "A"),
    "ad1_not_adopted": (add("ad1", CHILD="A", DATE_INT="01/06/2019", DATE_MATCH="01/07/2019"), "A"),
    "adopted_without_ad1": (
        both(drop("ad1", "B"), add("ad1", CHILD="A", DATE_INT="01/06/2019", DATE_MATCH="01/07/2019")),
        "B",
    ),
    "333": (setv("ad1", "B", 0, DATE_INT=None), "B"),
    "331": (setv("ad1", "B", 0, DATE_MATCH="01/07/2019"), "B"),
    "334": (setv("ad1", "B", 0, DATE_INT="01/03/2019"), "B"),
    "521": (setv("ad1", "B", 0, DATE_INT="01/07/2019"), "B"),
    "placed_ceased_before_placed": (setv("placed_adoption", "B", 0, DATE_PLACED_CEASED="01/04/2019"), "B"),
    "552": (setv("placed_adoption", "B", 0, DATE_PLACED="01/07/2019"), "B"),
    "554": (setv("placed_adoption", "B", 0, DATE_PLACED="01/07/2019"), "B"),
    "167": (setv("reviews", "A", 0, REVIEW_CODE="PN9"), "A"),
    "missing_end_before_start": (setv("missing", "A", 0, MIS_END="31/05/2019"), "A"),
    "574": (setv("missing", "A", 0, MIS_END=None), "A"),
    "578": (add("missing", CHILD="B", MISSING="M", MIS_START="01/03/2020", MIS_END="02/03/2020"), "B"),
    "581": (add("missing", CHILD="B", MISSING="M", MIS_START="01/03/2019", MIS_END="02/03/2019"), "B"),
    "586": (setv("missing", "A", 0, DOB="01/07/2019"), "A"),
    "131": (setv("oc3", "L", 0, IN_TOUCH="XX"), "L"),
    "132": (setv("oc3", "L", 0, ACTIV="XX"), "L"),
    "133": (setv("oc3", "L", 0, ACCOM="XX"), "L"),
    "391": (setv("oc3", "L", 0, DOB="01/06/2004"), "L"),
    "1002": (lambda rows: rows.update(first_year=YEAR - 5), "L"),
    "1007": (add("episodes", **ep("L", "01/05/2019", "S", "V2", "K2", "01/07/2019", "E8")), "L"),
}


def findings_of(r: Return, scope: str) -> pd.DataFrame:
    return run_rules(r, scope)


def test_every_rule_has_a_break_once_case():
    assert {code.split("/")[0] for code in BREAKS} == set(RULES)


@pytest.mark.parametrize("scope", ["return", "history"])
def test_the_clean_return_passes_every_rule(scope):
    found = findings_of(build(base()), scope)
    assert found.empty, found[["rule", "CHILD", "message"]].to_string()


@pytest.mark.parametrize("code", sorted(BREAKS))
def test_each_rule_breaks_once(code):
    change, child = BREAKS[code]
    code = code.split("/")[0]  # 'code/case': a second way to break the rule
    rows = copy.deepcopy(base())
    change(rows)
    scope = "history" if RULES[code].scope == "history" else "return"
    found = findings_of(build(rows), scope)
    mine = found[found["rule"] == code]
    assert len(mine) == 1, found[["rule", "CHILD", "message"]].to_string()
    assert mine["CHILD"].iloc[0] == child
    assert mine["table"].iloc[0] == RULES[code].table
    assert mine["severity"].iloc[0] == RULES[code].severity


def test_docs_table_of_rules_is_current():
    assert DOC.read_text(encoding="utf-8") == rules_markdown(), (
        "docs/validation-rules.md is out of date: run python -m cpanalysis.ssda903.validate"
    )
