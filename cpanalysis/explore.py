"""Interactive in JupyterLab, static in the batch: the deep dives' and the cost notebook's explorers.

An `Explorer` is a render function (control values -> what to show: Markdown, figures, styled tables) with its
default values and the controls (ipywidgets) that change them. `present(explorer)`:
- in a JupyterLab / Notebook kernel (the server names the session in JPY_SESSION_NAME) shows the controls and an
  output area that each change redraws;
- anywhere else -- papermill, nbval, the batch run (which sets CPANALYSIS_DATA_CACHE), `cpanalysis deep-dive`, or
  CPANALYSIS_STATIC=1 -- shows the default view once, as ordinary static outputs: no widget is created, so no
  widget state is saved and no JavaScript is needed to read the result.
Every view is built from package functions that apply disclosure control (counts of 1-4 shown as [c], curves cut
where fewer than 5 children remain at risk).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

from cpanalysis import charts, narrative
from cpanalysis import cohorts as co
from cpanalysis import projection as pj
from cpanalysis import sufficiency as sf
from cpanalysis.context import CACHE_ENV
from cpanalysis.errors import InputError


@dataclass
class View:
    """What one render shows, in order (Markdown, Figures, tables), and the data behind it (for tests and saving)."""

    items: list[Any]
    data: dict[str, pd.DataFrame] = field(default_factory=dict)


def is_interactive() -> bool:
    """True in a kernel started by a Jupyter server (JupyterLab), unless a batch or static run says otherwise."""
    if os.environ.get("CPANALYSIS_STATIC") or os.environ.get(CACHE_ENV):
        return False
    return bool(os.environ.get("JPY_SESSION_NAME"))


class Explorer:
    """A render function, its defaults and its controls (built only when asked for: `controls()`)."""

    def __init__(
        self, render: Callable[..., View], defaults: dict[str, Any], make_controls: Callable[[], dict[str, Any]]
    ):
        self.render = render
        self.defaults = dict(defaults)
        self._make_controls = make_controls
        self._controls: dict[str, Any] | None = None
        self._output = None
        self.last: View | None = None
        self.seconds = 0.0

    def view(self, **values) -> View:
        """Render with the defaults overridden by `values`; remember it (last) and how long it took (seconds)."""
        t0 = time.perf_counter()
        self.last = self.render(**{**self.defaults, **values})
        for item in self.last.items:
            if isinstance(item, plt.Figure):
                plt.close(item)  # shown explicitly, never twice by the inline backend
        self.seconds = time.perf_counter() - t0
        return self.last

    def controls(self) -> dict[str, Any]:
        """The ipywidgets controls, set to the defaults; changing one redraws (see redraw)."""
        if self._controls is None:
            self._controls = self._make_controls()
            for name, control in self._controls.items():
                control.value = self.defaults[name]
                control.observe(lambda _change: self.redraw(), names="value")
        return self._controls

    def values(self) -> dict[str, Any]:
        return {k: c.value for k, c in self.controls().items()}

    def redraw(self) -> View:
        """Render from the controls' current values into the output area."""
        view = self.view(**self.values())
        if self._output is not None:
            self._output.clear_output(wait=True)
            with self._output:
                show_items(view.items)
        return view

    def widget(self):
        """The controls above an output area holding the current view."""
        import ipywidgets as w

        controls = self.controls()
        self._output = w.Output()
        self.redraw()
        return w.VBox([w.HBox(list(controls.values()), layout=w.Layout(flex_flow="row wrap")), self._output])


def show_items(items: list[Any]) -> None:
    for item in items:
        display(item)


def present(explorer: Explorer, interactive: bool | None = None) -> View | None:
    """Show the explorer: controls and a live view when interactive (is_interactive() by default), else the default
    view as static outputs. Returns the static view (None when interactive)."""
    if interactive is None:
        interactive = is_interactive()
    if interactive:
        display(explorer.widget())
        return None
    view = explorer.view()
    show_items(view.items)
    return view


def _dropdown(description: str, options) -> Any:
    import ipywidgets as w

    return w.Dropdown(description=description, options=options, style={"description_width": "initial"})


def _slider(description: str, lo: float, hi: float, step: float = 1, whole: bool = True) -> Any:
    """A slider that redraws on release: whole numbers (IntSlider), or with whole=False any value (FloatSlider)."""
    import ipywidgets as w

    return (w.IntSlider if whole else w.FloatSlider)(
        description=description,
        min=lo,
        max=hi,
        step=step,
        continuous_update=False,
        style={"description_width": "initial"},
    )


