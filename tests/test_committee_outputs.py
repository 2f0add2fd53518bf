"""The helpers that turned notebook steps into functions, the workbook and the PDF, on hand-made inputs."""

from __future__ import annotations

import pandas as pd
import pytest

from cpanalysis import adoption, benchmarks, costs, narrative, population
from cpanalysis import projection as pj
from cpanalysis.categories import in_order
from cpanalysis.disclosure import MARKER
from cpanalysis.workbook import header, typed, write_workbook


def test_financial_years_run_from_the_first_collection_year_to_the_period_end():
    assert costs.financial_years(2012, pd.Timestamp("2021-03-31")) == [
        f"{y}-{str(y + 1)[2:]}" for y in range(2011, 2021)
    ]
    # a December period end: the part year it falls in is the last
    assert costs.financial_years(2019, pd.Timestamp("2020-12-31"))[-2:] == ["2019-20", "2020-21"]
    assert costs.years_around(["2018-19", "2019-20", "2020-21"], back=2, ahead=2) == [
        "2019-20",
        "2020-21",
        "2021-22",
        "2022-23",
    ]


def test_spend_wide_in_millions_by_year_ending_march_unpriced_left_out():
    by_year = pd.DataFrame(
        {
            "financial_year": ["2019-20", "2019-20", "2020-21", "2020-21", "2020-21"],
            "category": ["Residential", "In-house foster", "Residential", "In-house foster", "Other"],
            "spend_gbp": [2_000_000.0, 500_000.0, 3_000_000.0, 1_000_000.0, None],
        }
    )
    wide = costs.spend_wide(by_year)
    assert wide["year"].tolist() == [2020, 2021]
    assert wide["Residential"].tolist() == [2.0, 3.0] and wide["In-house foster"].tolist() == [0.5, 1.0]
    assert "Other" not in wide.columns
    assert in_order(wide.columns) == ["In-house foster", "Residential"]


def test_three_year_window_and_journey_table():
    assert adoption.three_year_start(pd.Timestamp("2021-03-31")) == pd.Timestamp("2018-04-01")
    j = pd.DataFrame({"A1_days": [100, 500, 300], "entered": [1, 2, 3], "adopted": [4, 5, 6]})
    t = adoption.journey_table(j)
    assert t["A1_days"].tolist() == [500, 300, 100] and {"Entered care", "Adopted"} <= set(t.columns)


def test_adoption_scorecard_safe_hides_averages_over_one_to_four_children():
    sc = pd.DataFrame(
        {
            "measure": ["A1", "A2"],
            "period": [400.0, 80.0],
            "children_period": [3, 7],
            "three_years": [390.0, 70.0],
            "children_three_years": [12, 2],
            "threshold": [426, 121],
        }
    )
    safe = adoption.scorecard_safe(sc)
    assert safe["period"].tolist() == [MARKER, 80.0] and safe["children_period"].tolist() == [MARKER, 7]
    assert safe["three_years"].tolist() == [390.0, MARKER] and safe["children_three_years"].tolist() == [12, MARKER]
    assert "390 days" in narrative.adoption_finding(sc) and "within the 426-day" in narrative.adoption_finding(sc)
    few = sc.assign(children_three_years=[3, 2])
    assert "Fewer than 5" in narrative.adoption_finding(few)


def test_england_stages_are_read_from_the_reference_file(tmp_path):
    path = tmp_path / "stages.csv"
    pd.DataFrame(
        {
            "year_ending_march": [2024, 2024, 2024, 2025, 2025],
            "stage": [
                "4. entry to placed",
                "6. entry to adopted",
                "2. other",
                "4. entry to placed",
                "6. entry to adopted",
            ],
            "months": [18.0, 27.0, 5.0, 19.0, 28.0],
        }
    ).to_csv(path, index=False)
    england = adoption.england_stages(path)
    assert list(england.columns) == ["year_ending_march", "4. entry to placed", "6. entry to adopted"]
    assert "19 months (about 578 days)" in narrative.england_stages_finding(england)
    assert "March 2025" in narrative.england_stages_finding(england)
    # only the pack's years: to 2024, or the first published when the pack is earlier than every year
    assert adoption.england_stages(path, up_to=2024)["year_ending_march"].tolist() == [2024]
    assert adoption.england_stages(path, up_to=2021)["year_ending_march"].tolist() == [2024]
    # the pack's own year when published, else the nearest, labelled
    assert "March 2024 the entry-to-placed average was **18 months" in narrative.england_stages_finding(england, 2024)
    assert "March 2024 (the nearest published to this pack's 2021)" in narrative.england_stages_finding(england, 2021)


def test_comparator_rates_only_for_the_packs_own_years():
    from cpanalysis.ssda903 import load
    from cpanalysis.synth import ensure_default

    eps = load(ensure_default())["episodes"]
    rates = benchmarks.rate_comparison(eps, "E06000049", [2019, 2020, 2021])
    assert set(rates["year_ending_march"]) <= {2019, 2020, 2021} and len(rates) > 0
    assert {"This data set", "England"} <= set(rates["area"])
    assert benchmarks.rate_comparison(eps, None, [2021]).empty
    assert narrative.rates_note(rates) == "" and "not shown" in narrative.rates_note(rates.iloc[0:0])


