"""Extracts saved the way LA systems and Excel save them: each either loads to the same figures as a clean
copy, or stops with one message naming the file, or loads with an error-level finding (issue 12)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from cpanalysis.errors import InputError
from cpanalysis.ssda903 import load
from cpanalysis.ssda903.schema import TABLES

EP_COLS = list(TABLES["episodes"].columns)
HD_COLS = list(TABLES["header"].columns)


def write(path: Path, columns: list[str], rows: list[list[str]], *, encoding="utf-8", newline="\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [",".join(columns)] + [",".join(r + [""] * (len(columns) - len(r))) for r in rows]
    path.write_bytes((newline.join(lines) + newline).encode(encoding))
    return path


def ep(child, decom, rne="S", ls="C2", place="U4", dec="", rec="", provider="PR1") -> list[str]:
    return [child, decom, rne, ls, "N1", place, provider, dec, rec]


def hd(child, dob="01/01/2010", sex="1") -> list[str]:
    return [child, sex, dob, "WBRI"]


EPISODES = [
    ep("A", "10/10/2018"),
    ep("B", "01/01/2019", ls="V2", place="U6", dec="01/02/2019", rec="E8", provider="PR4"),
    ep("C", "05/06/2018", place="P3", provider="PR2"),
]
HEADERS = [hd("A"), hd("B"), hd("C", dob="01/01/2003", sex="2")]


def clean_copy(folder: Path) -> Path:
    write(folder / "2019-episodes.csv", EP_COLS, EPISODES)
    write(folder / "2019-header.csv", HD_COLS, HEADERS)
    return folder


def figures(data) -> pd.DataFrame:
    """What the measures read: the kept episodes, without where they came from."""
    cols = EP_COLS + ["YEAR"]
    return data["episodes"][cols].sort_values(["CHILD", "DECOM"]).reset_index(drop=True)


def errors(data) -> pd.DataFrame:
    return data.quality[data.quality["severity"] == "error"]


@pytest.fixture
def clean(tmp_path_factory):
    return load(clean_copy(tmp_path_factory.mktemp("clean")))


def test_clean_copy_has_no_errors_and_p3_is_a_valid_placement(clean):
    assert errors(clean).empty, errors(clean)[["rule", "message"]]
    assert clean["episodes"].set_index("CHILD").loc["C", "PLACE"] == "P3"


@pytest.mark.parametrize(
    "names",
    [
        ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE PROVIDER", "DEC", "REC"],
        ["child", "decom", "rne", "ls", "cin", "place", "place_provider", "dec", "rec"],
        ["Child", "DECOM", "RNE", "LS", "CIN", "Place", "Place Provider ", "DEC", "REC"],
        ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "Place-Provider", "DEC", "REC"],
    ],
)
def test_column_names_with_spaces_or_any_case_load_as_the_clean_copy(tmp_path, clean, names):
    write(tmp_path / "2019-episodes.csv", names, EPISODES)
    write(tmp_path / "2019-header.csv", HD_COLS, HEADERS)
    data = load(tmp_path)
    pd.testing.assert_frame_equal(figures(data), figures(clean))
    assert (data["episodes"]["PLACE_PROVIDER"] == "PR1").sum() == 1


@pytest.mark.parametrize(
    "fmt",
    ["%d/%m/%Y 00:00", "%d/%m/%Y 00:00:00", "%Y-%m-%d", "%Y-%m-%d 00:00:00", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y"],
)
def test_date_variants_load_as_the_clean_copy(tmp_path, clean, fmt):
    def conv(s: str) -> str:
        return pd.to_datetime(s, format="%d/%m/%Y").strftime(fmt) if s else s

    rows = [[conv(v) if i in (1, 7) else v for i, v in enumerate(r)] for r in EPISODES]
    write(tmp_path / "2019-episodes.csv", EP_COLS, rows)
    write(tmp_path / "2019-header.csv", HD_COLS, [[c, s, conv(d), e] for c, s, d, e in HEADERS])
    data = load(tmp_path)
    pd.testing.assert_frame_equal(figures(data), figures(clean))
    assert errors(data).empty
    assert (data.quality["rule"] == "date_format").any()  # said, not silent


def test_excel_serial_dates_are_read(tmp_path, clean):
    def serial(s: str) -> str:
        return str((pd.Timestamp(pd.to_datetime(s, format="%d/%m/%Y")) - pd.Timestamp(1899, 12, 30)).days) if s else s

    rows = [[serial(v) if i in (1, 7) else v for i, v in enumerate(r)] for r in EPISODES]
    write(tmp_path / "2019-episodes.csv", EP_COLS, rows)
    write(tmp_path / "2019-header.csv", HD_COLS, HEADERS)
    pd.testing.assert_frame_equal(figures(load(tmp_path)), figures(clean))


def test_ambiguous_or_impossible_dates_are_errors_not_guesses(tmp_path):
    write(tmp_path / "2019-episodes.csv", EP_COLS, [ep("A", "31/02/2019"), ep("B", "01/13/2018")])
    write(tmp_path / "2019-header.csv", HD_COLS, HEADERS[:2])
    data = load(tmp_path)
    assert data["episodes"].empty
    assert set(errors(data)["rule"]) >= {"date_unreadable"}
    assert (data.accounting["rows_read"] == data.accounting["used"] + data.accounting["rejected"]).all()


@pytest.mark.parametrize(
    "encoding,newline", [("utf-8-sig", "\n"), ("utf-8", "\r\n"), ("cp1252", "\r\n"), ("utf-8-sig", "\r\n")]
)
def test_bom_crlf_and_windows_1252_load_as_the_clean_copy(tmp_path, clean, encoding, newline):
    write(tmp_path / "2019-episodes.csv", EP_COLS, EPISODES, encoding=encoding, newline=newline)
    write(tmp_path / "2019-header.csv", HD_COLS, HEADERS, encoding=encoding, newline=newline)
    pd.testing.assert_frame_equal(figures(load(tmp_path)), figures(clean))


def _frame(columns, rows):
    return pd.DataFrame([r + [""] * (len(columns) - len(r)) for r in rows], columns=columns)


def test_xlsx_one_table_a_file_is_read(tmp_path, clean):
    _frame(EP_COLS, EPISODES).to_excel(tmp_path / "2019-episodes.xlsx", index=False)
    _frame(HD_COLS, HEADERS).to_excel(tmp_path / "2019-header.xlsx", index=False)
    pd.testing.assert_frame_equal(figures(load(tmp_path)), figures(clean))


def test_xlsx_one_table_a_sheet_is_read_with_real_date_cells(tmp_path, clean):
    eps = _frame(EP_COLS, EPISODES)
    for c in ("DECOM", "DEC"):
        eps[c] = pd.to_datetime(eps[c], format="%d/%m/%Y")  # Excel date cells, not text
    with pd.ExcelWriter(tmp_path / "SSDA903 2019.xlsx") as xw:
        eps.to_excel(xw, sheet_name="Episodes", index=False)
        _frame(HD_COLS, HEADERS).to_excel(xw, sheet_name="Header", index=False)
        pd.DataFrame({"note": ["not a 903 table"]}).to_excel(xw, sheet_name="Notes", index=False)
    data = load(tmp_path)
    pd.testing.assert_frame_equal(figures(data), figures(clean))
    assert data.quality["message"].str.contains("Notes").any()  # the skipped sheet is named


def test_episodes_file_with_no_data_rows_stops_instead_of_withdrawing_open_episodes(tmp_path):
    clean_copy(tmp_path)
    write(tmp_path / "2020-episodes.csv", EP_COLS, [])
    write(tmp_path / "2020-header.csv", HD_COLS, HEADERS)
    with pytest.raises(InputError, match=r"2020-episodes.csv.*no data rows"):
        load(tmp_path)


def test_two_different_files_for_one_table_and_year_are_a_conflict(tmp_path):
    clean_copy(tmp_path)
    write(tmp_path / "2019" / "episodes.csv", EP_COLS, EPISODES[:2])
    with pytest.raises(
        InputError, match=r"two different episodes tables for the 2018/19 collection: .*episodes.csv and .*episodes.csv"
    ):
        load(tmp_path)


def test_an_identical_second_copy_is_skipped_and_said(tmp_path, clean):
    clean_copy(tmp_path)
    shutil.copy(tmp_path / "2019-episodes.csv", tmp_path / "episodes_2019_copy.csv")
    data = load(tmp_path)
    pd.testing.assert_frame_equal(figures(data), figures(clean))
    assert (data.quality["rule"] == "duplicate_file").sum() == 1


def test_year_inferred_from_the_weight_of_dates_not_a_few_outliers(tmp_path):
    """A 2017/18 return (no year in its name) in which a handful of episodes end on 1 April 2018."""
    rows = [ep(f"A{i}", "01/05/2017", dec="01/09/2017", rec="E8") for i in range(20)]
    rows += [ep(f"B{i}", "01/05/2016") for i in range(20)]
    rows += [ep(f"C{i}", "01/06/2017", dec="01/04/2018", rec="E8") for i in range(3)]
    write(tmp_path / "episodes.csv", EP_COLS, rows)
    write(tmp_path / "header.csv", HD_COLS, [hd(r[0]) for r in rows])
    data = load(tmp_path)
    assert data.years == [2018]
    assert (data.quality["rule"] == "year_inferred").any()
    late = data.quality[data.quality["rule"] == "385"]
    assert sorted(late["CHILD"]) == ["C0", "C1", "C2"]  # the outliers are what is reported


def test_year_in_file_name_wins_over_dates(tmp_path):
    rows = [ep("A", "01/05/2017", dec="01/09/2017", rec="E8")]
    write(tmp_path / "2019-episodes.csv", EP_COLS, rows)
    write(tmp_path / "2019-header.csv", HD_COLS, [hd("A")])
    assert load(tmp_path).years == [2019]


def test_rules_apply_to_each_return_as_submitted(tmp_path):
    """The 2019 return has DEC set with REC blank; the 2020 return corrects it. The measures use the
    corrected history, but the 2019 return's own error is still reported against its file and line."""
    write(tmp_path / "2019-episodes.csv", EP_COLS, [ep("A", "10/10/2018", dec="01/03/2019", rec="")])
    write(tmp_path / "2019-header.csv", HD_COLS, [hd("A")])
    write(tmp_path / "2020-episodes.csv", EP_COLS, [ep("A", "10/10/2018", dec="01/03/2019", rec="E8")])
    write(tmp_path / "2020-header.csv", HD_COLS, [hd("A")])
    data = load(tmp_path)
    mism = data.quality[data.quality["rule"] == "148"]
    assert list(mism["file"]) == ["2019-episodes.csv"] and list(mism["row"]) == [2]
    assert data["episodes"].iloc[0]["REC"] == "E8"


