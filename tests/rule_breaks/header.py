"""Break-once cases for cpanalysis/ssda903/rules/header.py: rule code (or code/case) -> (the change that breaks
it once, the child whose row must be found)."""

from rule_cases import add, both, drop, ep, setv

_L_LAST = dict(CHILD="L", SEX="2", DOB="01/06/2001", ETHNIC="WBRI")

BREAKS = {
    "101": (setv("header", "A", 0, SEX=None), "A"),
    "103": (setv("header", "A", 0, ETHNIC=None), "A"),
    "child_not_in_header": (drop("header", "A"), "A"),
    "102": (setv("header", "A", 0, DOB=None), "A"),
    "168": (setv("header", "A", 0, UPN="I123456789012"), "A"),  # no I, O or S first
    "168/s": (setv("header", "A", 0, UPN="S123456789012"), "A"),
    "168/short": (setv("header", "A", 0, UPN="A12345678901"), "A"),
    "174": (setv("header", "A", 0, MC_DOB="01/01/2020"), "A"),  # A is male
    "209": (setv("header", "A", 0, UPN="UN1"), "A"),  # A was 8 on 31/08/2018
    "301": (setv("header", "B", 0, DOB="01/04/2020"), "B"),
    "351": (setv("header", "L", 0, DOB="31/03/1994"), "L"),  # 25 on 31/03/2019, over 25 on 01/04/2019
    "611": (setv("header", "L", 0, MOTHER="1"), "L"),
    "612": (setv("header", "L", 0, MC_DOB="01/01/2019"), "L"),
    "620": (setv("header", "T", 0, MOTHER="1", MC_DOB="01/01/2019"), "T"),  # T is 9
    "621": (setv("header", "L", 0, MOTHER="1", MC_DOB="01/06/2001"), "L"),  # her child born the day she was
    "202": (setv("prev_header", "A", 0, SEX="2"), "A"),
    "202/recoded": (setv("prev_header", "A", 0, SEX="F"), "A"),  # 1 is M: a change only if F becomes 1
    "203": (setv("prev_header", "A", 0, DOB="02/01/2010"), "A"),
    "204": (setv("prev_header", "A", 0, ETHNIC="WIRI"), "A"),
    "208": (both(setv("header", "A", 0, UPN="A123456789012"), setv("prev_header", "A", 0, UPN="B123456789012")), "A"),
    "208/back_to_unknown": (
        both(setv("header", "A", 0, UPN="UN2"), setv("prev_header", "A", 0, UPN="A123456789012")),
        "A",
    ),
    "624": (
        both(
            add("prev_header", **_L_LAST, MOTHER="1", MC_DOB="01/01/2018"),
            setv("header", "L", 0, MOTHER="1", MC_DOB="01/02/2018"),
        ),
        "L",
    ),
    "626": (
        both(add("prev_header", **_L_LAST, MOTHER="0"), setv("header", "L", 0, MOTHER="1", MC_DOB="01/01/2018")),
        "L",
    ),
}

_T_LAST = dict(CHILD="T", SEX="2", DOB="01/01/2010", ETHNIC="WBRI")
_Z_BREAKS_ONLY = both(
    add("header", CHILD="Z", SEX="1", DOB="01/01/2012", ETHNIC="WBRI"),
    add("episodes", **ep("Z", "01/05/2019", "S", "V3", "U6", "03/05/2019", "E8")),
)

BREAKS |= {
    "232": (setv("header", "A", 0, SEX="U"), "A"),
    "444": (both(setv("header", "A", 0, UPN="A123456789012"), setv("header", "T", 0, UPN="A123456789012")), "T"),
    "207": (add("prev_header", **_T_LAST, MOTHER="1", MC_DOB="01/01/2019"), "T"),
    "210": (setv("header", "A", 0, UPN="UN4"), "A"),
    "607": (setv("header", "B", 0, SEX="2"), "B"),  # B left care (adopted) in the year
    "625": (setv("header", "T", 0, MOTHER="1", MC_DOB="01/04/2020"), "T"),
    "625/after_ceasing": (setv("header", "B", 0, SEX="2", MOTHER="1", MC_DOB="02/02/2020"), "B"),  # ceased 01/02
    "399": (both(_Z_BREAKS_ONLY, setv("header", "Z", 0, MOTHER="0")), "Z"),
    "399/review": (both(_Z_BREAKS_ONLY, add("reviews", CHILD="Z", REVIEW="02/05/2019", REVIEW_CODE="PN1")), "Z"),
}
BREAKS |= {
    "393": (setv("header", "T", 0, MOTHER=None), "T"),
    "442": (setv("header", "T", 0, UPN=None), "T"),
    "165": (setv("header", "O2", 0, MOTHER=None), "O2"),  # a girl looked after
    "165/male": (setv("header", "A", 0, MOTHER="0"), "A"),
    "165/invalid": (setv("header", "T", 0, MOTHER="2"), "T"),
    "1012": (add("missing", CHILD="L", MISSING="M", MIS_START="01/06/2019", MIS_END="02/06/2019"), "L"),
}
