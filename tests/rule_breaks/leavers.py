"""Break-once cases for cpanalysis/ssda903/rules/leavers.py: rule code (or code/case) -> (the change that breaks
it once, the child whose row must be found). L (born 01/06/2001) is 17 at the start of 2019/20 and 18 at its end;
her only episode is in last year's return (ended 01/03/2019)."""

from rule_cases import YEAR, add, both, ep, setv


def oc3(**values):
    """L's OC3 row changed."""
    return setv("oc3", "L", 0, **values)


BREAKS = {
    "131": (oc3(IN_TOUCH="XX"), "L"),
    "132": (oc3(ACTIV="XX"), "L"),
    "133": (oc3(ACCOM="XX"), "L"),
    "391": (oc3(DOB="01/06/2004"), "L"),
    "1002": (lambda rows: rows.update(first_year=YEAR - 5), "L"),
    "1007": (add("episodes", **ep("L", "01/05/2019", "S", "V2", "K2", "01/07/2019", "E8")), "L"),
    # the data reach back to 2014/15 and L's episodes all ended before her 16th birthday (01/06/2017)
    "1001": (
        both(
            lambda rows: rows.update(first_year=YEAR - 5),
            add("episodes", **ep("L", "01/01/2017", "S", "C2", "U4", "01/03/2017", "E8")),
        ),
        "L",
    ),
    "1016": (add("episodes", **ep("L", "01/07/2019", "S", "V2", "K2", "01/08/2019", "E8")), "L"),  # left after 18
    "153": (oc3(ACCOM=None), "L"),
    "344": (oc3(IN_TOUCH="DIED"), "L"),
    "345": (oc3(ACTIV="0"), "L"),
    "347": (oc3(ACCOM="T1"), "L"),
    "3001": (oc3(DOB="01/06/2002", ACCOM="Z1"), "L"),  # 17 on 01/06/2019
    "348": (lambda rows: rows.update(prev_oc3=[dict(CHILD="L", IN_TOUCH="DIED", ACTIV="0", ACCOM="0")]), "L"),
    "1000": (setv("prev_episodes", "L", 0, REC="E2"), "L"),
    "1010": (setv("prev_episodes", "L", 0, DEC=None, REC=None), "L"),
    "1011": (add("episodes", **ep("L", "01/04/2019", "S", "C2", "U4", "01/05/2019", "E3")), "L"),
    "187": (add("oc3", CHILD="O2", DOB="01/01/2012", IN_TOUCH="YES", ACTIV="F1", ACCOM="B1"), "O2"),
    "628": (setv("header", "L", 0, MOTHER="0"), "L"),
    "1014": (add("uasc", CHILD="L", SEX="2", DOB="01/06/2001", DUC="01/01/2019"), "L"),
}
