"""The SSDA903 return: tables, columns and code lists by collection year.

A *collection year* is named by the year in which its 31 March falls: the 2019 collection
covers 1 April 2018 - 31 March 2019 (2018/19). Code lists follow the DfE's 903 guidance from
2013/14 (collection 2014) onwards, with the changes of 2023-2026: P2 ended on 28/10/2023, K3
from 2024/25, SEX as M/F/U from 2024/25, Z11-Z14 replacing Z1 from 2025/26.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

FIRST_YEAR = 2014  # collection 2013/14

# dtype of every text column in the canonical frames: pandas' str dtype with NaN for blanks, so that
# comparisons give plain True/False (pandas' "string" dtype would give <NA> and silently spoil masks).
TEXT = pd.StringDtype(na_value=np.nan)


@dataclass(frozen=True)
class Code:
    """One code of a code list, valid in collections first_year..last_year (inclusive)."""

    code: str
    label: str
    first_year: int = FIRST_YEAR
    last_year: int | None = None
    not_on_or_after: dt.date | None = None  # the code may not start an episode on or after this date


@dataclass(frozen=True)
class Table:
    """One 903 table: its columns, which are needed, which hold dates and which hold codes."""

    name: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    dates: tuple[str, ...] = ()
    codes: dict[str, str] = field(default_factory=dict)  # column -> code list name
    key: tuple[str, ...] = ("CHILD",)
    closing: tuple[str, ...] = ()  # filled in by a later return when the record ends (not a correction)


def _codes(items: list[tuple[str, str]], **kw) -> list[Code]:
    return [Code(c, label, **kw) for c, label in items]


LEGAL_STATUS = _codes(
    [
        ("C1", "Interim care order"),
        ("C2", "Full care order"),
        ("D1", "Freeing order granted"),
        ("E1", "Placement order granted"),
        ("V2", "Single period of accommodation under section 20"),
        ("V3", "Accommodated under an agreed series of short-term breaks (single placements)"),
        ("V4", "Accommodated under an agreed series of short-term breaks (multiple placements)"),
        ("L1", "Under police protection and in local authority accommodation"),
        ("L2", "Under an emergency protection order"),
        ("L3", "Under a child assessment order and in local authority accommodation"),
        ("J1", "Remanded to local authority accommodation or youth detention accommodation"),
        ("J2", "Placed in local authority accommodation under PACE"),
        ("J3", "Sentenced to a youth rehabilitation order with residence or fostering requirement"),
    ]
)

PLACEMENT = (
    _codes(
        [
            ("A3", "Placed for adoption with parental/guardian consent with current foster carer(s)"),
            ("A4", "Placed for adoption with parental/guardian consent not with current foster carer(s)"),
            ("A5", "Placed for adoption with placement order with current foster carer(s)"),
            ("A6", "Placed for adoption with placement order not with current foster carer(s)"),
            ("H5", "Semi-independent living accommodation not subject to children's homes regulations"),
            ("K1", "Secure children's home"),
            ("K2", "Children's home subject to children's homes regulations"),
            ("P1", "Placed with own parent(s) or other person(s) with parental responsibility"),
            ("P3", "Residential employment"),
            ("R1", "Residential care home"),
            ("R2", "NHS/health trust or other establishment providing medical or nursing care"),
            ("R3", "Family centre or mother and baby unit"),
            ("R5", "Young offender institution or prison"),
            ("S1", "All residential schools, except where dual-registered as a school and children's home"),
            ("T0", "Temporary placement: all types of temporary move"),
            ("T1", "Temporary periods in hospital"),
            ("T2", "Temporary absences of the child on holiday"),
            ("T3", "Temporary accommodation whilst normal foster carer is on holiday"),
            ("T4", "Temporary accommodation of seven days or less"),
            ("U1", "Foster placement with relative or friend, long term fostering"),
            ("U2", "Foster placement with relative or friend who is also an approved adopter (FFA)"),
            ("U3", "Foster placement with relative or friend, not long term or FFA"),
            ("U4", "Foster placement with other foster carer, long term fostering"),
            ("U5", "Foster placement with other foster carer who is also an approved adopter (FFA)"),
            ("U6", "Foster placement with other foster carer, not long term or FFA"),
        ]
    )
    + [
        Code("P2", "Independent living, e.g. flat, lodgings, bedsit", not_on_or_after=dt.date(2023, 10, 28)),
        Code("Z1", "Other placements", last_year=2025),
        Code("K3", "Registered supported accommodation", first_year=2025),
    ]
    + _codes(
        [
            ("Z11", "Other placements: unregistered children's home"),
            ("Z12", "Other placements: unregistered supported accommodation"),
            ("Z13", "Other placements: other unregistered placement"),
            ("Z14", "Other placements: other registered placement"),
        ],
        first_year=2026,
    )
)

PLACE_PROVIDER = _codes(
    [
        ("PR0", "Parent(s) or other person(s) with parental responsibility"),
        ("PR1", "Own provision (by the local authority)"),
        ("PR2", "Other local authority provision"),
        ("PR3", "Other public provision (e.g. a PCT)"),
        ("PR4", "Private provision"),
        ("PR5", "Voluntary/third sector provision"),
    ]
)

REASON_EPISODE_CEASED = _codes(
    [
        ("E11", "Adopted: application for an adoption order unopposed"),
        ("E12", "Adopted: consent dispensed with by the court"),
        ("E13", "Left care to live with parent(s), relative(s), or other person(s) with no PR"),
        ("E14", "Accommodation on remand ended"),
        ("E15", "Age assessment determined child is aged 18 or over"),
        ("E16", "Child moved abroad"),
        ("E17", "Aged 18 (or over) and remained with current carers (staying put)"),
        ("E2", "Died"),
        ("E3", "Care taken by another local authority"),
        ("E41", "Residence order (or child arrangements order) granted"),
        ("E4A", "Returned home to live with parent(s) as part of the care planning process"),
        ("E4B", "Returned home to live with parent(s) not as part of the care planning process"),
        ("E5", "Moved into independent living arrangement, no formalised support"),
        ("E6", "Moved into independent living arrangement, with formalised support"),
        ("E7", "Transferred to residential care funded by adult social care services"),
        ("E8", "Period of being looked after ceased for any other reason"),
        ("E9", "Sentenced to custody"),
        ("X1", "Episode ceases, and new episode begins on same day, for any reason"),
    ]
)
# Special guardianship orders: E43/E44 in the collections to 2017/18, E45-E48 from 2018/19 (liia-tools
# SSDA903_schema_2017.yml and _2018.yml list E43, E44; _2019.yml onwards list E45-E48; collection years named by
# their 31 March, as here).
REASON_EPISODE_CEASED += _codes(
    [
        ("E43", "Special guardianship order made to former foster carer(s)"),
        ("E44", "Special guardianship order made to carer(s), other than former foster carer(s)"),
    ],
    last_year=2018,
) + _codes(
    [
        ("E45", "Special guardianship order made to former foster carer(s), who is/are a relative(s) or friend(s)"),
        ("E46", "Special guardianship order made to former foster carer(s), other than relative(s) or friend(s)"),
        ("E47", "Special guardianship order made to carer(s) other than former foster carer(s), a relative or friend"),
        ("E48", "Special guardianship order made to carer(s) other than former foster carer(s), not relative/friend"),
    ],
    first_year=2019,
)

REASON_NEW_EPISODE = _codes(
    [
        ("S", "Started to be looked after"),
        ("L", "Change of legal status only"),
        ("P", "Change of placement and carer(s) only"),
        ("T", "Change of placement (but same carer(s)) only"),
        ("B", "Change of legal status and placement and carer(s) at the same time"),
        ("U", "Change of legal status and change of placement (but same carer(s)) at the same time"),
    ]
)

CATEGORY_OF_NEED = _codes(
    [
        ("N1", "Abuse or neglect"),
        ("N2", "Child's disability"),
        ("N3", "Parental illness or disability"),
        ("N4", "Family in acute stress"),
        ("N5", "Family dysfunction"),
        ("N6", "Socially unacceptable behaviour"),
        ("N7", "Low income"),
        ("N8", "Absent parenting"),
    ]
)

SEX = _codes([("1", "Male"), ("2", "Female")], last_year=2024) + _codes(
    [("M", "Male"), ("F", "Female"), ("U", "Unknown")], first_year=2025
)

ETHNICITY = _codes(
    [
        ("WBRI", "White British"),
        ("WIRI", "White Irish"),
        ("WIRT", "Traveller of Irish heritage"),
        ("WOTH", "Any other White background"),
        ("WROM", "Gypsy/Roma"),
        ("MWBC", "White and Black Caribbean"),
        ("MWBA", "White and Black African"),
        ("MWAS", "White and Asian"),
        ("MOTH", "Any other mixed background"),
        ("AIND", "Indian"),
        ("APKN", "Pakistani"),
        ("ABAN", "Bangladeshi"),
        ("AOTH", "Any other Asian background"),
        ("BCRB", "Caribbean"),
        ("BAFR", "African"),
        ("BOTH", "Any other Black background"),
        ("CHNE", "Chinese"),
        ("OOTH", "Any other ethnic group"),
        ("REFU", "Refused"),
        ("NOBT", "Information not yet obtained"),
    ]
)

REASON_PLACE_CHANGE = _codes(
    [
        ("CARPL", "Change to/implementation of care plan"),
        ("CLOSE", "Resignation/closure of provision"),
        ("ALLEG", "Allegation (section 47 enquiry)"),
        ("STAND", "Standards of care concern"),
        ("APPRR", "Approval removed"),
        ("CREQB", "Carer(s) requests placement end due to child's behaviour"),
        ("CREQO", "Carer(s) requests placement end other than due to child's behaviour"),
        ("CHILD", "Child requests placement end"),
        ("LAREQ", "Responsible/area authority requests placement end"),
        ("PLACE", "Change in the status of placement only"),
        ("CUSTOD", "Custody arrangement"),
        ("OTHER", "Other"),
    ],
    first_year=2017,
)

REASON_PLACED_CEASED = _codes(
    [
        ("RD1", "The child's needs changed subsequent to the decision"),
        ("RD2", "The court did not make a placement order"),
        ("RD3", "Prospective adopters could not be found"),
        ("RD4", "Any other reason"),
    ]
)

CODE_LISTS: dict[str, list[Code]] = {
    "LS": LEGAL_STATUS,
    "PLACE": PLACEMENT,
    "PLACE_PROVIDER": PLACE_PROVIDER,
    "REC": REASON_EPISODE_CEASED,
    "RNE": REASON_NEW_EPISODE,
    "CIN": CATEGORY_OF_NEED,
    "SEX": SEX,
    "ETHNIC": ETHNICITY,
    "REASON_PLACE_CHANGE": REASON_PLACE_CHANGE,
    "REASON_PLACED_CEASED": REASON_PLACED_CEASED,
}

TABLES: dict[str, Table] = {
    t.name: t
    for t in [
        Table(
            "header",
            ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
            required=("CHILD", "SEX", "DOB"),
            dates=("DOB", "MC_DOB"),
            codes={"SEX": "SEX", "ETHNIC": "ETHNIC"},
        ),
        Table(
            "episodes",
            (
                "CHILD",
                "DECOM",
                "RNE",
                "LS",
                "CIN",
                "PLACE",
                "PLACE_PROVIDER",
                "DEC",
                "REC",
                "REASON_PLACE_CHANGE",
                "HOME_POST",
                "PL_POST",
                "URN",
                "PL_DISTANCE",  # miles from HOME_POST to PL_POST, where the case system's extract carries it
            ),
            required=("CHILD", "DECOM", "RNE", "LS", "PLACE", "DEC", "REC"),
            dates=("DECOM", "DEC"),
            codes={
                "RNE": "RNE",
                "LS": "LS",
                "CIN": "CIN",
                "PLACE": "PLACE",
                "PLACE_PROVIDER": "PLACE_PROVIDER",
                "REC": "REC",
                "REASON_PLACE_CHANGE": "REASON_PLACE_CHANGE",
            },
            key=("CHILD", "DECOM"),
            closing=("DEC", "REC", "REASON_PLACE_CHANGE"),
        ),
        Table("uasc", ("CHILD", "SEX", "DOB", "DUC"), required=("CHILD",), dates=("DOB", "DUC")),
        Table(
            "reviews",
            ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"),
            required=("CHILD", "REVIEW"),
            dates=("DOB", "REVIEW"),
            key=("CHILD", "REVIEW"),
        ),
        Table(
            "ad1",
            ("CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"),
            required=("CHILD", "DATE_MATCH"),
            dates=("DOB", "DATE_INT", "DATE_MATCH"),
        ),
        Table(
            "placed_adoption",
            ("CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"),
            required=("CHILD", "DATE_PLACED"),
            dates=("DOB", "DATE_PLACED", "DATE_PLACED_CEASED"),
            codes={"REASON_PLACED_CEASED": "REASON_PLACED_CEASED"},
            key=("CHILD", "DATE_PLACED"),
            closing=("DATE_PLACED_CEASED", "REASON_PLACED_CEASED"),
        ),
        Table(
            "prev_perm",
            ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"),
            required=("CHILD",),
            dates=("DOB",),  # DATE_PERM may be partial (e.g. 'zz/zz/2010'): kept as text
        ),
        Table(
            "missing",
            ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"),
            required=("CHILD", "MIS_START"),
            dates=("DOB", "MIS_START", "MIS_END"),
            key=("CHILD", "MIS_START"),
            closing=("MIS_END",),
        ),
        Table(
            "oc2",
            (
                "CHILD",
                "DOB",
                "SDQ_SCORE",
                "SDQ_REASON",
                "CONVICTED",
                "HEALTH_CHECK",
                "IMMUNISATIONS",
                "TEETH_CHECK",
                "HEALTH_ASSESSMENT",
                "SUBSTANCE_MISUSE",
                "INTERVENTION_RECEIVED",
                "INTERVENTION_OFFERED",
            ),
            required=("CHILD",),
            dates=("DOB",),
        ),
        Table(
            "oc3",
            ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"),
            required=("CHILD",),
            dates=("DOB",),
        ),
    ]
}

# File-name stems (lower case, separators removed) that name each table.
TABLE_ALIASES: dict[str, tuple[str, ...]] = {
    "header": ("header", "headers", "child", "children", "childheader"),
    "episodes": ("episodes", "episode"),
    "uasc": ("uasc",),
    "reviews": ("reviews", "review"),
    "ad1": ("ad1", "adoption", "adoptions"),
    "placed_adoption": ("placedadoption", "placedforadoption", "placedadoptions", "sbpfa"),
    "prev_perm": ("prevperm", "previouspermanence", "permanence"),
    "missing": ("missing", "missingcare"),
    "oc2": ("oc2",),
    "oc3": ("oc3",),
}


def collection_year(date: dt.date) -> int:
    """The collection year a date falls in: the year of the next 31 March on or after it."""
    return date.year if date.month <= 3 else date.year + 1


def year_label(year: int) -> str:
    """'2018/19' for collection 2019."""
    return f"{year - 1}/{str(year)[2:]}"


def year_start(year: int) -> dt.date:
    """1 April that opens collection `year`."""
    return dt.date(year - 1, 4, 1)


def year_end(year: int) -> dt.date:
    """31 March that closes collection `year`."""
    return dt.date(year, 3, 31)


def valid_codes(list_name: str, year: int) -> frozenset[str]:
    """Codes of `list_name` valid in collection `year` (years before 2013/14 use the 2013/14 lists)."""
    year = max(year, FIRST_YEAR)
    return frozenset(
        c.code for c in CODE_LISTS[list_name] if c.first_year <= year and (c.last_year is None or year <= c.last_year)
    )


def label(list_name: str, code: str) -> str:
    """Human label of a code (the code itself when unknown)."""
    for c in CODE_LISTS[list_name]:
        if c.code == code:
            return c.label
    return code


def code_end_dates(list_name: str) -> dict[str, dt.date]:
    """Codes that may not start an episode on or after a date (e.g. P2 from 28/10/2023)."""
    return {c.code: c.not_on_or_after for c in CODE_LISTS[list_name] if c.not_on_or_after}
