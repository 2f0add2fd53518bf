"""The synthetic LA (cpanalysis.synth).

- Calibration: the default data set (seed 903, 2012-2021, scale 1) against data/reference/synthetic_calibration.csv.
  The statistics are computed here, directly from the loaded frames, with the DfE definitions written next to
  each one (independent of cpanalysis.population / cpanalysis.adoption, which are tested on their own).
- Validity: the default set loads with no error or warning; --messy gives the findings it promises.
- Mechanics: the yearly cut, reviews, AD1/PlacedAdoption and text format on tiny hand-made histories.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cpanalysis.synth as synth
from cpanalysis import health, leavers, missing, population, reviews
from cpanalysis.categories import ADOPTED, ADOPTION_PLACEMENTS, FOSTER, SGO, SHORT_BREAK_LS, placement_category
from cpanalysis.cli import main
from cpanalysis.errors import InputError
from cpanalysis.measures import DISTANCE, HEALTH, LEAVERS, MISSING, REVIEWS, measures_table
from cpanalysis.paths import REFERENCE
from cpanalysis.periods import periods_of_care, placements
from cpanalysis.ssda903 import load
from cpanalysis.ssda903.clean import CODE_RULES
from cpanalysis.synth import as_text, cut_year, ensure_default, generate
from cpanalysis.synth.simulate import birthday, day

TARGETS = pd.read_csv(REFERENCE / "synthetic_calibration.csv")
T = pd.Timestamp


@pytest.fixture(scope="module")
def data():
    return load(ensure_default())


def _years(spec: str) -> list[int]:
    a, _, b = str(spec).partition("-")
    return list(range(int(a), int(b or a) + 1))


# ---------------------------------------------------------------- calibration statistics (DfE definitions)
def _open_at(eps: pd.DataFrame, when: pd.Timestamp) -> pd.DataFrame:
    """Looked after at `when`: episode open that day (DECOM <= when < DEC or DEC blank), short breaks excluded."""
    e = eps[~eps["LS"].isin(SHORT_BREAK_LS)]
    return e[(e["DECOM"] <= when) & (e["DEC"].isna() | (e["DEC"] > when))]


def _mix(eps: pd.DataFrame, when: pd.Timestamp) -> pd.Series:
    """Percent of children looked after at `when` by placement category (cpanalysis.categories)."""
    e = _open_at(eps, when)
    return 100 * placement_category(e["PLACE"], e["PLACE_PROVIDER"]).value_counts() / len(e)


_DERIVED: dict[int, dict[str, pd.DataFrame]] = {}


def _derived(data) -> dict[str, pd.DataFrame]:
    """periods_of_care and placements of the data set, worked out once."""
    if id(data) not in _DERIVED:
        _DERIVED[id(data)] = {"per": periods_of_care(data["episodes"]), "pl": placements(data["episodes"])}
    return _DERIVED[id(data)]


def _adopted(data, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Children adopted (last REC E11/E12) with DEC in [start, end]: their period start, first A3-A6 placement
    start (A1 end date) and days from the first E1/D1 episode to AD1 DATE_MATCH (A2, a match before the
    order counts as 0)."""
    eps = data["episodes"]
    per = _derived(data)["per"]
    per = per[per["REASON"].isin(ADOPTED) & (per["END"] >= start) & (per["END"] <= end)]
    pl = _derived(data)["pl"]
    first_a = pl[pl["PLACE"].isin(ADOPTION_PLACEMENTS)].groupby(["CHILD", "PERIOD"])["START"].min()
    per = per.join(first_a.rename("PLACED"), on=["CHILD", "PERIOD"])
    order = eps[eps["LS"].isin(["E1", "D1"])].groupby("CHILD")["DECOM"].min()
    match = data["ad1"].drop_duplicates("CHILD", keep="last").set_index("CHILD")["DATE_MATCH"]
    per["A1"] = (per["PLACED"] - per["START"]).dt.days
    per["A2"] = (per["CHILD"].map(match) - per["CHILD"].map(order)).dt.days.clip(lower=0)
    return per


