"""Disclosure control on tables built to contain small cells and identifiers."""

from __future__ import annotations

import pandas as pd
import pytest

from cpanalysis.disclosure import (
    DisclosureError,
    assert_no_identifiers,
    find_identifiers,
    suppress,
    suppress_measures,
)


def test_counts_of_one_to_four_and_what_is_derived_from_them_are_suppressed():
    df = pd.DataFrame({"group": ["a", "b", "c", "d"], "children": [0, 3, 5, 12], "percent": [0.0, 15.0, 25.0, 60.0]})
    out = suppress(df, ["children"], ["percent"])
    # 0 is published; 3 is small (and its 15%); 5 and 12 stand
    assert list(out["children"]) == [0, "[c]", 5, 12]
    assert list(out["percent"]) == [0.0, "[c]", 25.0, 60.0]
    assert list(df["children"]) == [0, 3, 5, 12]  # input untouched


def test_measures_table_suppression_follows_the_base_count():
    table = pd.DataFrame({"measure": ["cla_at_end", "adopted", "A1", "ceased_sgo", "ceased_sgo_pct"],
                          "value": [420, 3, 401.5, 7, 12.1]})
    out = suppress_measures(table, {"A1": "adopted", "ceased_sgo_pct": "ceased_sgo"}).set_index("measure")["value"]
    # adopted 3 is small, so the A1 average over those 3 children is too; 7 SGOs and their % stand
    assert out.to_dict() == {"cla_at_end": 420, "adopted": "[c]", "A1": "[c]", "ceased_sgo": 7, "ceased_sgo_pct": 12.1}


def test_identifiers_are_found_in_tables_and_text():
    df = pd.DataFrame({"CHILD": ["123456"], "n": [7]})
    assert find_identifiers(df) == ["column CHILD"]
    text = "Child 123456 lives at SK11 6TX, UPN A123456789012, total 55 children"
    found = find_identifiers(text, child_ids={"123456", "999999"})
    assert found == ["postcode SK11 6TX", "UPN A123456789012", "CHILD id 123456"]
    with pytest.raises(DisclosureError, match="postcode"):
        assert_no_identifiers(text)
    assert find_identifiers("Children looked after: 1,234 at 31/03/2020 (rate 66 per 10,000)", {"123456"}) == []
