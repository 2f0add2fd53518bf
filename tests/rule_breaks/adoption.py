"""Break-once cases for cpanalysis/ssda903/rules/adoption.py: rule code (or code/case) -> (the change that breaks
it once, the child whose row must be found)."""

from rule_cases import add, both, drop, setv

FULL_AD1 = dict(FOSTER_CARE="0", NB_ADOPTR="1", SEX_ADOPTR="F1", LS_ADOPTR="L0")


def ad1(**values):
    """B's AD1 row changed."""
    return setv("ad1", "B", 0, **values)


BREAKS = {
    "adopted_without_ad1": (
        both(drop("ad1", "B"), add("ad1", CHILD="A", DATE_INT="01/06/2019", DATE_MATCH="01/07/2019", **FULL_AD1)),
        "B",
    ),
    "333": (ad1(DATE_INT=None), "B"),
    "331": (ad1(DATE_MATCH="01/07/2019"), "B"),
    "334": (ad1(DATE_INT="01/03/2019"), "B"),
    "521": (ad1(DATE_INT="01/07/2019"), "B"),
    "114": (ad1(FOSTER_CARE="2"), "B"),
    "175": (ad1(NB_ADOPTR="3"), "B"),
    "176": (ad1(SEX_ADOPTR="XX"), "B"),
    "177": (ad1(LS_ADOPTR="L9"), "B"),
    "151": (ad1(FOSTER_CARE=None), "B"),
    "511": (ad1(NB_ADOPTR="2"), "B"),
    "514": (ad1(SEX_ADOPTR="MF"), "B"),
    "517": (ad1(LS_ADOPTR="L3"), "B"),
    "518": (ad1(LS_ADOPTR="L4"), "B"),
    "519": (ad1(LS_ADOPTR="L2"), "B"),
    "520": (ad1(LS_ADOPTR="L11"), "B"),
    "524": (ad1(LS_ADOPTR="L12"), "B"),
    "601": (ad1(NB_ADOPTR=None), "B"),
    "602": (add("ad1", CHILD="A", DATE_INT="01/06/2019", DATE_MATCH="01/07/2019", **FULL_AD1), "A"),
    "335": (ad1(FOSTER_CARE="1"), "B"),  # placed A6: not with the current foster carer
    "582": (ad1(DATE_MATCH="01/02/2020"), "B"),
    "523": (ad1(DATE_INT="02/05/2019"), "B"),
    "134": (add("oc3", CHILD="B", DOB="01/06/2014", IN_TOUCH="YES", ACTIV="F1", ACCOM="B1"), "B"),
}