# metrics that are a share of the children looked after at 31 March in some placement categories (_mix)
_MIX_METRICS = {
    "residential_pct": ("Residential", "Secure", "Residential school"),
    "placed_with_parents_pct": ("Placed with parents",),
    "supported_pct": ("Supported / semi-independent",),
    "placed_for_adoption_pct": ("Placed for adoption",),
}
FOSTER_CATEGORIES = ("In-house foster", "External (IFA) foster")


def _starts(data, start, end) -> int:
    """Children starting a period of care (not only short breaks) in the year."""
    per = _derived(data)["per"]
    per = per[~per["SHORT_BREAKS_ONLY"] & (per["START"] >= start) & (per["START"] <= end)]
    return per["CHILD"].nunique()


def _sgo_per_year(data, three, end) -> float:
    """Periods of care ending E45-E48 in the 3 years, a year."""
    per = _derived(data)["per"]
    return (per["REASON"].isin(SGO) & (per["END"] >= three) & (per["END"] <= end)).sum() / 3


def _stability_3plus(eps, start, end) -> float:
    """Looked after at 31 March; placements (periods.placements) overlapping the year, a move to A3/A5 with the
    current carer (RNE T/U) not counted."""
    cla = _open_at(eps, end)["CHILD"].unique()
    pl = placements(eps[eps["CHILD"].isin(cla) & ~eps["LS"].isin(SHORT_BREAK_LS)])
    pl = pl[(pl["START"] <= end) & (pl["END"].isna() | (pl["END"] >= start))]
    pl = pl[~(pl["PLACE"].isin(["A3", "A5"]) & pl["RNE"].isin(["T", "U"]))]
    return 100 * (pl.groupby("CHILD").size() >= 3).sum() / len(cla)


def _metric(data, metric: str, year: int) -> float:
    eps = data["episodes"]
    end, start = T(year, 3, 31), T(year - 1, 4, 1)
    three = T(year - 3, 4, 1)
    if metric in _MIX_METRICS or metric in ("foster_pct", "in_house_share_of_foster_pct"):
        mix = _mix(eps, end)
        foster = sum(mix.get(c, 0) for c in FOSTER_CATEGORIES)
        if metric == "foster_pct":
            return foster
        if metric == "in_house_share_of_foster_pct":
            return 100 * mix.get("In-house foster", 0) / foster
        return sum(mix.get(c, 0) for c in _MIX_METRICS[metric])
    others = {
        "cla_at_31_march": lambda: _open_at(eps, end)["CHILD"].nunique(),
        "starts_per_year": lambda: _starts(data, start, end),
        "adopted_per_year_3yr_avg": lambda: len(_adopted(data, three, end)) / 3,
        "sgo_per_year_3yr_avg": lambda: _sgo_per_year(data, three, end),
        "A1_3yr_avg": lambda: _adopted(data, three, end)["A1"].mean(),
        "A2_3yr_avg": lambda: _adopted(data, three, end)["A2"].mean(),
        "stability_3plus_pct": lambda: _stability_3plus(eps, start, end),
        "uasc_at_31_march": lambda: _open_at(eps, end)["CHILD"].isin(data["uasc"]["CHILD"]).sum(),
        "short_break_children": lambda: eps.loc[eps["LS"].isin(SHORT_BREAK_LS), "CHILD"].nunique(),
    }
    if metric in MEASURES_TABLE:  # Reviews, Missing, OC2, OC3, PL_DISTANCE: the package's measures (hand-tested)
        return _year_measures(data, year)[metric]
    return others[metric]()  # KeyError for an unknown metric


MEASURES_TABLE = REVIEWS + DISTANCE + MISSING + HEALTH + LEAVERS


def _year_measures(data, year: int) -> pd.Series:
    key = (id(data), year)
    if key not in _DERIVED:
        table = measures_table(data, T(year - 1, 4, 1), T(year, 3, 31))
        _DERIVED[key] = table.set_index("measure")["value"]
    return _DERIVED[key]


