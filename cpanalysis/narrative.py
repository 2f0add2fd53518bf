"""Sentences that state a finding, written from the numbers (for the markdown above each chart). Counts of 1-4
are never written out: they read '<5'."""

from __future__ import annotations

import math

import pandas as pd

from cpanalysis.disclosure import is_small


def n(value: float) -> str:
    """A count as committee text: '<5' for 1-4, else with thousands separators."""
    return "<5" if is_small(value) else f"{int(value):,}"


def cla_trend(series: pd.DataFrame) -> str:
    """'534 children were looked after on 31 March 2021, 12 more (+2.3%) than a year earlier and 140 more than
    at 31 March 2016.' from a frame of date, children (quarter ends)."""
    s = series.set_index("date")["children"]
    end = s.index[-1]
    now = s.iloc[-1]
    text = f"**{n(now)} children** were looked after on {end:%d %B %Y}"
    year_ago = end - pd.DateOffset(years=1)
    if year_ago in s.index and s[year_ago] > 0:
        diff = now - s[year_ago]
        text += f", {n(abs(diff))} {'more' if diff >= 0 else 'fewer'} ({diff / s[year_ago]:+.1%}) than a year earlier"
    first = s.index[0]
    if first < year_ago:
        diff = now - s.iloc[0]
        text += f" and {n(abs(diff))} {'more' if diff >= 0 else 'fewer'} than on {first:%d %B %Y}"
    return text + "."


def flows_trend(flows: pd.DataFrame, last: int = 4, year: pd.DataFrame | None = None) -> str:
    """Starts against endings over the last `last` periods; with `year` (population.flows over the 12 months to
    the period end, one row), the year's figures instead, each child counted once as on the scorecard (adding up
    quarters would count a child who came into care twice in the year twice)."""
    if year is not None:
        row = year.iloc[-1]
        started, ceased = row["started"], row["ceased"]
        lead = f"In the 12 months to {row['period_end']:%d %B %Y}"
    else:
        recent = flows.tail(last)
        started, ceased = recent["started"].sum(), recent["ceased"].sum()
        lead = f"Over the last {len(recent)} quarters"
    verdict = (
        "more children came into care than left"
        if started > ceased
        else ("more children left care than came in" if ceased > started else "as many children left care as came in")
    )
    return f"{lead} {n(started)} children started to be looked after and {n(ceased)} ceased: {verdict}."


def show(df: pd.DataFrame, precision: int = 1):
    """A table for readers: readable headers (cpanalysis.workbook.header: 'spend_gbp_m' -> 'Spend (£ million)'), no
    index column, numbers with thousands separators and `precision` decimals unless whole ('426' not '426.0'),
    years (integer columns named *year*) as 2021 not 2,021, dates as dd/mm/yyyy, blanks for missing values; text
    columns left-aligned (header and cells), numbers right-aligned as the notebook theme has them."""
    from cpanalysis.workbook import header

    df = df.rename(columns={c: header(c) for c in df.columns if isinstance(c, str)})
    dates = [c for c in df.columns if pd.api.types.is_datetime64_any_dtype(df[c])]
    years = [c for c in df.columns if "year" in str(c).lower() and pd.api.types.is_integer_dtype(df[c])]

    def number(v):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or pd.isna(v):
            return "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
        return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.{precision}f}"

    style = df.style.hide(axis="index").format(number, na_rep="")
    text = [
        i
        for i, c in enumerate(df.columns)
        if pd.api.types.is_object_dtype(df[c]) or pd.api.types.is_string_dtype(df[c])
    ]
    if text:
        style = style.set_properties(subset=[df.columns[i] for i in text], **{"text-align": "left"})
        style = style.set_table_styles([{"selector": f"th.col{i}", "props": "text-align: left"} for i in text])
    if dates:
        style = style.format("{:%d/%m/%Y}", subset=dates, na_rep="")
    return style.format("{:d}", subset=years) if years else style


_CODE_LISTS = {"legal_status": "LS", "provider": "PLACE_PROVIDER", "category_of_need": "CIN"}


def labelled(table: pd.DataFrame, by: str) -> pd.DataFrame:
    """A breakdown with readable categories: '903 code - label' for code lists, 'UASC' / 'Not UASC'."""
    from cpanalysis.ssda903.schema import label

    out = table.copy()
    if by in _CODE_LISTS:
        out[by] = out[by].map(lambda c: f"{c} - {label(_CODE_LISTS[by], c)}" if isinstance(c, str) else c)
    elif by == "uasc":
        out[by] = out[by].map({True: "UASC", False: "Not UASC", "True": "UASC", "False": "Not UASC"})
    return out


