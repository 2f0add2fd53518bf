"""The whole quarterly run on the synthetic data: every notebook, the files, the manifest, and disclosure
control in everything written for the committee."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from cpanalysis.batch import run
from cpanalysis.disclosure import audit_table, find_identifiers, is_small
from cpanalysis.ssda903 import load
from cpanalysis.synth import ensure_default

COUNT_COLUMNS = {
    "children",
    "started",
    "ceased",
    "looked_after",
    "previous",
    "now",
    "of",
    "children_period",
    "children_three_years",
    "children_lower",
    "children_upper",
}


def _readable_text(path) -> str:
    """What a reader can see: HTML without its embedded images, a notebook's sources and text outputs."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".html":
        return re.sub(r"data:image/[^\"')]+", "", text)
    if path.suffix == ".ipynb":
        nb = json.loads(text)
        parts = []
        for cell in nb["cells"]:
            parts.append("".join(cell["source"]))
            for out in cell.get("outputs", []):
                data = out.get("data", {})
                parts += ["".join(data.get(k, "")) for k in ("text/plain", "text/html", "text/markdown")]
                parts.append("".join(out.get("text", "")))
        return "\n".join(parts)
    return text


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs")
    run_dir, manifest = run(out=out, progress=False)
    return run_dir, manifest


def test_every_notebook_ran_and_the_manifest_says_so(pack):
    run_dir, manifest = pack
    assert manifest["failed"] == [], [nb["error"] for nb in manifest["notebooks"] if nb["error"]]
    names = [nb["name"] for nb in manifest["notebooks"]]
    assert names == sorted(names) and "01_data_quality" in names and "05_committee_scorecard" in names
    on_disk = json.loads((run_dir / "manifest.json").read_text())
    assert on_disk["synthetic_data"] is True and on_disk["parameters"]["period_end"] == "2021-03-31"
    assert all(len(i["sha256"]) == 64 and i["rows"] >= 0 for i in on_disk["inputs"])
    assert {"pandas", "papermill", "cpanalysis"} <= set(on_disk["versions"])
    assert len(on_disk["constraints"]["sha256"]) == 64  # the constraints.txt make installs from
    for name in (
        "committee_pack.html",
        "committee_tables.xlsx",
        "manifest.json",
        "analyst/ANALYST_ONLY.txt",
        "analyst/html/01_data_quality.html",
        "html/02_population_trends.html",
        "figures/cla_by_quarter.png",
        "figures/cla_by_quarter.svg",
    ):
        assert (run_dir / name).exists(), name


def test_committee_tables_suppress_small_counts(pack):
    run_dir, _ = pack
    sheets = pd.read_excel(run_dir / "committee_tables.xlsx", sheet_name=None, dtype=str)
    assert len(sheets) >= 10
    for name, df in sheets.items():
        df.columns = [str(c).lower().replace(" ", "_") for c in df.columns]  # readable headers back to names
        for col in COUNT_COLUMNS & set(df.columns):
            values = df[col].dropna()
            assert not values.map(is_small).any(), f"{name}.{col} has a count of 1-4"
    scorecard = pd.read_excel(run_dir / "committee_tables.xlsx", sheet_name="scorecard", dtype=str)
    quarter_cols = [c for c in scorecard.columns if c.startswith(("Q", "Year end"))]
    adopted = scorecard.set_index("Ref").loc["P2.11", quarter_cols]
    assert not adopted.map(is_small).any()


def test_committee_outputs_hold_no_child_identifier(pack):
    run_dir, _ = pack
    data = load(ensure_default())
    ids = set(data["episodes"]["CHILD"]) | set(data["header"]["CHILD"])
    dobs = set(data["header"]["DOB"].dt.strftime("%d/%m/%Y"))
    committee = [
        p
        for p in run_dir.rglob("*")
        if p.is_file() and "analyst" not in p.parts and p.suffix in (".html", ".csv", ".ipynb")
    ]
    assert committee
    for path in committee:
        text = _readable_text(path)
        assert find_identifiers(text, ids) == [], path
        assert not (set(re.findall(r"\b\d\d/\d\d/\d{4}\b", text)) & dobs - {"31/03/2021"}), path


