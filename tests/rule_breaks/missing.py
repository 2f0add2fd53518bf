"""Break-once cases for cpanalysis/ssda903/rules/missing.py: rule code (or code/case) -> (the change that breaks
it once, the child whose row must be found)."""

from rule_cases import add, setv

BREAKS = {
    "missing_end_before_start": (setv("missing", "A", 0, MIS_END="31/05/2019"), "A"),
    "574": (setv("missing", "A", 0, MIS_END=None), "A"),
    "578": (add("missing", CHILD="B", MISSING="M", MIS_START="01/03/2020", MIS_END="02/03/2020"), "B"),
    "581": (add("missing", CHILD="B", MISSING="M", MIS_START="01/03/2019", MIS_END="02/03/2019"), "B"),
    "586": (setv("missing", "A", 0, DOB="01/07/2019"), "A"),
}
