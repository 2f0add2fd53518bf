"""Disclosure control on tables built to contain small cells and identifiers (expected values worked by hand)."""

from __future__ import annotations

import pandas as pd
import pytest

from cpanalysis.disclosure import (
    MARKER,
    DisclosureError,
    assert_no_identifiers,
    assert_no_small_counts,
    audit_table,
    find_identifiers,
    suppress,
    suppress_counts,
    suppress_derived,
    suppress_measures,
    suppress_table,
    suppress_with_totals,
)
from cpanalysis.errors import InputError

C = "[c]"


def test_counts_of_one_to_four_are_suppressed_zero_and_five_stand():
    df = pd.DataFrame({"group": list("abcdef"), "children": [0, 1, 4, 5, 12, None]})
    out = suppress_counts(df, ["children"])
    # 0 published (as the DfE does); 1 and 4 small; 5 and 12 stand; a blank stays blank
    assert out["children"].tolist()[:5] == [0, C, C, 5, 12] and pd.isna(out["children"].iloc[5])
    assert df["children"].tolist()[:5] == [0, 1, 4, 5, 12]  # input untouched
    # another threshold (e.g. a stricter local rule: under 10) and marker
    assert suppress_counts(df, ["children"], threshold=10, marker="<10")["children"].tolist()[:5] == [
        0,
        "<10",
        "<10",
        "<10",
        12,
    ]


def test_derived_figures_follow_their_count():
    df = pd.DataFrame(
        {
            "reason": ["adopted", "SGO", "home"],
            "children": [3, 7, 0],
            "percent": [30.0, 70.0, 0.0],
            "avg_days": [401.0, 350.0, None],
        }
    )
    out = suppress_derived(df, "children", ["percent", "avg_days"])
    # 3 adopted is small: its 30% and its average over 3 children would reveal them; 7 and 0 stand
    assert out["percent"].tolist() == [C, 70.0, 0.0] and out["avg_days"].tolist()[:2] == [C, 350.0]
    # works on a table whose counts are already suppressed too
    assert suppress_derived(suppress_counts(df, ["children"]), "children", ["percent"])["percent"].tolist() == [
        C,
        70.0,
        0.0,
    ]


def test_suppress_rows_where_any_count_is_small():
    df = pd.DataFrame({"group": ["a", "b", "c", "d"], "children": [0, 3, 5, 12], "percent": [0.0, 15.0, 25.0, 60.0]})
    out = suppress(df, ["children"], ["percent"])
    assert list(out["children"]) == [0, C, 5, 12] and list(out["percent"]) == [0.0, C, 25.0, 60.0]


def test_secondary_suppression_protects_a_cell_from_subtraction():
    df = pd.DataFrame(
        {"male": [20, 6, 9, 35], "female": [3, 8, 12, 23], "total": [23, 14, 21, 58]},
        index=["Foster", "Residential", "Other", "Total"],
    )
    out = suppress_with_totals(df, ["male", "female"], total_col="total", total_row="Total")
    # primary: Foster/female 3. Row Foster has one hidden cell -> the smallest other non-zero, Foster/male 20.
    # Column female has one hidden (3) -> smallest other body cell Residential/female 8. Column male now has one
    # hidden (20) -> smallest other Residential/male 6. Every row and column now has 0 or 2 hidden: stop.
    # a + b = 23, c + d = 14, a + c = 26, b + d = 11 has many solutions: 3 cannot be recovered.
    expected = pd.DataFrame(
        {"male": [C, C, 9, 35], "female": [C, C, 12, 23], "total": [23, 14, 21, 58]}, index=df.index
    )
    pd.testing.assert_frame_equal(out, expected.astype(object))
    # without totals there is nothing to subtract from: primary suppression only
    assert suppress_with_totals(df, ["male", "female"])["male"].tolist() == [20, 6, 9, 35]
    with pytest.raises(InputError, match="no total row"):
        suppress_with_totals(df, ["male"], total_row="All")


