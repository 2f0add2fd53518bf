"""Break-once cases for cpanalysis/ssda903/rules/placements.py: rule code (or code/case) -> (the change that breaks
it once, the child whose row must be found)."""

from rule_cases import add, both, ep, setv

_V3_CHILD = add("header", CHILD="Z", SEX="1", DOB="01/01/2012", ETHNIC="WBRI")


def _respite(*episodes):
    """Child Z (born 2012) with short-break episodes."""
    return both(_V3_CHILD, *(add("episodes", **e) for e in episodes))


BREAKS = {
    "527": (setv("episodes", "A", 2, PLACE="P1"), "A"),
    "528": (setv("episodes", "A", 2, PLACE="R2", PLACE_PROVIDER="PR2"), "A"),
    "529": (setv("episodes", "A", 2, PLACE_PROVIDER="PR3"), "A"),  # U6 from other public provision
    "530": (setv("episodes", "A", 2, PLACE="P1", PLACE_PROVIDER="PR4"), "A"),
    "531": (setv("episodes", "A", 2, PLACE="P1", PLACE_PROVIDER="PR5"), "A"),
    "550": (setv("episodes", "A", 2, PLACE_PROVIDER="PR0"), "A"),  # U6 with parents as provider
    "526": (setv("episodes", "A", 2, PLACE_PROVIDER=None), "A"),
    "222": (setv("episodes", "A", 2, PLACE="R1", URN="SC123456"), "A"),
    "222/temporary": (setv("episodes", "T", 1, URN="SC123456"), "T"),
    "222/semi_independent": (setv("episodes", "A", 2, PLACE="H5", URN="SC123456"), "A"),  # 2019/20: H5 listed
    "217": (setv("episodes", "A", 1, PLACE="A5"), "A"),  # RNE P: a new carer, yet A5 is with the current one
    "217t": (setv("episodes", "A", 2, PLACE="P2"), "A"),
    "336": (both(setv("episodes", "A", 0, PLACE="R1"), setv("episodes", "A", 1, PLACE="A4")), "A"),
    "378": (setv("episodes", "A", 2, PLACE="P1", PLACE_PROVIDER="PR0", LS="V2"), "A"),
    "382": (_respite(ep("Z", "01/05/2019", "S", "V3", "T4", "03/05/2019", "E8")), "Z"),
    "384": (_respite(ep("Z", "01/05/2019", "S", "V4", "U4", "03/05/2019", "E8")), "Z"),
    "408": (setv("episodes", "B", 1, LS="C2"), "B"),
    "516": (setv("episodes", "B", 1, REC="E46"), "B"),  # from A6
    "375": (setv("episodes", "T", 1, PLACE="T1", DEC="14/07/2019"), "T"),  # 01/06 to 14/07: 43 days
    "376": (setv("episodes", "T", 1, DEC="23/06/2019"), "T"),  # 22 days
    "379": (setv("episodes", "T", 1, PLACE="T4", DEC="09/06/2019"), "T"),  # 8 days
    "365": (_respite(ep("Z", "01/05/2019", "S", "V3", "U6", "19/05/2019", "E8")), "Z"),  # 18 days
    "377": (
        both(
            setv("episodes", "T", 2, DEC="01/07/2019", REC="X1"),
            add("episodes", **ep("T", "01/07/2019", "P", "C2", "T3", "05/07/2019", "X1")),
            add("episodes", **ep("T", "05/07/2019", "P", "C2", "U4", "01/08/2019", "X1")),
            add("episodes", **ep("T", "01/08/2019", "P", "C2", "T3", "05/08/2019", "X1")),
            add("episodes", **ep("T", "05/08/2019", "P", "C2", "U4")),
        ),
        "T",
    ),
    "366": (_respite(ep("Z", "01/05/2019", "P", "V3", "U6", "03/05/2019", "E8")), "Z"),
    "367": (_respite(ep("Z", "01/05/2019", "S", "V3", "U6", "16/07/2019", "E8")), "Z"),  # 76 days
    "426": (
        _respite(
            ep("Z", "01/05/2019", "S", "V3", "U6", "03/05/2019", "E8"),
            ep("Z", "01/06/2019", "S", "V4", "U6", "03/06/2019", "E8"),
        ),
        "Z",
    ),
    "226": (setv("episodes", "T", 0, REASON_PLACE_CHANGE="CARPL"), "T"),  # the move into T3
    "226/own": (setv("episodes", "T", 1, REASON_PLACE_CHANGE="CARPL"), "T"),
    "233": (setv("episodes", "A", 2, REASON_PLACE_CHANGE="CARPL"), "A"),
    "392d": (setv("episodes", "A", 2, HOME_POST="BB1"), "A"),
    "398": (_respite(ep("Z", "01/05/2019", "S", "V3", "U6", "03/05/2019", "E8", PL_POST="CC1")), "Z"),
    "454": (setv("episodes", "A", 2, PL_DISTANCE="351.0"), "A"),
    "454/whole_miles": (setv("episodes", "A", 2, PL_DISTANCE="400"), "A"),
}
BREAKS |= {
    "164": (setv("episodes", "T", 2, PL_DISTANCE="1000"), "T"),
    "164/not_a_number": (setv("episodes", "T", 2, PL_DISTANCE="far"), "T"),
    "406": (setv("episodes", "A", 2, PL_DISTANCE="3.2"), "A"),  # A is UASC
}
BREAKS |= {
    "213": (setv("episodes", "T", 1, PLACE_PROVIDER="PR1"), "T"),  # a provider for T's T3
    "213/unregistered": (setv("episodes", "A", 2, PLACE="Z12", PLACE_PROVIDER="PR4"), "A"),
    "225": (setv("episodes", "A", 0, REASON_PLACE_CHANGE=None), "A"),  # X1, then P into U6
    "392a": (setv("episodes", "T", 2, PL_DISTANCE=None), "T"),
    "392b": (setv("episodes", "T", 2, HOME_POST=None), "T"),
    "392b/placement": (setv("episodes", "B", 1, PL_POST=None), "B"),
}
