"""Break-once cases for cpanalysis/ssda903/rules/adoption.py: rule code (or code/case) -> (the change that breaks
it once, the child whose row must be found)."""

from rule_cases import add, both, drop, setv

BREAKS = {
    "ad1_not_adopted": (add("ad1", CHILD="A", DATE_INT="01/06/2019", DATE_MATCH="01/07/2019"), "A"),
    "adopted_without_ad1": (
        both(drop("ad1", "B"), add("ad1", CHILD="A", DATE_INT="01/06/2019", DATE_MATCH="01/07/2019")),
        "B",
    ),
    "333": (setv("ad1", "B", 0, DATE_INT=None), "B"),
    "331": (setv("ad1", "B", 0, DATE_MATCH="01/07/2019"), "B"),
    "334": (setv("ad1", "B", 0, DATE_INT="01/03/2019"), "B"),
    "521": (setv("ad1", "B", 0, DATE_INT="01/07/2019"), "B"),
    "placed_ceased_before_placed": (setv("placed_adoption", "B", 0, DATE_PLACED_CEASED="01/04/2019"), "B"),
    "552": (setv("placed_adoption", "B", 0, DATE_PLACED="01/07/2019"), "B"),
    "554": (setv("placed_adoption", "B", 0, DATE_PLACED="01/07/2019"), "B"),
}