@pytest.mark.parametrize("row", TARGETS.to_dict(orient="records"), ids=lambda r: f"{r['metric']}-{r['years']}")
def test_calibration(data, row):
    """The average over the years must meet the target range [low, high]; each single year (scale 1 carries
    sampling noise of a few percentage points) must stay within [year_low, year_high]."""
    years = _years(row["years"])
    if row["metric"] == "short_break_children":  # over the whole data set
        years = years[-1:]
    values = {year: _metric(data, row["metric"], year) for year in years}
    for year, value in values.items():
        assert row["year_low"] <= value <= row["year_high"], (
            f"{row['metric']} {year}: {value:.1f} not in [{row['year_low']}, {row['year_high']}]"
        )
    mean = float(np.mean(list(values.values())))
    assert row["low"] <= mean <= row["high"], (
        f"{row['metric']} {row['years']} average {mean:.1f} not in [{row['low']}, {row['high']}] "
        f"(target {row['target']})"
    )


def test_simple_statistics_on_a_hand_made_frame():
    # Three children on 31/03/2020: A in U4/PR1 (in-house foster), B in U6/PR4 (IFA foster), C on a V3 short
    # break (excluded); D left on 31/03/2020 (not looked after that day). Looked after: A and B -> 2; mix:
    # 50% in-house foster, 50% external foster.
    eps = pd.DataFrame(
        {
            "CHILD": ["A", "B", "C", "D"],
            "DECOM": [T(2019, 1, 1), T(2020, 2, 1), T(2020, 3, 30), T(2019, 5, 1)],
            "DEC": [pd.NaT, pd.NaT, T(2020, 4, 2), T(2020, 3, 31)],
            "LS": ["C2", "V2", "V3", "C1"],
            "PLACE": ["U4", "U6", "K2", "P1"],
            "PLACE_PROVIDER": ["PR1", "PR4", "PR1", "PR0"],
        }
    )
    assert _open_at(eps, T(2020, 3, 31))["CHILD"].tolist() == ["A", "B"]
    assert _mix(eps, T(2020, 3, 31)).to_dict() == {"In-house foster": 50.0, "External (IFA) foster": 50.0}


# ---------------------------------------------------------------- validity and determinism
def test_default_set_validates_clean(data):
    bad = data.quality[data.quality["severity"].isin(["error", "warning"])]
    assert bad.empty, bad.head().to_string()
    assert data.years == list(range(2012, 2022))
    marker = (ensure_default() / "SYNTHETIC").read_text()
    assert "SYNTHETIC" in marker and f"generator {synth.GENERATOR_VERSION}, seed 903" in marker


def test_sex_codes_follow_the_collection_year(tmp_path):
    # SEX is 1/2 up to the 2024 collection and M/F from 2025 (schema.valid_codes).
    out = generate(tmp_path, seed=5, first_year=2024, last_year=2025, scale=0.3)
    assert set(pd.read_csv(out / "2024-header.csv", dtype=str)["SEX"]) == {"1", "2"}
    assert set(pd.read_csv(out / "2025-header.csv", dtype=str)["SEX"]) == {"M", "F"}
    assert load(out).quality.query("severity == 'error'").empty


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for f in sorted(folder.glob("*.csv")):
        h.update(f.name.encode() + f.read_bytes())
    return h.hexdigest()


def test_same_seed_same_bytes(tmp_path):
    a = generate(tmp_path / "a", seed=7, first_year=2018, last_year=2020, scale=0.3)
    b = generate(tmp_path / "b", seed=7, first_year=2018, last_year=2020, scale=0.3)
    c = generate(tmp_path / "c", seed=8, first_year=2018, last_year=2020, scale=0.3)
    assert _digest(a) == _digest(b) != _digest(c)
    names = {f.name for f in a.iterdir()}
    assert {
        f"2019-{t}.csv"
        for t in (
            "header",
            "episodes",
            "uasc",
            "reviews",
            "ad1",
            "placed_adoption",
            "prev_perm",
            "missing",
            "oc2",
            "oc3",
        )
    } <= names
    assert "SYNTHETIC" in names
    assert "seed 7, years 2018-2020, scale 0.3" in (a / "SYNTHETIC").read_text()