def test_measures_table_suppression_follows_every_base_count():
    measures = [
        "cla_at_end",
        "adopted",
        "A1",
        "ceased_sgo",
        "ceased_sgo_pct",
        "ceased",
        "stability_long_term_pct",
        "stability_long_term_n",
        "stability_long_term_eligible",
    ]
    table = pd.DataFrame({"measure": measures, "value": [420, 3, 401.5, 7, 12.1, 58, 75.0, 3, 4]})
    bases = {
        "A1": "adopted",
        "ceased_sgo_pct": ("ceased_sgo", "ceased"),
        "stability_long_term_pct": ("stability_long_term_n", "stability_long_term_eligible"),
    }
    out = suppress_measures(table, bases).set_index("measure")["value"].to_dict()
    # adopted 3 is small so the A1 average over those 3 children is too; 7 of 58 SGOs and their % stand;
    # 3 of 4 children stable: both counts and the 75% suppressed
    assert out == {
        "cla_at_end": 420,
        "adopted": C,
        "A1": C,
        "ceased_sgo": 7,
        "ceased_sgo_pct": 12.1,
        "ceased": 58,
        "stability_long_term_pct": C,
        "stability_long_term_n": C,
        "stability_long_term_eligible": C,
    }


def test_identifiers_are_found_in_tables():
    df = pd.DataFrame({"CHILD": ["123456"], "DOB": ["2015-03-01"], "urn_school": ["x"], "n": [7]})
    assert find_identifiers(df) == ["column CHILD", "column DOB", "column urn_school"]
    values = pd.DataFrame({"where": ["CW1 2AB", "x"], "pupil": ["A123456789012", "B12345678901C"]})
    assert find_identifiers(values) == ["postcode CW1 2AB", "UPN A123456789012", "UPN B12345678901C"]
    assert find_identifiers(pd.DataFrame({"MC_DOB": []}).set_index("MC_DOB")) == ["column MC_DOB"]


def test_identifiers_are_found_in_text_and_html():
    text = "Child 123456 lives at SK11 6TX, UPN A123456789012, total 55 children"
    assert find_identifiers(text, child_ids={"123456", "999999"}) == [
        "postcode SK11 6TX",
        "UPN A123456789012",
        "CHILD id 123456",
    ]
    page = "<table><thead><tr><th>CHILD</th><th>HOME_POST</th><th>Children</th></tr></thead></table>"
    assert find_identifiers(page) == ["column CHILD", "column HOME_POST"]
    with pytest.raises(DisclosureError, match="scorecard.html would identify a child: postcode SK11 6TX"):
        assert_no_identifiers(text, where="scorecard.html")
    # ordinary committee text: dates, ONS codes, rates, "Child 1" labels and a postcode district alone are fine
    clean = "Looked after: 1,234 at 31/03/2020 in E06000049 (rate 66 per 10,000); Child 1; placed in SK11"
    assert find_identifiers(clean, {"123456"}) == []
    assert_no_identifiers(clean)


def test_assert_no_small_counts():
    ok = suppress_counts(pd.DataFrame({"n": [0, 2, 9]}), ["n"])
    assert_no_small_counts(ok, ["n"])
    with pytest.raises(DisclosureError, match="column\\(s\\) n"):
        assert_no_small_counts(pd.DataFrame({"n": [0, 2, 9]}), ["n"])
    with pytest.raises(InputError, match="no column"):
        suppress_counts(pd.DataFrame({"n": [1]}), ["children"])


# --- secondary suppression over lines whose sums a reader knows (suppress_table) -----------------------------------


def _bounds(values: pd.DataFrame, shown: pd.DataFrame, lines: list[list[tuple]]) -> dict[tuple, tuple[float, float]]:
    """What a reader can work out about each [c] cell: its least and greatest value given the shown cells, the known
    sum of every line and that counts are >= 0, by interval reasoning: in a line whose hidden cells add up to H, a
    cell is at least H minus the others' greatest values and at most H minus their least, repeated until nothing
    narrows."""
    hidden = [(r, c) for r in shown.index for c in shown.columns if shown.at[r, c] == MARKER]
    bounds = {cell: [0.0, float("inf")] for cell in hidden}
    sums = []
    for line in lines:
        cells = [cell for cell in line if cell in bounds]
        if cells:
            sums.append(
                (
                    cells,
                    float(sum(values.at[cell] for cell in line) - sum(shown.at[x] for x in line if x not in bounds)),
                )
            )
    for _ in range(100):
        changed = False
        for cells, total in sums:
            for cell in cells:
                others = [bounds[x] for x in cells if x != cell]
                lo = max(bounds[cell][0], total - sum(o[1] for o in others))
                hi = min(bounds[cell][1], total - sum(o[0] for o in others))
                if [lo, hi] != bounds[cell]:
                    bounds[cell], changed = [lo, hi], True
        if not changed:
            break
    return {cell: (lo, hi) for cell, (lo, hi) in bounds.items()}


