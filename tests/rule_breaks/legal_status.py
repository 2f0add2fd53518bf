"""Break-once cases for cpanalysis/ssda903/rules/legal_status.py: rule code (or code/case) -> (the change that
breaks it once, the child whose row must be found)."""

from rule_cases import add, both, ep, setv

_Z = add("header", CHILD="Z", SEX="1", DOB="01/01/2005", ETHNIC="WBRI")


def _spell(ls: str, *ends: str):
    """Child Z (born 2005): episodes of legal status `ls` from 01/05/2019, each ending on the next of `ends` (X1,
    the last E8), then an open C2 one."""
    starts = ("01/05/2019",) + ends
    rows = [ep("Z", a, "S" if i == 0 else "P", ls, "U4", b, "X1") for i, (a, b) in enumerate(zip(starts, ends))]
    rows.append(ep("Z", ends[-1], "L", "C2", "U4"))
    return both(_Z, *(add("episodes", **row) for row in rows))


BREAKS = {
    "361": (_spell("L1", "05/05/2019"), "Z"),  # 4 days
    "362": (_spell("L2", "23/05/2019"), "Z"),  # 22 days
    "363": (_spell("L3", "09/05/2019"), "Z"),  # 8 days
    "364": (_spell("J2", "23/05/2019"), "Z"),  # 22 days
    "445": (setv("episodes", "B", 1, LS="D1"), "B"),
    "446": (setv("episodes", "B", 0, DECOM="01/11/2005", LS="E1"), "B"),
    "451": (setv("episodes", "A", 2, LS="D1"), "A"),
}
