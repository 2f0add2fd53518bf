"""Break-once cases for cpanalysis/ssda903/rules/prev_perm.py: rule code (or code/case) -> (the change that
breaks it once, the child whose row must be found)."""

from rule_cases import add, both, drop, ep, setv

BREAKS = {
    "631": (setv("prev_perm", "A", 0, PREV_PERM="P5"), "A"),
    "633": (setv("prev_perm", "A", 0, LA_PERM="123"), "A"),
    "635": (setv("prev_perm", "A", 0, PREV_PERM=None), "A"),
    "634": (
        both(
            add("header", CHILD="Q", SEX="1", DOB="01/01/2010", ETHNIC="WBRI"),
            add("episodes", **ep("Q", "01/01/2019", "S", "C2", "U4")),  # looked after since before 2019/20
            add("prev_perm", CHILD="Q", DOB="01/01/2010", PREV_PERM="Z1"),
        ),
        "Q",
    ),
    "INT07": (add("prev_perm", CHILD="Z", PREV_PERM="Z1"), "Z"),
    "INT16": (setv("prev_perm", "A", 0, DOB="02/01/2010"), "A"),
}
BREAKS |= {
    "632": (setv("prev_perm", "A", 0, DATE_PERM="01/05/2019"), "A"),  # the day A's first episode starts
    "632/partial": (setv("prev_perm", "A", 0, DATE_PERM="ZZ/05/2019"), "A"),  # earliest 01/05/2019
    "632/unreadable": (setv("prev_perm", "A", 0, DATE_PERM="2015"), "A"),
}
BREAKS |= {
    "630": (drop("prev_perm", "T"), "T"),  # T started in the year
    "630/blank": (setv("prev_perm", "B", 0, PREV_PERM=None), "B"),
    "630/no_date": (setv("prev_perm", "A", 0, DATE_PERM=None), "A"),  # P1 needs LA_PERM and DATE_PERM
}
