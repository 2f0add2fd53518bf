"""House-style charts: titled, labelled, footnoted, count axes from zero, saved as PNG and SVG."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402

from cpanalysis import charts  # noqa: E402


def test_line_chart_has_title_labels_footnote_and_zero_axis(tmp_path):
    df = pd.DataFrame({"date": pd.date_range("2019-03-31", periods=4, freq="QE-MAR"), "children": [400, 410, 420, 430]})
    fig = charts.line_chart(df, "date", "children", title="Numbers are rising", ylabel="Children looked after",
                            source="Source: SYNTHETIC data")
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == "Numbers are rising" and ax.get_ylabel() == "Children looked after"
    assert ax.get_ylim()[0] == 0
    assert any("SYNTHETIC" in t.get_text() for t in fig.texts)
    paths = charts.save_figure(fig, tmp_path, "cla")
    assert [p.suffix for p in paths] == [".png", ".svg"] and all(p.stat().st_size > 1000 for p in paths)


def test_timeline_rows_are_numbered_not_identified():
    j = pd.DataFrame({"CHILD": ["734512", "734513"], "entered": pd.to_datetime(["2019-01-01", "2019-02-01"]),
                      "placed": pd.to_datetime(["2019-12-01", "2020-01-01"])})
    fig = charts.timeline_chart(j, ["entered", "placed"], title="Journeys")
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["Child 1", "Child 2"]
