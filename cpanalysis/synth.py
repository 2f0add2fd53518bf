"""A synthetic local authority in 903 format: the embedded default data set. No real child is in it.

Children are simulated as care histories (entry, legal status changes, placement moves, exit by route,
re-entry), then cut into yearly extracts the way a case system does: each year's Episodes file holds every
episode open at any time from 1 April to 31 March, those still open on 31 March with blank DEC and REC.

Calibrated to a mid-sized English authority (Cheshire East's published figures): the targets, with
tolerances, are in `data/reference/synthetic_calibration.csv` and tests/test_synth.py checks them.
Deterministic: the same seed, years and scale give the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cpanalysis.paths import SYNTHETIC
from cpanalysis.ssda903.schema import TABLES, year_end, year_start

GENERATOR_VERSION = "2"
BURN_IN_YEARS = 8  # simulate entries this many years before the first extract, so the stock is realistic
AGE_BANDS = np.array([0, 1, 5, 10, 16])
AGE_SHARES = np.array([0.20, 0.17, 0.18, 0.33, 0.12])
ONE_DAY = np.timedelta64(1, "D")


@dataclass(frozen=True)
class Settings:
    """Entry volume and its growth; everything else is in the route tables below."""

    entries_first_year: float = 98.0  # entries in the first simulated year, at scale 1
    entry_growth: float = 0.048  # yearly growth of entries
    scale: float = 1.0


# Route probabilities by age band at entry: adoption, SGO, home, to 18 (leaves at 18), child arrangements.
ROUTES = ("adoption", "sgo", "home", "adult", "cao")
ROUTE_P = {
    0: [0.42, 0.15, 0.30, 0.08, 0.05],
    1: [0.26, 0.21, 0.37, 0.11, 0.05],
    5: [0.02, 0.18, 0.45, 0.30, 0.05],
    10: [0.00, 0.05, 0.56, 0.36, 0.03],
    16: [0.00, 0.00, 0.50, 0.50, 0.00],
}
# Mean months in care before exit, by route (gamma-distributed, shape 3).
ROUTE_MONTHS = {"home": 9.0, "sgo": 20.0, "cao": 14.0}
# Placement types by age band: (PLACE, PROVIDER) choices and weights.
PLACE_CHOICES = {
    "young": (
        [
            ("U4", "PR1"),
            ("U6", "PR1"),
            ("U1", "PR1"),
            ("U3", "PR1"),
            ("U6", "PR4"),
            ("U4", "PR5"),
            ("P1", "PR0"),
            ("R3", "PR1"),
        ],
        [0.19, 0.18, 0.08, 0.07, 0.22, 0.08, 0.13, 0.04],
    ),
    "teen": (
        [
            ("U4", "PR1"),
            ("U6", "PR1"),
            ("U3", "PR1"),
            ("U6", "PR4"),
            ("U4", "PR5"),
            ("K2", "PR4"),
            ("K2", "PR1"),
            ("R1", "PR4"),
            ("S1", "PR5"),
            ("P1", "PR0"),
            ("K1", "PR2"),
        ],
        [0.18, 0.12, 0.06, 0.19, 0.07, 0.13, 0.04, 0.02, 0.02, 0.12, 0.01],
    ),
    "older": (
        [("H5", "PR4"), ("H5", "PR1"), ("U4", "PR1"), ("U6", "PR4"), ("K2", "PR4"), ("P1", "PR0")],
        [0.38, 0.12, 0.18, 0.16, 0.07, 0.09],
    ),
}


def _pick(rng: np.random.Generator, kind: str) -> tuple[str, str]:
    choices, weights = PLACE_CHOICES[kind]
    return choices[rng.choice(len(choices), p=np.array(weights) / sum(weights))]


def _kind(age_years: float) -> str:
    return "young" if age_years < 10 else "teen" if age_years < 16 else "older"


def _days(rng: np.random.Generator, mean_days: float, shape: float = 3.0) -> int:
    return max(1, int(rng.gamma(shape, mean_days / shape)))


def _simulate(
    rng: np.random.Generator, child: str, dob: np.datetime64, entry: np.datetime64, horizon: np.datetime64, uasc: bool
) -> tuple[list[tuple], dict | None]:
    """One child's periods of care: a list of episode tuples (CHILD, DECOM, RNE, LS, CIN, PLACE, PROVIDER, DEC,
    REC) and, for children on the adoption route, their adoption record."""
    episodes: list[tuple] = []
    adoption = None
    start = entry
    while start < horizon:
        age = (start - dob) / np.timedelta64(365, "D")
        band = int(AGE_BANDS[age >= AGE_BANDS].max())
        eighteen = dob + np.timedelta64(int(18 * 365.25), "D")
        cin = "N1" if rng.random() < 0.62 else f"N{rng.integers(2, 9)}"
        if uasc:
            cin, route = "N8", "adult"
        else:
            route = ROUTES[rng.choice(5, p=ROUTE_P[band])]
        if rng.random() < 0.02 and not uasc and age < 16:  # a short break: a few days under V3
            end = start + np.timedelta64(int(rng.integers(2, 8)), "D")
            episodes.append((child, start, "S", "V3", "N2", "U6", "PR1", end, "E8"))
            return episodes, adoption
        # the events of this period, as (date, kind, value)
        ls0 = "V2" if uasc or rng.random() < 0.42 else ("C1" if rng.random() < 0.9 else "L1")
        events: list[tuple[np.datetime64, str, object]] = []
        if route == "adoption":
            order = start + np.timedelta64(_days(rng, 300), "D")
            match = order + np.timedelta64(int(rng.gamma(2.0, 45)) - 10, "D")
            placed = max(match, order) + np.timedelta64(int(rng.integers(10, 45)), "D")
            adopted = placed + np.timedelta64(_days(rng, 220), "D")
            by_carer = rng.random() < 0.18
            if rng.random() < 0.1:  # the plan ceases: the child stays in long-term foster care
                adoption = {
                    "CHILD": child,
                    "DATE_PLACED": order,
                    "ceased": order + np.timedelta64(_days(rng, 200), "D"),
                }
                route, exit_date = "adult", eighteen
                events.append((order, "ls", "E1"))
            else:
                adoption = {
                    "CHILD": child,
                    "DATE_PLACED": order,
                    "DATE_MATCH": match,
                    "DATE_INT": match - np.timedelta64(int(rng.integers(30, 200)), "D"),
                    "FOSTER_CARE": int(by_carer),
                    "placed": placed,
                }
                events += [(order, "ls", "E1"), (placed, "adopt_place", by_carer)]
                exit_date = adopted
        elif route == "adult":
            exit_date = eighteen
        else:
            exit_date = start + np.timedelta64(_days(rng, ROUTE_MONTHS[route] * 30.4), "D")
            exit_date = min(exit_date, eighteen)
        if ls0 == "C1" and route != "home" and exit_date - start > np.timedelta64(200, "D"):
            events.append((start + np.timedelta64(_days(rng, 190), "D"), "ls", "C2"))
        # placement moves: on average one every 20 months, more for teenagers
        rate = 1 / (26 * 30.4) if age < 10 else 1 / (18 * 30.4)
        t = start
        while True:
            t = t + np.timedelta64(max(1, int(rng.exponential(1 / rate))), "D")
            if t >= exit_date:
                break
            events.append((t, "move", None))
        if route == "adult" and age < 16 and exit_date - start > np.timedelta64(400, "D") and rng.random() < 0.45:
            sixteen = dob + np.timedelta64(int(16.5 * 365.25), "D")
            if start < sixteen < exit_date:
                events.append((sixteen, "move_older", None))
        events = sorted(e for e in events if start < e[0] < exit_date)
        place, provider = _pick(rng, _kind(age))
        if uasc:
            place, provider = ("H5", "PR4") if age >= 16 else ("U6", "PR4")
        ls, rne, decom = ls0, "S", start
        for when, kind, value in events:
            if when <= decom:
                continue
            episodes.append((child, decom, rne, ls, cin, place, provider, when, "X1"))
            age_now = (when - dob) / np.timedelta64(365, "D")
            if kind == "ls":
                ls, rne = str(value), "L"
            elif kind == "adopt_place":
                if value and place.startswith("U"):
                    place, rne = ("A5" if ls == "E1" else "A3"), "T"
                else:
                    place, provider, rne = ("A6" if ls == "E1" else "A4"), "PR1", "P"
            elif kind == "move_older":
                place, provider = _pick(rng, "older")
                rne = "P"
            else:
                new = _pick(rng, _kind(age_now))
                rne = "T" if new[1] == provider and rng.random() < 0.15 else "P"
                place, provider = new
            decom = when
        rec = {
            "adoption": "E11" if rng.random() < 0.75 else "E12",
            "sgo": str(rng.choice(["E45", "E46", "E47", "E48"], p=[0.3, 0.1, 0.35, 0.25])),
            "home": "E4A" if rng.random() < 0.85 else "E4B",
            "cao": "E41",
            "adult": str(rng.choice(["E17", "E5", "E6", "E8"], p=[0.25, 0.1, 0.55, 0.1])),
        }[route]
        if route == "adoption" and adoption is not None and "ceased" in adoption:
            rec = str(rng.choice(["E17", "E6"]))
        episodes.append((child, decom, rne, ls, cin, place, provider, exit_date, rec))
        # re-entry after a return home
        if route == "home" and rng.random() < 0.12:
            start = exit_date + np.timedelta64(_days(rng, 200), "D")
            if start >= eighteen - np.timedelta64(30, "D"):
                break
            continue
        break
    return episodes, adoption


def histories(seed: int, first_year: int, last_year: int, scale: float) -> dict[str, pd.DataFrame]:
    """Simulated care histories (uncut): episodes, children (header + UASC) and adoption records."""
    rng = np.random.default_rng(seed)
    settings = Settings(scale=scale)
    horizon = np.datetime64(year_end(last_year)) + ONE_DAY
    sim_start = first_year - BURN_IN_YEARS
    all_eps: list[tuple] = []
    kids: list[tuple] = []
    adoptions: list[dict] = []
    n = 0
    for year in range(sim_start, last_year + 1):
        expected = settings.entries_first_year * (1 + settings.entry_growth) ** (year - sim_start) * scale
        count = int(rng.poisson(expected))
        start = np.datetime64(year_start(year))
        entries = np.sort(start + rng.integers(0, 365, count).astype("timedelta64[D]"))
        bands = rng.choice(5, size=count, p=AGE_SHARES)
        upper = np.array([1, 5, 10, 16, 18])
        ages = AGE_BANDS[bands] + rng.random(count) * (upper[bands] - AGE_BANDS[bands])
        for entry, age in zip(entries, ages):
            n += 1
            child = f"{100000 + n * 7 + int(rng.integers(0, 7))}"
            dob = entry - np.timedelta64(int(age * 365.25), "D")
            uasc = age >= 14 and rng.random() < 0.2
            sex = "1" if uasc or rng.random() < 0.53 else "2"
            ethnic = (
                "WBRI" if rng.random() < 0.86 else str(rng.choice(["WOTH", "MWBC", "MOTH", "AOTH", "BAFR", "OOTH"]))
            )
            eps, adoption = _simulate(rng, child, dob, entry, horizon, uasc)
            if not eps:
                continue
            all_eps += eps
            kids.append((child, sex, dob, ethnic, uasc))
            if adoption:
                adoptions.append(adoption)
    cols = ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC"]
    eps = pd.DataFrame(all_eps, columns=cols)
    eps = eps[eps["DECOM"] < horizon]
    late = eps["DEC"] >= horizon
    eps.loc[late, ["DEC", "REC"]] = [pd.NaT, None]
    children = pd.DataFrame(kids, columns=["CHILD", "SEX", "DOB", "ETHNIC", "UASC"])
    return {"episodes": eps.reset_index(drop=True), "children": children, "adoptions": pd.DataFrame(adoptions)}


def _fmt(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s).dt.strftime("%d/%m/%Y").fillna("")


def cut_year(h: dict[str, pd.DataFrame], year: int) -> dict[str, pd.DataFrame]:
    """The 903 tables of one collection year, cut from the histories as a case system extracts them."""
    start, end = pd.Timestamp(year_start(year)), pd.Timestamp(year_end(year))
    eps = h["episodes"]
    eps = eps[(eps["DECOM"] <= end) & (eps["DEC"].isna() | (eps["DEC"] >= start))].copy()
    still_open = eps["DEC"] > end
    eps.loc[still_open, ["DEC", "REC"]] = [pd.NaT, None]
    eps["URN"] = np.where(
        eps["PLACE_PROVIDER"].isin(["PR1", "PR4", "PR5"]) & ~eps["PLACE"].isin(["P1", "H5"]),
        "SC"
        + (eps["PLACE"] + eps["PLACE_PROVIDER"]).map(
            lambda s: str(int.from_bytes(s.encode(), "big") % 900000 + 100000)
        ),
        "XXXXXXX",
    )
    kids = h["children"].set_index("CHILD").loc[eps["CHILD"].unique()].reset_index()
    sex = kids["SEX"].map({"1": "M", "2": "F"}) if year >= 2025 else kids["SEX"]
    header = pd.DataFrame(
        {
            "CHILD": kids["CHILD"],
            "SEX": sex,
            "DOB": _fmt(kids["DOB"]),
            "ETHNIC": kids["ETHNIC"],
            "UPN": "",
            "MOTHER": "",
            "MC_DOB": "",
        }
    )
    uk = kids[kids["UASC"]]
    uasc = pd.DataFrame(
        {
            "CHILD": uk["CHILD"],
            "SEX": sex[kids["UASC"]],
            "DOB": _fmt(uk["DOB"]),
            "DUC": _fmt(uk["DOB"] + pd.DateOffset(years=18)),
        }
    )
    ad = h["adoptions"]
    adopted = eps[eps["REC"].isin(["E11", "E12"]) & (eps["DEC"] >= start)]["CHILD"]
    ad1 = ad[ad["CHILD"].isin(adopted)] if len(ad) else ad
    dob = h["children"].set_index("CHILD")["DOB"]
    ad1_t = pd.DataFrame(
        {
            "CHILD": ad1.get("CHILD", []),
            "DOB": _fmt(ad1["CHILD"].map(dob)) if len(ad1) else [],
            "DATE_INT": _fmt(ad1.get("DATE_INT", pd.Series(dtype="datetime64[ns]"))),
            "DATE_MATCH": _fmt(ad1.get("DATE_MATCH", pd.Series(dtype="datetime64[ns]"))),
            "FOSTER_CARE": ad1.get("FOSTER_CARE", pd.Series(dtype=float)).astype("Int64").astype(str),
            "NB_ADOPTR": "2",
            "SEX_ADOPTR": "MF",
            "LS_ADOPTR": "L0",
        }
    )
    here = ad[ad["CHILD"].isin(eps["CHILD"]) & (ad["DATE_PLACED"] <= end)] if len(ad) else ad
    ceased = here["ceased"] if "ceased" in here else pd.Series(pd.NaT, index=here.index)
    ceased = ceased.where(ceased <= end)
    placed = pd.DataFrame(
        {
            "CHILD": here.get("CHILD", []),
            "DOB": _fmt(here["CHILD"].map(dob)) if len(here) else [],
            "DATE_PLACED": _fmt(here.get("DATE_PLACED", pd.Series(dtype="datetime64[ns]"))),
            "DATE_PLACED_CEASED": _fmt(ceased),
            "REASON_PLACED_CEASED": np.where(ceased.notna(), "RD1", ""),
        }
    )
    return {
        "episodes": eps,
        "header": header,
        "uasc": uasc,
        "ad1": ad1_t,
        "placed_adoption": placed,
        **_reviews_missing_oc3(h, eps, year),
    }


def _reviews_missing_oc3(h: dict[str, pd.DataFrame], eps: pd.DataFrame, year: int) -> dict[str, pd.DataFrame]:
    start, end = pd.Timestamp(year_start(year)), pd.Timestamp(year_end(year))
    dob = h["children"].set_index("CHILD")["DOB"]
    # reviews: 20 days after each period starts, then every 6 months, within this year while looked after
    first = eps[eps["RNE"] == "S"][["CHILD", "DECOM"]]
    rows = []
    for k in range(0, 40):
        d = first["DECOM"] + pd.Timedelta(days=20) + pd.DateOffset(months=6 * k)
        inside = (d >= start) & (d <= end)
        rows.append(pd.DataFrame({"CHILD": first["CHILD"][inside], "REVIEW": d[inside]}))
        if (d > end).all():
            break
    rev = (
        pd.concat(rows).drop_duplicates().sort_values(["CHILD", "REVIEW"])
        if rows
        else pd.DataFrame(columns=["CHILD", "REVIEW"])
    )
    reviews = pd.DataFrame(
        {"CHILD": rev["CHILD"], "DOB": _fmt(rev["CHILD"].map(dob)), "REVIEW": _fmt(rev["REVIEW"]), "REVIEW_CODE": "PN1"}
    )
    # missing: a few teenagers go missing once or twice in the year (deterministic from the child id)
    teens = eps[(eps["DECOM"] - eps["CHILD"].map(dob)).dt.days > 13 * 365].drop_duplicates("CHILD")
    teens = teens[teens["CHILD"].astype(int) % 11 == year % 11]
    mstart = start + pd.to_timedelta(teens["CHILD"].astype(int) % 300, unit="D")
    missing = pd.DataFrame(
        {
            "CHILD": teens["CHILD"],
            "DOB": _fmt(teens["CHILD"].map(dob)),
            "MISSING": "M",
            "MIS_START": _fmt(mstart),
            "MIS_END": _fmt(mstart + pd.Timedelta(days=2)),
        }
    )
    # OC3: care leavers (left at 18 or later) whose 19th, 20th or 21st birthday falls in the year
    all_eps = h["episodes"]
    leavers = all_eps[all_eps["REC"].isin(["E17", "E5", "E6", "E8"])]
    leavers = leavers[(leavers["DEC"] - leavers["CHILD"].map(dob)).dt.days >= 17 * 365].drop_duplicates("CHILD")
    out = []
    for age in (19, 20, 21):
        bday = leavers["CHILD"].map(dob) + pd.DateOffset(years=age)
        out.append(leavers[(bday >= start) & (bday <= end)]["CHILD"])
    ids = pd.concat(out).drop_duplicates()
    key = ids.astype(int)
    oc3 = pd.DataFrame(
        {
            "CHILD": ids,
            "DOB": _fmt(ids.map(dob)),
            "IN_TOUCH": np.where(key % 10 < 9, "YES", "NO"),
            "ACTIV": np.where(key % 3 == 0, "G4", np.where(key % 3 == 1, "F2", "G6")),
            "ACCOM": np.where(key % 4 == 0, "S2", "B2"),
        }
    )
    return {"reviews": reviews, "missing": missing, "oc3": oc3}


def _write(df: pd.DataFrame, table: str, path: Path) -> None:
    cols = list(TABLES[table].columns)
    out = df.reindex(columns=cols).copy()
    for c in cols:
        if c in TABLES[table].dates and out[c].dtype.kind == "M":
            out[c] = _fmt(out[c])
    out = out.astype(object).where(out.notna(), "").astype(str).replace({"<NA>": "", "nan": "", "NaT": ""})
    out.to_csv(path, index=False, lineterminator="\n")


FILE_NAMES = {
    "episodes": "episodes",
    "header": "header",
    "uasc": "uasc",
    "reviews": "reviews",
    "ad1": "ad1",
    "placed_adoption": "placed_adoption",
    "missing": "missing",
    "oc3": "oc3",
}


def messify(tables: dict[str, pd.DataFrame], year: int, rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """Imperfections real extracts have: duplicate rows, lower-case codes, stray spaces, ISO dates, invalid
    codes (about 1% of episode rows each)."""
    eps = tables["episodes"].copy()
    eps["DECOM"], eps["DEC"] = _fmt(eps["DECOM"]), _fmt(eps["DEC"])
    n = len(eps)
    k = max(1, n // 100)
    pick = lambda: rng.choice(n, size=k, replace=False)  # noqa: E731
    eps.iloc[pick(), eps.columns.get_loc("LS")] = eps["LS"].iloc[pick()].str.lower().to_numpy()
    eps.iloc[pick(), eps.columns.get_loc("PLACE")] = " " + eps["PLACE"].iloc[pick()].astype(str).to_numpy() + " "
    iso = pick()
    eps.iloc[iso, eps.columns.get_loc("DECOM")] = (
        pd.to_datetime(eps["DECOM"].iloc[iso], format="%d/%m/%Y").dt.strftime("%Y-%m-%d").to_numpy()
    )
    eps.iloc[pick(), eps.columns.get_loc("PLACE_PROVIDER")] = "PR9"
    eps = pd.concat([eps, eps.iloc[pick()]]).sort_index(kind="mergesort")
    return {**tables, "episodes": eps}


def generate(
    out_dir: str | Path,
    seed: int = 903,
    first_year: int = 2012,
    last_year: int = 2021,
    scale: float = 1.0,
    messy: bool = False,
) -> Path:
    """Write yearly 903 extracts (flat, year-prefixed: 2019-episodes.csv, ...) of a synthetic LA into out_dir.

    messy=True adds duplicate rows, lower-case codes, stray spaces, ISO dates, invalid codes and, in the
    year before the last, corrections that the last return puts right."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    h = histories(seed, first_year, last_year, scale)
    rng = np.random.default_rng(seed + 1)
    for year in range(first_year, last_year + 1):
        tables = cut_year(h, year)
        if messy:
            tables = messify(tables, year, rng)
            if year == last_year - 1:  # a placement recorded wrongly here, corrected in the next return
                e = tables["episodes"]
                wrong = e.index[(e["PLACE"] == "U4") & (e["DEC"].eq("") | e["DEC"].isna())][:5]
                e.loc[wrong, "PLACE"] = "U5"
        for table, df in tables.items():
            _write(df, table, out / f"{year}-{FILE_NAMES[table]}.csv")
    (out / "SYNTHETIC").write_text(
        "SYNTHETIC DATA made by cpanalysis.synth: no real child.\n"
        f"generator {GENERATOR_VERSION}, seed {seed}, years {first_year}-{last_year}, scale {scale}, messy {messy}\n"
    )
    return out


def ensure_default() -> Path:
    """The embedded default data set, data/synthetic/default/, generated (seed 903, scale 1) if missing or
    made by an older generator."""
    target = SYNTHETIC / "default"
    stamp = target / "SYNTHETIC"
    if not stamp.exists() or f"generator {GENERATOR_VERSION}," not in stamp.read_text():
        generate(target)
    return target


__all__ = ["generate", "ensure_default", "histories", "cut_year"]
