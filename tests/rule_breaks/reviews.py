"""Break-once cases for cpanalysis/ssda903/rules/reviews.py: rule code (or code/case) -> (the change that breaks
it once, the child whose row must be found)."""

from rule_cases import setv

BREAKS = {
    "167": (setv("reviews", "A", 0, REVIEW_CODE="PN9"), "A"),
}
