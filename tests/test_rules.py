"""Every registered rule: a clean tiny return passes, and one change to it breaks the rule exactly once
(on the row changed). Also: the docs' table of rules is the registry's. The cases are in tests/rule_breaks/."""

from __future__ import annotations

import copy

import pandas as pd
import pytest
from rule_breaks import BREAKS
from rule_cases import base, build

from cpanalysis.ssda903.validate import DOC, RULES, Return, rules_markdown, run_rules


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
