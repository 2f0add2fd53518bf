"""Break-once cases for cpanalysis/ssda903/rules/uasc.py: rule code (or code/case) -> (the change that breaks
it once, the child whose row must be found)."""

from rule_cases import add, setv

BREAKS = {
    "104": (setv("uasc", "A", 0, DUC="31/03/2019"), "A"),  # the day before the 2019/20 year
    "304": (setv("uasc", "A", 0, DUC="02/01/2028"), "A"),  # A is 18 on 01/01/2028
    "INT09": (add("uasc", CHILD="Z", SEX="1", DOB="01/01/2010"), "Z"),
    "INT18": (setv("uasc", "A", 0, DOB="02/01/2010"), "A"),
    "INT21": (setv("uasc", "A", 0, SEX="2"), "A"),
}
