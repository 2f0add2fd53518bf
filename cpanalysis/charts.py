"""One house style for every figure, sized for an A4 committee paper or a slide:

- seaborn's white-grid theme with its colour-blind-safe "colorblind" palette (Okabe-Ito-like), 11-15 pt text;
- a title that states the finding (the caller writes it; long titles wrap), labelled axes with units;
- axes of counts start at 0 unless the caller passes zero=False;
- a footnote with the source, and "Synthetic data" when the data are synthetic (synthetic=True, or said in source).

`save_figure` writes each figure as PNG (150 dpi) and SVG. Functions return the matplotlib Figure.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from cpanalysis.errors import InputError

PALETTE = sns.color_palette("colorblind")
SIZE = (10, 5.4)  # inches: a full A4 text width at 150 dpi, legible on a slide
THRESHOLD_COLOUR = PALETTE[3]  # vermilion
SYNTHETIC_NOTE = "Synthetic data: no real child."


def _category_colours() -> dict[str, tuple]:
    """One colour per placement category (and per flow, and per comparator area), the same in every chart:
    the colour-blind palette assigned in categories.PLACEMENT_CATEGORIES order, then a few fixed names."""
    from cpanalysis.categories import PLACEMENT_CATEGORIES

    wide = sns.color_palette("colorblind", 10) + sns.color_palette("pastel", 10)
    colours = dict(zip(PLACEMENT_CATEGORIES, wide, strict=False))
    colours.update(
        {
            "Started to be looked after": wide[0],
            "Ceased to be looked after": wide[1],
            "This data set": wide[0],
            "England": wide[7],
        }
    )
    return colours


CATEGORY_COLOURS = _category_colours()


def colours_for(names: list[str]) -> list[tuple]:
    """The colour of each name: its fixed one (CATEGORY_COLOURS), else the next unused palette colour."""
    spare = [c for c in sns.color_palette("colorblind", 10) if c not in CATEGORY_COLOURS.values()]
    spare += sns.color_palette("dark", 10)
    out, k = [], 0
    for name in names:
        if name in CATEGORY_COLOURS:
            out.append(CATEGORY_COLOURS[name])
        else:
            out.append(spare[k % len(spare)])
            k += 1
    return out


def apply_style() -> None:
    """The house theme: white grid, colour-blind palette, fonts readable on a printed page (11-15 pt)."""
    sns.set_theme(style="whitegrid", palette=PALETTE, context="notebook")
    plt.rcParams.update(
        {
            "font.size": 12,
            "axes.titlesize": 15,
            "axes.titleweight": "bold",
            "axes.titlelocation": "left",
            "axes.labelsize": 12,
            "xtick.labelsize": 11,
            "ytick.labelsize": 11,
            "legend.fontsize": 11,
            "figure.dpi": 100,
            "savefig.bbox": "tight",
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )


def _check(df: pd.DataFrame, columns: list[str | None]) -> None:
    missing = [c for c in columns if c is not None and c not in df.columns]
    if missing:
        raise InputError(f"cannot draw the chart: no column(s) {', '.join(missing)} in {list(df.columns)}")


def footnote(source: str = "", synthetic: bool = False) -> str:
    """The footnote text: the source, and the synthetic-data warning unless the source already says so."""
    parts = [source.strip()] if source and source.strip() else []
    if synthetic and "synthetic" not in source.lower():
        parts.append(SYNTHETIC_NOTE)
    return "  ".join(parts)


def _finish(
    fig: Figure, ax, title: str, xlabel: str, ylabel: str, source: str, synthetic: bool = False, zero: bool = True
) -> Figure:
    if not title:
        raise InputError("every chart needs a title that states the finding")
    ax.set_title("\n".join(textwrap.wrap(title, 75)))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if zero and ax.get_ylim()[0] != 0:
        ax.set_ylim(bottom=0)
    note = footnote(source, synthetic)
    fig.tight_layout()
    if note:
        fig.text(0.01, 0.0, "\n".join(textwrap.wrap(note, 130)), ha="left", va="top", fontsize=10, color="#444444")
    return fig


def _dates(ax, x: pd.Series) -> None:
    """Date ticks a reader can place: at the data's own dates when there are few (e.g. quarter ends, "Mar 2024"),
    otherwise at regular dates, always with month and year; whole years for an integer year axis."""
    if pd.api.types.is_integer_dtype(x):  # years: whole ticks (2019, not 2018.5)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        return
    if not pd.api.types.is_datetime64_any_dtype(x):
        return
    dates = pd.Series(pd.to_datetime(x).dropna().unique()).sort_values()
    if 1 < len(dates) <= 13:
        ax.set_xticks(dates.to_numpy(), [f"{d:%b}\n{d:%Y}" for d in dates])
    else:
        locator = mdates.AutoDateLocator(minticks=4, maxticks=9)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%b\n%Y"))


def _legend(ax, title: str = "") -> None:
    if ax.get_legend_handles_labels()[0]:
        ax.legend(title=title or None, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))


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
    synthetic: bool = False,
) -> Figure | None:
    """Lines of y over x (one per hue, legend outside the plot), the y axis from zero unless zero=False. None (no
    chart; save_figure then writes nothing) for an empty table."""
    if df.empty:
        return None
    _check(df, [x, y, hue])
    apply_style()
    fig, ax = plt.subplots(figsize=SIZE)
    palette = dict(zip(df[hue].unique(), colours_for(list(df[hue].unique())), strict=True)) if hue else None
    sns.lineplot(data=df, x=x, y=y, hue=hue, palette=palette, marker="o" if markers else None, linewidth=2.2, ax=ax)
    _dates(ax, df[x])
    _legend(ax)
    return _finish(fig, ax, title, xlabel, ylabel, source, synthetic, zero)


def _label_format(values: pd.Series) -> str:
    """Bar labels as whole numbers, unless every value is under 100 and some are not whole: then one decimal (two
    when all are under 1), so that shares or small sums in millions are not labelled 0 and 1."""
    v = values.abs().dropna()
    if v.empty or (v == v.round()).all() or v.max() >= 100:
        return "{:,.0f}"
    return "{:,.1f}" if v.max() >= 1 else "{:,.2f}"


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
    synthetic: bool = False,
) -> Figure | None:
    """Bars, each labelled with its value. horizontal=True: categories (y) down the side, values (x) across, for
    long category names. The value axis starts at 0 (or, with negative values, crosses a line at 0). None (no
    chart) for an empty table."""
    if df.empty:
        return None
    _check(df, [x, y, hue])
    apply_style()
    n = df[y if horizontal else x].nunique()
    fig, ax = plt.subplots(figsize=(SIZE[0], max(3.5, 0.45 * n + 1.8)) if horizontal else SIZE)
    sns.barplot(
        data=df,
        x=x,
        y=y,
        hue=hue,
        orient="h" if horizontal else "v",
        ax=ax,
        color=None if hue else PALETTE[0],
        errorbar=None,
    )
    if labels:
        for container in ax.containers:
            ax.bar_label(container, fmt=_label_format(df[x if horizontal else y]), padding=3, fontsize=10)
    negative = bool((df[x if horizontal else y] < 0).any())
    if negative:
        (ax.axvline if horizontal else ax.axhline)(0, color="#222222", linewidth=1)
    if horizontal:
        if not negative:
            ax.set_xlim(left=0)
        ax.margins(x=0.08)
    elif n > 6:
        ax.tick_params(axis="x", labelrotation=30)
        plt.setp(ax.get_xticklabels(), ha="right")
    if hue:
        _legend(ax)
    (ax.xaxis if horizontal else ax.yaxis).set_major_formatter(THOUSANDS)
    fig = _finish(fig, ax, title, xlabel, ylabel, source, synthetic, zero=not (horizontal or negative))
    if labels:
        _room_for_labels(fig, ax, horizontal)
    return fig


THOUSANDS = FuncFormatter(lambda v, _: f"{v:,.0f}" if abs(v) >= 1000 else f"{v:g}")  # 150,000 not 150000


def _room_for_labels(fig: Figure, ax, horizontal: bool) -> None:
    """The value axis widened until every value label lies inside the plotting area (a saving's label, left of a
    negative bar, would otherwise run into the category names); a few redraws at most."""
    for _ in range(4):
        fig.canvas.draw()
        inverse = ax.transData.inverted()
        lo, hi = ax.get_xlim() if horizontal else ax.get_ylim()
        spans = [inverse.transform(t.get_window_extent())[:, 0 if horizontal else 1] for t in ax.texts]
        need_lo = min([lo, *(s.min() for s in spans)])
        need_hi = max([hi, *(s.max() for s in spans)])
        if need_lo >= lo and need_hi <= hi:
            return
        pad = 0.02 * (need_hi - need_lo)
        new = (need_lo - pad if need_lo < lo else lo, need_hi + pad if need_hi > hi else hi)
        (ax.set_xlim if horizontal else ax.set_ylim)(*new)


def stacked_area(
    df: pd.DataFrame,
    x: str,
    columns: list[str],
    title: str,
    ylabel: str,
    xlabel: str = "",
    source: str = "",
    synthetic: bool = False,
) -> Figure:
    """Stacked areas of several columns over x (e.g. children by placement type at each quarter end); the legend
    lists the layers top first, in the order they are stacked. Each placement type has its own colour in every
    chart (CATEGORY_COLOURS)."""
    _check(df, [x, *columns])
    apply_style()
    fig, ax = plt.subplots(figsize=SIZE)
    colours = colours_for(columns)
    ax.stackplot(df[x], *[df[c].fillna(0).astype(float) for c in columns], labels=columns, colors=colours, alpha=0.9)
    _dates(ax, df[x])
    ax.margins(x=0)
    handles, names = ax.get_legend_handles_labels()
    ax.legend(handles[::-1], names[::-1], loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return _finish(fig, ax, title, xlabel, ylabel, source, synthetic)


def band_chart(
    central: pd.Series,
    lower: pd.Series,
    upper: pd.Series,
    actual: pd.Series | None = None,
    *,
    title: str,
    ylabel: str,
    xlabel: str = "",
    central_label: str = "Projection",
    band_label: str = "Likely range",
    actual_label: str = "Actual",
    source: str = "",
    synthetic: bool = False,
    zero: bool = True,
) -> Figure:
    """A projection over its x (the Series' index, e.g. quarter-end dates): the central line, a shaded band from
    lower to upper (say which interval in band_label, e.g. "80% interval"), and the actual values so far as
    points joined by a line."""
    if not (central.index.equals(lower.index) and central.index.equals(upper.index)):
        raise InputError("band_chart: central, lower and upper must share the same x values (index)")
    if (lower > upper).any():
        raise InputError("band_chart: the lower bound is above the upper bound somewhere")
    apply_style()
    fig, ax = plt.subplots(figsize=SIZE)
    x = central.index
    ax.fill_between(
        x, lower.astype(float), upper.astype(float), color=PALETTE[0], alpha=0.2, linewidth=0, label=band_label
    )
    ax.plot(x, central.astype(float), color=PALETTE[0], linewidth=2.2, linestyle="--", label=central_label)
    if actual is not None and len(actual):
        ax.plot(actual.index, actual.astype(float), color="#222222", linewidth=2, marker="o", label=actual_label)
    if isinstance(x, pd.DatetimeIndex):
        _dates(ax, pd.Series(x))
    elif pd.api.types.is_integer_dtype(x):  # e.g. years: no 2,020.5 ticks
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    _legend(ax)
    return _finish(fig, ax, title, xlabel, ylabel, source, synthetic, zero)


def distribution_chart(
    values: pd.Series,
    title: str,
    xlabel: str,
    threshold: float | list[float] | None = None,
    threshold_label: str | list[str] = "",
    source: str = "",
    kind: str = "box",
    synthetic: bool = False,
    min_count: int = 0,
) -> Figure | None:
    """The spread of values (e.g. days waited) with threshold lines (e.g. 426 days, the A1 threshold).

    kind="box" (default, for committees): median, quartiles and whiskers from the 5th to the 95th percentile, no
    individual points and no counts, so it reveals no child. kind="hist": a histogram of the number of children
    in each band (counts: for analysts, or once the numbers are large). None (no chart) for fewer than
    `min_count` values (a spread of 1-4 children would show them one by one)."""
    if len(values) < min_count:
        return None
    vals = pd.to_numeric(values, errors="coerce").dropna()
    if vals.empty:
        raise InputError("distribution_chart: no values to draw")
    thresholds = [] if threshold is None else threshold if isinstance(threshold, list) else [threshold]
    tlabels = threshold_label if isinstance(threshold_label, list) else [threshold_label] * len(thresholds)
    apply_style()
    if kind == "box":
        fig, ax = plt.subplots(figsize=(SIZE[0], 3.8))
        sns.boxplot(x=vals, whis=(5, 95), showfliers=False, width=0.45, color=PALETTE[0], ax=ax)
        ylabel = ""
        source = (
            "Box: the middle half of children, line at the median; whiskers from the 5th to the 95th "
            f"percentile. {source}"
        )
    elif kind == "hist":
        fig, ax = plt.subplots(figsize=SIZE)
        sns.histplot(x=vals, bins="auto", color=PALETTE[0], ax=ax)
        ylabel = "Children"
    else:
        raise InputError(f"distribution_chart: kind must be 'box' or 'hist', not {kind!r}")
    for t, label in zip(thresholds, tlabels):
        ax.axvline(t, color=THRESHOLD_COLOUR, linestyle="--", linewidth=2)
        if label:
            ax.annotate(
                label,
                (t, 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(4, -4),
                textcoords="offset points",
                va="top",
                color=THRESHOLD_COLOUR,
                fontsize=11,
                fontweight="bold",
            )
    right = max([vals.quantile(0.95) if kind == "box" else vals.max(), *thresholds]) * 1.08
    ax.set_xlim(0, right)
    return _finish(fig, ax, title, xlabel, ylabel, source, synthetic, zero=kind == "hist")


def timeline_chart(
    journeys: pd.DataFrame,
    stages: list[str],
    title: str,
    source: str = "",
    label: str = "child",
    synthetic: bool = False,
    min_count: int = 0,
) -> Figure | None:
    """Each row a child's journey: the date of each stage (e.g. entered care, placement order, matched, placed,
    adopted) as a marker, joined by a line. Rows are numbered ("Child 1", ...), never identified; any identifying
    column in `journeys` is ignored. None (no chart) for fewer than `min_count` rows."""
    if len(journeys) < min_count:
        return None
    _check(journeys, stages)
    apply_style()
    j = journeys.reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(SIZE[0], max(3.5, 0.3 * len(j) + 2.0)))
    dates = j[stages].apply(pd.to_datetime)
    for i, row in dates.iterrows():
        d = row.dropna()
        ax.plot(d.to_numpy(), [i] * len(d), color="#999999", linewidth=1, zorder=1)
    markers = ["o", "s", "D", "^", "v", "P", "X"]
    for k, stage in enumerate(stages):
        ax.scatter(
            dates[stage],
            range(len(j)),
            label=stage,
            color=PALETTE[k % len(PALETTE)],
            marker=markers[k % len(markers)],
            s=42,
            zorder=2,
        )
    ax.set_yticks(
        range(len(j)), [f"{label.capitalize()} {i + 1}" for i in range(len(j))], fontsize=9 if len(j) > 20 else 11
    )
    ax.set_ylim(len(j) - 0.5, -0.5)
    _dates(ax, dates.stack())
    _legend(ax)
    return _finish(fig, ax, title, "Date", "", source, synthetic, zero=False)


def comparison_chart(
    df: pd.DataFrame,
    x: str,
    y: str,
    title: str,
    xlabel: str = "",
    lines: dict[str, float] | None = None,
    band: tuple[pd.Series, pd.Series] | None = None,
    source: str = "",
    synthetic: bool = False,
) -> Figure:
    """Horizontal bars of x for each y (e.g. each authority), largest first, each labelled with its value, with a
    vertical reference line per entry of `lines` (e.g. the region's and England's figures, named in the legend);
    band: (lower, upper) aligned with df, drawn as a range on each bar (e.g. a projection's 90% range)."""
    _check(df, [x, y])
    apply_style()
    order = df.sort_values(x, ascending=False)
    fig, ax = plt.subplots(figsize=(SIZE[0], max(3.5, 0.45 * len(order) + 1.8)))
    ax.barh(order[y].astype(str), order[x], color=PALETTE[0])
    if band is not None:
        lower, upper = band[0].loc[order.index], band[1].loc[order.index]
        ax.errorbar(
            order[x],
            order[y].astype(str),
            xerr=[order[x] - lower, upper - order[x]],
            fmt="none",
            ecolor="#222222",
            capsize=3,
            label="90% range",
        )
    for container in ax.containers[:1]:
        ax.bar_label(container, fmt="{:,.1f}", padding=3, fontsize=10)
    for i, (name, value) in enumerate((lines or {}).items()):
        ax.axvline(
            value, color=PALETTE[(i + 1) % len(PALETTE)], linestyle="--", linewidth=2, label=f"{name}: {value:,.1f}"
        )
    ax.invert_yaxis()
    negative = bool((order[x] < 0).any()) or (band is not None and bool((band[0] < 0).any()))
    if negative:
        ax.axvline(0, color="#222222", linewidth=1)
    else:
        ax.set_xlim(left=0)
    ax.margins(x=0.1)
    _legend(ax)
    return _finish(fig, ax, title, xlabel, "", source, synthetic, zero=False)


def step_chart(
    df: pd.DataFrame,
    x: str,
    y: str,
    lower: str,
    upper: str,
    hue: str,
    title: str,
    ylabel: str,
    xlabel: str = "",
    source: str = "",
    percent: bool = True,
    synthetic: bool = False,
) -> Figure:
    """Step curves of y over x, one per hue, each with its confidence band shaded (survival curves, cumulative
    incidence); percent=True shows y (a proportion 0-1) as 0-100%."""
    _check(df, [x, y, lower, upper, hue])
    apply_style()
    fig, ax = plt.subplots(figsize=SIZE)
    scale = 100 if percent else 1
    for k, (name, g) in enumerate(df.groupby(hue, sort=False)):
        colour = PALETTE[k % len(PALETTE)]
        g = g.sort_values(x)
        ax.step(g[x], g[y] * scale, where="post", color=colour, linewidth=2.2, label=str(name))
        ax.fill_between(g[x], g[lower] * scale, g[upper] * scale, step="post", color=colour, alpha=0.15, linewidth=0)
    if percent:
        ax.set_ylim(0, 100)
    ax.set_xlim(left=0)
    _legend(ax)
    return _finish(fig, ax, title, xlabel, ylabel, source, synthetic)


def save_figure(fig: Figure | None, out_dir: str | Path, name: str) -> list[Path]:
    """Write the figure as `name`.png (150 dpi) and `name`.svg into out_dir (created if need be); returns the
    two paths (none for no figure). The figure stays open (a notebook still shows it); close it with
    matplotlib.pyplot.close(fig)."""
    if fig is None:
        return []
    if not name or any(ch in name for ch in "/\\"):
        raise InputError(f"figure name {name!r} must be a plain file name without folders")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"{name}.png", out / f"{name}.svg"]
    fig.savefig(paths[0], dpi=150, metadata={"Software": None})
    fig.savefig(paths[1], metadata={"Date": None})
    return paths
