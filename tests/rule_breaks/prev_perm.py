"""Break-once cases for cpanalysis/ssda903/rules/prev_perm.py: rule code (or code/case) -> (the change that
breaks it once, the child whose row must be found)."""

from rule_cases import add, setv

BREAKS = {
    "631": (setv("prev_perm", "A", 0, PREV_PERM="P5"), "A"),
    "633": (setv("prev_perm", "A", 0, LA_PERM="123"), "A"),
    "635": (setv("prev_perm", "A", 0, PREV_PERM=None), "A"),
    "INT07": (add("prev_perm", CHILD="Z", PREV_PERM="Z1"), "Z"),
    "INT16": (setv("prev_perm", "A", 0, DOB="02/01/2010"), "A"),
}