def test_messy_output_produces_the_expected_findings(tmp_path):
    clean = generate(tmp_path / "clean", seed=3, first_year=2018, last_year=2020, scale=0.5)
    data = load(generate(tmp_path / "messy", seed=3, first_year=2018, last_year=2020, scale=0.5, messy=True))
    q = data.quality
    rules = {"duplicate_row", "lower_case_code", "whitespace", "date_format", "178", "superseded"}
    assert rules <= set(q["rule"])
    # duplicates: 1% of each year's Episodes rows and 0.5% of its Header rows (at least one each), by messy's rule
    expected = 0
    for year in (2018, 2019, 2020):
        n_eps = len(pd.read_csv(clean / f"{year}-episodes.csv"))
        n_head = len(pd.read_csv(clean / f"{year}-header.csv"))
        expected += max(1, int(n_eps * 0.01)) + max(1, int(n_head * 0.005))
    assert (q["rule"] == "duplicate_row").sum() == expected
    invalid = q[q["rule"].isin(["invalid_code", *CODE_RULES.values()])]  # any code-list rule
    assert set(invalid["column"]) == {"PLACE_PROVIDER"} and set(invalid["rule"]) == {"178"}
    assert set(invalid["message"].str.extract(r"code '(\w+)'")[0]) == {"PR9"}
    # the 2019 return recorded some open U4 placements as U5; the 2020 return puts them right
    fixed = q[(q["rule"] == "superseded") & q["message"].str.contains("PLACE U5 -> U4")]
    assert len(fixed) >= 1 and set(fixed["year"]) == {2019}
    acc = data.accounting
    assert (acc["used"] + acc["rejected"] == acc["rows_read"]).all()


def test_bad_arguments_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="first year <= last year"):
        generate(tmp_path, first_year=2021, last_year=2019)
    with pytest.raises(InputError, match="scale"):
        generate(tmp_path, scale=0)
    (tmp_path / "f").write_text("x")
    with pytest.raises(InputError, match="is a file"):
        generate(tmp_path / "f")


def test_cli_synth(tmp_path, capsys):
    assert (
        main(
            [
                "synth",
                str(tmp_path / "la"),
                "--seed",
                "4",
                "--first-year",
                "2020",
                "--last-year",
                "2021",
                "--scale",
                "0.2",
            ]
        )
        == 0
    )
    assert (tmp_path / "la" / "2021-episodes.csv").exists()
    assert main(["synth", str(tmp_path / "x"), "--first-year", "2022", "--last-year", "2021"]) == 2


def test_ensure_default_regenerates_an_older_version(tmp_path, monkeypatch):
    monkeypatch.setattr(synth, "SYNTHETIC", tmp_path)
    (tmp_path / "default").mkdir()
    (tmp_path / "default" / "SYNTHETIC").write_text("SYNTHETIC DATA\ngenerator 1, seed 903\n")
    folder = ensure_default()
    assert folder == tmp_path / "default"
    assert f"generator {synth.GENERATOR_VERSION}," in (folder / "SYNTHETIC").read_text()
    assert (folder / "2021-episodes.csv").exists()
    assert not list(tmp_path.glob(".default-*"))


