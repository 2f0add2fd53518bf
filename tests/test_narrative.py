import re

import pandas as pd

from cpanalysis import narrative


def test_cla_trend_sentence_by_hand():
    s = pd.DataFrame({"date": pd.to_datetime(["2019-03-31", "2020-03-31", "2021-03-31"]), "children": [400, 500, 520]})
    # 520 now; a year ago 500: 20 more, +4.0%; first 400: 120 more
    assert narrative.cla_trend(s) == (
        "**520 children** were looked after on 31 March 2021, 20 more (+4.0%) than a "
        "year earlier and 120 more than on 31 March 2019."
    )


def test_small_counts_are_not_written_out():
    s = pd.DataFrame({"date": pd.to_datetime(["2020-03-31", "2021-03-31"]), "children": [5, 3]})
    assert narrative.cla_trend(s).startswith("**<5 children**")
    f = pd.DataFrame({"started": [2, 1], "ceased": [10, 12]})
    assert narrative.flows_trend(f) == (
        "Over the last 2 quarters <5 children started to be looked after and 22 "
        "ceased: more children left care than came in."
    )


def test_flows_sentence_uses_the_years_own_count_when_given():
    quarters = pd.DataFrame({"started": [50, 50, 50, 50], "ceased": [40, 40, 40, 40]})
    year = pd.DataFrame({"period_end": pd.to_datetime(["2021-03-31"]), "started": [198], "ceased": [165]})
    assert narrative.flows_trend(quarters, year=year) == (
        "In the 12 months to 31 March 2021 198 children started to be looked after and 165 ceased: "
        "more children came into care than left."
    )


def test_show_hides_the_index_and_blanks_missing_values():
    html = narrative.show(pd.DataFrame({"measure": ["A1"], "value": [412.345], "target": [float("nan")]})).to_html()
    assert "412.3" in html and "nan" not in html.lower() and ">0<" not in html


def test_breakdowns_get_readable_labels():
    t = pd.DataFrame({"provider": ["PR1", "PR4"], "children": [10, 20]})
    assert list(narrative.labelled(t, "provider")["provider"]) == [
        "PR1 - Own provision (by the local authority)",
        "PR4 - Private provision",
    ]
    u = pd.DataFrame({"uasc": [False, True], "children": [10, 20]})
    assert list(narrative.labelled(u, "uasc")["uasc"]) == ["Not UASC", "UASC"]


def test_projection_finding():
    summary = pd.DataFrame(
        {
            "date": pd.to_datetime(["2021-03-31", "2022-03-31"]),
            "category": "Total",
            "central": [540.0, 559.6],
            "lower": [540.0, 520.0],
            "upper": [540.0, 599.2],
        }
    )
    assert narrative.projection_finding(summary) == (
        "The model projects **560 children** looked after on 31 March 2022 (90% range 520 to 600), against 540 on "
        "31 March 2021."
    )


def test_backtest_finding_names_where_the_model_loses():
    table = pd.DataFrame(
        {
            "horizon": [12, 12, 12],
            "category": ["Total", "Secure", "Residential"],
            "points": [28, 28, 28],
            "model": [2.8, 53.0, 12.0],
            "last_value": [6.3, 50.0, 14.5],
            "linear_trend": [3.0, 80.0, 15.3],
            "drift": [4.1, 60.0, 13.0],
            "coverage_pct": [85.7, 90.0, 92.0],
            "best": ["Model", "Last value", "Model"],
        }
    )
    text = narrative.backtest_finding(table)
    assert (
        "out by **2.8%** on average, against 6.3% for carrying the last figure forward, 3.0% for a "
        "straight-line trend and 4.1% for the last figure plus the average monthly change since the data began: "
        "the model did best" in text
    )
    lost = narrative.backtest_finding(table.assign(drift=[2.5, 60.0, 13.0]))
    assert (
        "2.5% for the last figure plus the average monthly change since the data began: the long-run average "
        "change did better than the model" in lost
    )
    assert "inside the 90% range at 86% of them" in text
    assert text.endswith("A naive forecast did better for: secure (small groups, where chance dominates).")