def projection_finding(summary: pd.DataFrame, months: int = 12) -> str:
    """'The model projects **560 children** looked after on 31 March 2022 (90% range 520 to 600), against 540 on
    31 March 2021.' from projection.summarise output (its Total rows)."""
    total = summary[summary["category"] == "Total"].set_index("date").sort_index()
    start, now = total.index[0], total["central"].iloc[0]
    when = start + pd.offsets.MonthEnd(months)
    if when not in total.index:
        when = total.index[-1]
    row = total.loc[when]
    return (
        f"The model projects **{n(round(row['central']))} children** looked after on {when:%d %B %Y} (90% range "
        f"{n(math.floor(row['lower']))} to {n(math.ceil(row['upper']))}), against {n(now)} on "
        f"{start:%d %B %Y}."
    )


def trends_finding(trends: pd.DataFrame) -> str:
    """What the projection carries on, from projection.trend_table: 'It carries on **13.2 children coming into care
    a month** (at the window's end), changing by +2.1% a year (90% interval -3.0% to +7.4%) and a chance of leaving
    care **0.97 times** the window's average, changing by -2.5% a year (...).' Without trends: the window's rates."""
    parts = []
    for _, r in trends.iterrows():
        change = (
            f"changing by {r['change_pct']:+.1f}% a year (90% interval {r['low_pct']:+.1f}% to {r['high_pct']:+.1f}%)"
        )
        if r["what"] == "entries":
            parts.append(f"**{r['now']:.1f} children coming into care a month** (at the window's end), {change}")
        else:
            parts.append(f"a chance of leaving care **{r['now']:.2f} times** the window's average, {change}")
    if not parts:
        return "It carries on the window's average number coming into care and its average chances of leaving."
    return (
        "It carries on "
        + _listed(parts)
        + ": each growth as the window shows it, shrunk toward no change where the window barely shows it."
    )


NAIVE = {  # the backtest's naive forecasts (backtest.BASELINES), as the committee reads them
    "last_value": ("carrying the last figure forward", "last value"),
    "linear_trend": ("a straight-line trend", "straight-line trend"),
    "drift": ("the last figure plus the average monthly change since the data began", "long-run average change"),
}


def backtest_finding(table: pd.DataFrame, horizon: int = 12) -> str:
    """What the backtest says at one horizon, from backtest.backtest_summary: the total's average error for the
    model and each naive forecast (NAIVE), the band's coverage, and the categories where a naive forecast did
    better."""
    rows = table[table["horizon"] == horizon].set_index("category")
    total = rows.loc["Total"]
    naive = [m for m in NAIVE if m in total.index]
    best = min(("model", *naive), key=lambda m: total[m])
    verdict = "the model did best" if best == "model" else f"the {NAIVE[best][1]} did better than the model"
    against = [f"{total[m]:.1f}% for {NAIVE[m][0]}" for m in naive]
    text = (
        f"Projected from {total['points']} past quarter ends, the model's {horizon}-month projection of the "
        f"number looked after was out by **{total['model']:.1f}%** on average, against "
        f"{_listed(against)}: {verdict}. The actual number fell inside the 90% range at "
        f"{total['coverage_pct']:.0f}% of them."
    )
    lost = [c for c, r in rows.drop(index="Total").iterrows() if r["best"] != "Model"]
    if lost:
        text += f" A naive forecast did better for: {', '.join(lost).lower()} (small groups, where chance dominates)."
    return text


def scenario_table(compare: pd.DataFrame) -> pd.DataFrame:
    """projection.compare_scenarios as a committee reads it: one row per scenario; children at the end date with
    the 90% range as 'low to high'; in-house, IFA and residential; spend in the year (£ million, 2 decimals)
    with its range; the change against the baseline with its sign."""
    end, year = compare["date"].iloc[0], compare["spend_year"].iloc[0]
    return pd.DataFrame(
        {
            "Scenario": compare["scenario"],
            f"Children at {end:%d/%m/%Y}": compare["children"].round().astype(int),
            "Children: 90% range": [
                f"{lo:,.0f} to {hi:,.0f}" for lo, hi in zip(compare["children_lower"], compare["children_upper"])
            ],
            "In-house foster": compare["in_house_foster"].round().astype(int),
            "IFA foster": compare["ifa_foster"].round().astype(int),
            "Residential": compare["residential"].round().astype(int),
            f"Spend {year}, £ million": [f"{v:,.2f}" for v in compare["spend_gbp_m"]],
            "Spend: 90% range": [
                f"{lo:,.2f} to {hi:,.2f}" for lo, hi in zip(compare["spend_lower_gbp_m"], compare["spend_upper_gbp_m"])
            ],
            "Change, £ million": [f"{v:+,.2f}" for v in compare["spend_change_gbp_m"]],
        }
    )


