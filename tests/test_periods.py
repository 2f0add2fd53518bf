"""Episodes -> periods of care and placements, on histories worked out by hand."""

from __future__ import annotations

import pandas as pd
from factories import episodes_frame

from cpanalysis.periods import episodes_with_periods, periods_of_care, placements

T = pd.Timestamp

# Child A: S (C1, U4) -> X1 -> L (C2, same U4) -> X1 -> P (U6) -> E4A on 01/12/2019: one period, 2 placements.
#          Re-enters 01/02/2020 (S, V2, K2), still open: second period, third placement.
# Child B: a short break (V3), 01/02/2020 - 03/02/2020, ends E8.
# Child C: S then X1 on 01/06/2019, but the next episode starts 10/06/2019 (a gap): two periods.
HISTORY = episodes_frame(
    [
        dict(CHILD="A", DECOM="01/04/2019", RNE="S", LS="C1", PLACE="U4", DEC="01/06/2019", REC="X1"),
        dict(CHILD="A", DECOM="01/06/2019", RNE="L", LS="C2", PLACE="U4", DEC="01/09/2019", REC="X1"),
        dict(CHILD="A", DECOM="01/09/2019", RNE="P", LS="C2", PLACE="U6", DEC="01/12/2019", REC="E4A"),
        dict(CHILD="A", DECOM="01/02/2020", RNE="S", LS="V2", PLACE="K2"),
        dict(CHILD="B", DECOM="01/02/2020", RNE="S", LS="V3", PLACE="U6", DEC="03/02/2020", REC="E8"),
        dict(CHILD="C", DECOM="01/04/2019", RNE="S", LS="V2", PLACE="U4", DEC="01/06/2019", REC="X1"),
        dict(CHILD="C", DECOM="10/06/2019", RNE="P", LS="V2", PLACE="U6", DEC="01/07/2019", REC="E4B"),
    ]
)


def test_periods_of_care():
    p = periods_of_care(HISTORY).set_index(["CHILD", "PERIOD"])
    assert list(p.index) == [("A", 1), ("A", 2), ("B", 1), ("C", 1), ("C", 2)]
    a1 = p.loc[("A", 1)]
    assert (a1["START"], a1["END"], a1["REASON"], a1["N_EPISODES"]) == (T(2019, 4, 1), T(2019, 12, 1), "E4A", 3)
    assert a1["LEGAL_STATUSES"] == "C1>C2" and a1["PLACEMENTS"] == "U4>U6"
    a2 = p.loc[("A", 2)]
    assert a2["START"] == T(2020, 2, 1) and pd.isna(a2["END"]) and pd.isna(a2["REASON"])
    assert bool(p.loc[("B", 1), "SHORT_BREAKS_ONLY"]) and not bool(a1["SHORT_BREAKS_ONLY"])
    # C's X1 does not join across the 9-day gap: the first period ends on the X1's date with reason X1 (issue 20,
    # item 11: the child is not looked after in the gap), the second starts with P.
    assert p.loc[("C", 1), "END"] == T(2019, 6, 1) and p.loc[("C", 1), "REASON"] == "X1"
    assert p.loc[("C", 2), "FIRST_RNE"] == "P"


def test_episodes_with_periods_columns():
    e = episodes_with_periods(HISTORY)
    a = e[e["CHILD"] == "A"]
    assert list(a["PERIOD"]) == [1, 1, 1, 2]
    assert list(a["EPISODE_IN_PERIOD"]) == [1, 2, 3, 1]
    assert list(a["PERIOD_END"].iloc[:3]) == [T(2019, 12, 1)] * 3
    assert list(a["PERIOD_REASON"].iloc[:3]) == ["E4A"] * 3


def test_placements_collapse_legal_changes():
    p = placements(HISTORY)
    a = p[p["CHILD"] == "A"]
    # U4 from 01/04 to 01/09 (the L episode continues it), U6 to 01/12, K2 open.
    assert list(zip(a["PLACE"], a["START"], a["END"])) == [
        ("U4", T(2019, 4, 1), T(2019, 9, 1)),
        ("U6", T(2019, 9, 1), T(2019, 12, 1)),
        ("K2", T(2020, 2, 1), pd.NaT),
    ]
    assert list(a["PERIOD"]) == [1, 1, 2]
