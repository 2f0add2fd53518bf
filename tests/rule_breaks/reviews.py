"""Break-once cases for cpanalysis/ssda903/rules/reviews.py: rule code (or code/case) -> (the change that breaks
it once, the child whose row must be found)."""

from rule_cases import add, both, setv

BREAKS = {
    "167": (setv("reviews", "A", 0, REVIEW_CODE="PN9"), "A"),
    "440": (setv("reviews", "A", 0, REVIEW_CODE="PN0"), "A"),  # A is 9
    "440/fourth_birthday": (
        both(
            setv("header", "B", 0, DOB="01/07/2015"), add("reviews", CHILD="B", REVIEW="01/07/2019", REVIEW_CODE="PN0")
        ),
        "B",
    ),
    "441": (
        both(
            setv("header", "B", 0, DOB="02/07/2015"), add("reviews", CHILD="B", REVIEW="01/07/2019", REVIEW_CODE="PN1")
        ),
        "B",  # 4 the next day
    ),
    "review_outside_care": (add("reviews", CHILD="A", REVIEW="30/04/2019", REVIEW_CODE="PN1"), "A"),  # in care 01/05
    "INT08": (add("reviews", CHILD="Z", REVIEW="01/07/2019", REVIEW_CODE="PN1"), "Z"),
    "INT17": (setv("reviews", "A", 0, DOB="02/01/2010"), "A"),
}
