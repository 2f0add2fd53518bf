"""Break-once cases for cpanalysis/ssda903/rules/missing.py: rule code (or code/case) -> (the change that breaks
it once, the child whose row must be found)."""

from rule_cases import add, both, setv

BREAKS = {
    "567": (setv("missing", "A", 0, MIS_END="31/05/2019"), "A"),
    "574": (setv("missing", "A", 0, MIS_END=None), "A"),
    "578": (add("missing", CHILD="B", MISSING="M", MIS_START="01/03/2020", MIS_END="02/03/2020"), "B"),
    "581": (add("missing", CHILD="B", MISSING="M", MIS_START="01/03/2019", MIS_END="02/03/2019"), "B"),
    "586": (setv("missing", "A", 0, DOB="01/07/2019"), "A"),
    "1006": (setv("missing", "A", 0, MISSING="X"), "A"),
    "565": (setv("missing", "A", 1, MISSING=None, MIS_END=None), "A"),
    "566": (setv("missing", "A", 0, MISSING=None), "A"),  # (565 too: it has a start)
    "570": (add("missing", CHILD="A", MISSING="M", MIS_START="01/04/2020", MIS_END="02/04/2020"), "A"),
    "571": (setv("missing", "A", 1, MIS_END="01/04/2020"), "A"),
    "571/before": (setv("missing", "A", 0, MIS_START="30/03/2019", MIS_END="31/03/2019"), "A"),
    "575": (setv("missing", "A", 0, MIS_END=None), "A"),  # A's first episode ended 01/07/2019
    "576": (setv("prev_missing", "A", 0, MIS_END=None), "A"),  # open from 01/02/2019, not carried over
    "580": (
        both(
            setv("header", "B", 0, DOB="01/02/2002"),
            add("missing", CHILD="B", MISSING="M", MIS_START="20/01/2020", MIS_END="01/02/2020"),
        ),
        "B",  # B's episode ends E11 on the 18th birthday, the day the missing period ends
    ),
    "577": (add("missing", CHILD="A", MISSING="M", MIS_START="20/04/2019", MIS_END="21/04/2019"), "A"),  # in care 01/05
    "577/ended": (add("missing", CHILD="B", MISSING="M", MIS_START="01/01/2020"), "B"),  # B was adopted 01/02/2020
    "INT04": (add("missing", CHILD="Z", MISSING="M", MIS_START="01/06/2019", MIS_END="02/06/2019"), "Z"),
    "INT13": (setv("missing", "A", 0, DOB="02/01/2010"), "A"),
}
