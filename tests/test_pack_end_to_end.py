"""The whole quarterly run on the synthetic data: every notebook, the files, the manifest, and disclosure
control in everything written for the committee."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from cpanalysis.batch import run
from cpanalysis.disclosure import find_identifiers, is_small
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
        for col in COUNT_COLUMNS & set(df.columns):
            values = df[col].dropna()
            assert not values.map(is_small).any(), f"{name}.{col} has a count of 1-4"
    scorecard = sheets["scorecard"]
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