# --- placement stability (notebook 06) ---------------------------------------------------------------------------

GROUP_LABELS = {
    "all": "All children",
    "age_band": "Age band",
    "sex": "Sex",
    "placement": "Placement type",
    "provider": "Provider",
    "legal_status": "Legal status",
    "uasc": "UASC",
}
KIND_LABELS = {"looked_after_at": "Looked after at 31 March", "entered_in_year": "Entered care in the year"}


def cohort_label(kind: str, year: int) -> str:
    """'children looked after at 31 March 2018' / 'children who entered care in 2017/18'."""
    if kind == "looked_after_at":
        return f"children looked after at 31 March {year}"
    return f"children who entered care in {year - 1}/{str(year)[2:]}"


def cohort_when(kind: str, year: int) -> pd.Timestamp | int:
    """What cohorts.cohort takes for a cohort year: 31 March of it (looked_after_at) or the year (entered_in_year)."""
    return pd.Timestamp(year, 3, 31) if kind == "looked_after_at" else int(year)


def stability_explorer(
    episodes: pd.DataFrame,
    header: pd.DataFrame,
    uasc: pd.DataFrame | None,
    data_end: pd.Timestamp,
    years: list[int],
    kind: str = "looked_after_at",
    year: int | None = None,
    by: str = "age_band",
    follow_years: int = 3,
    source: str = "",
) -> Explorer:
    """Time to first move (Kaplan-Meier with 95% bands) for a cohort, by group, over the first `follow_years` years,
    with the share still in their first placement at 3 months, 1 and 2 years. Controls: cohort kind, year,
    breakdown, years followed."""
    if not years:
        raise InputError("no cohort years in the data")

    def render(kind: str, year: int, by: str, follow_years: int) -> View:
        c = co.cohort(episodes, header, uasc, kind, cohort_when(kind, year), data_end)
        m = co.moves(episodes, c)
        d = co.time_to_first_move(c, m)
        curves = co.kaplan_meier(d, by)
        at = co.survival_at(curves, tuple(t for t in (91, 365, 730) if t <= 365 * follow_years))
        km = curves[curves["days"] <= 365 * follow_years]
        who = cohort_label(kind, year)
        items: list[Any] = [Markdown(narrative.km_finding(at, who, len(c)))]
        if len(km):
            items.append(
                charts.step_chart(
                    km.assign(months=km["days"] / 30.44),
                    "months",
                    "survival",
                    "lower",
                    "upper",
                    "group",
                    title=f"Still in their first placement: {who}, by {GROUP_LABELS[by].lower()}",
                    ylabel="% not yet moved",
                    xlabel="Months since the cohort began",
                    source=source,
                )
            )
        items.append(narrative.show(narrative.survival_table(at, GROUP_LABELS[by])))
        return View(items, {"curves": km, "at": at, "cohort_size": pd.DataFrame({"children": [len(c)]})})

    def make():
        return {
            "kind": _dropdown("Cohort", [(v, k) for k, v in KIND_LABELS.items()]),
            "year": _slider("Year (to 31 March)", min(years), max(years)),
            "by": _dropdown("Compare by", [(v, k) for k, v in GROUP_LABELS.items()]),
            "follow_years": _slider("Years followed", 1, 5),
        }

    defaults = {"kind": kind, "year": year or years[-1], "by": by, "follow_years": follow_years}
    return Explorer(render, defaults, make)


# --- permanence (notebook 07) ------------------------------------------------------------------------------------


