"""House-style charts: titled, labelled, footnoted, count axes from zero, saved as PNG and SVG."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from cpanalysis import charts  # noqa: E402
from cpanalysis.errors import InputError  # noqa: E402

Q = pd.date_range("2019-03-31", periods=4, freq="QE-MAR")


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _footnote(fig) -> str:
    return " ".join(t.get_text() for t in fig.texts)


def test_line_chart_has_title_labels_footnote_and_zero_axis(tmp_path):
    df = pd.DataFrame({"date": Q, "children": [400, 410, 420, 430]})
    fig = charts.line_chart(
        df,
        "date",
        "children",
        title="Numbers are rising",
        ylabel="Children looked after",
        source="Source: SSDA903 extract.",
        synthetic=True,
    )
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == "Numbers are rising" and ax.get_ylabel() == "Children looked after"
    assert ax.get_ylim()[0] == 0  # counts from 400 to 430 still start at 0
    assert "Source: SSDA903 extract." in _footnote(fig) and "Synthetic data" in _footnote(fig)
    # quarter ends are labelled as themselves, with the year
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Mar\n2019", "Jun\n2019", "Sep\n2019", "Dec\n2019"]
    paths = charts.save_figure(fig, tmp_path / "figs", "cla")
    assert [p.name for p in paths] == ["cla.png", "cla.svg"] and all(p.stat().st_size > 1000 for p in paths)
    assert paths[1].read_text().lstrip().startswith("<?xml")


def test_zero_false_keeps_the_data_range_and_synthetic_is_not_said_twice():
    df = pd.DataFrame({"year": [2021, 2022, 2023], "rate": [66.0, 67.0, 72.0]})
    fig = charts.line_chart(
        df,
        "year",
        "rate",
        title="Rate",
        ylabel="Per 10,000 children",
        zero=False,
        source="Source: SYNTHETIC data (no real child)",
        synthetic=True,
    )
    assert fig.axes[0].get_ylim()[0] > 60
    assert _footnote(fig).lower().count("synthetic") == 1


def test_bar_charts_label_values_and_start_at_zero():
    df = pd.DataFrame({"rule": ["a long rule name", "b"], "findings": [12, 3]})
    fig = charts.bar_chart(df, x="findings", y="rule", horizontal=True, title="Rule a fails most", xlabel="Findings")
    ax = fig.axes[0]
    assert ax.get_xlim()[0] == 0 and ax.get_xlabel() == "Findings"
    assert [t.get_text() for t in ax.texts] == ["12", "3"]
    fig = charts.bar_chart(
        pd.DataFrame({"year": ["2023", "2024"], "n": [20, 25]}), x="year", y="n", title="Up", ylabel="Children adopted"
    )
    assert fig.axes[0].get_ylim()[0] == 0 and fig.axes[0].get_ylabel() == "Children adopted"


def test_stacked_area_and_band_chart():
    mix = pd.DataFrame({"date": Q, "Foster": [200, 210, 220, 230], "Residential": [40, 42, 44, 46]})
    fig = charts.stacked_area(mix, "date", ["Foster", "Residential"], title="Foster grows", ylabel="Children")
    ax = fig.axes[0]
    # the top of the stack at the last quarter is 230 + 46 = 276; legend top layer first
    assert ax.get_ylim()[1] >= 276 and [t.get_text() for t in ax.get_legend().get_texts()] == ["Residential", "Foster"]
    central = pd.Series([500.0, 510, 520, 530], index=Q)
    fig = charts.band_chart(
        central,
        central - 10,
        central + 10,
        actual=central.iloc[:2] + 1,
        title="Rising",
        ylabel="Children",
        band_label="80% interval",
    )
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["80% interval", "Projection", "Actual"] and fig.axes[0].get_ylim()[0] == 0
    with pytest.raises(InputError, match="lower bound is above"):
        charts.band_chart(central, central + 1, central, title="x", ylabel="y")


def test_distribution_draws_the_threshold_and_no_counts_in_the_box_form():
    waits = pd.Series([200, 300, 380, 420, 500, 650, np.nan])
    fig = charts.distribution_chart(
        waits, title="Most waits under 426 days", xlabel="Days", threshold=426, threshold_label="426 days"
    )
    ax = fig.axes[0]
    assert [line.get_xdata()[0] for line in ax.lines if line.get_linestyle() == "--"] == [426]
    assert "426 days" in [t.get_text() for t in ax.texts] and "median" in _footnote(fig)
    assert ax.get_xlim()[0] == 0 and ax.get_xlabel() == "Days"
    fig = charts.distribution_chart(waits, title="t", xlabel="Days", kind="hist")
    assert fig.axes[0].get_ylabel() == "Children"
    with pytest.raises(InputError, match="kind"):
        charts.distribution_chart(waits, title="t", xlabel="Days", kind="violin")


def test_timeline_rows_are_numbered_not_identified():
    j = pd.DataFrame(
        {
            "CHILD": ["734512", "734513"],
            "entered": pd.to_datetime(["2019-01-01", "2019-02-01"]),
            "placed": pd.to_datetime(["2019-12-01", None]),
        }
    )
    fig = charts.timeline_chart(j, ["entered", "placed"], title="Journeys")
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["Child 1", "Child 2"]
    assert "734512" not in " ".join(t.get_text() for t in fig.findobj(matplotlib.text.Text))


def test_bad_input_is_a_clear_error():
    with pytest.raises(InputError, match="no column"):
        charts.line_chart(pd.DataFrame({"a": [1]}), "a", "b", title="t", ylabel="y")
    with pytest.raises(InputError, match="title"):
        charts.line_chart(pd.DataFrame({"a": [1], "b": [2]}), "a", "b", title="", ylabel="y")


def test_bar_chart_shows_negative_values_either_side_of_zero():
    df = pd.DataFrame({"scenario": ["Baseline", "Step down", "Entries up"], "change": [0.0, -500.0, 520.0]})
    fig = charts.bar_chart(df, "change", "scenario", title="Change", xlabel="GBP thousand", horizontal=True)
    ax = fig.axes[0]
    left, right = ax.get_xlim()
    assert left < -500 and right > 520  # the saving is drawn, not cut off at 0
    widths = sorted(round(p.get_width()) for p in ax.patches)
    assert widths == [-500, 0, 520]
    plt.close(fig)


def test_bar_labels_stay_inside_the_chart():
    """Each bar's value label lies inside the plotting area, so a saving's label (left of a negative bar) never runs
    into the category names (the national scenarios chart: bars from -21,830 to 164,910)."""
    names = ["Baseline", "Entries +10%", "25% of new foster placements in-house", "3 children stepped down", "Costs"]
    df = pd.DataFrame({"scenario": names, "change": [0.0, 43_740.0, -21_830.0, -180.0, 164_910.0]})
    for frame in (df, df.assign(change=-df["change"])):
        fig = charts.bar_chart(frame, "change", "scenario", title="Change", xlabel="GBP thousand", horizontal=True)
        ax = fig.axes[0]
        fig.canvas.draw()
        area = ax.get_window_extent()
        for label in ax.texts:
            box = label.get_window_extent()
            assert area.x0 <= box.x0 and box.x1 <= area.x1, label.get_text()
        plt.close(fig)


def test_bar_labels_show_the_decimals_the_values_need():
    """Counts and sums of 100 or more as whole numbers (1,234); shares under 1 with two decimals (0.25, not 0);
    values under 100 that are not whole with one (2.5, not 2)."""
    cases = [([1234.0, 56.0], ["1,234", "56"]), ([0.25, 0.75], ["0.25", "0.75"]), ([2.5, 12.25], ["2.5", "12.2"])]
    for values, expected in cases:
        fig = charts.bar_chart(pd.DataFrame({"k": ["a", "b"], "v": values}), "k", "v", title="t")
        assert [t.get_text() for t in fig.axes[0].texts if t.get_text() in expected] == expected
        plt.close(fig)


def test_each_placement_type_keeps_its_colour_across_charts():
    from cpanalysis.charts import CATEGORY_COLOURS, colours_for, stacked_area

    full = pd.DataFrame(
        {"year": [2020, 2021], "In-house foster": [1, 2], "External (IFA) foster": [3, 4], "Residential": [5, 6]}
    )
    a = stacked_area(full, "year", ["In-house foster", "External (IFA) foster", "Residential"], "t", "y")
    b = stacked_area(full, "year", ["Residential"], "t", "y")  # a subset: Residential keeps its colour
    colour_a = a.axes[0].collections[2].get_facecolor()[0][:3]
    colour_b = b.axes[0].collections[0].get_facecolor()[0][:3]
    assert tuple(round(c, 3) for c in colour_a) == tuple(round(c, 3) for c in colour_b)
    assert tuple(round(c, 3) for c in colour_b) == tuple(round(c, 3) for c in CATEGORY_COLOURS["Residential"])
    assert len(set(colours_for(["In-house foster", "Secure", "Something else"]))) == 3