def too_few(count: int, what: str, minimum: int = 5) -> str:
    """'' when there are at least `minimum`, else a sentence saying why `what` is not shown."""
    return "" if count >= minimum else f"Fewer than {minimum} children: {what} is not shown."


def rates_note(rates: pd.DataFrame) -> str:
    """'' when there are rates to chart, else why not."""
    return "" if len(rates) else "No LA code given, or no population estimate for it: rates are not shown."


BREAKDOWN_TITLES = {
    "age_band": "age",
    "sex": "sex",
    "legal_status": "legal status",
    "placement": "placement type",
    "provider": "placement provider",
    "uasc": "whether unaccompanied asylum-seeking",
}


def show_many(tables: dict[str, pd.DataFrame], heading: str = "By {}"):
    """Several small tables one after another, each under a bold heading (`heading` with the key in words:
    BREAKDOWN_TITLES, else underscores as spaces), as one HTML display."""
    from IPython.display import HTML

    parts = [
        f"<p><strong>{heading.format(BREAKDOWN_TITLES.get(k, k.replace('_', ' ')))}</strong></p>{show(t).to_html()}"
        for k, t in tables.items()
    ]
    return HTML("\n".join(parts))


def projection_wide(table: pd.DataFrame) -> pd.DataFrame:
    """The projection table (cpanalysis.projection.projection_table) as category x date, each cell 'central
    (lower to upper)', small counts suppressed; placement categories in order, then the total."""
    from cpanalysis.disclosure import suppress
    from cpanalysis.projection import CATEGORIES, TOTAL

    safe = suppress(table, ["children", "children_lower", "children_upper"]).astype(str)
    safe["value"] = safe["children"] + " (" + safe["children_lower"] + " to " + safe["children_upper"] + ")"
    wide = safe.assign(date=table["date"].dt.strftime("%d/%m/%Y")).pivot(
        index="category", columns="date", values="value"
    )
    return wide.reindex([c for c in [*CATEGORIES, TOTAL] if c in wide.index]).reset_index()


def adoption_finding(scorecard: pd.DataFrame) -> str:
    """A1 over three years against its threshold, from cpanalysis.adoption.scorecard (first row A1)."""
    a1 = scorecard.iloc[0]
    if is_small(a1["children_three_years"]) or pd.isna(a1["three_years"]):
        return "Fewer than 5 children were adopted over the three years: the average wait is not shown."
    verdict = "within" if a1["three_years"] <= a1["threshold"] else "above"
    return (
        f"Over the three years, children waited on average **{a1['three_years']:.0f} days** from entering care to "
        f"moving in with their adoptive family: {verdict} the {a1['threshold']:.0f}-day threshold."
    )


def england_stages_finding(england: pd.DataFrame, year: int | None = None) -> str:
    """England's entry-to-placed average in months and days (cpanalysis.adoption.england_stages) for the year
    ending March `year` (the pack's), or the nearest year published, labelled with its year."""
    years = england.iloc[:, 0].astype(int)
    pick = len(england) - 1 if year is None else int((years - year).abs().to_numpy().argmin())
    months, shown = england.iloc[pick, 1], int(years.iloc[pick])
    nearest = "" if year is None or shown == year else f" (the nearest published to this pack's {year})"
    return (
        "**England**, average months (DfE, all ages): entry into care to placed for adoption, and to adoption. "
        f"In the year ending March {shown}{nearest} the entry-to-placed average was "
        f"**{months:.0f} months (about {months * 30.4:.0f} days)**."
    )


