"""Every registered rule: a clean tiny return passes, and one change to it breaks the rule exactly once
(on the row changed). Also: the docs' table of rules is the registry's. The cases are in tests/rule_breaks/."""

from __future__ import annotations

import copy
import dataclasses

import pandas as pd
import pytest
from rule_breaks import BREAKS, legal_status
from rule_cases import base, build

from cpanalysis.ssda903.validate import DOC, RULES, Return, rules_markdown, run_rules


def findings_of(r: Return, scope: str, codes: set[str] | None = None) -> pd.DataFrame:
    """The rules' findings with every rule in force in every year (the cases are of 2019/20; IN_FORCE has its
    own test)."""
    saved = dict(RULES)
    try:
        RULES.update({c: dataclasses.replace(rl, years=(None, None)) for c, rl in saved.items()})
        return run_rules(r, scope, codes)
    finally:
        RULES.update(saved)


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
    found = findings_of(build(rows), scope, {code})  # the clean return passes every rule (above)
    mine = found[found["rule"] == code]
    assert len(mine) == 1, found[["rule", "CHILD", "message"]].to_string()
    assert mine["CHILD"].iloc[0] == child
    assert mine["table"].iloc[0] == RULES[code].table
    assert mine["severity"].iloc[0] == RULES[code].severity


def test_a_legal_status_spell_is_found_on_every_episode_of_it():
    # child Z: L1 from 01/05/2019 to 03/05/2019, L1 again to 05/05/2019 (4 days in all, over 3), then open C2;
    # both L1 episodes are found (as the peer validator marks them), the C2 one is not
    rows = copy.deepcopy(base())
    legal_status._spell("L1", "03/05/2019", "05/05/2019")(rows)
    found = findings_of(build(rows), "return", {"361"})
    assert list(found["CHILD"]) == ["Z", "Z"]
    assert list(found["message"].str.extract(r"(LS L1 for \d+ days)")[0]) == ["LS L1 for 4 days"] * 2
    one = copy.deepcopy(base())  # 01/05/2019 to 04/05/2019: 3 days, not over
    legal_status._spell("L1", "02/05/2019", "04/05/2019")(one)
    assert findings_of(build(one), "return", {"361"}).empty


def test_noe_finds_every_episode_begun_before_the_year():
    # child B (no episode last year): its first episode now begins 01/03/2019, and an overlapping one 15/03/2019,
    # both before the 2019/20 year: both are found (as the peer validator finds them on the 2020/21 sample, child
    # 601190); its third episode (01/06/2019) is not
    rows = copy.deepcopy(base())
    rows["episodes"][6]["DECOM"] = "01/03/2019"
    rows["episodes"].append(dict(rows["episodes"][6], DECOM="15/03/2019", DEC="20/03/2019", REC="X1"))
    found = findings_of(build(rows), "return", {"NoE"})
    assert list(found["CHILD"]) == ["B", "B"]


def test_558_needs_more_than_one_decision():
    # B adopted 01/02/2020 with its only decision (01/05/2019) reversed 01/06/2019: not 558 (the DfE's rule is of a
    # child with more than one decision in the year; the peer agrees on the fake data's three such children)
    rows = copy.deepcopy(base())
    rows["placed_adoption"][0].update(DATE_PLACED_CEASED="01/06/2019", REASON_PLACED_CEASED="RD1")
    assert findings_of(build(rows), "return", {"558"}).empty


def test_a_rule_applies_only_in_the_years_it_is_in_force():
    # 233 is in force from 2025/26 (IN_FORCE); its break-once case is a 2019/20 return
    change, child = BREAKS["233"]
    rows = copy.deepcopy(base())
    change(rows)
    assert RULES["233"].years == (2026, None)
    assert run_rules(build(rows), "return", {"233"}).empty  # the 2020 return: not in force
    assert len(findings_of(build(rows), "return", {"233"})) == 1  # the same rows, were it in force
    history = build(rows)
    history.year = None  # the merged history: each row by its own YEAR (2020 here)
    assert run_rules(history, "history", {"233"}).empty
    assert list(RULES["217t"].in_force(pd.Series([2023, 2024, 2025]))) == [False, True, False]
    assert list(RULES["555"].in_force(pd.Series([2012, 2024, 2025]))) == [True, True, False]


def test_docs_table_of_rules_is_current():
    assert DOC.read_text(encoding="utf-8") == rules_markdown(), (
        "docs/validation-rules.md is out of date: run python -m cpanalysis.ssda903.validate"
    )


def test_371_follows_the_collection_year():
    # A is 15 on 01/05/2019 when born 01/01/2004, 9 when born 01/01/2010 (the base)
    def found(year, dob, place):
        rows = copy.deepcopy(base())
        rows["header"][0]["DOB"] = dob
        rows["episodes"][0]["PLACE"] = place
        rows["first_year"] = year  # A's first episode is of this year's return
        return len(run_rules(build(rows), "history", {"371"}))

    assert found(2023, "01/01/2004", "H5") == 0  # 14 or over in H5 to 2022/23
    assert found(2023, "01/01/2010", "H5") == 1
    assert found(2024, "01/01/2004", "H5") == 1  # 16 or over in H5 in 2023/24
    assert found(2025, "01/01/2004", "H5") == 0  # H5 no longer checked; K3 at 16 or over from 2024/25
    assert found(2025, "01/01/2004", "K3") == 1
    assert found(2023, "01/01/2010", "K3") == 0  # K3 is not checked before 2024/25 (nor valid: see clean.py)


def test_an_item_the_files_do_not_carry_is_not_asked_for():
    # an extract without UPNs, MOTHER, postcodes, distances, reasons for placement change or PrevPerm (left out
    # for privacy, or not exported): 442, 393, 165, 392a, 392b, 225 and 630 check only files that carry the item
    rows = copy.deepcopy(base())
    for h in rows["header"]:
        h.update(UPN=None, MOTHER=None)
    for e in rows["episodes"]:
        e.update(HOME_POST=None, PL_POST=None, PL_DISTANCE=None, REASON_PLACE_CHANGE=None)
    rows["prev_perm"] = []
    codes = {"442", "393", "165", "392a", "392b", "225", "630"}
    assert findings_of(build(rows), "return", codes).empty
    rows["header"][1]["UPN"] = "C801200000002"  # T's: now the header file carries UPNs, and the others lack one
    assert sorted(findings_of(build(rows), "return", codes)["CHILD"]) == ["A", "B", "O2"]