# ---------------------------------------------------------------- the yearly cut on a hand-made history
def _history() -> dict[str, pd.DataFrame]:
    """Child 1: in care from 10/01/2018 (S, C1, U6), placement order (L, E1) 01/06/2018, placed for adoption
    (P, A6) 01/06/2019, adopted (E11) 15/12/2019. Child 2: one episode 01/05/2017-20/03/2018 (before 2019).
    Child 3: in care from 01/05/2018 (S, V2, U4), still looked after (DEC blank)."""
    eps = pd.DataFrame(
        [
            ("1", T(2018, 1, 10), "S", "C1", "N1", "U6", "PR1", T(2018, 6, 1), "X1"),
            ("1", T(2018, 6, 1), "L", "E1", "N1", "U6", "PR1", T(2019, 6, 1), "X1"),
            ("1", T(2019, 6, 1), "P", "E1", "N1", "A6", "PR1", T(2019, 12, 15), "E11"),
            ("2", T(2017, 5, 1), "S", "V2", "N4", "P1", "PR0", T(2018, 3, 20), "E4A"),
            ("3", T(2018, 5, 1), "S", "V2", "N1", "U4", "PR4", pd.NaT, np.nan),
        ],
        columns=["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC"],
    )
    children = pd.DataFrame(
        {
            "CHILD": ["1", "2", "3"],
            "SEX": ["1", "2", "2"],
            "DOB": [T(2016, 2, 29), T(2005, 7, 1), T(2008, 9, 9)],
            "ETHNIC": ["WBRI", "WBRI", "MOTH"],
            "UASC": [False, False, False],
        }
    )
    plans = pd.DataFrame(
        {
            "CHILD": ["1"],
            "DATE_PLACED": [T(2018, 4, 20)],
            "DATE_MATCH": [T(2019, 5, 2)],
            "FOSTER_CARE": [0],
            "DATE_PLACED_CEASED": [pd.NaT],
            "REASON_PLACED_CEASED": [np.nan],
        }
    )
    return {"episodes": eps, "children": children, "plans": plans}


def test_cut_year_keeps_episodes_open_in_the_year_and_blanks_later_endings():
    h = _history()
    y19 = cut_year(h, 2019)  # 01/04/2018 - 31/03/2019
    e = y19["episodes"]
    # child 2 ended 20/03/2018, before the year; child 1's A6 episode starts 01/06/2019, after it
    assert list(zip(e["CHILD"], e["DECOM"])) == [("1", T(2018, 1, 10)), ("1", T(2018, 6, 1)), ("3", T(2018, 5, 1))]
    # the E1 episode ends 01/06/2019, after 31/03/2019: blank DEC and REC in the 2019 file
    assert e["DEC"].isna().tolist() == [False, True, True] and e["REC"].isna().tolist() == [False, True, True]
    assert sorted(y19["header"]["CHILD"]) == ["1", "3"]
    assert y19["ad1"].empty  # nobody adopted in 2018/19
    assert y19["placed_adoption"]["DATE_PLACED"].tolist() == [T(2018, 4, 20)]
    assert y19["prev_perm"]["CHILD"].tolist() == ["3"]  # child 1 started 10/01/2018, in the 2018 year
    y20 = cut_year(h, 2020)
    assert y20["episodes"]["DEC"].tolist()[:2] == [T(2019, 6, 1), T(2019, 12, 15)]
    ad1 = y20["ad1"].iloc[0]
    assert (ad1["CHILD"], ad1["DATE_INT"], ad1["DATE_MATCH"], ad1["FOSTER_CARE"]) == (
        "1",
        T(2018, 4, 20),
        T(2019, 5, 2),
        "0",
    )


def test_reviews_follow_the_statutory_chain():
    # child 3 starts Tuesday 01/05/2018: the first review is due 20 working days later, 31/05/2018 (2-4 May, the
    # May Day holiday 07/05 skipped, 8-11, 14-18, 21-25, the spring bank holiday 28/05 skipped, 29-31); each review
    # is held 0-10 days before it is due or 1-40 days after, the next due 3 months after the first and then 6 months
    # after the one before, as cpanalysis.reviews judges them
    h = _history()
    rev = cut_year(h, 2019)["reviews"]
    three = rev[rev["CHILD"] == "3"]["REVIEW"].tolist()
    assert len(three) == 3 and T(2018, 5, 20) <= three[0] <= T(2018, 7, 9)
    chain = reviews.review_chain(rev, h["episodes"])
    c3 = chain[chain["CHILD"] == "3"]
    assert c3["DUE"].iloc[0] == T(2018, 5, 31)
    gap = (c3["REVIEW"] - c3["DUE"]).dt.days
    assert gap.between(-10, 40).all()
    # participation codes by age: child 1 (born 29/02/2016) is under 4 at every review
    assert set(rev[rev["CHILD"] == "1"]["REVIEW_CODE"]) == {"PN0"}
    assert not set(rev[rev["CHILD"] == "3"]["REVIEW_CODE"]) & {"PN0"}