def scorecard_summary(card: pd.DataFrame, comparators: pd.DataFrame, period_end: pd.Timestamp, source: str) -> str:
    """How many scorecard measures are Green, Amber and Red, improving and worsening, and the comparators' year."""
    rag = card["RAG"].value_counts()
    text = (
        f"At **{period_end:%d %B %Y}**: {rag.get('Green', 0)} measures on target (Green), "
        f"{rag.get('Amber', 0)} close to it (Amber) and {rag.get('Red', 0)} off target (Red); "
        f"{(card['Direction of travel'] == 'Improving').sum()} improving and "
        f"{(card['Direction of travel'] == 'Worsening').sum()} worsening since the previous column. {source}"
    )
    if len(comparators):
        text += (
            f" England and statistical-neighbour figures: year ending March {comparators['year_ending_march'].iloc[0]}."
        )
    return text


def spend_finding(complete: pd.DataFrame, left_out: pd.DataFrame, source: str = "") -> str:
    """Total priced spend in the latest year against the first year with every rate set (costs.complete_years),
    and what it leaves out (costs.unpriced): the placement types with no unit cost and their share of care days."""
    total = complete.dropna(subset=["spend_gbp"]).groupby("financial_year")["spend_gbp"].sum()
    if total.empty:
        return f"No year has a unit cost for every placement type priced: spend is not totalled. {source}".strip()
    text = (
        f"Placement spend with a unit cost set was **£{total.iloc[-1] / 1e6:,.1f} million** in {total.index[-1]}, "
        f"against £{total.iloc[0] / 1e6:,.1f} million in {total.index[0]}, the first year with every rate set."
    )
    if len(left_out):
        text += (
            f" Not priced, for want of a unit cost: {', '.join(left_out['category']).lower()}; "
            f"{left_out['care_days'].sum():,.0f} care days, {left_out['share_pct'].sum():.0f}% of all care days "
            "in the year, so the total understates the cost of care."
        )
    return f"{text} {source}".strip()


def cla_title(series: pd.DataFrame) -> str:
    """A chart title that states the finding: 'Children looked after rose 5.7% in the year to 609 (31 March 2021)'
    from a frame of date, children (quarter ends)."""
    s = series.set_index("date")["children"]
    end, now = s.index[-1], s.iloc[-1]
    before = s.get(end - pd.DateOffset(years=1))
    if before is None or before <= 0 or is_small(now):
        return f"Children looked after at each quarter end, to {end:%d %B %Y}"
    change = now / before - 1
    verb = "rose" if change > 0 else ("fell" if change < 0 else "held")
    amount = f" {abs(change):.1%}" if change else ""
    return f"Children looked after {verb}{amount} in the year to {n(now)} ({end:%d %B %Y})"


def flows_title(year: pd.DataFrame) -> str:
    """'In the year to 31 March 2021, 198 children came into care and 165 left' (population.flows over 12 months)."""
    row = year.iloc[-1]
    return (
        f"In the year to {row['period_end']:%d %B %Y}, {n(row['started'])} children came into care and "
        f"{n(row['ceased'])} left"
    )


def headline_coverage_finding(accuracy: pd.DataFrame) -> str:
    """How often the headline 90% range held in the backtest, from backtest.headline_accuracy (Total rows): each
    horizon's coverage and the number of past projections judged (those with a track record at their cutoff)."""
    rows = accuracy[(accuracy["category"] == "Total") & (accuracy["judged"] > 0)].sort_values("horizon")
    if rows.empty:
        return "The data are too short to test this range on past projections: read it as the model's band only."
    parts = [f"{r['coverage_pct']:.0f}% of {r['judged']} {r['horizon']}-month" for _, r in rows.iterrows()]
    listed = _listed(parts)
    text = (
        f"Judged with only what was known at each past quarter end, this range held the actual number at {listed} "
        "projections (a 90% range should hold about 90%)."
    )
    low, high = rows[rows["coverage_pct"] < COVERAGE_HELD[0]], rows[rows["coverage_pct"] > COVERAGE_HELD[1]]
    if len(low):
        text += f" At {_months(low)} it held less often than that: read the range there as too narrow."
    if len(high):
        text += f" At {_months(high)} it held more often: the range there is wider than it needs to be."
    return text


COVERAGE_HELD = (80, 97)  # a 90% range that held in 80-97% of past projections is read as holding about 90%