def test_the_fast_csv_reader_reads_as_pandas_does_or_leaves_the_file_to_pandas(tmp_path):
    """read_csv tries pyarrow's reader first (_by_arrow) and falls back to pandas for a file pyarrow would read
    differently: both give pandas' frame, blanks and spaces as written."""
    from cpanalysis.ssda903.read import _by_arrow, read_csv
    from cpanalysis.ssda903.schema import TEXT

    def pandas_reads(path, encoding="utf-8-sig"):
        df = pd.read_csv(path, dtype=TEXT, keep_default_na=False, encoding=encoding).fillna("")
        return df.assign(SOURCE_ROW=range(2, len(df) + 2))

    fast = tmp_path / "fast.csv"  # BOM, CRLF, a quoted comma and line break, spaces, NA and NULL as text, blanks
    fast.write_bytes('\ufeffCHILD,DECOM,RNE\r\n" A1",01/04/2019,"S, L"\r\nNA,,NULL\r\n\r\n"B\nC ",x,\r\n'.encode())
    assert _by_arrow(fast) is not None
    pd.testing.assert_frame_equal(read_csv(fast), pandas_reads(fast))
    assert read_csv(fast)["CHILD"].tolist() == [" A1", "NA", "B\nC "]
    for name, content, encoding in [
        ("short_row.csv", "CHILD,DECOM,RNE\nA,01/04/2019\n", "utf-8"),
        ("windows.csv", "CHILD,DECOM,RNE\nA\xe9,01/04/2019,S\n", "cp1252"),
        ("same_name.csv", "CHILD,CHILD,RNE\nA,B,S\n", "utf-8"),
        ("blank_name.csv", "CHILD,,RNE\nA,B,S\n", "utf-8"),
    ]:
        path = tmp_path / name
        path.write_bytes(content.encode(encoding))
        assert _by_arrow(path) is None, name
        # the values as pandas reads them (column names in the 903 spelling: pandas' CHILD.1 is CHILD_1)
        assert read_csv(path).to_numpy().tolist() == pandas_reads(path, encoding).to_numpy().tolist(), name


def test_whitespace_trimmed_by_pyarrow_is_what_str_strip_removes():
    from cpanalysis.ssda903.clean import WHITESPACE

    assert "".join(c for c in map(chr, range(0x110000)) if c.isspace()) == WHITESPACE
