"""Break-once cases for cpanalysis/ssda903/rules/oc2.py: rule code (or code/case) -> (the change that breaks it once,
the child whose row must be found). O2 (born 01/01/2012, aged 7 at the start of 2019/20 and 8 at its end) is in the
OC2 cohort: looked after since 01/01/2018."""

from rule_cases import add, both, setv


def oc2(**values):
    """O2's OC2 row changed."""
    return setv("oc2", "O2", 0, **values)


LATE_START = setv("episodes", "O2", 0, DECOM="01/05/2019")  # looked after from 01/05/2019: not in the cohort
LEAVER = add("oc3", CHILD="O2", DOB="01/01/2012", IN_TOUCH="YES", ACTIV="F1", ACCOM="B1")

BREAKS = {
    "196": (oc2(SDQ_SCORE=None, SDQ_REASON="XX"), "O2"),
    "180": (oc2(SDQ_SCORE="41"), "O2"),
    "180/text": (oc2(SDQ_SCORE="12.5"), "O2"),
    "181": (oc2(IMMUNISATIONS="2"), "O2"),
    "182": (oc2(IMMUNISATIONS=None, INTERVENTION_OFFERED="1"), "O2"),
    "544": (oc2(CONVICTED="1", TEETH_CHECK=None), "O2"),
    "547": (oc2(HEALTH_CHECK="1", TEETH_CHECK=None), "O2"),
    "158": (oc2(SUBSTANCE_MISUSE="1", INTERVENTION_RECEIVED="1", INTERVENTION_OFFERED="0"), "O2"),
    "159": (oc2(SUBSTANCE_MISUSE="1", INTERVENTION_RECEIVED="0"), "O2"),
    "192": (oc2(SUBSTANCE_MISUSE="1"), "O2"),
    "193": (oc2(INTERVENTION_OFFERED="1"), "O2"),
    "197a": (oc2(SDQ_REASON="SDQ2"), "O2"),
    "188": (oc2(DOB="01/06/2016"), "O2"),  # 3 on 31/03/2020
    "189": (oc2(DOB="01/01/2002"), "O2"),  # 17 on 01/04/2019
    "542": (oc2(CONVICTED="0"), "O2"),
    "186": (oc2(SDQ_SCORE=None), "O2"),
    "197B": (oc2(DOB="01/06/2015", SDQ_SCORE=None), "O2"),  # 4 on 01/06/2019
    "197B/17": (oc2(DOB="01/06/2002", SDQ_SCORE=None), "O2"),  # 17 on 01/06/2019
    "157": (oc2(SDQ_SCORE=None, SDQ_REASON="SDQ1"), "O2"),
    "543": (oc2(DOB="31/03/2010"), "O2"),  # 10 on 31/03/2020
    "545": (oc2(DOB="01/01/2016"), "O2"),  # 4 on 31/03/2020
    "546": (oc2(HEALTH_CHECK="0"), "O2"),
    "191": (oc2(TEETH_CHECK=None), "O2"),
    "190": (LATE_START, "O2"),
    "185": (LATE_START, "O2"),
    "198": (both(LATE_START, oc2(SDQ_SCORE=None, SDQ_REASON="SDQ2")), "O2"),
    "215": (LEAVER, "O2"),
}