def _listed(parts: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _months(rows: pd.DataFrame) -> str:
    """'6 and 12 months' from rows with a horizon column."""
    return _listed([str(int(v)) for v in rows["horizon"]]) + " months"


# --- deep dives ---------------------------------------------------------------------------------------------------


def _pct(value: float) -> str:
    return f"{value:.0f}%"


def km_finding(at: pd.DataFrame, who: str, children: int, days: int = 365) -> str:
    """'Of the 506 children looked after at 31 March 2018, 70% (95% CI 66% to 74%) had not moved placement a year
    on; the fewest among 1 to 4 (49%), the most among 5 to 9 (69%).' from cohorts.survival_at output."""
    rows = at[(at["days"] == days)].dropna(subset=["percent_no_move"])
    when = "a year on" if days == 365 else f"{days} days on"
    text = f"Of the **{n(children)} {who}**"
    if rows.empty:
        return text + f", too few were still followed {when} to say how many had moved (fewer than 5 at risk)."
    if len(rows) == 1:
        r = rows.iloc[0]
        return (
            text + f", **{_pct(r['percent_no_move'])}** (95% confidence interval {_pct(r['lower'])} to "
            f"{_pct(r['upper'])}) were still in their first placement {when}, counting those who left care or "
            "reached the end of the data without a move as far as they were followed."
        )
    low, high = rows.loc[rows["percent_no_move"].idxmin()], rows.loc[rows["percent_no_move"].idxmax()]
    return (
        text + f", the share still in their first placement {when} ranged from **{_pct(low['percent_no_move'])}** "
        f"({low['group']}) to **{_pct(high['percent_no_move'])}** ({high['group']}); groups too small to show "
        "(fewer than 10 children) are left out."
    )


def permanence_finding(median: dict, who: str) -> str:
    """The median time to permanence (cohorts.median_time_to_permanence) in a sentence."""
    text = f"Of the **{n(median['children'])} {who}**, {n(median['permanent'])} have left care to permanence "
    text += "(adoption, special guardianship, a child arrangements order or a return home)"
    if median["median_days"] is None:
        return text + "; half had not yet done so while enough children were still followed to say when."
    months = median["median_days"] / 30.44
    return text + (
        f". Counting the children still looked after and those who left in other ways, half had reached permanence "
        f"within **{median['median_days']:,} days** (about {months:.0f} months) of entering care."
    )


def sufficiency_table(gap: pd.DataFrame) -> pd.DataFrame:
    """sufficiency.sufficiency_gap as a committee reads it: one row per need and 31 March; whole children with the
    90% range as 'low to high'; the external cost in GBP million; counts of 1-4 suppressed."""
    from cpanalysis.disclosure import suppress

    table = pd.DataFrame(
        {
            "Need": gap["need"],
            "Year (31 March)": gap["date"].dt.year,
            "Projected children": gap["demand"].round().astype(int),
            "90% range": [f"{lo:,.0f} to {hi:,.0f}" for lo, hi in zip(gap["demand_lower"], gap["demand_upper"])],
            "In-house places": gap["in_house_places"].map(lambda v: "" if pd.isna(v) else f"{v:,.0f}"),
            "Gap (children placed externally)": gap["gap"].round().astype(int),
            "Gap: 90% range": [f"{lo:,.0f} to {hi:,.0f}" for lo, hi in zip(gap["gap_lower"], gap["gap_upper"])],
            "External cost of the gap, GBP m a year": gap["external_cost_gbp_m"].map(
                lambda v: "" if pd.isna(v) else f"{v:,.2f}"
            ),
        }
    )
    # the first year is today's actual count: a count of 1-4 there (or projected) is shown as [c], with its cost
    return suppress(
        table, ["Projected children", "Gap (children placed externally)"], ["External cost of the gap, GBP m a year"]
    )


def sufficiency_finding(gap: pd.DataFrame, extra_foster: int = 0, extra_residential: int = 0) -> str:
    """The last projected year's gaps and their external cost in a sentence (sufficiency.sufficiency_gap)."""
    last = gap[gap["date"] == gap["date"].max()].set_index("need")
    date = gap["date"].max()
    parts = []
    for need, r in last.iterrows():
        if pd.isna(r["in_house_places"]):
            parts.append(f"{need.lower()}: no in-house capacity recorded")
            continue
        parts.append(
            f"{need.lower()}: {r['demand']:,.0f} children (90% range {r['demand_lower']:,.0f} to "
            f"{r['demand_upper']:,.0f}) against {r['in_house_places']:,.0f} in-house places, a gap of "
            f"**{r['gap']:,.0f}** costing about **GBP {r['external_cost_gbp_m']:,.1f} million** a year externally"
        )
    what_if = ""
    if extra_foster or extra_residential:
        what_if = f" (with {extra_foster} extra in-house foster places and {extra_residential} extra beds)"
    return f"By {date:%d %B %Y} the model projects{what_if}: " + "; ".join(parts) + "."


def what_if_finding(compare: pd.DataFrame, scenario) -> str:
    """The live what-if in a sentence: children and spend in the last full financial year against the baseline."""
    if compare.empty:
        return "The projection is too short to hold a full financial year."
    r = compare.iloc[-1]
    return (
        f"With entries {scenario.entry_change_pct:+g}%, {scenario.in_house_share:.0%} of new foster placements "
        f"in-house, {scenario.step_down} children stepped down from residential and unit costs "
        f"{scenario.cost_inflation_pct:+g}% a year, the model projects **{r['children_what_if']:,} children** at the "
        f"end of {r['financial_year']} (baseline {r['children_baseline']:,}) and placement spend of "
        f"**GBP {r['spend_what_if_gbp_m']:,.2f} million** in that year, {r['change_gbp_m']:+,.2f} million against "
        "the baseline."
    )


def bullets(lines: list[str]) -> str:
    """Markdown bullet points."""
    return "\n".join(f"- {line}" for line in lines)


def stability_summary(who: str, children: int, at: pd.DataFrame, long_ended: pd.DataFrame, young: pd.DataFrame) -> str:
    """The stability deep dive's opening paragraph, from cohorts.survival_at (group 'All children'),
    cohorts.long_placements_ended and cohorts.young_into_residential (their last rows)."""
    text = km_finding(at, who, children)
    last = long_ended.iloc[-1]
    year = f"{int(last['year_ending_march']) - 1}/{str(int(last['year_ending_march']))[2:]}"
    text += (
        f" In {year}, {_count(last['long_ended'])} placements that had lasted a year or more ended with a move, of "
        f"{_count(last['ended'])} placement moves in all"
    )
    y = young.iloc[-1]
    text += f"; {_count(y['children'])} children under 12 started in a children's home or residential care home."
    return text


def _count(value) -> str:
    return value if isinstance(value, str) else n(value)


def permanence_summary(median: dict, who: str, routes: pd.DataFrame, c1: pd.DataFrame) -> str:
    """The permanence deep dive's opening paragraph, from cohorts.median_time_to_permanence, cohorts.exits_by_route
    and cohorts.interim_care_order_summary (its last complete row)."""
    text = permanence_finding(median, who)
    r = routes.set_index("route")
    still = r.loc["Still looked after", "children"]
    text += f" {_count(still).capitalize() if isinstance(still, str) else n(still)} are still looked after."
    done = c1[c1["ended"].map(lambda v: not isinstance(v, str) and v > 0)]
    if len(done):
        row = done.iloc[-1]
        y = int(row["year_ending_march"])
        med = row["median_days"]
        med_text = f"a median of {med:,.0f} days" if not isinstance(med, str) else "a median we cannot show"
        text += (
            f" Interim care orders (the proxy for care proceedings) begun in {y - 1}/{str(y)[2:]} lasted "
            f"{med_text}; {_count(row['over_26_weeks'])} of {_count(row['orders'])} went past 26 weeks."
        )
    return text


def _after(days: int) -> str:
    return {91: "3 months", 182: "6 months", 365: "1 year"}.get(days, f"{days / 365:g} years")


def survival_table(at: pd.DataFrame, group: str = "Group") -> pd.DataFrame:
    """cohorts.survival_at as a committee reads it: group, after (3 months, 1 year...), % not yet moved with its
    95% confidence interval as 'low to high'; blank where the curve has stopped (fewer than 5 at risk)."""
    return pd.DataFrame(
        {
            group: at["group"],
            "After": at["days"].map(_after),
            "% still in first placement": at["percent_no_move"],
            "95% confidence interval": [
                "" if pd.isna(lo) else f"{lo:.0f}% to {hi:.0f}%" for lo, hi in zip(at["lower"], at["upper"])
            ],
        }
    )


def period_intro(start: pd.Timestamp, end: pd.Timestamp, source_note: str, blank_notes: list[str]) -> str:
    """A section's opening line: the period, the source and why any rows are blank (scorecard.blank_notes)."""
    blanks = " ".join(f"Blank rows: {note}." for note in blank_notes)
    return f"Period: **{start:%d %B %Y} to {end:%d %B %Y}**. {source_note} {blanks}".rstrip()
