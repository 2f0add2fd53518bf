"""Code-list findings carry the DfE's rule code (clean.CODE_RULES), and the cross-year rules run without a
previous return."""

from __future__ import annotations

import pandas as pd
from factories import frame
from rule_cases import YEAR, base

from cpanalysis.ssda903.clean import clean
from cpanalysis.ssda903.rules import Return
from cpanalysis.ssda903.schema import TABLES
from cpanalysis.ssda903.validate import run_rules


def errors(rows: list[dict], table: str) -> pd.DataFrame:
    """The error findings of cleaning `rows` (a file with every column of `table`) as a 2019/20 file."""
    df = pd.DataFrame(rows, columns=list(TABLES[table].columns)).fillna("")
    df["SOURCE_ROW"] = range(2, len(df) + 2)
    _, found = clean(df, table, f"{YEAR}-{table}.csv", YEAR)
    return found[found["severity"] == "error"]


def test_each_bad_code_is_reported_under_the_dfe_rule_of_its_list():
    good = dict(CHILD="A", DECOM="01/05/2019", RNE="S", LS="C1", CIN="N1", PLACE="U4", PLACE_PROVIDER="PR1")
    bad = {"RNE": "Q", "LS": "C9", "CIN": "N9", "PLACE": "U9", "PLACE_PROVIDER": "PR9", "REC": "E99"}
    rows = [good] + [
        {**good, "CHILD": col, col: code, **({"DEC": "01/06/2019"} if col == "REC" else {})}
        for col, code in bad.items()
    ]
    rows.append({**good, "CHILD": "RPC", "DEC": "01/06/2019", "REC": "X1", "REASON_PLACE_CHANGE": "NONE"})
    found = errors(rows, "episodes")
    by_child = found.set_index("CHILD")["rule"].to_dict()
    assert by_child == {
        "RNE": "143",
        "LS": "144",
        "CIN": "145",
        "PLACE": "146",
        "PLACE_PROVIDER": "178",
        "REC": "149",
        "RPC": "1009",
    }
    assert set(found["outcome"]) == {"used"}  # kept, as before: the rule code changes, not the accounting


def test_header_and_placed_adoption_codes_and_unreadable_adoption_dates():
    rows = [
        dict(CHILD="A", SEX="1", DOB="01/01/2010", ETHNIC="WBRI"),
        dict(CHILD="S", SEX="M", DOB="01/01/2010", ETHNIC="WBRI"),  # M is valid from 2024/25 only
        dict(CHILD="E", SEX="2", DOB="01/01/2010", ETHNIC="WXYZ"),
    ]
    assert errors(rows, "header").set_index("CHILD")["rule"].to_dict() == {"S": "101", "E": "103"}
    rows = [
        dict(CHILD="A", DATE_PLACED="01/05/2019", DATE_PLACED_CEASED="01/06/2019", REASON_PLACED_CEASED="RD9"),
        dict(CHILD="B", DATE_PLACED="01/05/2019", DATE_PLACED_CEASED="31/06/2019", REASON_PLACED_CEASED="RD1"),
        dict(CHILD="C", DATE_PLACED="32/05/2019"),  # a key date: the row is left out
    ]
    assert errors(rows, "placed_adoption").set_index("CHILD")["rule"].to_dict() == {"A": "120", "B": "116", "C": "115"}
    rows = [dict(CHILD="A", DATE_INT="31/02/2019", DATE_MATCH="01/13/2019")]
    assert sorted(errors(rows, "ad1")["rule"]) == ["112", "113"]


def test_cross_year_rules_pass_without_a_previous_return():
    rows = base()
    tables = {t: frame(t, r, YEAR) for t, r in rows.items() if not t.startswith("prev_") or t == "prev_perm"}
    found = run_rules(Return(tables, year=YEAR, prev=None), "return")
    assert found.empty, found[["rule", "CHILD", "message"]].to_string()


def test_sex_recoded_from_1_2_to_m_f_is_not_a_change_of_gender():
    """2024/25 recoded SEX 1/2 as M/F: 202 compares genders, not codes."""
    header = [dict(CHILD="A", SEX="M", DOB="01/01/2010"), dict(CHILD="B", SEX="M", DOB="01/01/2010")]
    last = [dict(CHILD="A", SEX="1", DOB="01/01/2010"), dict(CHILD="B", SEX="2", DOB="01/01/2010")]
    r = Return({"header": frame("header", header, 2025)}, year=2025, prev={"header": frame("header", last, 2024)})
    found = run_rules(r, "return")
    assert list(found.loc[found["rule"] == "202", "CHILD"]) == ["B"]


def test_unreadable_dates_are_reported_under_the_dfe_rule_of_their_column():
    rows = [
        dict(CHILD="D", SEX="1", DOB="31/02/2010", ETHNIC="WBRI"),
        dict(CHILD="M", SEX="2", DOB="01/01/2000", ETHNIC="WBRI", MOTHER="1", MC_DOB="2019-13-01"),
    ]
    found = errors(rows, "header")
    assert found.set_index("CHILD")["rule"].to_dict() == {"D": "102", "M": "171"}
    assert set(found["outcome"]) == {"used"}  # blanked, row kept
    rows = [
        dict(CHILD="S", MISSING="M", MIS_START="32/01/2020"),
        dict(CHILD="E", MISSING="M", MIS_START="01/01/2020", MIS_END="x"),
    ]
    found = errors(rows, "missing").set_index("CHILD")
    assert found["rule"].to_dict() == {"S": "1004", "E": "1005"}
    assert found["outcome"].to_dict() == {"S": "rejected", "E": "used"}  # MIS_START is the row's key
