"""Break-once cases for cpanalysis/ssda903/rules/placed_adoption.py: rule code (or code/case) -> (the change that
breaks it once, the child whose row must be found). B's decision (01/05/2019) is the base's only one."""

from rule_cases import add, both, drop, setv


def pa(**values):
    """B's PlacedAdoption row changed."""
    return setv("placed_adoption", "B", 0, **values)


def last_year(*rows):
    """Last year's PlacedAdoption rows."""
    return lambda r: r.update(prev_placed_adoption=list(rows))


OPEN_BEFORE = dict(CHILD="B", DATE_PLACED="01/04/2019")  # an earlier decision never revoked
REVERSED = dict(DATE_PLACED_CEASED="01/06/2019", REASON_PLACED_CEASED="RD1")

BREAKS = {
    "119": (pa(DATE_PLACED_CEASED="01/06/2019"), "B"),
    "522": (pa(DATE_PLACED_CEASED="01/04/2019", REASON_PLACED_CEASED="RD1"), "B"),
    "579": (add("placed_adoption", **OPEN_BEFORE), "B"),
    "583": (add("placed_adoption", **OPEN_BEFORE), "B"),
    "184": (pa(DATE_PLACED="01/05/2014"), "B"),  # born 01/06/2014
    "1003": (pa(DATE_PLACED="01/03/2019"), "B"),  # looked after from 01/04/2019
    "117": (pa(DATE_PLACED_CEASED="01/03/2020", REASON_PLACED_CEASED="RD1"), "B"),  # adopted 01/02/2020
    "118": (pa(DATE_PLACED_CEASED="01/03/2019", REASON_PLACED_CEASED="RD1"), "B"),
    "525": (pa(**REVERSED), "B"),
    "551": (drop("placed_adoption", "B"), "B"),
    "553": (drop("placed_adoption", "B"), "B"),
    "555": (both(setv("episodes", "B", 0, LS="D1"), drop("placed_adoption", "B")), "B"),
    "556": (setv("episodes", "B", 0, LS="D1"), "B"),  # freeing order 01/04/2019, decision 01/05/2019
    "552": (pa(DATE_PLACED="01/07/2019"), "B"),
    "554": (pa(DATE_PLACED="01/07/2019"), "B"),
    "557": (setv("episodes", "B", 1, REC="E8"), "B"),
    "557/freed": (setv("episodes", "A", 2, LS="D1", DEC="01/03/2020", REC="E8"), "A"),  # freed, left care, no decision
    "558": (  # two decisions, the latest (01/05/2019) reversed, and adopted 01/02/2020
        both(
            add("placed_adoption", **OPEN_BEFORE, DATE_PLACED_CEASED="20/04/2019", REASON_PLACED_CEASED="RD1"),
            pa(**REVERSED),
        ),
        "B",
    ),
    "559": (both(pa(DATE_PLACED="01/03/2019"), last_year(dict(CHILD="A", DATE_PLACED="01/01/2019"))), "B"),
    "560": (last_year(dict(CHILD="B", DATE_PLACED="01/03/2019")), "B"),
    "561": (
        both(
            pa(DATE_PLACED="01/02/2019"),
            last_year(
                dict(CHILD="B", DATE_PLACED="01/02/2019", DATE_PLACED_CEASED="01/03/2019", REASON_PLACED_CEASED="RD1")
            ),
        ),
        "B",
    ),
    "584": (
        both(
            pa(DATE_PLACED="01/01/2019"),
            last_year(
                dict(CHILD="B", DATE_PLACED="01/02/2019", DATE_PLACED_CEASED="01/03/2019", REASON_PLACED_CEASED="RD1")
            ),
        ),
        "B",
    ),
}
BREAKS |= {
    "563": (
        setv("placed_adoption", "B", 0, DATE_PLACED=None, DATE_PLACED_CEASED="01/07/2019", REASON_PLACED_CEASED="RD1"),
        "B",
    ),
}
