"""One house style for every figure: seaborn's colour-blind-safe palette, a title that states the finding,
labelled axes with units, count axes from zero, and a footnote with the source (and 'SYNTHETIC data' when
it is). Sized for an A4 committee paper. `save_figure` writes PNG and SVG."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

PALETTE = sns.color_palette("colorblind")
SIZE = (10, 5.2)


def apply_style() -> None:
    """The house theme: white grid, colour-blind palette, fonts readable on a printed page."""
    sns.set_theme(style="whitegrid", palette=PALETTE, context="notebook", font_scale=1.15)
    plt.rcParams.update(
        {
            "axes.titlesize": 15,
            "axes.titleweight": "bold",
            "axes.titlelocation": "left",
            "figure.dpi": 100,
            "savefig.bbox": "tight",
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )


def _finish(fig, ax, title: str, xlabel: str, ylabel: str, source: str, zero: bool = True):
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if zero and ax.get_ylim()[0] > 0:
        ax.set_ylim(bottom=0)
    if source:
        fig.text(0.01, -0.02, source, ha="left", va="top", fontsize=9, color="#555555", wrap=True)
    fig.tight_layout()
    return fig


def line_chart(
    df: pd.DataFrame,
    x: str,
    y: str,
    title: str,
    ylabel: str,
    xlabel: str = "",
    hue: str | None = None,
    source: str = "",
    zero: bool = True,
    markers: bool = True,
):
    """Lines of y over x (one per hue), the y axis from zero unless zero=False."""
    apply_style()
    fig, ax = plt.subplots(figsize=SIZE)
    sns.lineplot(data=df, x=x, y=y, hue=hue, marker="o" if markers else None, ax=ax)
    if hue:
        ax.legend(title="", frameon=False)
    return _finish(fig, ax, title, xlabel, ylabel, source, zero)


def bar_chart(
    df: pd.DataFrame,
    x: str,
    y: str,
    title: str,
    xlabel: str = "",
    ylabel: str = "",
    hue: str | None = None,
    horizontal: bool = False,
    source: str = "",
    labels: bool = True,
):
    """Bars (horizontal=True: categories on the y axis), each labelled with its value."""
    apply_style()
    fig, ax = plt.subplots(
        figsize=(SIZE[0], max(3.5, 0.45 * df[y if horizontal else x].nunique() + 1.5)) if horizontal else SIZE
    )
    sns.barplot(data=df, x=x, y=y, hue=hue, orient="h" if horizontal else "v", ax=ax, color=None if hue else PALETTE[0])
    if labels:
        for container in ax.containers:
            ax.bar_label(container, fmt="{:,.0f}", padding=3, fontsize=10)
    if hue:
        ax.legend(title="", frameon=False)
    return _finish(fig, ax, title, xlabel, ylabel, source, zero=not horizontal)


def stacked_area(
    df: pd.DataFrame, x: str, columns: list[str], title: str, ylabel: str, xlabel: str = "", source: str = ""
):
    """Stacked areas of several columns over x (e.g. children by placement type at each quarter end)."""
    apply_style()
    fig, ax = plt.subplots(figsize=SIZE)
    ax.stackplot(df[x], *[df[c] for c in columns], labels=columns, colors=PALETTE[: len(columns)], alpha=0.9)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return _finish(fig, ax, title, xlabel, ylabel, source)


def distribution_chart(values: pd.Series, title: str, xlabel: str, threshold: float | None = None,
                       threshold_label: str = "", source: str = ""):
    """The spread of values (e.g. days waited) as a box plot: median, quartiles and whiskers from the 5th to the
    95th percentile, with no individual points and no counts (safe for small numbers), and a threshold line."""
    apply_style()
    fig, ax = plt.subplots(figsize=(SIZE[0], 3.8))
    sns.boxplot(x=values.dropna(), whis=(5, 95), showfliers=False, width=0.45, color=PALETTE[0], ax=ax)
    if threshold is not None:
        ax.axvline(threshold, color=PALETTE[3], linestyle="--", linewidth=2)
        ax.annotate(threshold_label, (threshold, 1.0), xycoords=("data", "axes fraction"), xytext=(4, -4),
                    textcoords="offset points", va="top", color=PALETTE[3])
    ax.set_xlim(left=0)
    return _finish(fig, ax, title, xlabel, "", source, zero=False)


def timeline_chart(journeys: pd.DataFrame, stages: list[str], title: str, source: str = "", label: str = "child"):
    """Each row a child's journey, stage dates as markers joined by a line (rows are numbered, never
    identified). journeys: one row per child with a date column per stage."""
    apply_style()
    fig, ax = plt.subplots(figsize=(SIZE[0], max(3.5, 0.32 * len(journeys) + 1.8)))
    for i, (_, row) in enumerate(journeys.iterrows()):
        dates = row[stages].dropna()
        ax.plot(pd.to_datetime(dates.to_numpy()), [i] * len(dates), color="#999999", linewidth=1, zorder=1)
    for k, stage in enumerate(stages):
        ax.scatter(pd.to_datetime(journeys[stage]), range(len(journeys)), label=stage, color=PALETTE[k], s=40, zorder=2)
    ax.set_yticks(range(len(journeys)), [f"{label.capitalize()} {i + 1}" for i in range(len(journeys))], fontsize=8)
    ax.invert_yaxis()
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return _finish(fig, ax, title, "Date", "", source, zero=False)


def save_figure(fig, out_dir: str | Path, name: str) -> list[Path]:
    """Write the figure as PNG (150 dpi) and SVG into out_dir; returns the paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"{name}.png", out / f"{name}.svg"]
    fig.savefig(paths[0], dpi=150)
    fig.savefig(paths[1])
    return paths
