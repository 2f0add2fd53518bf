"""The tiny clean return every rule is tested on (`base`), and the changes that break a rule once
(`setv`, `add`, `drop`, `both`): tests/rule_breaks/ holds one module of break-once cases per rules module."""

from __future__ import annotations

from factories import frame

from cpanalysis.ssda903.validate import Return

YEAR = 2020  # 1 April 2019 - 31 March 2020


def ep(child, decom, rne, ls, place, dec=None, rec=None, **kw):
    return dict(
        CHILD=child, DECOM=decom, RNE=rne, LS=ls, CIN="N1", PLACE=place, PLACE_PROVIDER="PR1", DEC=dec, REC=rec, **kw
    )


def _posted(placement_postcode: str) -> dict[str, str]:
    """Home and placement postcodes and the distance between them (children who are not UASC, DfE 392a/392b)."""
    return dict(HOME_POST="HH1", PL_POST=placement_postcode, PL_DISTANCE="2.5")


def base() -> dict[str, list[dict]]:
    """A: three episodes (S, P, L); T: a temporary placement then back to U4; B: adopted; L: a care leaver; O2: looked
    after since 2018, in the OC2 cohort (aged 8 at 31 March)."""
    return {
        "header": [
            dict(CHILD="A", SEX="1", DOB="01/01/2010", ETHNIC="WBRI", UPN="C801200000001"),
            dict(CHILD="T", SEX="2", DOB="01/01/2010", ETHNIC="WBRI", UPN="C801200000002", MOTHER="0"),
            dict(CHILD="B", SEX="1", DOB="01/06/2014", ETHNIC="WBRI", UPN="C801200000003"),
            dict(CHILD="L", SEX="2", DOB="01/06/2001", ETHNIC="WBRI"),
            dict(CHILD="O2", SEX="2", DOB="01/01/2012", ETHNIC="WBRI", UPN="C801200000004", MOTHER="0"),
        ],
        "episodes": [
            ep("A", "01/05/2019", "S", "C1", "U4", "01/07/2019", "X1", PL_POST="AA1", REASON_PLACE_CHANGE="CARPL"),
            ep("A", "01/07/2019", "P", "C1", "U6", "01/09/2019", "X1", PL_POST="BB1"),
            ep("A", "01/09/2019", "L", "C2", "U6", PL_POST="BB1"),
            ep("T", "01/05/2019", "S", "C2", "U4", "01/06/2019", "X1", **_posted("TT1")),
            {**ep("T", "01/06/2019", "P", "C2", "T3", "10/06/2019", "X1", **_posted("TT2")), "PLACE_PROVIDER": None},
            ep("T", "10/06/2019", "P", "C2", "U4", **_posted("TT1")),
            ep("B", "01/04/2019", "S", "C2", "U4", "01/06/2019", "X1", REASON_PLACE_CHANGE="CARPL", **_posted("BB2")),
            ep("B", "01/06/2019", "B", "E1", "A6", "01/02/2020", "E11", **_posted("BB3")),
            ep("O2", "01/01/2018", "S", "C2", "U4", **_posted("OO1")),
        ],
        "ad1": [
            dict(
                CHILD="B",
                DATE_INT="01/05/2019",
                DATE_MATCH="01/06/2019",
                FOSTER_CARE="0",
                NB_ADOPTR="1",
                SEX_ADOPTR="F1",
                LS_ADOPTR="L0",
            )
        ],
        "placed_adoption": [dict(CHILD="B", DATE_PLACED="01/05/2019")],
        "reviews": [dict(CHILD="A", REVIEW="01/06/2019", REVIEW_CODE="PN1")],
        "missing": [
            dict(CHILD="A", MISSING="M", MIS_START="01/06/2019", MIS_END="02/06/2019"),
            dict(CHILD="A", MISSING="A", MIS_START="05/08/2019", MIS_END="06/08/2019"),
        ],
        "oc3": [dict(CHILD="L", DOB="01/06/2001", IN_TOUCH="YES", ACTIV="F1", ACCOM="B1")],
        "prev_episodes": [
            ep("L", "01/01/2019", "S", "C2", "U4", "01/03/2019", "E8"),
            ep("O2", "01/01/2018", "S", "C2", "U4", **_posted("OO1")),  # O2's episode, open, in last year's return too
        ],
        "uasc": [dict(CHILD="A", SEX="1", DOB="01/01/2010", DUC="01/01/2020")],
        "prev_perm": [
            dict(CHILD="A", DOB="01/01/2010", PREV_PERM="P1", LA_PERM="800", DATE_PERM="01/01/2015"),
            dict(CHILD="T", PREV_PERM="Z1"),
            dict(CHILD="B", PREV_PERM="Z1"),
        ],
        "prev_header": [dict(CHILD="A", SEX="1", DOB="01/01/2010", ETHNIC="WBRI")],
        "prev_missing": [dict(CHILD="A", MISSING="M", MIS_START="01/02/2019", MIS_END="03/02/2019")],
        "oc2": [
            dict(
                CHILD="O2",
                DOB="01/01/2012",
                SDQ_SCORE="12",
                IMMUNISATIONS="1",
                TEETH_CHECK="1",
                HEALTH_ASSESSMENT="1",
                SUBSTANCE_MISUSE="0",
            )
        ],
    }


PREVIOUS = {"prev_episodes": "episodes", "prev_header": "header", "prev_missing": "missing"}  # last year's return
PREVIOUS |= {"prev_placed_adoption": "placed_adoption", "prev_oc3": "oc3"}


def build(rows: dict) -> Return:
    """The return; `first_year` (when set) makes the first episode's row come from that year's return."""
    tables = {t: frame(t, r, YEAR) for t, r in rows.items() if t not in PREVIOUS and t != "first_year"}
    if "first_year" in rows:
        tables["episodes"].loc[0, "YEAR"] = rows["first_year"]
    prev = {PREVIOUS[t]: frame(PREVIOUS[t], r, YEAR - 1) for t, r in rows.items() if t in PREVIOUS}
    return Return(tables, year=YEAR, prev=prev)


def setv(table: str, child: str, nth: int, **values):
    def change(rows):
        mine = [r for r in rows[table] if r["CHILD"] == child]
        mine[nth].update(values)

    return change


def add(table: str, **row):
    return lambda rows: rows[table].append(row)


def drop(table: str, child: str):
    def change(rows):
        rows[table] = [r for r in rows[table] if r["CHILD"] != child]

    return change


def both(*changes):
    def change(rows):
        for c in changes:
            c(rows)

    return change
