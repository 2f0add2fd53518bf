"""Break-once cases for cpanalysis/ssda903/rules/leavers.py: rule code (or code/case) -> (the change that breaks
it once, the child whose row must be found)."""

from rule_cases import YEAR, add, ep, setv

BREAKS = {
    "131": (setv("oc3", "L", 0, IN_TOUCH="XX"), "L"),
    "132": (setv("oc3", "L", 0, ACTIV="XX"), "L"),
    "133": (setv("oc3", "L", 0, ACCOM="XX"), "L"),
    "391": (setv("oc3", "L", 0, DOB="01/06/2004"), "L"),
    "1002": (lambda rows: rows.update(first_year=YEAR - 5), "L"),
    "1007": (add("episodes", **ep("L", "01/05/2019", "S", "V2", "K2", "01/07/2019", "E8")), "L"),
}