def test_oc2_oc3_missing_distance_in_the_default_data(data):
    # OC2 rows are exactly the cohort the package works out; OC3 rows are care leavers aged 17-21 (on the year's
    # 17th-21st birthdays); the distance is
    # known for every episode; missing episodes start while the child is looked after
    for year in (2016, 2021):
        oc2 = data["oc2"][data["oc2"]["YEAR"] == year]
        cohort = health.oc2_cohort(data["episodes"], year)
        assert set(oc2["CHILD"]) == set(cohort["CHILD"])
        oc3 = data["oc3"][data["oc3"]["YEAR"] == year]
        by_age = leavers.care_leavers(oc3, year)
        # (17-year-olds only when a child left care at 16 or 17: rare in the simulation)
        assert {"18", "19", "20", "21"} <= set(by_age["age"]) <= {"17", "18", "19", "20", "21"}
    eps = data["episodes"]
    known = pd.to_numeric(eps["PL_DISTANCE"]).notna()
    # blank, as the DfE asks (398, 406), for short breaks and for unaccompanied asylum-seeking children
    exempt = eps["LS"].isin(["V3", "V4"]) | eps["CHILD"].isin(data["uasc"]["CHILD"])
    assert (known == ~exempt).all() and known.mean() > 0.9
    mis = data["missing"]
    assert len(missing.episodes_in_period(mis, data["episodes"], T(2011, 4, 1), T(2021, 3, 31))) == len(mis)
    # mostly teenagers: at least 8 in 10 episodes start after the child's 13th birthday
    dob = data["header"].drop_duplicates("CHILD").set_index("CHILD")["DOB"]
    age = population.age_in_years(mis["CHILD"].map(dob), mis["MIS_START"])
    assert (age >= 13).mean() >= 0.8
    assert set(data["prev_perm"]["PREV_PERM"]) == {"Z1", "P1", "P2", "P3"}


def test_text_format_and_birthdays():
    h = _history()
    text = as_text(cut_year(h, 2019)["episodes"], "episodes")
    assert list(text.columns[:9]) == ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC"]
    assert text["DECOM"].tolist() == ["10/01/2018", "01/06/2018", "01/05/2018"]
    assert text["DEC"].tolist() == ["01/06/2018", "", ""]
    # born 29/02/2016: 18 on 28/02/2034 (as pandas' DateOffset and the validator count); 09/09/2008: 09/09/2026
    assert birthday(day(pd.Timestamp(2016, 2, 29).date()), 18) == day(pd.Timestamp(2034, 2, 28).date())
    assert birthday(day(pd.Timestamp(2008, 9, 9).date()), 18) == day(pd.Timestamp(2026, 9, 9).date())


def test_histories_hold_the_journeys_the_issue_asks_for(data):
    eps = data["episodes"]
    # foster-carer adoptions (A3/A5 reached with RNE T), adoption via A4/A6, SGO exits, leaving at 18, re-entries,
    # children with a placement order still waiting at the end of the data, plans that ceased (RD codes)
    assert eps[eps["PLACE"].isin(["A5", "A3"])]["RNE"].eq("T").all()
    assert eps["PLACE"].isin(["A6"]).any() and eps["REC"].isin(SGO).any() and eps["REC"].eq("E17").any()
    per = periods_of_care(eps)
    assert (per.groupby("CHILD").size() > 1).sum() >= 10
    last = eps.groupby("CHILD").tail(1)
    waiting = last[last["DEC"].isna() & last["LS"].eq("E1") & ~last["PLACE"].isin(ADOPTION_PLACEMENTS)]
    assert len(waiting) >= 1
    pa = data["placed_adoption"]
    reasons = pa["REASON_PLACED_CEASED"]
    assert set(reasons.dropna()) <= {"RD1", "RD2", "RD3", "RD4"} and reasons.notna().any()
    ad1 = data["ad1"]
    assert ad1["FOSTER_CARE"].eq("1").any() and (ad1["DATE_INT"] <= ad1["DATE_MATCH"]).all()
    assert eps["PLACE"].isin(FOSTER).mean() > 0.5


