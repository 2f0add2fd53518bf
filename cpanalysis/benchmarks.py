"""Published comparators for an LA: England, its region and its statistical neighbours, from the DfE's
statistics copied into data/reference/ (Open Government Licence v3.0; see data/reference/README.md).

- `published_benchmarks.csv`: one row per year ending 31 March, area (ONS code: E92000001 England, E12... region,
  E06/E08/E09/E10 LA) and measure, with the published value (blank where the DfE suppressed it). Built from the
  DfE files by `build_reference` (the measure names are those of `cpanalysis.measures.measures_table`).
- `statistical_neighbours.csv`: the DfE's children's services statistical-neighbour model (2025), each LA's ten
  closest LAs by DfE 3-digit LA number, closest first.

The statistical-neighbour average is the simple mean of the neighbours' published values (neighbours whose value
is suppressed are left out), as in the DfE's LA Interactive Tool; the region and England figures are the
published aggregates, not means of LAs.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from cpanalysis.errors import InputError
from cpanalysis.paths import REFERENCE

ENGLAND = "E92000001"
BENCHMARKS_FILE = REFERENCE / "published_benchmarks.csv"
NEIGHBOURS_FILE = REFERENCE / "statistical_neighbours.csv"
POPULATION_FILE = REFERENCE / "population.csv"

# measure -> the published figure it is (DfE definitions, year ending 31 March)
MEASURES = {
    "cla_at_end": "children looked after on 31 March",
    "rate_per_10k": "children looked after on 31 March per 10,000 children aged 0-17",
    "starts": "children starting to be looked after during the year",
    "ceased": "children ceasing to be looked after during the year",
    "adopted": "children ceasing to be looked after during the year: adopted (REC E11, E12)",
    "ceased_sgo": "children ceasing to be looked after during the year: special guardianship order (E43-E48)",
    "ceased_adopted_pct": "% of children ceasing to be looked after who were adopted",
    "ceased_sgo_pct": "% of children ceasing to be looked after through a special guardianship order",
    "stability_3plus_pct": "% of children looked after on 31 March with 3 or more placements during the year",
    "stability_long_term_pct": "% of children under 16 looked after for 2.5+ years living in the same placement "
    "for 2+ years (or placed for adoption and the two placements together last 2+ years)",
    "missing_pct": "% of children looked after during the year who had a missing incident (LAIT Children_missing)",
    "sdq_average": "average SDQ score of children aged 4-16 looked after continuously for 12 months at 31 March "
    "(LAIT Emotional_LAC)",
    "convicted_pct": "% of children aged 10+ looked after continuously for 12 months at 31 March convicted or "
    "subject to a youth caution or conditional caution in the year (LAIT LAC_Convictions)",
    "care_leavers_19_21_eet_pct": "% of care leavers aged 19-21 in education, employment or training (LAIT "
    "CareLeaverEET)",
    "care_leavers_19_21_suitable_accom_pct": "% of care leavers aged 19-21 in suitable accommodation (LAIT "
    "CareLeaverAcc)",
}
# LAIT indicator (Short Desc) -> measure. Not LACDistance: it counts children placed over 20 miles from home AND
# outside the LA, a narrower figure than placed_over_20_miles_pct, so it is no comparator for it.
_LAIT = {
    "Children_missing": "missing_pct",
    "Emotional_LAC": "sdq_average",
    "LAC_Convictions": "convicted_pct",
    "CareLeaverEET": "care_leavers_19_21_eet_pct",
    "CareLeaverAcc": "care_leavers_19_21_suitable_accom_pct",
}
_CLA_TYPES = {
    "Children looked after on 31 March each year": ("cla_at_end", "rate_per_10k"),
    "Children starting to be looked after each year": ("starts", None),
    "Children ceasing to be looked after each year": ("ceased", None),
}
_STABILITY = {
    ("CLA on 31 March", "With 3 or more placements during the year"): "stability_3plus_pct",
    (
        "Children looked after continuously for at least 2.5 years on 31 March aged under 16 years",
        "Living with the same carer for at least 2 years",
    ): "stability_long_term_pct",
}
_CEASED = {"Adopted": ("adopted", "ceased_adopted_pct"), "Special guardianship order": ("ceased_sgo", "ceased_sgo_pct")}


def _area_code(df: pd.DataFrame) -> pd.Series:
    code = df["new_la_code"].where(df["geographic_level"] == "Local authority")
    code = code.fillna(df["region_code"].where(df["geographic_level"] == "Regional"))
    return code.fillna(pd.Series(ENGLAND, index=df.index).where(df["geographic_level"] == "National"))


def _rows(df: pd.DataFrame, measure: str, column: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year_ending_march": df["time_period"].astype(int),
            "area_code": _area_code(df),
            "measure": measure,
            # the DfE's markers (c suppressed, x not available, z not applicable, k under 0.5) become blanks
            "value": pd.to_numeric(df[column], errors="coerce"),
        }
    )


def build_reference(dfe_dir: str | Path) -> pd.DataFrame:
    """The long table of published_benchmarks.csv from the DfE files in `dfe_dir`
    (cla_number_and_rate_per_10k_children.csv, la_cla_placement_stability.csv, la_cla_ceased_by_reason_slim.csv.gz
    and, when present, the LAIT's lait_indicators_long.parquet): columns year_ending_march, area_code, measure,
    value. Run by the maintainers when the DfE publishes a new year."""
    dfe = Path(dfe_dir)
    try:
        cla = pd.read_csv(dfe / "cla_number_and_rate_per_10k_children.csv", dtype=str, encoding="utf-8-sig")
        stab = pd.read_csv(dfe / "la_cla_placement_stability.csv", dtype=str, encoding="utf-8-sig")
        ceased = pd.read_csv(dfe / "la_cla_ceased_by_reason_slim.csv.gz", dtype=str)
    except FileNotFoundError as exc:
        raise InputError(f"DfE file not found: {exc.filename}") from exc
    parts = []
    for population_type, (count, rate) in _CLA_TYPES.items():
        rows = cla[cla["population_type"] == population_type]
        parts.append(_rows(rows, count, "children_count"))
        if rate:
            parts.append(_rows(rows, rate, "rate_per_10000"))
    for (group, line), measure in _STABILITY.items():
        parts.append(
            _rows(
                stab[(stab["cla_group"] == group) & (stab["placement_stability"] == line)], measure, "children_percent"
            )
        )
    # the ceased file names regions but gives no code: take the codes from the CLA file
    region_codes = cla.dropna(subset=["region_code"]).drop_duplicates("region_name")
    region_codes = dict(zip(region_codes["region_name"], region_codes["region_code"]))
    ceased = ceased[
        ceased["geo_breakdown"].isin([*region_codes, "National"]) | (ceased["geographic_level"] == "Local authority")
    ]
    ceased = ceased.assign(region_code=ceased["geo_breakdown"].map(region_codes))
    ceased = ceased[ceased["cla_group"] == "Reason episode ceased"]
    for reason, (count, pct) in _CEASED.items():
        rows = ceased[ceased["characteristic"] == reason]
        parts += [_rows(rows, count, "number"), _rows(rows, pct, "percentage")]
    years = set(cla["time_period"].astype(int))
    if (dfe / "lait_indicators_long.parquet").exists():
        parts.append(_lait_rows(pd.read_parquet(dfe / "lait_indicators_long.parquet"), years))
    out = pd.concat(parts, ignore_index=True).dropna(subset=["area_code"])
    return out.sort_values(["measure", "year_ending_march", "area_code"]).reset_index(drop=True)


def _lait_rows(lait: pd.DataFrame, years: set[int]) -> pd.DataFrame:
    """The _LAIT indicators of the LAIT long table, for the `years` the other files cover (so that every measure has
    the same published years): LA rows by DfE number, England (970) and regions (by name) to ONS codes."""
    rows = lait[lait["Short Desc"].isin(_LAIT) & lait["Years"].str.fullmatch(r"\d{4}")]
    rows = rows[rows["Years"].astype(int).isin(years)]
    areas = pd.read_csv(POPULATION_FILE, dtype={"area_code": str, "region_code": str})
    areas = areas.sort_values("mid_year").drop_duplicates("area_code", keep="last")
    las = areas[areas["level"] == "Local authority"].sort_values("mid_year").drop_duplicates("old_la_code", keep="last")
    by_number = dict(zip(las["old_la_code"].astype(int), las["area_code"]))
    regions = areas[areas["level"] == "Regional"]
    by_name = dict(zip(regions["area_name"], regions["area_code"]))
    number = pd.to_numeric(rows["LA Number"], errors="coerce")
    code = number.map(by_number).fillna(rows["LA and Regions"].map(by_name))
    code = code.where(number != 970, ENGLAND)
    return pd.DataFrame(
        {
            "year_ending_march": rows["Years"].astype(int),
            "area_code": code,
            "measure": rows["Short Desc"].map(_LAIT),
            "value": pd.to_numeric(rows["Values"], errors="coerce"),  # '-' (suppressed or not published): blank
        }
    )


def load_published(path: str | Path | None = None) -> pd.DataFrame:
    """published_benchmarks.csv (see module docstring)."""
    path = Path(path) if path else BENCHMARKS_FILE
    if not path.exists():
        raise InputError(f"benchmark table not found: {path}")
    return pd.read_csv(path, dtype={"area_code": str})


def _areas() -> pd.DataFrame:
    pop = pd.read_csv(POPULATION_FILE, dtype={"area_code": str, "region_code": str})
    return pop.sort_values("mid_year").drop_duplicates("area_code", keep="last").set_index("area_code")


def _codes_by_number(areas: pd.DataFrame) -> dict[int, list[str]]:
    """DfE 3-digit LA number -> its ONS codes, the most recent first (North Yorkshire 815 was E10000023 until
    2023 and is E06000065 since; Cumberland and Westmorland and Furness are new numbers)."""
    las = areas[areas["level"] == "Local authority"].sort_values("mid_year", ascending=False)
    return las.reset_index().groupby("old_la_code", sort=False)["area_code"].agg(list).to_dict()


def statistical_neighbours(la_code: str, path: str | Path | None = None) -> list[list[str]]:
    """The LA's ten statistical neighbours, closest first, in the DfE's children's services statistical-neighbour
    model: each as its ONS codes, the current one first (an LA reorganised since may have had another code in
    older published years). InputError for a code not in the model."""
    areas = _areas()
    if la_code not in areas.index or areas.loc[la_code, "level"] != "Local authority":
        raise InputError(f"LA code '{la_code}' is not an English local authority (expected e.g. E06000049)")
    sn = pd.read_csv(Path(path) if path else NEIGHBOURS_FILE)
    old = int(areas.loc[la_code, "old_la_code"])
    row = sn[sn["old_la_code"] == old]
    if row.empty:
        raise InputError(f"LA code {la_code!r} (DfE number {old}) is not in {NEIGHBOURS_FILE.name}")
    codes = _codes_by_number(areas)
    return [codes[int(v)] for v in row.iloc[0][[f"SN_{i}" for i in range(1, 11)]]]


def benchmarks(la_code: str, year: int, published: pd.DataFrame | None = None, nearest: bool = False) -> pd.DataFrame:
    """The LA's published figures for the year ending 31 March `year` beside England's, its region's and the mean
    of its statistical neighbours': columns measure, england, region, stat_neighbours, la, year_ending_march (one
    row per measure in MEASURES; blank where not published or suppressed). InputError for an unknown LA, or for a
    year not published unless nearest=True (then the latest published year up to `year`, else the earliest)."""
    pub = load_published() if published is None else published
    neighbours = statistical_neighbours(la_code)
    years = sorted(int(y) for y in pub["year_ending_march"].unique())
    if nearest and int(year) not in years:
        year = max([y for y in years if y <= int(year)], default=years[0])
    if int(year) not in years:
        raise InputError(f"no published figures for the year ending March {year} (published: {years[0]}-{years[-1]})")
    region = _areas().loc[la_code, "region_code"]
    wide = pub[pub["year_ending_march"] == int(year)].pivot_table(
        index="measure", columns="area_code", values="value", aggfunc="first"
    )
    wide = wide.reindex(index=list(MEASURES))

    def col(code: str) -> pd.Series:
        return wide[code] if code in wide.columns else pd.Series(float("nan"), index=wide.index)

    # each neighbour under the code it was published with that year
    used = [next((c for c in codes if c in wide.columns), None) for codes in neighbours]
    sn = wide[[c for c in used if c]].mean(axis=1, skipna=True).round(1)
    out = pd.DataFrame({"england": col(ENGLAND), "region": col(region), "stat_neighbours": sn, "la": col(la_code)})
    return out.rename_axis("measure").reset_index().assign(year_ending_march=int(year))


def published_rates(la_code: str, measure: str = "cla_31_march", path: str | Path | None = None) -> pd.DataFrame:
    """Published rates per 10,000 children for the LA, its region and England, by year ending 31 March:
    columns year_ending_march, area (LA name / region name / England), level, children, rate_per_10k."""
    path = Path(path) if path else REFERENCE / "published_cla_rates.csv"
    pub = pd.read_csv(path, dtype={"area_code": str, "region_code": str})
    pub = pub[pub["measure"] == measure]
    la = pub[(pub["area_code"] == la_code) & (pub["level"] == "Local authority")]
    if la.empty:
        return pd.DataFrame(columns=["year_ending_march", "area", "level", "children", "rate_per_10k"])
    region = la["region_code"].iloc[0]
    rows = pub[
        (pub["area_code"] == la_code)
        | ((pub["level"] == "Regional") & (pub["area_code"] == region))
        | (pub["level"] == "National")
    ]
    out = rows.rename(columns={"area_name": "area"})[["year_ending_march", "area", "level", "children", "rate_per_10k"]]
    # published suppression markers (x, c, z) become missing values
    out = out.assign(
        **{c: pd.to_numeric(out[c], errors="coerce") for c in ["year_ending_march", "children", "rate_per_10k"]}
    )
    return out.sort_values(["level", "year_ending_march"]).reset_index(drop=True)


def rate_comparison(episodes: pd.DataFrame, la_code: str | None, years: list[int]) -> pd.DataFrame:
    """The rate per 10,000 at each 31 March in `years` (the pack's own years): this data set's, and England's and
    the region's as published for the same years only (no comparator beyond the pack's last year). Columns
    year_ending_march (int), area, rate_per_10k; empty without an LA code."""
    from cpanalysis.population import rates_by_year

    columns = ["year_ending_march", "area", "rate_per_10k"]
    if not la_code:
        return pd.DataFrame(columns=columns)
    own = rates_by_year(episodes, la_code, years).assign(area="This data set")
    published = published_rates(la_code)
    comparators = published[(published["level"] != "Local authority") & published["year_ending_march"].isin(years)]
    rates = pd.concat([own[columns], comparators[columns]], ignore_index=True)
    return rates.dropna(subset=["year_ending_march"]).astype({"year_ending_march": int})
