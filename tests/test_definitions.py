"""The measures audited against the DfE definitions (issue 20): one hand-worked history per item.

Each test states the rule it checks and where the rule comes from; every expected value is worked out by hand in
the comments. Reporting year 2023/24 (1 April 2023 - 31 March 2024) unless said otherwise.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from factories import episodes_frame, frame, header_frame

from cpanalysis import adoption, costs, population
from cpanalysis.categories import SGO, placement_category, reason_group
from cpanalysis.measures import measures_table
from cpanalysis.ssda903 import Dataset
from cpanalysis.ssda903.schema import REASON_EPISODE_CEASED, label, valid_codes

T = pd.Timestamp
Y_START, Y_END = T(2023, 4, 1), T(2024, 3, 31)


def _dataset(episodes: pd.DataFrame, header: pd.DataFrame, years: list[int], ad1: pd.DataFrame | None = None):
    empty = pd.DataFrame()
    ad1 = frame("ad1", []) if ad1 is None else ad1
    return Dataset(
        tables={"episodes": episodes, "header": header, "ad1": ad1},
        quality=empty,
        accounting=empty,
        files=pd.DataFrame({"year": years}),
        source=Path("."),
    )


def _values(table: pd.DataFrame) -> dict:
    return dict(zip(table["measure"], table["value"]))


# -- 1. Special guardianship orders: the code list of each collection year -------------------------------------------


def test_sgo_codes_by_collection_year():
    """liia-tools SSDA903_schema_2017.yml / _2018.yml list REC E43, E44 and no E45-E48; _2019.yml onwards list
    E45-E48 and no E43/E44 (collection years named by their 31 March)."""
    for year in (2017, 2018):
        assert {"E43", "E44"} <= valid_codes("REC", year)
        assert not {"E45", "E46", "E47", "E48"} & valid_codes("REC", year)
    for year in (2019, 2024):
        assert {"E45", "E46", "E47", "E48"} <= valid_codes("REC", year)
        assert not {"E43", "E44"} & valid_codes("REC", year)


def test_sgo_group_holds_every_years_codes_and_labels_are_right():
    in_schema = {c.code for c in REASON_EPISODE_CEASED if c.label.startswith("Special guardianship order")}
    assert set(SGO) == in_schema == {"E43", "E44", "E45", "E46", "E47", "E48"}
    groups = reason_group(pd.Series(["E43", "E44", "E45", "E48", "E41"]))
    assert groups.tolist() == ["Special guardianship order"] * 4 + ["Child arrangements order"]
    # 903 guidance: E45/E46 former foster carer who is / is not a relative or friend; E47/E48 other carer who is /
    # is not a relative or friend.
    assert "former foster carer" in label("REC", "E45") and "who is/are a relative" in label("REC", "E45")
    assert "former foster carer" in label("REC", "E46") and "other than relative" in label("REC", "E46")
    assert "other than former foster carer" in label("REC", "E47") and "a relative or friend" in label("REC", "E47")
    assert "other than former foster carer" in label("REC", "E48") and "not relative/friend" in label("REC", "E48")


def test_older_sgo_codes_count_in_the_measures_and_the_allowances():
    """2016/17 (collection 2017): E43 and E44 are special guardianship orders."""
    eps = episodes_frame(
        [
            # A: SGO to former foster carers (E43) on 01/10/2016; B: SGO to other carers (E44) on 01/12/2016;
            # C: returned home (E4A). Ceased 3, SGO 2 -> 66.7%.
            dict(CHILD="A", DECOM="01/01/2015", RNE="S", LS="C2", PLACE="U4", DEC="01/10/2016", REC="E43"),
            dict(CHILD="B", DECOM="01/01/2015", RNE="S", LS="C2", PLACE="U1", DEC="01/12/2016", REC="E44"),
            dict(CHILD="C", DECOM="01/01/2015", RNE="S", LS="C2", PLACE="U4", DEC="01/02/2017", REC="E4A"),
        ],
        year=2017,
    )
    header = header_frame([dict(CHILD=c, DOB="01/01/2010") for c in "ABC"], year=2017)
    values = _values(measures_table(_dataset(eps, header, [2017]), T(2016, 4, 1), T(2017, 3, 31)))
    assert (values["ceased"], values["ceased_sgo"], values["ceased_sgo_pct"]) == (3, 2, 66.7)
    # SGO allowance 2017-18: A and B, each the whole year (365 days) before their 18th birthday (2028).
    unit = pd.DataFrame(
        {"category": ["SGO allowance"], "weekly_cost_gbp": [140.0], "financial_year": ["2017-18"], "start_year": [2017]}
    )
    got = costs.sgo_allowances(eps, header, ["2017-18"], unit).iloc[0]
    assert (got["children"], got["days"], got["spend_gbp"]) == (2, 730, round(730 * 140 / 7))


# -- 4. Periods that begin with short breaks and convert: one rule for every module ---------------------------------

CONVERTS = episodes_frame(
    [
        # V: short breaks (V3) from 01/01/2023, looked after under a care order (C2) from 01/06/2023 (X1 on the same
        #    day): the DfE's start of care is 01/06/2023 -> a start in 2023/24.
        dict(CHILD="V", DECOM="01/01/2023", RNE="S", LS="V3", PLACE="U6", DEC="01/06/2023", REC="X1"),
        dict(CHILD="V", DECOM="01/06/2023", RNE="L", LS="C2", PLACE="U6"),
        # W: short breaks only: never a start.
        dict(CHILD="W", DECOM="01/05/2023", RNE="S", LS="V4", PLACE="U6", DEC="03/05/2023", REC="E8"),
        # X: V3 from 01/01/2021, C2 from 01/06/2021, E1, placed for adoption (A6) 01/06/2022, adopted 01/12/2022:
        #    entered care 01/06/2021 -> A1 = 365 days (30 + 31 + 31 + 30 + 31 + 30 + 31 + 31 + 28 + 31 + 30 + 31).
        dict(CHILD="X", DECOM="01/01/2021", RNE="S", LS="V3", PLACE="U6", DEC="01/06/2021", REC="X1"),
        dict(CHILD="X", DECOM="01/06/2021", RNE="L", LS="C2", PLACE="U6", DEC="01/01/2022", REC="X1"),
        dict(CHILD="X", DECOM="01/01/2022", RNE="L", LS="E1", PLACE="U6", DEC="01/06/2022", REC="X1"),
        dict(CHILD="X", DECOM="01/06/2022", RNE="P", LS="E1", PLACE="A6", DEC="01/12/2022", REC="E11"),
    ]
)


def test_a_period_that_converts_from_short_breaks_starts_at_the_conversion():
    """DfE statistics exclude care under an agreed series of short-term breaks: the period of care is dated from its
    first episode under another legal status (cpanalysis.periods)."""
    s = population.starts(CONVERTS, Y_START, Y_END)
    assert s[["CHILD", "PERIOD_START"]].values.tolist() == [["V", T(2023, 6, 1)]]
    j = adoption.journeys(CONVERTS, frame("ad1", []), T(2022, 4, 1), T(2023, 3, 31))
    assert j[["CHILD", "entered", "A1_days"]].values.tolist() == [["X", T(2021, 6, 1), 365]]


# -- 2. Long-term stability: same carer and temporary placements do not restart the two-year clock -----------------

LONG = episodes_frame(
    [
        # All looked after since 01/01/2020 (2.5 years before 31/03/2024 is 30/09/2021; 2 years is 31/03/2022).
        # M: U6 with a carer, who becomes the long-term carer 01/06/2023 (U4, RNE T: same carer) -> same carer since
        #    01/01/2020 -> stable.
        dict(CHILD="M", DECOM="01/01/2020", RNE="S", LS="C2", PLACE="U6", DEC="01/06/2023", REC="X1"),
        dict(CHILD="M", DECOM="01/06/2023", RNE="T", LS="C2", PLACE="U4"),
        # N: U4; carer on holiday 01/02/2024-15/02/2024 (T3), back to the same placement -> stable.
        dict(CHILD="N", DECOM="01/01/2020", RNE="S", LS="C2", PLACE="U4", DEC="01/02/2024", REC="X1"),
        dict(CHILD="N", DECOM="01/02/2024", RNE="P", LS="C2", PLACE="T3", DEC="15/02/2024", REC="X1"),
        dict(CHILD="N", DECOM="15/02/2024", RNE="P", LS="C2", PLACE="U4"),
        # O: U4; a temporary move (T4) 01/02/2024, then a new placement (U6 with an agency, PR4) 08/02/2024 -> not
        #    stable (the new placement began 08/02/2024).
        dict(CHILD="O", DECOM="01/01/2020", RNE="S", LS="C2", PLACE="U4", DEC="01/02/2024", REC="X1"),
        dict(CHILD="O", DECOM="01/02/2024", RNE="P", LS="C2", PLACE="T4", DEC="08/02/2024", REC="X1"),
        dict(CHILD="O", DECOM="08/02/2024", RNE="P", LS="C2", PLACE="U6", PLACE_PROVIDER="PR4"),
        # P: U6, placement order and long-term with the same carer 01/05/2023 (U4, RNE U: legal and placement change,
        #    same carer) -> stable.
        dict(CHILD="P", DECOM="01/01/2020", RNE="S", LS="C2", PLACE="U6", DEC="01/05/2023", REC="X1"),
        dict(CHILD="P", DECOM="01/05/2023", RNE="U", LS="E1", PLACE="U4"),
    ]
)
LONG_HEADER = header_frame([dict(CHILD=c, DOB="01/01/2015") for c in "MNOP"])


def test_long_term_stability_counts_same_carer_and_temporary_moves_as_one_placement():
    """DfE: aged under 16, looked after for 2.5 years, 'living with the same carer for at least 2 years' (Stability
    measures for children looked after in England); RNE T/U are changes with the same carer; T0-T4 are temporary
    placements the child returns from (903 guidance; validator rule 383). Eligible M, N, O, P; stable M, N, P ->
    3 of 4 = 75.0%."""
    lt = population.long_term_placements(LONG, LONG_HEADER, Y_END).set_index("CHILD")
    assert lt["placement_start"].to_dict() == {
        "M": T(2020, 1, 1),
        "N": T(2020, 1, 1),
        "O": T(2024, 2, 8),
        "P": T(2020, 1, 1),
    }
    assert population.stability_long_term(LONG, LONG_HEADER, Y_END) == {"children": 3, "eligible": 4, "percent": 75.0}


# -- 3. Three or more placements in the year: the same rule ----------------------------------------------------------

MOVES = episodes_frame(
    [
        # Q: U6; in hospital 01/05/2023-10/05/2023 (T1) and back; the carer becomes long-term 01/09/2023 (U4, RNE T);
        #    a children's home 01/11/2023 (P) -> placements in the year: the carer (U6/T1/U6/U4), K2 = 2.
        dict(CHILD="Q", DECOM="01/01/2023", RNE="S", LS="C2", PLACE="U6", DEC="01/05/2023", REC="X1"),
        dict(CHILD="Q", DECOM="01/05/2023", RNE="P", LS="C2", PLACE="T1", DEC="10/05/2023", REC="X1"),
        dict(CHILD="Q", DECOM="10/05/2023", RNE="P", LS="C2", PLACE="U6", DEC="01/09/2023", REC="X1"),
        dict(CHILD="Q", DECOM="01/09/2023", RNE="T", LS="C2", PLACE="U4", DEC="01/11/2023", REC="X1"),
        dict(CHILD="Q", DECOM="01/11/2023", RNE="P", LS="C2", PLACE="K2"),
        # R: three carers in the year (U6, U4 from 01/06/2023, K2 from 01/10/2023) -> 3.
        dict(CHILD="R", DECOM="01/01/2023", RNE="S", LS="C2", PLACE="U6", DEC="01/06/2023", REC="X1"),
        dict(CHILD="R", DECOM="01/06/2023", RNE="P", LS="C2", PLACE="U4", DEC="01/10/2023", REC="X1"),
        dict(CHILD="R", DECOM="01/10/2023", RNE="P", LS="C2", PLACE="K2"),
    ]
)


def test_three_or_more_placements_do_not_count_same_carer_or_temporary_moves():
    """Placements as the DfE counts them (population._stability_placements): Q 2, R 3 -> 1 of 2 = 50.0%."""
    p = population.placements_in_year(MOVES, Y_END).set_index("CHILD")["placements"]
    assert p.to_dict() == {"Q": 2, "R": 3}
    assert population.stability_3plus(MOVES, Y_END) == {"children": 1, "looked_after": 2, "percent": 50.0}


# -- 11. A period whose last episode ends X1 with nothing after it ---------------------------------------------------


def test_a_period_ending_x1_with_nothing_after_it_ends_there():
    """The child is not looked after after the X1 date (no open episode), so the period ends on it, reason X1
    (grouped 'Other'): starts, endings and the looked-after count agree (validation reports the x1_gap)."""
    eps = episodes_frame(
        [dict(CHILD="Z", DECOM="01/05/2023", RNE="S", LS="V2", PLACE="U6", DEC="01/09/2023", REC="X1")], year=2024
    )
    c = population.ceased(eps, Y_START, Y_END)
    assert c[["CHILD", "PERIOD_END", "PERIOD_REASON", "reason_group"]].values.tolist() == [
        ["Z", T(2023, 9, 1), "X1", "Other"]
    ]
    f = population.flows(eps, [Y_END], months=12).iloc[0]
    assert (f["started"], f["ceased"], f["looked_after"]) == (1, 1, 0)


@pytest.mark.parametrize("provider", ["PR1", "PR4"])
def test_placement_category_examples(provider):
    # placeholder replaced below (item 8)
    assert placement_category(pd.Series(["U4"]), pd.Series([provider])).iloc[0].endswith("foster")