def test_analyst_outputs_are_separate_and_marked(pack):
    run_dir, _ = pack
    analyst = run_dir / "analyst"
    assert "ANALYST ONLY" in (analyst / "ANALYST_ONLY.txt").read_text()
    assert (analyst / "tables" / "dq_findings.csv").exists()
    assert not (run_dir / "tables" / "dq_findings.csv").exists()
    pack_html = (run_dir / "committee_pack.html").read_text()
    assert "Data quality" not in pack_html and "Corporate Parenting scorecard" in pack_html


def test_second_run_gives_identical_tables(pack, tmp_path):
    first, _ = pack
    second, _ = run(out=tmp_path, progress=False)
    for csv in sorted((first / "tables").glob("*.csv")):
        assert csv.read_bytes() == (second / "tables" / csv.name).read_bytes(), csv.name


# Committee tables whose counts add up to a figure shown elsewhere in the pack, and which way: each column of a
# breakdown adds up to the number looked after (or waiting); each quarter of the placement mix does.
PARTITIONS = {
    "cla_by_age_band": "columns",
    "cla_by_sex": "columns",
    "cla_by_legal_status": "columns",
    "cla_by_placement": "columns",
    "cla_by_provider": "columns",
    "cla_by_uasc": "columns",
    "adoption_waiting_by_time": "columns",
    "placement_mix_by_quarter": "rows",
}


def _assert_no_cell_recoverable(run_dir) -> None:
    for name, lines in PARTITIONS.items():
        table = pd.read_csv(run_dir / "tables" / f"{name}.csv", dtype=str, keep_default_na=False)
        counts = ["children"] if lines == "columns" else [c for c in table.columns if c != "date"]
        assert audit_table(table, counts, lines) == [], name


def test_no_suppressed_cell_can_be_recovered_from_the_others(pack):
    run_dir, _ = pack
    _assert_no_cell_recoverable(run_dir)


def test_no_suppressed_cell_can_be_recovered_on_the_d2i_sample(tmp_path_factory, d2i_sample):
    overrides = {"03_cost_projections": {"simulations": "40", "backtest_simulations": "10"}}
    run_dir, manifest = run(
        data_dir=d2i_sample, out=tmp_path_factory.mktemp("d2i"), overrides=overrides, progress=False
    )
    assert [nb["name"] for nb in manifest["notebooks"] if nb["status"] != "ok"] == []
    _assert_no_cell_recoverable(run_dir)


def test_the_pack_prints_on_a4_with_every_scorecard_column_and_no_blank_page(pack):
    from pypdf import PdfReader

    run_dir, _ = pack
    reader = PdfReader(run_dir / "committee_pack.pdf")
    assert 8 <= len(reader.pages) <= 60
    for page in reader.pages:
        size = sorted((round(float(page.mediabox.width)), round(float(page.mediabox.height))))
        assert size == [595, 842]  # A4 in points, portrait or landscape
    texts = [page.extract_text() or "" for page in reader.pages]
    for i, (page, text) in enumerate(zip(reader.pages, texts, strict=True), 1):
        has_image = bool(page.images)
        assert has_image or len(re.sub(r"Page \d+ of \d+", "", text).strip()) > 40, f"page {i} is (nearly) blank"
    header = pd.read_csv(run_dir / "tables" / "scorecard.csv", nrows=0).columns
    scorecard_pages = " ".join(t for t in texts if "Direction" in t)
    flat = re.sub(r"\s+", " ", scorecard_pages)
    for col in header:
        assert col in flat, f"scorecard column {col!r} not on paper"
    landscape = [p for p in reader.pages if float(p.mediabox.width) > float(p.mediabox.height)]
    assert landscape, "the scorecard gets a landscape page"


def test_the_pack_opens_offline(pack):
    run_dir, _ = pack
    html = (run_dir / "committee_pack.html").read_text()
    assert not re.search(r"<script[^>]+src=\"https?:", html) and "cdnjs" not in html and "mathjax" not in html.lower()
    assert "@page" in html  # the print stylesheet travels with the page


