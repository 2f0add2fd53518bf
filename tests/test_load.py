"""The 903 loader on tiny hand-written extracts: layouts, de-duplication, corrections, accounting."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cpanalysis.errors import InputError
from cpanalysis.ssda903 import load
from cpanalysis.ssda903.schema import TABLES

EP_COLS = list(TABLES["episodes"].columns)
HD_COLS = list(TABLES["header"].columns)


def write(path: Path, columns: list[str], rows: list[list[str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [",".join(columns)] + [",".join(r + [""] * (len(columns) - len(r))) for r in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


def ep(child, decom, rne, ls, place, dec="", rec="", provider="PR1", cin="N1") -> list[str]:
    return [child, decom, rne, ls, cin, place, provider, dec, rec]


def hd(child, dob="01/01/2010", sex="1") -> list[str]:
    return [child, sex, dob, "WBRI"]


def two_years(folder: Path) -> Path:
    """Child A: in care from 10/10/2018, open at 31/03/2019, closed 05/05/2019 (E4A) in the 2020 return.
    Child B: one episode in 2019 only, ended 01/02/2019 (E8), so absent from 2020 (correctly)."""
    write(
        folder / "2019-episodes.csv",
        EP_COLS,
        [
            ep("A", "10/10/2018", "S", "C1", "U4"),
            ep("B", "01/01/2019", "S", "V2", "U6", "01/02/2019", "E8"),
        ],
    )
    write(folder / "2019-header.csv", HD_COLS, [hd("A"), hd("B")])
    write(folder / "2020-episodes.csv", EP_COLS, [ep("A", "10/10/2018", "S", "C1", "U4", "05/05/2019", "E4A")])
    write(folder / "2020-header.csv", HD_COLS, [hd("A")])
    return folder


def test_flat_year_prefixed_layout_keeps_latest_version_without_findings(tmp_path):
    data = load(two_years(tmp_path))
    eps = data["episodes"]
    # A's episode appears in both years: one row kept, from 2020, closed on 05/05/2019.
    assert list(eps["CHILD"]) == ["A", "B"]
    a = eps[eps["CHILD"] == "A"].iloc[0]
    assert a["YEAR"] == 2020 and a["DEC"] == pd.Timestamp(2019, 5, 5) and a["REC"] == "E4A"
    # An open episode closed by the next return is the normal flow, not a correction.
    assert data.quality.empty
    assert data.years == [2019, 2020] and data.data_end == pd.Timestamp(2020, 3, 31)
    assert len(data["header"]) == 2 and data["header"].set_index("CHILD").loc["A", "YEAR"] == 2020


def test_per_year_subfolders_and_name_variants(tmp_path):
    write(tmp_path / "2019" / "SSDA903_2019_Episodes.csv", EP_COLS, [ep("A", "10/10/2018", "S", "C1", "U4")])
    write(tmp_path / "2019" / "HEADER.CSV", HD_COLS, [hd("A")])
    write(
        tmp_path / "2019" / "PlacedAdoption.csv",
        list(TABLES["placed_adoption"].columns),
        [["A", "01/01/2010", "01/02/2019"]],
    )
    write(tmp_path / "2020" / "episodes.csv", EP_COLS, [ep("A", "10/10/2018", "S", "C1", "U4", "05/05/2019", "E4A")])
    write(tmp_path / "2020" / "header.csv", HD_COLS, [hd("A")])
    write(
        tmp_path / "2020" / "placed_for_adoption.csv",
        list(TABLES["placed_adoption"].columns),
        [["A", "01/01/2010", "01/02/2019"]],
    )
    data = load(tmp_path)
    assert set(data.files["table"]) == {"episodes", "header", "placed_adoption"}
    assert sorted(data.files["year"].unique()) == [2019, 2020]
    assert len(data["placed_adoption"]) == 1  # the same decision in both years: one row


def test_table_recognised_by_its_columns(tmp_path):
    write(tmp_path / "2020-extract_a.csv", EP_COLS, [ep("A", "10/10/2019", "S", "C1", "U4")])
    write(tmp_path / "2020-extract_b.csv", HD_COLS, [hd("A")])
    data = load(tmp_path)
    assert dict(zip(data.files["file"], data.files["table"])) == {
        "2020-extract_a.csv": "episodes",
        "2020-extract_b.csv": "header",
    }


def test_single_year_folder_infers_the_year_and_says_so(tmp_path):
    # Latest episode date 05/05/2019 falls in 2019/20, so the collection year is 2020.
    write(tmp_path / "episodes.csv", EP_COLS, [ep("A", "10/10/2018", "S", "C1", "U4", "05/05/2019", "E4A")])
    write(tmp_path / "header.csv", HD_COLS, [hd("A")])
    data = load(tmp_path)
    assert data.years == [2020]
    assert set(data.quality["rule"]) == {"year_inferred"}


def test_files_named_by_the_start_year_are_read_one_year_on(tmp_path):
    # '2019-episodes.csv' here holds 1 April 2019 - 31 March 2020: both episodes fit 2019/20, none 2018/19.
    write(
        tmp_path / "2019-episodes.csv",
        EP_COLS,
        [ep("A", "10/10/2019", "S", "C1", "U4"), ep("B", "01/05/2019", "S", "C1", "U4", "01/06/2019", "E8")],
    )
    write(tmp_path / "2019-header.csv", HD_COLS, [hd("A"), hd("B")])
    data = load(tmp_path)
    assert data.years == [2020]
    assert (data.quality["rule"] == "year_named_by_start").sum() == 2  # one per file
    assert "354" not in set(data.quality["rule"])  # episode starts after its return's year


def test_corrections_and_rejections_are_recorded_and_rows_accounted(tmp_path):
    write(
        tmp_path / "2020-episodes.csv",
        EP_COLS,
        [
            ep("A", "10/10/2019", "S", "c1", "U4"),  # line 2: lower-case LS -> corrected
            ep(" B ", "2019-11-01", "S", "C1", "U4"),  # line 3: spaces + ISO date -> corrected
            ep("", "01/12/2019", "S", "C1", "U4"),  # line 4: no CHILD -> rejected
            ep("D", "31/02/2019", "S", "C1", "U4"),  # line 5: impossible DECOM -> rejected
            ep("A", "10/10/2019", "S", "c1", "U4"),  # line 6: repeat of line 2 -> rejected
            ep("E", "01/01/2020", "S", "C1", "U4"),  # line 7: superseded by line 8 -> rejected
            ep("E", "01/01/2020", "S", "C2", "U4"),  # line 8: kept
            ep("F", "01/01/2020", "S", "C1", "XX"),  # line 9: invalid PLACE -> used, error
        ],
    )
    write(tmp_path / "2020-header.csv", HD_COLS, [hd("A"), hd("B"), hd("E"), hd("F")])
    data = load(tmp_path)
    q = data.quality
    by_row = q[q["file"] == "2020-episodes.csv"].groupby("row")["rule"].apply(set).to_dict()
    assert by_row[2] == {"lower_case_code"}
    assert by_row[3] == {"whitespace", "date_format"}
    assert by_row[4] == {"child_blank"}
    assert by_row[5] == {"date_unreadable"}
    assert by_row[6] == {"lower_case_code", "duplicate_row"}  # corrected, then found to repeat line 2
    assert by_row[7] == {"conflicting_duplicate"}
    assert by_row[9] == {"146"}  # the DfE's rule for an invalid PLACE code
    assert 8 not in by_row
    acc = data.accounting.set_index("file").loc["2020-episodes.csv"]
    # 8 rows read; rejected lines 4, 5, 6, 7; corrected lines 2, 3; used = 8 - 4 = 4 (A, B, E, F)
    assert (acc["rows_read"], acc["used"], acc["corrected"], acc["rejected"]) == (8, 4, 2, 4)
    eps = data["episodes"].set_index("CHILD")
    assert list(eps.index) == ["A", "B", "E", "F"]
    assert eps.loc["A", "LS"] == "C1" and eps.loc["B", "DECOM"] == pd.Timestamp(2019, 11, 1)
    assert eps.loc["E", "LS"] == "C2"


def test_corrected_resubmission_and_withdrawn_episode(tmp_path):
    write(
        tmp_path / "2019-episodes.csv",
        EP_COLS,
        [
            ep("A", "10/10/2018", "S", "C1", "U4"),  # 2020 return corrects PLACE U4 -> U6
            ep("G", "01/03/2019", "S", "C1", "U4"),  # open at 31/03/2019, absent in 2020: withdrawn
        ],
    )
    write(tmp_path / "2019-header.csv", HD_COLS, [hd("A"), hd("G")])
    write(tmp_path / "2020-episodes.csv", EP_COLS, [ep("A", "10/10/2018", "S", "C1", "U6")])
    write(tmp_path / "2020-header.csv", HD_COLS, [hd("A"), hd("G")])
    data = load(tmp_path)
    q = data.quality.set_index("rule")
    assert q.loc["superseded", "message"].endswith("PLACE U4 -> U6")
    assert q.loc["superseded", "outcome"] == "rejected" and q.loc["superseded", "row"] == 2
    assert q.loc["withdrawn", "CHILD"] == "G" and q.loc["withdrawn", "outcome"] == "rejected"
    assert list(data["episodes"]["PLACE"]) == ["U6"]


def test_codes_checked_against_the_collection_year(tmp_path):
    # K3 only from 2024/25 (collection 2025); P2 not for placements starting on or after 28/10/2023;
    # SEX 1/2 up to 2024, M/F/U from 2025.
    write(
        tmp_path / "2024-episodes.csv",
        EP_COLS,
        [
            ep("A", "01/05/2023", "S", "C1", "K3"),
            ep("B", "01/05/2023", "S", "C1", "P2"),
            ep("C", "01/11/2023", "S", "C1", "P2"),
        ],
    )
    write(tmp_path / "2024-header.csv", HD_COLS, [hd("A"), hd("B"), hd("C", sex="M")])
    data = load(tmp_path)
    q = data.quality
    assert list(q.loc[q["rule"] == "146", "CHILD"]) == ["A"]  # A's K3: the DfE's invalid PLACE rule
    assert list(q.loc[q["rule"] == "101", "CHILD"]) == ["C"]  # C's SEX M: the DfE's invalid gender rule
    assert list(q.loc[q["rule"] == "code_ended", "CHILD"]) == ["C"]


@pytest.mark.parametrize(
    "content, expected",
    [
        ("", "the file is empty"),
        ("CHILD,DECOM,RNE,LS,PLACE,DEC\nA,01/01/2020,S,C1,U4,\n", "missing required column REC"),
    ],
)
def test_bad_files_stop_with_a_message_naming_file_and_column(tmp_path, content, expected):
    (tmp_path / "2020-episodes.csv").write_text(content)
    with pytest.raises(InputError, match=expected) as err:
        load(tmp_path)
    assert "2020-episodes.csv" in str(err.value)


def test_folder_without_903_tables(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(InputError, match="no 903 tables found"):
        load(tmp_path)
    with pytest.raises(InputError, match="no such file or folder"):
        load(tmp_path / "missing")


@pytest.mark.parametrize("folder", ["d2i-demand-model-sample", "d2i-validator-fake", "d2i-validator-fake/fake_903.xml"])
def test_external_data_sets_load_and_every_row_is_accounted_for(folder, external_dir):
    data = load(external_dir / folder)
    acc = data.accounting
    assert (acc["used"] + acc["rejected"] == acc["rows_read"]).all()
    assert acc["rows_read"].sum() > 1000
    # every rejected row has a reason in the quality table
    rejected = data.quality[data.quality["outcome"] == "rejected"].drop_duplicates(["file", "table", "row"])
    assert len(rejected) == acc["rejected"].sum()
    assert not data["episodes"].empty and not data["header"].empty


def test_validator_fake_placement_codes_are_valid_but_break_the_placement_rules(d2i_validator):
    """Its PLACE codes are all in the 2017/18 list (P3, residential employment, included); their random
    order breaks the temporary-placement and age rules instead."""
    data = load(d2i_validator)
    assert data.years == [2018]
    assert (data.quality["rule"] == "146").sum() == 0  # 146: PLACE code not valid
    counts = data.quality["rule"].value_counts()
    assert counts["380"] > 50 and counts["374"] > 50


def test_demand_model_sample_row_counts_add_up(d2i_sample):
    # rows read = lines in the 40 CSV files minus their header lines
    files = sorted(d2i_sample.glob("*.csv"))
    lines = sum(len(f.read_text().splitlines()) - 1 for f in files)
    assert load(d2i_sample).accounting["rows_read"].sum() == lines


def test_reason_for_placement_change_filled_on_closing_is_not_a_correction(tmp_path):
    """A's placement is open at 31/03/2019 (no reason for change yet); the 2020 return closes it on 05/05/2019 with
    REC X1 and REASON_PLACE_CHANGE CARPL, and a new placement follows: the normal flow, not 'superseded'."""
    cols = [*EP_COLS[:9], "REASON_PLACE_CHANGE"]
    write(tmp_path / "2019-episodes.csv", cols, [ep("A", "10/10/2018", "S", "C2", "U4")])
    write(
        tmp_path / "2020-episodes.csv",
        cols,
        [
            ep("A", "10/10/2018", "S", "C2", "U4", "05/05/2019", "X1") + ["CARPL"],
            ep("A", "05/05/2019", "P", "C2", "U5"),
        ],
    )
    for year in (2019, 2020):
        write(tmp_path / f"{year}-header.csv", HD_COLS, [hd("A")])
    data = load(tmp_path)
    assert "superseded" not in set(data.quality["rule"])
    assert data["episodes"].set_index("DECOM").loc[pd.Timestamp(2018, 10, 10), "REASON_PLACE_CHANGE"] == "CARPL"


def test_files_cleaned_together_give_each_file_what_it_gives_alone():
    """A small extract's files of one table are cleaned together (clean_files; those with the same columns as one
    frame): each file's rows and findings are those it gives alone. Worked by hand: A's row is in both the 2019/20
    and the 2024/25 file (overlapping returns), not a repeat; B's row twice in the 2024/25 file is one repeat (line 4
    left out); SEX M is not a 2019/20 code (1/2) but is a 2024/25 one (M/F/U), 1 the other way round; the 2023/24
    file lacks MC_DOB (so it is cleaned on its own)."""
    from cpanalysis.ssda903.clean import clean, clean_files

    def raw(rows, columns):
        frame = pd.DataFrame(rows, columns=columns).astype("str")
        return frame.assign(SOURCE_ROW=range(2, len(frame) + 2))

    cols = ["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"]
    a, b = ["A", "M", "01/01/2010", "WBRI", "", "", ""], ["B", "F", "02/02/2012", "WBRI", "", "", ""]
    y2020 = raw([a, ["D", "1", "04/04/2014", "WBRI", "", "", ""]], cols)
    y2025 = raw([a, b, b], cols)
    y2024 = raw([["C", "M", "03/03/2013", "WBRI", "", ""]], cols[:-1])
    files = [(y2020, "2020-header.csv", 2020), (y2025, "2025-header.csv", 2025), (y2024, "2024-header.csv", 2024)]
    together = clean_files("header", files)
    for (rows, found), (frame, file, year) in zip(together, files):
        alone_rows, alone_found = clean(frame, "header", file, year)
        pd.testing.assert_frame_equal(rows, alone_rows)
        pd.testing.assert_frame_equal(found, alone_found)
    assert [len(rows) for rows, _ in together] == [2, 2, 1]
    found = pd.concat([f for _, f in together])
    assert sorted(zip(found["file"], found["rule"], pd.to_numeric(found["row"]).fillna(0).astype(int))) == [
        ("2020-header.csv", "101", 2),  # SEX M in 2019/20
        ("2024-header.csv", "101", 2),  # SEX M in 2023/24 (1/2 until 2024/25)
        ("2024-header.csv", "optional_column_absent", 0),
        ("2025-header.csv", "duplicate_row", 4),
    ]
