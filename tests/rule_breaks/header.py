"""Break-once cases for cpanalysis/ssda903/rules/header.py: rule code (or code/case) -> (the change that breaks
it once, the child whose row must be found)."""

from rule_cases import drop, setv

BREAKS = {
    "101": (setv("header", "A", 0, SEX=None), "A"),
    "103": (setv("header", "A", 0, ETHNIC=None), "A"),
    "child_not_in_header": (drop("header", "A"), "A"),
    "102": (setv("header", "A", 0, DOB=None), "A"),
}