def test_entry_growth_makes_a_declining_authority(tmp_path):
    """--entry-growth sets the yearly growth of entries: at -15% a year the last year has far fewer new periods of
    care than at the default +2.5%; the default data are untouched by the option's existence (its marker neither)."""
    from cpanalysis.synth import generate

    def starts(folder) -> int:
        eps = pd.read_csv(folder / "2020-episodes.csv", dtype=str)
        return int((eps["RNE"] == "S").sum())

    usual = generate(tmp_path / "usual", seed=7, first_year=2019, last_year=2020, scale=0.5)
    falling = generate(tmp_path / "falling", seed=7, first_year=2019, last_year=2020, scale=0.5, entry_growth=-0.15)
    assert starts(falling) < 0.5 * starts(usual)
    assert "entry growth -0.15" in (falling / "SYNTHETIC").read_text()
    assert "entry growth" not in (usual / "SYNTHETIC").read_text()
    with pytest.raises(InputError, match="entry growth"):
        generate(tmp_path / "bad", entry_growth=-2)


def test_synth_trend_is_the_entry_growth():
    """`cpanalysis synth --trend -0.08` (a declining authority) is --entry-growth -0.08."""
    from cpanalysis.cli import build_parser

    assert build_parser().parse_args(["synth", "out", "--trend", "-0.08"]).entry_growth == -0.08


def test_turn_year_makes_an_authority_whose_entries_turn():
    """Entries growing 8% a year up to 2016/17 (collection year 2017), then falling 6% a year: children's first
    periods of care (RNE S, not short breaks) by collection year, a straight line fitted to their logarithm before
    and after the turn, give about 1.08 and 0.94 a year; children who came in up to the turn have the same
    histories as without it (the same random draws until the counts differ)."""
    from cpanalysis.synth.simulate import Settings, histories

    def first_entries(h) -> pd.Series:
        eps = h["episodes"]
        starts = eps[eps["RNE"].eq("S") & ~eps["LS"].isin(["V3", "V4"])].groupby("CHILD")["DECOM"].min()
        return (starts.dt.year + (starts.dt.month >= 4)).value_counts().sort_index()

    def yearly_growth(counts: pd.Series) -> float:
        return float(np.exp(np.polyfit(counts.index.to_numpy(), np.log(counts.to_numpy()), 1)[0]))

    turned = histories(5, 2012, 2021, 2.0, Settings(entry_growth=0.08, turn_year=2017, growth_after=-0.06))
    steady = histories(5, 2012, 2021, 2.0, Settings(entry_growth=0.08))
    by_year = first_entries(turned)
    assert yearly_growth(by_year.loc[2004:2017]) == pytest.approx(1.08, abs=0.015)
    assert yearly_growth(by_year.loc[2018:2021]) == pytest.approx(0.94, abs=0.03)
    assert yearly_growth(first_entries(steady).loc[2018:2021]) == pytest.approx(1.08, abs=0.03)
    assert by_year.loc[2021] < 0.8 * first_entries(steady).loc[2021]
    before = lambda h: h["episodes"][h["episodes"]["DECOM"] < "2016-04-01"].reset_index(drop=True)  # noqa: E731
    pd.testing.assert_frame_equal(before(turned), before(steady))


def test_synth_turn_options(tmp_path):
    """`cpanalysis synth --turn-year 2019 --growth-after -0.05` passes the turn on; the marker says so."""
    from cpanalysis.cli import build_parser
    from cpanalysis.synth import generate

    args = build_parser().parse_args(["synth", "out", "--turn-year", "2019", "--growth-after", "-0.05"])
    assert (args.turn_year, args.growth_after) == (2019, -0.05)
    out = generate(tmp_path / "turned", seed=7, first_year=2019, last_year=2020, scale=0.2, turn_year=2019)
    assert "turning in 2019 to 0" in (out / "SYNTHETIC").read_text()
    with pytest.raises(InputError, match="after the turn"):
        generate(tmp_path / "bad", turn_year=2019, growth_after=2)