def _assert_safe(values: pd.DataFrame, shown: pd.DataFrame, lines: list[list[tuple]]) -> None:
    for cell, (lo, hi) in _bounds(values, shown, lines).items():
        assert hi - lo >= 1, f"{cell} can be worked out: between {lo} and {hi}"
    for line in lines:
        hidden = [cell for cell in line if shown.at[cell] == MARKER]
        assert not hidden or sum(values.at[cell] for cell in hidden) >= 5, f"{line}: hidden cells add up to < 5"


def test_one_small_cell_in_a_column_with_a_known_total_takes_the_next_smallest_with_it():
    # placement types at the period end; the whole (609) is published as the number looked after
    t = pd.DataFrame({"children": [241, 163, 44, 5, 1]}, index=["In-house", "IFA", "Residential", "School", "Secure"])
    out = suppress_table(t, ["children"], lines="columns")
    assert out["children"].tolist() == [241, 163, 44, MARKER, MARKER]  # 5 goes with the 1, so 609-... gives 6 only
    _assert_safe(t, out, [[(r, "children") for r in t.index]])


def test_two_small_cells_adding_to_under_five_are_not_enough():
    # children waiting: 7, [c]=2, 0, [c]=2 -> the two [c] would add up to 4; the 7 must go too
    t = pd.DataFrame({"children": [7, 2, 0, 2]}, index=["<3m", "3-6m", "6-12m", "12m+"])
    out = suppress_table(t, ["children"], lines="columns")
    assert out["children"].tolist() == [MARKER, MARKER, 0, MARKER]
    _assert_safe(t, out, [[(r, "children") for r in t.index]])


def test_percentages_follow_the_counts_they_are_computed_from():
    t = pd.DataFrame({"children": [100, 6, 2], "percent": [92.6, 5.6, 1.9]}, index=["a", "b", "c"])
    out = suppress_table(t, ["children"], ["percent"], lines="columns")
    assert out["percent"].tolist() == [92.6, MARKER, MARKER]


def test_rows_and_columns_and_a_group_row_all_protected_at_once():
    # dates x placement types: each row adds up to the number looked after that day; "Residential (all)" is the sum
    # of Residential, Secure and School in every column
    t = pd.DataFrame(
        {"foster": [120, 130, 128], "residential": [20, 22, 21], "secure": [1, 0, 3], "school": [6, 7, 2]},
        index=["q1", "q2", "q3"],
    )
    out = suppress_table(t, list(t.columns), lines="rows")
    row_lines = [[(r, c) for c in t.columns] for r in t.index]
    _assert_safe(t, out, row_lines)
    g = pd.DataFrame(
        {"children": [241, 44, 1, 5, 50]}, index=["Foster", "Residential", "Secure", "School", "Residential (all)"]
    )
    out = suppress_table(
        g, ["children"], lines="columns", groups={"Residential (all)": ["Residential", "Secure", "School"]}
    )
    lines = [
        [(r, "children") for r in ["Foster", "Residential", "Secure", "School"]],
        [
            ("Residential (all)", "children"),
            ("Residential", "children"),
            ("Secure", "children"),
            ("School", "children"),
        ],
    ]
    # the group row is a line of its own: Residential (all) - Residential - School would give Secure
    out_values = out["children"].tolist()
    assert out_values[2] == MARKER and out_values.count(MARKER) >= 2
    _assert_safe(g, out, lines)
    assert audit_table(out.loc[["Foster", "Residential", "Secure", "School"]], ["children"]) == []


def test_the_check_itself_catches_a_recoverable_cell():
    t = pd.DataFrame({"children": [241, 163, 1]}, index=["a", "b", "c"])
    primary_only = suppress_counts(t, ["children"])
    assert audit_table(primary_only, ["children"]) == ["column children: one [c]"]
    with pytest.raises(AssertionError, match="can be worked out"):
        _assert_safe(t, primary_only, [[(r, "children") for r in t.index]])
