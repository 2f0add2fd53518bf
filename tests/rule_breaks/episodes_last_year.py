"""Break-once cases for cpanalysis/ssda903/rules/episodes_last_year.py: rule code (or code/case) -> (the change
that breaks it once, the child whose row must be found)."""

from rule_cases import add, both, ep, setv

_B_FROM_MARCH = setv("episodes", "B", 0, DECOM="01/03/2019")  # B's first episode now began last year


def _carried(**last_year):
    """B's first episode began on 01/03/2019 and was open at the end of last year's return, with `last_year`'s
    values there (else the same as this year's)."""
    row = ep("B", "01/03/2019", "S", "C2", "U4")
    row.update(last_year)
    return both(_B_FROM_MARCH, add("prev_episodes", **row))


BREAKS = {
    "502": (add("prev_episodes", **ep("A", "01/03/2019", "S", "C1", "U4")), "A"),  # this year's starts 01/05/2019
    "503A": (_carried(RNE="P"), "B"),
    "503B": (_carried(LS="C1"), "B"),
    "503C": (_carried(CIN="N2"), "B"),
    "503D": (_carried(PLACE="U6"), "B"),
    "503D/blank_last_year": (_carried(PLACE=None), "B"),
    "503E": (_carried(PLACE_PROVIDER="PR4"), "B"),
    "503F": (_carried(URN="SC123456"), "B"),
    "503G": (_carried(PL_DISTANCE="4.5"), "B"),
    "453": (both(_carried(PL_DISTANCE="4.5"), setv("episodes", "B", 0, PL_DISTANCE="4.8")), "B"),
    "453/blank_last_year": (both(_carried(), setv("episodes", "B", 0, PL_DISTANCE="4.8")), "B"),
    "562": (
        both(_B_FROM_MARCH, add("prev_episodes", **ep("B", "01/01/2019", "S", "C2", "U4", "01/03/2019", "X1"))),
        "B",
    ),
    "NoE": (_B_FROM_MARCH, "B"),
    "199": (add("episodes", **ep("B", "01/03/2020", "S", "C2", "U4")), "B"),  # adopted 01/02/2020
    "199/last_year": (
        both(setv("prev_episodes", "L", 0, REC="E11"), add("episodes", **ep("L", "01/05/2019", "S", "V2", "U4"))),
        "L",
    ),
}