def test_projection_helpers():
    assert pj.report_horizons(36) == (12, 24, 36) and pj.report_horizons(18) == (12,)
    spend = pd.DataFrame(
        {
            "category": [pj.TOTAL, "Residential"],
            "financial_year": ["2021-22", "2021-22"],
            "months": [12, 12],
            "central": [12_345_678.0, 1.0],
            "lower": [11_000_000.0, 1.0],
            "upper": [13_999_999.0, 1.0],
        }
    )
    totals = pj.spend_totals(spend)
    assert totals.to_dict("records") == [
        {
            "financial_year": "2021-22",
            "months": 12,
            "spend_gbp_m": 12.35,
            "spend_lower_gbp_m": 11.0,
            "spend_upper_gbp_m": 14.0,
        }
    ]
    compare = pd.DataFrame({"scenario": ["a"], "children": [600.6], "residential": [40.4], "spend_gbp_m": [28.456]})
    rounded = pj.rounded_comparison(compare)
    assert (
        rounded.loc[0, "children"] == 601
        and rounded.loc[0, "residential"] == 40
        and rounded.loc[0, "spend_gbp_m"] == 28.46
    )


def test_projection_wide_suppresses_and_orders():
    table = pd.DataFrame(
        {
            "category": ["Residential", pj.TOTAL],
            "date": pd.to_datetime(["2022-03-31", "2022-03-31"]),
            "children": [3, 600],
            "children_lower": [1, 580],
            "children_upper": [6, 620],
        }
    )
    wide = narrative.projection_wide(table)
    assert wide["category"].tolist() == ["Residential", pj.TOTAL]
    assert wide["31/03/2022"].tolist() == ["[c] ([c] to 6)", "600 (580 to 620)"]


def test_placement_mix_rows_protected_and_too_few():
    mix = pd.DataFrame({"date": pd.to_datetime(["2021-03-31"]), "In-house foster": [200], "Secure": [1], "Other": [6]})
    safe = population.placement_mix_safe(mix)
    assert safe.loc[0, "Secure"] == MARKER and safe.loc[0, "Other"] == MARKER and safe.loc[0, "In-house foster"] == 200
    assert narrative.too_few(4, "the chart") == "Fewer than 5 children: the chart is not shown."
    assert narrative.too_few(5, "the chart") == ""


def test_scorecard_summary_counts_rag_and_names_the_comparators_year():
    card = pd.DataFrame(
        {"RAG": ["Green", "Red", "Green", ""], "Direction of travel": ["Improving", "", "Worsening", "Up"]}
    )
    text = narrative.scorecard_summary(
        card, pd.DataFrame({"year_ending_march": [2021]}), pd.Timestamp("2021-03-31"), "Src."
    )
    assert "2 measures on target (Green), 0 close to it (Amber) and 1 off target (Red)" in text
    assert "1 improving and 1 worsening" in text and "year ending March 2021" in text


def test_workbook_headers_and_cells():
    assert header("spend_gbp_m") == "Spend (£ million)" and header("period_end") == "Period end"
    assert header("model_mape_pct") == "Model: average error (%)" and header("share_pct") == "Share (%)"
    assert header("children_lower") == "Children lower"
    assert typed("12") == 12 and typed("12.5") == 12.5 and typed(MARKER) == MARKER and typed("") is None
    assert typed("2021-03-31") == pd.Timestamp("2021-03-31").to_pydatetime() and typed("In-house") == "In-house"


def test_workbook_has_contents_typed_cells_and_widths(tmp_path):
    from openpyxl import load_workbook

    tables = tmp_path / "tables"
    tables.mkdir()
    pd.DataFrame({"date": ["2021-03-31"], "children": ["609"], "percent": ["[c]"]}).to_csv(
        tables / "cla_by_quarter.csv", index=False
    )
    write_workbook(tables, tmp_path / "out.xlsx", "Source: test data.")
    wb = load_workbook(tmp_path / "out.xlsx")
    assert wb.sheetnames == ["Contents", "cla_by_quarter"]
    contents = [c.value for row in wb["Contents"].iter_rows() for c in row if c.value]
    assert "Source: test data." in contents and any("quarter end" in str(v) for v in contents)
    ws = wb["cla_by_quarter"]
    assert [c.value for c in ws[1]] == ["Date", "Children", "Percent"]
    assert ws["A2"].is_date and ws["B2"].value == 609 and ws["C2"].value == MARKER
    assert ws.column_dimensions["A"].width >= 8 and ws.freeze_panes == "A2"


def test_html_to_pdf_writes_a4_pages_offline(tmp_path):
    from pypdf import PdfReader

    from cpanalysis.pdf import PRINT_CSS, html_to_pdf

    html = tmp_path / "p.html"
    html.write_text(
        f"<html><head><style>{PRINT_CSS}</style><link rel='stylesheet' href='https://example.invalid/x.css'></head>"
        "<body><h1>One</h1><p>First section.</p><h1>Two</h1><p>Second section.</p>"
        "<div class='cp-scorecard-page'><table class='cp-scorecard'><thead><tr><th>Comment</th></tr></thead>"
        "<tbody><tr><td>wide</td></tr></tbody></table></div></body></html>"
    )
    reader = PdfReader(html_to_pdf(html, tmp_path / "p.pdf"))
    sizes = [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages]
    assert sizes == [(595, 842), (595, 842), (842, 595)]  # a page per section; the scorecard landscape
    assert "Second section" in reader.pages[1].extract_text()
    with pytest.raises(Exception, match="no such HTML"):
        html_to_pdf(tmp_path / "missing.html", tmp_path / "x.pdf")


def test_show_gives_readable_headers_and_whole_numbers_without_decimals():
    html = narrative.show(pd.DataFrame({"spend_gbp_m": [1234.5], "threshold": [426.0], "net_change": [-3]})).to_html()
    assert "Spend (£ million)" in html and "Net change" in html and "spend_gbp_m" not in html
    assert "1,234.5" in html and ">426<" in html and "426.0" not in html
