"""Builders of tiny canonical 903 frames for unit tests (dates as 'dd/mm/yyyy' strings or None)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pandas as pd

from cpanalysis.ssda903.schema import TABLES, TEXT


def frame(table: str, rows: list[dict], year: int = 2020) -> pd.DataFrame:
    """A canonical frame of `table` from dicts: missing columns blank, dates parsed, YEAR set."""
    spec = TABLES[table]
    df = pd.DataFrame(rows, columns=list(spec.columns))
    for col in spec.columns:
        if col in spec.dates:
            df[col] = pd.to_datetime(df[col], format="%d/%m/%Y").astype("datetime64[ns]")
        else:
            df[col] = df[col].astype(TEXT)
    df["YEAR"] = year
    df["SOURCE_FILE"] = f"{year}-{table}.csv"
    df["SOURCE_ROW"] = range(2, len(df) + 2)
    return df


def episodes_frame(rows: list[dict], year: int = 2020) -> pd.DataFrame:
    """Episodes; each row needs CHILD, DECOM, RNE, LS, PLACE and may give DEC/REC (else open)."""
    defaults = {"CIN": "N1", "PLACE_PROVIDER": "PR1"}
    df = frame("episodes", [{**defaults, **r} for r in rows], year)
    return df.sort_values(["CHILD", "DECOM"], kind="mergesort").reset_index(drop=True)


def header_frame(rows: list[dict], year: int = 2020) -> pd.DataFrame:
    return frame("header", [{"SEX": "1", "ETHNIC": "WBRI", **r} for r in rows], year)


# Hand-made 903 histories shared by several test modules, reporting year 2023/24 (1 April 2023 - 31 March 2024).
# Each expected value is worked out by hand in the comments; the tests that use them say what they expect.


def population_episodes() -> pd.DataFrame:
    """Children A-G: looked after at a date, starts, ceased, short breaks, an SGO, a UASC (test_population)."""
    return episodes_frame(
        [
            # A: looked after since 2020, in-house foster (U4, PR1), open -> looked after at every date below.
            dict(CHILD="A", DECOM="01/01/2020", RNE="S", LS="C2", CIN="N1", PLACE="U4", PLACE_PROVIDER="PR1"),
            # B: starts 01/06/2023, leaves ON the reporting date 31/03/2024 (returned home): not looked after at
            #    31/03/2024 (DEC is not after the date), looked after at 30/03/2024; a start and a ceased in the year.
            dict(
                CHILD="B",
                DECOM="01/06/2023",
                RNE="S",
                LS="V2",
                PLACE="U6",
                PLACE_PROVIDER="PR4",
                DEC="31/03/2024",
                REC="E4A",
            ),
            # C: starts 01/05/2023, home 01/07/2023, re-enters 01/10/2023 (residential K2, PR4) and is still looked
            #    after: 2 periods starting in the year but 1 child; 1 ending.
            dict(
                CHILD="C",
                DECOM="01/05/2023",
                RNE="S",
                LS="V2",
                PLACE="U6",
                PLACE_PROVIDER="PR4",
                DEC="01/07/2023",
                REC="E4A",
            ),
            dict(CHILD="C", DECOM="01/10/2023", RNE="S", LS="C1", CIN="N2", PLACE="K2", PLACE_PROVIDER="PR4"),
            # D: short breaks only (V3 then V4, one open at the end): never counted anywhere.
            dict(CHILD="D", DECOM="01/02/2024", RNE="S", LS="V3", PLACE="U6", DEC="05/02/2024", REC="E8"),
            dict(CHILD="D", DECOM="20/03/2024", RNE="S", LS="V4", PLACE="U6"),
            # E: looked after since 01/01/2023, leaves with an SGO 15/08/2023.
            dict(CHILD="E", DECOM="01/01/2023", RNE="S", LS="C2", PLACE="U1", DEC="15/08/2023", REC="E45"),
            # F: unaccompanied asylum-seeking 17-year-old, starts 01/02/2024 in semi-independent living (H5, PR4).
            dict(CHILD="F", DECOM="01/02/2024", RNE="S", LS="V2", CIN="N4", PLACE="H5", PLACE_PROVIDER="PR4"),
            # G: home 01/05/2023 (E4A), back 01/06/2023, leaves with an SGO 01/12/2023: two endings in the year, the
            #    LAST (SGO) is the one the DfE's ceased-by-reason percentages use.
            dict(CHILD="G", DECOM="01/02/2023", RNE="S", LS="V2", PLACE="U4", DEC="01/05/2023", REC="E4A"),
            dict(CHILD="G", DECOM="01/06/2023", RNE="S", LS="C2", PLACE="U4", DEC="01/12/2023", REC="E45"),
        ]
    )


def population_header() -> pd.DataFrame:
    """The header rows (dates of birth, sex) of children A-G."""
    return header_frame(
        [
            dict(CHILD="A", DOB="31/03/2014", SEX="2"),  # turns 10 ON 31/03/2024 -> 10 to 15
            dict(CHILD="B", DOB="01/04/2008"),
            dict(CHILD="C", DOB="15/04/2023"),  # under 1
            dict(CHILD="D", DOB="01/01/2012"),
            dict(CHILD="E", DOB="01/01/2015"),
            dict(CHILD="F", DOB="01/01/2007"),  # 17 -> 16 and over
            dict(CHILD="G", DOB="01/01/2016"),
        ]
    )


def population_uasc() -> pd.DataFrame:
    """F is an unaccompanied asylum-seeking child."""
    return frame("uasc", [dict(CHILD="F", DOB="01/01/2007", SEX="1", DUC="01/01/2025")])


def care_leavers_oc3() -> pd.DataFrame:
    """OC3 2024: care leavers X1-X4 (X4's date of birth is only in the header: 01/01/2003)."""
    return frame(
        "oc3",
        [
            dict(CHILD="X1", DOB="15/05/2006", IN_TOUCH="YES", ACTIV="F2", ACCOM="D1"),  # 17 on 31/03/2024
            dict(CHILD="X2", DOB="31/03/2005", IN_TOUCH="NO", ACTIV="G5", ACCOM="Z2"),  # 19 on the day
            dict(CHILD="X3", DOB="01/04/2004", IN_TOUCH="YES", ACTIV="P3", ACCOM="B2"),  # 19 (20 the next day)
            dict(CHILD="X4", IN_TOUCH="REFU", ACTIV="0", ACCOM="01"),  # DOB from the header: 01/01/2003 -> 21
        ],
        year=2024,
    )


def adoption_episodes() -> pd.DataFrame:
    """Adoptions P, Q, R, V, W, X and children S, Y, Z, AA waiting or not at 31/03/2024 (test_adoption)."""
    return episodes_frame(
        [
            # P: entered 01/01/2022, placement order (E1) 01/07/2022, placed A6 01/03/2023, adopted 01/10/2023.
            #    A1 = 01/01/2022 -> 01/03/2023 = 365 + 31 + 28 = 424; match 01/01/2023:
            #    A2 = 01/07/2022 -> 01/01/2023 = 184.
            dict(CHILD="P", DECOM="01/01/2022", RNE="S", LS="C1", PLACE="U4", DEC="01/07/2022", REC="X1"),
            dict(CHILD="P", DECOM="01/07/2022", RNE="L", LS="E1", PLACE="U4", DEC="01/03/2023", REC="X1"),
            dict(CHILD="P", DECOM="01/03/2023", RNE="P", LS="E1", PLACE="A6", DEC="01/10/2023", REC="E11"),
            # Q: adopted by the foster carer. Entered 01/02/2022 (U6); moves to carer X (U4, RNE P) 01/05/2022; legal
            #    change (L) 01/07/2022; order and a new placement type with X (U5, RNE U) 01/09/2022; placed A5 with X
            #    (RNE T) 01/06/2023; adopted 01/12/2023 (E12). Match 01/08/2022 is BEFORE the order: A2 = 0. A1 =
            #    01/02/2022 -> 01/06/2023 = 365 + 28 + 31 + 30 + 31 = 485. A10 traces back T -> U -> L to the P episode
            #    of 01/05/2022: 01/02/2022 -> 01/05/2022 = 28 + 31 + 30 = 89.
            dict(CHILD="Q", DECOM="01/02/2022", RNE="S", LS="C1", PLACE="U6", DEC="01/05/2022", REC="X1"),
            dict(CHILD="Q", DECOM="01/05/2022", RNE="P", LS="C1", PLACE="U4", DEC="01/07/2022", REC="X1"),
            dict(CHILD="Q", DECOM="01/07/2022", RNE="L", LS="C2", PLACE="U4", DEC="01/09/2022", REC="X1"),
            dict(CHILD="Q", DECOM="01/09/2022", RNE="U", LS="E1", PLACE="U5", DEC="01/06/2023", REC="X1"),
            dict(CHILD="Q", DECOM="01/06/2023", RNE="T", LS="E1", PLACE="A5", DEC="01/12/2023", REC="E12"),
            # R: adopted with no placement order (V2, consent): excluded from A2. A1 = 01/06/2022 -> 01/06/2023 = 365.
            dict(CHILD="R", DECOM="01/06/2022", RNE="S", LS="V2", PLACE="U6", DEC="01/06/2023", REC="X1"),
            dict(CHILD="R", DECOM="01/06/2023", RNE="P", LS="V2", PLACE="A4", DEC="01/02/2024", REC="E11"),
            # V: AD1 says adopted by the foster carer (FOSTER_CARE 1) though the placement is coded A6 (RNE T, same
            #    carer). Entered 01/03/2022 (U4); order (L) 01/08/2022; A6 01/01/2023; adopted 01/09/2023. Match
            #    01/11/2022. A1 = 01/03/2022 -> 01/01/2023 = 306; A2 = 01/08/2022 -> 01/11/2022 = 92; A10: back over T,
            #    L to the S episode: 0 days.
            dict(CHILD="V", DECOM="01/03/2022", RNE="S", LS="C2", PLACE="U4", DEC="01/08/2022", REC="X1"),
            dict(CHILD="V", DECOM="01/08/2022", RNE="L", LS="E1", PLACE="U4", DEC="01/01/2023", REC="X1"),
            dict(CHILD="V", DECOM="01/01/2023", RNE="T", LS="E1", PLACE="A6", DEC="01/09/2023", REC="E11"),
            # W: an earlier period (2019, went home), re-entered 01/06/2022; order 01/09/2022; placed A4 01/02/2023;
            #    adopted 01/03/2024. A1 counts from the period that ended in adoption: 01/06/2022 -> 01/02/2023 = 245;
            #    match 01/01/2023: A2 = 01/09/2022 -> 01/01/2023 = 122.
            dict(CHILD="W", DECOM="01/01/2019", RNE="S", LS="C2", PLACE="U4", DEC="01/01/2020", REC="E4A"),
            dict(CHILD="W", DECOM="01/06/2022", RNE="S", LS="C2", PLACE="U4", DEC="01/09/2022", REC="X1"),
            dict(CHILD="W", DECOM="01/09/2022", RNE="L", LS="E1", PLACE="U4", DEC="01/02/2023", REC="X1"),
            dict(CHILD="W", DECOM="01/02/2023", RNE="P", LS="E1", PLACE="A4", DEC="01/03/2024", REC="E11"),
            # X: adopted 01/03/2023, before the year: not in the 2023/24 figures.
            dict(CHILD="X", DECOM="01/01/2021", RNE="S", LS="E1", PLACE="U4", DEC="01/06/2022", REC="X1"),
            dict(CHILD="X", DECOM="01/06/2022", RNE="P", LS="E1", PLACE="A4", DEC="01/03/2023", REC="E11"),
            # Waiting at 31/03/2024 --
            # S: order 01/06/2023, still in foster care: waiting 01/06/2023 -> 31/03/2024 = 304 days
            dict(CHILD="S", DECOM="01/01/2023", RNE="S", LS="C1", PLACE="U6", DEC="01/06/2023", REC="X1"),
            dict(CHILD="S", DECOM="01/06/2023", RNE="L", LS="E1", PLACE="U6"),
            # Y: order 01/03/2023, placed A4 01/06/2023, placement broke down 01/11/2023 (back to U6): waiting again,
            #    since the order: 01/03/2023 -> 31/03/2024 = 366 (2024 is a leap year) + 30 = 396 days
            dict(CHILD="Y", DECOM="01/01/2022", RNE="S", LS="C2", PLACE="U4", DEC="01/03/2023", REC="X1"),
            dict(CHILD="Y", DECOM="01/03/2023", RNE="L", LS="E1", PLACE="U4", DEC="01/06/2023", REC="X1"),
            dict(CHILD="Y", DECOM="01/06/2023", RNE="P", LS="E1", PLACE="A4", DEC="01/11/2023", REC="X1"),
            dict(CHILD="Y", DECOM="01/11/2023", RNE="P", LS="E1", PLACE="U6"),
            # Z: order 01/03/2023 revoked 01/09/2023 (back to a care order): not waiting
            dict(CHILD="Z", DECOM="01/01/2022", RNE="S", LS="C2", PLACE="U4", DEC="01/03/2023", REC="X1"),
            dict(CHILD="Z", DECOM="01/03/2023", RNE="L", LS="E1", PLACE="U4", DEC="01/09/2023", REC="X1"),
            dict(CHILD="Z", DECOM="01/09/2023", RNE="L", LS="C2", PLACE="U4"),
            # AA: placed for adoption 01/01/2024, not yet adopted: not waiting
            dict(CHILD="AA", DECOM="01/01/2022", RNE="S", LS="C2", PLACE="U4", DEC="01/03/2023", REC="X1"),
            dict(CHILD="AA", DECOM="01/03/2023", RNE="L", LS="E1", PLACE="U4", DEC="01/01/2024", REC="X1"),
            dict(CHILD="AA", DECOM="01/01/2024", RNE="P", LS="E1", PLACE="A4"),
        ]
    )


def adoption_ad1() -> pd.DataFrame:
    """AD1 2024: the matching dates and foster-carer flags of the adoptions."""
    return frame(
        "ad1",
        [
            dict(CHILD="P", DATE_MATCH="01/01/2023", FOSTER_CARE="0"),
            dict(CHILD="Q", DATE_MATCH="01/08/2022", FOSTER_CARE="1"),
            dict(CHILD="R", DATE_MATCH="01/05/2023", FOSTER_CARE="0"),
            dict(CHILD="V", DATE_MATCH="01/11/2022", FOSTER_CARE="1"),
            dict(CHILD="W", DATE_MATCH="01/01/2023", FOSTER_CARE="0"),
        ],
        year=2024,
    )


def notebook(path: Path, code: str, audience: str = "committee", extra_params: str = "") -> Path:
    """A tiny notebook for the batch runner: a title, a `parameters` cell (the shared parameters but `period`, plus
    `extra_params`) and one code cell, with its audience in the metadata."""
    params = nbformat.v4.new_code_cell(
        f'data_dir = ""\nperiod_end = ""\nla_code = ""\noutput_dir = "."\n{extra_params}'
    )
    params.metadata["tags"] = ["parameters"]
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell(f"# {path.stem} title"), params, nbformat.v4.new_code_cell(code)]
    )
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["cpanalysis"] = {"audience": audience}
    nbformat.write(nb, path)
    return path