def permanence_explorer(
    episodes: pd.DataFrame,
    header: pd.DataFrame,
    uasc: pd.DataFrame | None,
    data_end: pd.Timestamp,
    years: list[int],
    year: int | None = None,
    follow_years: int = 3,
    source: str = "",
) -> Explorer:
    """How an entry cohort left care: cumulative incidence of each exit route (Aalen-Johansen, 95% bands) over the
    first `follow_years` years, read at 1, 2 and 3 years. Controls: entry year, years followed."""
    if not years:
        raise InputError("no entry years in the data")

    def render(year: int, follow_years: int) -> View:
        c = co.cohort(episodes, header, uasc, "entered_in_year", year, data_end)
        ex = co.exit_durations(c)
        curves = co.cumulative_incidence(ex)
        at = co.incidence_at(curves, tuple(365 * k for k in range(1, follow_years + 1)))
        cif = curves[curves["days"] <= 365 * follow_years]
        median = co.median_time_to_permanence(ex)
        who = cohort_label("entered_in_year", year)
        items: list[Any] = [Markdown(narrative.permanence_finding(median, who))]
        if len(cif):
            items.append(
                charts.step_chart(
                    cif.assign(months=cif["days"] / 30.44),
                    "months",
                    "cumulative_incidence",
                    "lower",
                    "upper",
                    "route",
                    title=f"How {who} left care",
                    ylabel="% who had left by this route",
                    xlabel="Months since entering care",
                    source=source,
                )
            )
        items.append(narrative.show(at.rename(columns={"route": "Left care by"})))
        return View(items, {"curves": cif, "at": at, "median": pd.DataFrame([median])})

    def make():
        return {
            "year": _slider("Entered care in the year to 31 March", min(years), max(years)),
            "follow_years": _slider("Years followed", 1, 5),
        }

    return Explorer(render, {"year": year or years[-1], "follow_years": follow_years}, make)


# --- sufficiency (notebook 08) -----------------------------------------------------------------------------------


def sufficiency_explorer(
    sim: pj.Simulation,
    capacity: pd.DataFrame,
    costs: pd.DataFrame,
    extra_foster: int = 0,
    extra_residential: int = 0,
    source: str = "",
) -> Explorer:
    """The gap between projected demand and in-house capacity and its external cost, with what-if extra in-house
    places (foster places, children's home beds) from the projection's start. Controls: the two extras."""
    start = sim.dates[0]

    def render(extra_foster: int, extra_residential: int) -> View:
        extra = pd.DataFrame(
            {
                "date": [start, start],
                "category": ["In-house foster", "Residential"],
                "places": [
                    sf.capacity_at(capacity, "In-house foster", start) + extra_foster,
                    sf.capacity_at(capacity, "Residential", start) + extra_residential,
                ],
                "source": ["what-if", "what-if"],
            }
        )
        later = capacity[capacity["date"] > start].copy()
        later["places"] = later["places"] + later["category"].map(
            {"In-house foster": extra_foster, "Residential": extra_residential}
        ).fillna(0)
        gap = sf.sufficiency_gap(sim, pd.concat([capacity[capacity["date"] <= start], extra, later]), costs)
        table = narrative.sufficiency_table(gap)
        items: list[Any] = [Markdown(narrative.sufficiency_finding(gap, extra_foster, extra_residential))]
        for need in sf.NEEDS:
            g = gap[gap["need"] == need].set_index("date")
            fig = charts.band_chart(
                g["demand"],
                g["demand_lower"],
                g["demand_upper"],
                title=f"{need}: projected children against the council's own places",
                ylabel="Children / places",
                central_label="Projected children",
                band_label="90% range",
                source=source,
            )
            fig.axes[0].step(
                g.index, g["in_house_places"], where="post", color="#222222", linewidth=2, label="In-house places"
            )
            fig.axes[0].legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
            items.append(fig)
        items.append(narrative.show(table))
        return View(items, {"gap": gap})

    def make():
        return {
            "extra_foster": _slider("Extra in-house foster places", 0, 100, 5),
            "extra_residential": _slider("Extra children's home beds", 0, 20),
        }

    return Explorer(render, {"extra_foster": extra_foster, "extra_residential": extra_residential}, make)


# --- live scenario explorer (notebook 03) ------------------------------------------------------------------------