def test_scenario_table_for_the_committee():
    compare = pd.DataFrame(
        {
            "scenario": ["Baseline", "Step down"],
            "date": pd.Timestamp("2024-03-31"),
            "children": [654.6, 654.4],
            "children_lower": [598.0, 599.0],
            "children_upper": [711.0, 1706.0],
            "in_house_foster": [262.2, 265.4],
            "ifa_foster": [177.0, 177.0],
            "residential": [51.0, 48.0],
            "spend_year": "2021-22",
            "spend_gbp_m": [28.284, 27.77],
            "spend_lower_gbp_m": [25.9, 25.63],
            "spend_upper_gbp_m": [30.64, 29.98],
            "spend_change_gbp_m": [0.0, -0.514],
        }
    )
    got = narrative.scenario_table(compare)
    assert list(got.columns) == [
        "Scenario",
        "Children at 31/03/2024",
        "Children: 90% range",
        "In-house foster",
        "IFA foster",
        "Residential",
        "Spend 2021-22, £ million",
        "Spend: 90% range",
        "Change, £ million",
    ]
    assert got.iloc[1].tolist() == ["Step down", 654, "599 to 1,706", 265, 177, 48, "27.77", "25.63 to 29.98", "-0.51"]
    assert got.iloc[0]["Change, £ million"] == "+0.00"


def test_show_left_aligns_text_columns_and_leaves_numbers_right_aligned():
    html = narrative.show(pd.DataFrame({"n": [412], "name": ["Reviews on time"], "source": ["DfE"]})).to_html()
    css = html[: html.index("</style>")]
    assert re.search(r"_row0_col1, #T_\w+_row0_col2 \{\s*text-align: left;", css)  # the two text columns' cells
    assert re.search(r"th\.col1 \{\s*text-align: left;", css) and re.search(r"th\.col2 \{\s*text-align: left;", css)
    assert "col0" not in css  # the number column keeps the theme's right alignment


def test_show_writes_dates_as_day_month_year():
    html = narrative.show(pd.DataFrame({"period_end": pd.to_datetime(["2020-06-30", None]), "n": [5, 6]})).to_html()
    assert "30/06/2020" in html and "00:00:00" not in html and "NaT" not in html
    years = narrative.show(pd.DataFrame({"year_ending_march": [2021], "children": [81770]})).to_html()
    assert ">2021<" in years and ">81,770<" in years


def test_titles_state_the_finding():
    s = pd.DataFrame({"date": pd.to_datetime(["2020-03-31", "2020-12-31", "2021-03-31"]), "children": [576, 599, 609]})
    # 609 / 576 - 1 = 5.73%
    assert narrative.cla_title(s) == "Children looked after rose 5.7% in the year to 609 (31 March 2021)"
    year = pd.DataFrame({"period_end": pd.to_datetime(["2021-03-31"]), "started": [198], "ceased": [3]})
    assert narrative.flows_title(year) == "In the year to 31 March 2021, 198 children came into care and <5 left"


def test_headline_coverage_finding():
    acc = pd.DataFrame(
        {
            "horizon": [12, 6, 6, 24],
            "category": ["Total", "Total", "Residential", "Total"],
            "judged": [17, 21, 21, 9],
            "coverage_pct": [94.1, 95.24, 50.0, 88.9],
        }
    )
    assert narrative.headline_coverage_finding(acc) == (
        "Judged with only what was known at each past quarter end, this range held the actual number at 95% of 21 "
        "6-month, 94% of 17 12-month and 89% of 9 24-month projections (a 90% range should hold about 90%)."
    )
    assert "too short" in narrative.headline_coverage_finding(acc.assign(judged=0))
    held = acc.assign(coverage_pct=[59.0, 76.2, 50.0, 100.0])  # 12: 59%, 6: 76%, 24: 100%
    assert narrative.headline_coverage_finding(held).endswith(
        "(a 90% range should hold about 90%). At 6 and 12 months it held less often than that: read the range there "
        "as too narrow. At 24 months it held more often: the range there is wider than it needs to be."
    )


def test_period_intro_states_the_period_source_and_blank_rows():
    start, end = pd.Timestamp("2021-01-01"), pd.Timestamp("2021-03-31")
    assert (
        narrative.period_intro(start, end, "Source: X.", [])
        == "Period: **01 January 2021 to 31 March 2021**. Source: X."
    )
    assert narrative.period_intro(start, end, "Source: X.", ["no Reviews table"]).endswith(
        "Source: X. Blank rows: no Reviews table."
    )


def test_trends_finding():
    trends = pd.DataFrame(
        {
            "what": ["entries", "leaving care"],
            "now": [13.24, 0.9712],
            "change_pct": [2.14, -2.5],
            "low_pct": [-3.0, -6.04],
            "high_pct": [7.44, 1.2],
        }
    )
    assert narrative.trends_finding(trends) == (
        "It carries on **13.2 children coming into care a month** (at the window's end), changing by +2.1% a year "
        "(90% interval -3.0% to +7.4%) and a chance of leaving care **0.97 times** the window's average, changing by "
        "-2.5% a year (90% interval -6.0% to +1.2%): each growth as the window shows it, shrunk toward no change "
        "where the window barely shows it."
    )
    assert narrative.trends_finding(trends.iloc[:0]) == (
        "It carries on the window's average number coming into care and its average chances of leaving."
    )
