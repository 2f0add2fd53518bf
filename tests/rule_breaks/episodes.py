"""Break-once cases for cpanalysis/ssda903/rules/episodes.py: rule code (or code/case) -> (the change that breaks
it once, the child whose row must be found)."""

from rule_cases import add, both, ep, setv

BREAKS = {
    "143": (setv("episodes", "A", 2, RNE=None), "A"),
    "144": (setv("episodes", "A", 2, LS=None), "A"),
    "145": (setv("episodes", "A", 2, CIN=None), "A"),
    "146": (setv("episodes", "A", 2, PLACE=None), "A"),
    "place_provider_blank": (setv("episodes", "A", 2, PLACE_PROVIDER=None), "A"),
    "356": (setv("episodes", "A", 0, DEC="01/04/2019"), "A"),
    "148": (setv("episodes", "A", 0, REC=None), "A"),
    "385": (setv("episodes", "A", 2, DEC="01/04/2020", REC="E8"), "A"),
    "354": (
        both(
            add("episodes", **ep("Z", "01/04/2020", "S", "C2", "U4")),
            add("header", CHILD="Z", SEX="1", DOB="01/01/2010", ETHNIC="WBRI"),
        ),
        "Z",
    ),
    "episode_ended_before_year": (
        both(
            add("episodes", **ep("Z", "01/01/2019", "S", "C2", "U4", "01/02/2019", "E8")),
            add("header", CHILD="Z", SEX="1", DOB="01/01/2010", ETHNIC="WBRI"),
        ),
        "Z",
    ),
    "overlapping_episodes": (setv("episodes", "A", 0, DEC="01/08/2019"), "A"),
    "388": (setv("episodes", "T", 2, DEC="01/03/2020", REC="X1"), "T"),
    "388/continued": (setv("episodes", "A", 0, REC="E8"), "A"),
    "433": (setv("episodes", "A", 1, DECOM="02/07/2019"), "A"),
    "434": (setv("episodes", "A", 2, LS="C1"), "A"),
    "435": (setv("episodes", "A", 1, LS="C2"), "A"),
    "436": (setv("episodes", "B", 1, LS="C2"), "B"),
    "380": (setv("episodes", "T", 1, RNE="S"), "T"),
    "381": (setv("episodes", "T", 1, REC="E8"), "T"),
    "383": (setv("episodes", "T", 2, PLACE="U6"), "T"),
    "390": (setv("episodes", "B", 1, PLACE="U4"), "B"),
    "437": (setv("episodes", "T", 0, REC="E2"), "T"),
    "period_start_not_s": (setv("episodes", "A", 0, RNE="P"), "A"),
    "s_mid_period": (setv("episodes", "A", 1, RNE="S"), "A"),
    "302": (setv("header", "A", 0, DOB="01/06/2019"), "A"),
    "352": (setv("header", "A", 0, DOB="01/01/2001"), "A"),
    "386": (setv("header", "B", 0, DOB="01/01/2001"), "B"),
    "387": (setv("episodes", "T", 2, DEC="01/03/2020", REC="E5"), "T"),
    "389": (setv("episodes", "T", 2, DEC="01/03/2020", REC="E7"), "T"),
    "407": (both(setv("episodes", "T", 2, DEC="01/03/2020", REC="E45"), setv("header", "T", 0, DOB="01/01/2001")), "T"),
    "460": (setv("episodes", "T", 2, DEC="01/03/2020", REC="E17"), "T"),
    "370": (setv("episodes", "A", 2, PLACE="P2"), "A"),
    "372": (setv("episodes", "A", 2, PLACE="R5"), "A"),
    "373": (both(setv("episodes", "A", 2, PLACE="S1"), setv("header", "A", 0, DOB="01/01/2017")), "A"),
    "374": (setv("episodes", "A", 2, PLACE="P3"), "A"),
}

BREAKS |= {
    "371": (setv("episodes", "A", 2, PLACE="H5"), "A"),  # A is 9: under 14 in 2019/20
    "358": (setv("episodes", "A", 2, LS="J1"), "A"),
    "142": (setv("episodes", "A", 0, DEC=None, REC=None), "A"),
    "142/no_reason": (setv("episodes", "T", 1, REC=None), "T"),
    "501": (setv("episodes", "A", 0, DEC="02/07/2019"), "A"),
    "353": (setv("episodes", "B", 0, DECOM="13/10/1991"), "B"),
    "355": (setv("episodes", "T", 1, DEC="01/06/2019"), "T"),
    "357": (setv("episodes", "T", 0, RNE="P"), "T"),
    "431": (setv("episodes", "A", 1, RNE="S"), "A"),
    "432": (setv("episodes", "A", 0, REC="E8"), "A"),
    "504": (setv("episodes", "A", 1, CIN="N2"), "A"),
}
BREAKS |= {
    "234": (setv("episodes", "A", 0, REASON_PLACE_CHANGE="CUSTOD"), "A"),  # A is 9
    "359": (add("episodes", **ep("L", "01/05/2019", "S", "C2", "U4")), "L"),  # L is 18 on 01/06/2019
}
BREAKS |= {
    "371/k3": (both(setv("episodes", "A", 0, PLACE="K3"), lambda rows: rows.update(first_year=2025)), "A"),  # A is 9
    "371/h5_at_15_in_2023_24": (
        both(
            setv("header", "A", 0, DOB="01/01/2004"),
            setv("episodes", "A", 0, PLACE="H5"),
            lambda rows: rows.update(first_year=2024),
        ),
        "A",
    ),
}