def test_the_workbook_holds_numbers_as_numbers_and_a_contents_sheet(pack):
    from openpyxl import load_workbook

    run_dir, _ = pack
    wb = load_workbook(run_dir / "committee_tables.xlsx")
    assert wb.sheetnames[0] == "Contents" and "[c]" in wb["Contents"]["A2"].value
    cla = wb["cla_by_quarter"]
    assert [c.value for c in cla[1]] == ["Date", "Children"]
    assert cla["A2"].is_date and isinstance(cla["B2"].value, int)
    numeric = sum(
        isinstance(c.value, (int, float)) for ws in wb.worksheets[1:] for row in ws.iter_rows(min_row=2) for c in row
    )
    assert numeric > 500
    assert all(ws.column_dimensions["A"].width and ws.freeze_panes == "A2" for ws in wb.worksheets[1:])


def test_the_same_figure_is_the_same_everywhere_in_the_pack(pack):
    """Each figure that appears in more than one place (scorecard, tables, sentences) for the same date has one
    value: the number looked after, in-house and IFA foster, residential share, the rate, stability, the year's
    starts and endings, the net change, and the children waiting."""
    run_dir, _ = pack
    tables = run_dir / "tables"

    def read(name):
        return pd.read_csv(tables / f"{name}.csv", dtype=str, keep_default_na=False)

    card = read("scorecard").set_index("Ref")
    q4 = [c for c in card.columns if c.startswith("Q4")][0]  # the period end 31 March 2021 is Q4's
    by_quarter = read("cla_by_quarter").set_index("date")["children"]
    flows = read("flows_by_quarter").set_index("period_end")
    changes = read("changes_since_last_quarter").set_index("measure")
    placement = read("cla_by_placement").set_index("placement")["children"]
    stability = read("placement_stability").set_index("measure")
    rates = read("rate_per_10k")
    html = re.sub(r"<[^>]+>", "", (run_dir / "committee_pack.html").read_text())

    looked_after = {
        "cla_by_quarter": by_quarter["2021-03-31"],
        "flows_by_quarter": flows.loc["2021-03-31", "looked_after"],
        "changes_since": changes.loc["Children looked after", "now"],
        "scorecard G1": card.loc["G1", q4],
    }
    assert len(set(looked_after.values())) == 1, looked_after
    assert f"{int(by_quarter['2021-03-31']):,} children were looked after on 31 March 2021" in html
    for ref, category in (("P2.1", "In-house foster"), ("P2.2", "External (IFA) foster")):
        assert card.loc[ref, q4] == placement[category] == changes.loc[category, "now"], ref
    residential = changes.loc["Residential (incl. secure, schools)", "now"]
    assert card.loc["P2.4", q4] == f"{100 * int(residential) / int(looked_after['scorecard G1']):.1f}%"
    own_rate = rates[(rates["area"] == "This data set") & (rates["year_ending_march"] == "2021")]["rate_per_10k"]
    assert card.loc["G2", q4] == own_rate.iloc[0]
    assert card.loc["P2.6b", q4] == stability.loc["3 or more placements in the year", "percent"] + "%"
    assert card.loc["P2.6", q4] == stability.iloc[1]["percent"] + "%"
    # the year's starts and endings: the sentence and the scorecard's year to date at Q4
    started, ceased = card.loc["G4", q4], card.loc["G5", q4]
    assert (
        f"In the 12 months to 31 March 2021 {started} children started to be looked after and {ceased} ceased" in html
    )
    # the net change of the last quarter is the change in the number looked after, as in the changes table
    assert int(flows.loc["2021-03-31", "net_change"]) == int(changes.loc["Children looked after", "change"])
    assert int(flows.loc["2021-03-31", "net_change"]) == int(by_quarter["2021-03-31"]) - int(by_quarter["2020-12-31"])
    assert f"{card.loc['P2.16', q4]} children were waiting on 31 March 2021" in html