def scenario_explorer(
    fitted: pj.Fit,
    costs: pd.DataFrame,
    actual_spend: pd.DataFrame,
    months: int = 36,
    sims: int = 200,
    entry_change_pct: float = 0.0,
    in_house_share: float = 0.0,
    step_down: int = 0,
    cost_inflation_pct: float = 0.0,
    source: str = "",
    done: Iterable[pj.Simulation] = (),
) -> Explorer:
    """A what-if on the demand model: entry-rate change (%), share of new foster placements going in-house, children
    stepped down from residential at the start, unit-cost inflation (% a year). Each change redraws the projection
    (children looked after, with its 90% range, against the baseline) and the yearly spend (actual, then projected
    with its range), from `sims` simulations with the baseline's seed (so differences come from the change).
    `actual_spend` is costs.spend_by_year output. `done`: simulations of `fitted` already run with the same months
    and sims (the pack's projection and scenarios; pj.run_scenarios), whose counts the baseline and a what-if that
    moves the same children take, so the pack's what-if and its scenario table give the same figures."""
    done = tuple(done)
    baseline = pj.run_scenarios(fitted, [pj.Scenario()], months, sims, done=done)["Baseline"]
    base_total = pj.summarise(baseline)
    base_total = base_total[base_total["category"] == pj.TOTAL].set_index("date")["central"]
    base_spend = pj.simulated_spend(baseline, costs)

    def render(entry_change_pct: float, in_house_share: float, step_down: int, cost_inflation_pct: float) -> View:
        sc = pj.Scenario("What if", entry_change_pct, in_house_share, step_down, cost_inflation_pct=cost_inflation_pct)
        sim = pj.run_scenarios(fitted, [sc], months, sims, done=done)[sc.name]
        summary = pj.summarise(sim)
        total = summary[summary["category"] == pj.TOTAL].set_index("date")
        spend = pj.simulated_spend(sim, costs)
        both = pj.spend_history_and_projection(actual_spend, spend).set_index("financial_year_end")
        ahead = both.dropna(subset=["central"])
        fig1 = charts.band_chart(
            total["central"],
            total["lower"],
            total["upper"],
            title="Children looked after under this what-if, with its 90% range",
            ylabel="Children looked after",
            central_label="What-if",
            band_label="90% range",
            source=source,
        )
        fig1.axes[0].plot(base_total.index, base_total.to_numpy(), color="#222222", linewidth=1.5, label="Baseline")
        fig1.axes[0].legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        fig2 = charts.band_chart(
            ahead["central"],
            ahead["lower"],
            ahead["upper"],
            both["actual"].dropna(),
            title="Placement spend under this what-if: each year so far and the projection",
            ylabel="GBP million",
            xlabel="Financial year ending 31 March",
            band_label="90% range",
            actual_label="Actual (care days x unit cost)",
            source=source,
        )
        compare = scenario_change(base_spend, spend, base_total, total["central"])
        text = narrative.what_if_finding(compare, sc)
        return View(
            [Markdown(text), fig1, fig2, narrative.show(compare, precision=2)],
            {"summary": summary, "spend": spend, "compare": compare},
        )

    def make():
        return {
            "entry_change_pct": _slider("Entries change, %", -50, 50, 5, whole=False),
            "in_house_share": _slider("New foster placements in-house (share)", 0, 1, 0.05, whole=False),
            "step_down": _slider("Stepped down from residential", 0, 20),
            "cost_inflation_pct": _slider("Unit-cost inflation, % a year", 0, 15, 0.5, whole=False),
        }

    defaults = {
        "entry_change_pct": entry_change_pct,
        "in_house_share": in_house_share,
        "step_down": step_down,
        "cost_inflation_pct": cost_inflation_pct,
    }
    return Explorer(render, defaults, make)


def scenario_change(
    base_spend: pd.DataFrame, spend: pd.DataFrame, base_total: pd.Series, total: pd.Series
) -> pd.DataFrame:
    """The what-if against the baseline for each full financial year projected: financial_year, children_baseline /
    children_what_if (at the year's last month end, central), spend_baseline_gbp_m / spend_what_if_gbp_m (central),
    change_gbp_m."""
    b = base_spend[(base_spend["category"] == pj.TOTAL) & (base_spend["months"] == 12)].set_index("financial_year")
    s = spend[(spend["category"] == pj.TOTAL) & (spend["months"] == 12)].set_index("financial_year")
    rows = []
    for fy in b.index.intersection(s.index):
        end = pd.Timestamp(int(fy[:4]) + 1, 3, 31)
        rows.append(
            (
                fy,
                round(float(base_total.get(end, float("nan")))),
                round(float(total.get(end, float("nan")))),
                round(b.loc[fy, "central"] / 1e6, 2),
                round(s.loc[fy, "central"] / 1e6, 2),
                round((s.loc[fy, "central"] - b.loc[fy, "central"]) / 1e6, 2),
            )
        )
    cols = [
        "financial_year",
        "children_baseline",
        "children_what_if",
        "spend_baseline_gbp_m",
        "spend_what_if_gbp_m",
        "change_gbp_m",
    ]
    return pd.DataFrame(rows, columns=cols)
