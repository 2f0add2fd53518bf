"""Care histories of a synthetic local authority: who comes into care, when and at what age, and how each
period of care unfolds (legal status changes, placement moves, adoption journeys, exits by route, re-entries).

Dates are whole days since 1970-01-01 while simulating (fast integer arithmetic) and become datetime64 in
the frames `histories` returns. No real child is in the data: every value is drawn from the distributions
below, tuned so that the yearly extracts match the calibration targets in
data/reference/synthetic_calibration.csv (see tests/test_synth.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cpanalysis.ssda903.rules.core import age_on
from cpanalysis.ssda903.rules.episodes import supported_accommodation
from cpanalysis.ssda903.schema import year_end, year_start

EPOCH = dt.date(1970, 1, 1)
BURN_IN_YEARS = 10  # entries are simulated from this many years before the first extract: a realistic stock


@dataclass(frozen=True)
class Settings:
    """Volumes at scale 1 and their drift over calendar time; the route tables below hold the rest."""

    entries_first_year: float = 124.0  # periods of care starting in the first simulated year (re-entries apart)
    entry_growth: float = 0.025  # yearly growth of entries
    turn_year: int | None = None  # entries peak in this collection year (a turn): entry_growth a year up to it,
    growth_after: float = 0.0  # and this yearly growth after it
    base_year: int = 2012  # the collection year in which the durations below hold as written
    duration_growth: float = 0.09  # yearly lengthening of stays (home, SGO, CAO) and rise in children staying to 18
    short_break_series: float = 1.5  # children starting an agreed series of short breaks (LS V3/V4) a year
    scale: float = 1.0


AGE_BANDS = np.array([0, 1, 5, 10, 16])
AGE_UPPER = np.array([1, 5, 10, 16, 18])
AGE_SHARES = np.array([0.21, 0.17, 0.18, 0.32, 0.12])  # age at entry (England: about 20/17/18/33/12 %)
ROUTES = ("adoption", "sgo", "home", "adult", "cao")
# Route out of care by age band at entry: adopted, SGO, returned home, stays to 18, child arrangements order.
ROUTE_P = {
    0: np.array([0.44, 0.20, 0.23, 0.08, 0.05]),
    1: np.array([0.26, 0.27, 0.30, 0.12, 0.05]),
    5: np.array([0.02, 0.23, 0.39, 0.31, 0.05]),
    10: np.array([0.00, 0.05, 0.55, 0.37, 0.03]),
    16: np.array([0.00, 0.00, 0.52, 0.48, 0.00]),
}
# Months in care before leaving by this route: (mean, gamma shape). Stays ending at home are very skewed.
ROUTE_MONTHS = {"home": (3.5, 0.8), "sgo": (19.0, 3.0), "cao": (13.0, 3.0)}
# Placement (PLACE, PLACE_PROVIDER) on entry and on each move, by age.
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
            ("K2", "PR4"),
        ],
        [0.14, 0.19, 0.08, 0.08, 0.21, 0.07, 0.15, 0.04, 0.02],
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
            ("H5", "PR4"),
        ],
        [0.14, 0.13, 0.06, 0.17, 0.06, 0.13, 0.03, 0.02, 0.02, 0.12, 0.01, 0.08],
    ),
    "older": (
        [("H5", "PR4"), ("H5", "PR1"), ("H5", "PR5"), ("U4", "PR1"), ("U6", "PR4"), ("K2", "PR4"), ("P1", "PR0")],
        [0.36, 0.12, 0.06, 0.15, 0.15, 0.07, 0.09],
    ),
}
# Mean months between placement moves in the first 6 months of care, from 6 months to 2 years, and after.
MOVE_GAP_MONTHS = {"young": (11.0, 60.0, 130.0), "teen": (8.0, 40.0, 80.0)}
_PLACE_P = {k: np.array(w) / sum(w) for k, (_, w) in PLACE_CHOICES.items()}
CIN_OTHER = ["N2", "N3", "N4", "N5", "N6", "N7", "N8"]
ETHNIC_OTHER = ["WOTH", "WIRI", "MWBC", "MWAS", "MOTH", "AIND", "AOTH", "BAFR", "BCRB", "CHNE", "OOTH"]
EPISODE_COLUMNS = ["CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC"]


def day(date: dt.date) -> int:
    """Whole days since 1970-01-01."""
    return (date - EPOCH).days


def birthday(dob: int, years: int) -> int:
    """The day a child born on day `dob` turns `years`; a 29 February birthday falls on 28 February in other years,
    as pandas' DateOffset (and so the project's validator) has it."""
    born = EPOCH + dt.timedelta(days=dob)
    try:
        return day(born.replace(year=born.year + years))
    except ValueError:
        return day(dt.date(born.year + years, 2, 28))


class _Child:
    """One simulated child: the random draws and the episodes and adoption plan they produce."""

    def __init__(self, rng: np.random.Generator, settings: Settings, child: str, dob: int, horizon: int):
        self.rng, self.settings, self.child, self.dob, self.horizon = rng, settings, child, dob, horizon
        self.eighteen = birthday(dob, 18)
        self.episodes: list[tuple] = []
        self.plan: dict | None = None

    def days(self, mean: float, shape: float = 3.0) -> int:
        return max(1, int(self.rng.gamma(shape, mean / shape)))

    def pick(self, kind: str) -> tuple[str, str]:
        choices = PLACE_CHOICES[kind][0]
        return choices[self.rng.choice(len(choices), p=_PLACE_P[kind])]

    def age(self, when: int) -> float:
        return (when - self.dob) / 365.25

    def kind(self, when: int) -> str:
        age = self.age(when)
        return "young" if age < 10 else "teen" if age < 16 else "older"

    def drift(self, when: int) -> float:
        s = self.settings
        years = (EPOCH + dt.timedelta(days=when)).year - (s.base_year - 1)
        return float(np.clip(1 + s.duration_growth * years, 0.4, 3.0))

    # -- a series of short breaks: each stay its own period of care (V3), or one V4 episode per stay
    def short_breaks(self, first: int) -> None:
        rng = self.rng
        ls = "V3" if rng.random() < 0.75 else "V4"
        place, provider = ("K2", "PR1") if rng.random() < 0.6 else ("U6", "PR1")
        end_series = min(first + self.days(600, 2.0), self.eighteen - 1)
        when = first
        while when < min(end_series, self.horizon):
            stay = int(rng.integers(2, 5))
            self.episodes.append((self.child, when, "S", ls, "N2", place, provider, when + stay, "E8"))
            when += stay + int(rng.integers(21, 60))

    # -- one period of care, starting on `start`; returns the day of a re-entry, or None
    def period(self, start: int, uasc: bool) -> int | None:  # noqa: C901 - the simulation is being rewritten (#18): split there
        rng = self.rng
        if start >= self.eighteen:
            return None
        age = self.age(start)
        band = int(AGE_BANDS[age >= AGE_BANDS].max())
        if uasc:
            cin, route, ls = "N8", "adult", "V2"
        else:
            cin = "N1" if rng.random() < 0.62 else CIN_OTHER[rng.integers(len(CIN_OTHER))]
            weights = ROUTE_P[band] * np.array([1.0, 1.0, 1.0, self.drift(start), 1.0])  # more stay, later on
            route = ROUTES[rng.choice(5, p=weights / weights.sum())]
            ls = "V2" if rng.random() < 0.40 else ("C1" if rng.random() < 0.88 else "L1")
        events: list[tuple[int, str, object]] = []  # (day, kind, value)
        exit_day, rec = self._route(start, route, events)
        if route == "adoption" and self.plan is not None and "ceased" in self.plan:
            route = self.plan["then"]
        # legal status: police protection lasts days; an interim care order (or s20) becomes a full care order
        # (or an interim one) before any placement order
        order = next((w for w, k, v in events if k == "ls" and v == "E1"), None)
        later = ls
        if ls == "L1":
            later = "C1" if route != "home" else "V2"
            events.append((start + int(rng.integers(1, 4)), "ls_place", later))
        long_stay = exit_day - start > 200 and route != "home" and not uasc
        if long_stay and (later == "C1" or (later == "V2" and rng.random() < 0.5)):
            c2 = start + max(5, int((order - start) * rng.uniform(0.3, 0.8)) if order else self.days(170))
            events.append((c2, "ls", "C2" if later == "C1" or rng.random() < 0.5 else "C1"))
        # placement moves: most in the first 6 months of care, fewer up to 2 years, then rare; teenagers move more
        gaps = MOVE_GAP_MONTHS["young" if age < 10 else "teen"]
        t = start
        while True:
            in_care = t - start
            months = gaps[0] if in_care < 183 else gaps[1] if in_care < 730 else gaps[2]
            t += max(1, int(rng.exponential(months * 30.4)))
            if t >= exit_day:
                break
            events.append((t, "move", None))
        sixteen_half = birthday(self.dob, 16) + 182
        if route == "adult" and start < sixteen_half < exit_day and rng.random() < 0.55:
            events.append((sixteen_half, "move_older", None))
        events = sorted((e for e in events if start < e[0] < min(exit_day, self.horizon)), key=lambda e: e[0])
        if uasc:
            place, provider = ("H5", "PR4") if age >= 16 else ("U6", "PR4")
        else:
            place, provider = ("U6", "PR1") if ls == "L1" else self.pick(self.kind(start))
        rne, decom = "S", start
        ls = _with_parents(place, ls, "C1")
        for when, kind, value in events:
            if when <= decom or (kind.startswith("move") and place[0] == "A"):  # no moves once placed to adopt
                continue
            if kind == "ls" and value == ls:  # already under that order (placed with parents, below)
                if rng.random() >= 0.08:
                    continue
                self.episodes.append((self.child, decom, rne, ls, cin, place, provider, when, "X1"))
                decom, rne = when, "P"  # only the placement changes (the draws as before: the same random stream)
                place, provider = self.pick(self.kind(when))
                continue
            self.episodes.append((self.child, decom, rne, ls, cin, place, provider, when, "X1"))
            decom = when
            if kind == "ls":
                ls, rne = str(value), "L"
                if rng.random() < 0.08:  # legal status and placement change together
                    place, provider = self.pick(self.kind(when))
                    rne = "B"
            elif kind == "ls_place":
                ls, rne = str(value), "B"
                place, provider = self.pick(self.kind(when))
            elif kind == "adopt_place":
                place, provider, rne = self._adoptive_placement(place, provider, ls, when)
            elif kind == "move_older":
                place, provider = self.pick("older")
                rne = "P"
            elif place[0] == "U" and place in ("U3", "U6") and rng.random() < 0.25:
                place, rne = ("U1" if place == "U3" else "U4"), "T"  # short-term foster placement made long-term
            else:
                place, provider = self.pick(self.kind(when))
                rne = "P"
            if _with_parents(place, ls, "C2") != ls:
                ls, rne = "C2", "B" if rne == "P" else rne
        if rec is None:  # leaving at 18: by where the young person is living
            rec = self._eighteen_rec(place)
        self.episodes.append((self.child, decom, rne, ls, cin, place, provider, exit_day, rec))
        if route == "home" and rng.random() < 0.13:
            back = exit_day + self.days(240, 1.5)
            if back < self.eighteen - 30:
                return back
        return None

    def _route(self, start: int, route: str, events: list) -> tuple[int, str | None]:
        """The exit day and reason of a period on `route`; adoption journeys add their events and plan."""
        rng = self.rng
        if route == "adoption":
            return self._adoption(start, events)
        if route == "adult":
            return self.eighteen, None
        mean, shape = ROUTE_MONTHS[route]
        exit_day = min(start + self.days(mean * 30.4 * self.drift(start), shape), self.eighteen)
        if exit_day == self.eighteen:
            return exit_day, None
        rec = {
            "sgo": str(rng.choice(["E45", "E46", "E47", "E48"], p=[0.25, 0.1, 0.35, 0.3])),
            "home": "E4A" if rng.random() < 0.85 else ("E4B" if rng.random() < 0.7 else "E13"),
            "cao": "E41",
        }[route]
        return exit_day, rec

    def _adoption(self, start: int, events: list) -> tuple[int, str | None]:
        """Decision that the child should be placed for adoption -> placement order (LS E1) -> match ->
        placed with adopters (A3-A6) -> adopted; or a plan that ceases (RD1-RD4) and another route."""
        rng = self.rng
        decision = start + self.days(250)
        order = decision + self.days(75, 4.0)
        outcome = rng.random()
        if outcome < 0.04:  # the court did not make a placement order
            ceased = order
            self.plan = {"DATE_PLACED": decision, "ceased": ceased, "REASON": "RD2", "then": "sgo"}
            return min(ceased + self.days(200), self.eighteen), str(rng.choice(["E46", "E48", "E41"]))
        if outcome < 0.13:  # order made, plan later ceases (needs changed, no adopters, other): order revoked
            ceased = order + self.days(330)
            reason = str(rng.choice(["RD1", "RD3", "RD4"], p=[0.35, 0.45, 0.2]))
            then = "sgo" if rng.random() < 0.4 else "adult"
            self.plan = {"DATE_PLACED": decision, "ceased": ceased, "REASON": reason, "then": then}
            events += [(order, "ls", "E1"), (ceased, "ls", "C2")]
            if then == "sgo":
                return min(ceased + self.days(240), self.eighteen), str(rng.choice(["E45", "E47"]))
            return self.eighteen, None
        match = max(decision + 14, order + int(rng.gamma(2.0, 47.0)) - 12)
        placed = max(match, order) + int(rng.integers(7, 40))
        adopted = placed + self.days(260, 4.0)
        self.plan = {"DATE_PLACED": decision, "DATE_MATCH": match, "wants_carer": rng.random() < 0.17}
        events += [(order, "ls", "E1"), (placed, "adopt_place", None)]
        return adopted, "E11" if rng.random() < 0.75 else "E12"

    def _adoptive_placement(self, place: str, provider: str, ls: str, when: int) -> tuple[str, str, str]:
        """Placed for adoption: with the current foster carer (A5/A3, same carer: RNE T) or with new adopters
        (A6/A4, RNE P)."""
        plan = self.plan or {}
        by_carer = bool(plan.get("wants_carer")) and place[0] == "U"
        plan["FOSTER_CARE"] = int(by_carer)
        if by_carer:
            return ("A5" if ls == "E1" else "A3"), provider, "T"
        return ("A6" if ls == "E1" else "A4"), ("PR1" if self.rng.random() < 0.7 else "PR5"), "P"

    def _eighteen_rec(self, place: str) -> str:
        rng = self.rng
        if place[0] == "U" and rng.random() < 0.45:
            return "E17"  # staying put with former foster carers
        return str(rng.choice(["E6", "E5", "E8", "E13"], p=[0.55, 0.2, 0.15, 0.1]))


def _with_parents(place: str, ls: str, order: str) -> str:
    """The legal status of a child placed in `place`: placed with parents (P1) is not possible under section 20
    (V2, DfE rule 378), so a V2 child placed with parents is under `order` (an interim or full care order)."""
    return order if place == "P1" and ls == "V2" else ls


def entry_factor(s: Settings, year: int, first: int) -> float:
    """Expected entries in collection `year` over those of the first simulated year `first`: growth by
    s.entry_growth a year up to s.turn_year and, if that is given, by s.growth_after a year after it (an authority
    whose demand turns: rose to a peak, then flattened or fell)."""
    if s.turn_year is None or year <= s.turn_year:
        return (1 + s.entry_growth) ** (year - first)
    return (1 + s.entry_growth) ** max(s.turn_year - first, 0) * (1 + s.growth_after) ** (
        year - max(s.turn_year, first)
    )


def histories(
    seed: int, first_year: int, last_year: int, scale: float = 1.0, settings: Settings | None = None
) -> dict[str, pd.DataFrame]:
    """Simulated care histories, before they are cut into yearly extracts.

    Returns frames: `episodes` (EPISODE_COLUMNS; DEC/REC blank when still open on 31 March of last_year),
    `children` (CHILD, SEX as 1/2, DOB, ETHNIC, UASC) and `plans` (CHILD, DATE_PLACED, DATE_MATCH,
    FOSTER_CARE, DATE_PLACED_CEASED, REASON_PLACED_CEASED: one row per decision that a child should be
    placed for adoption)."""
    s = settings or Settings()
    s = Settings(**{**s.__dict__, "scale": scale})
    rng = np.random.default_rng(seed)
    horizon = day(year_end(last_year)) + 1
    all_eps: list[tuple] = []
    kids: list[tuple] = []
    plans: list[dict] = []
    n = 0
    for year in range(first_year - BURN_IN_YEARS, last_year + 1):
        first = day(year_start(year))
        count = int(rng.poisson(s.entries_first_year * entry_factor(s, year, first_year - BURN_IN_YEARS) * scale))
        breaks = int(rng.poisson(s.short_break_series * scale))
        entries = np.sort(first + rng.integers(0, 365, count + breaks))
        bands = rng.choice(5, size=count + breaks, p=AGE_SHARES)
        ages = AGE_BANDS[bands] + rng.random(count + breaks) * (AGE_UPPER[bands] - AGE_BANDS[bands])
        is_break = np.zeros(count + breaks, bool)
        is_break[rng.choice(count + breaks, breaks, replace=False)] = True
        ages[is_break] = 5 + rng.random(breaks) * 10
        ages = np.minimum(ages, 17.9)  # a child enters care before their 18th birthday
        for entry, age, short in zip(entries.tolist(), ages.tolist(), is_break.tolist()):
            n += 1
            child = str(100000 + n * 7 + int(rng.integers(0, 7)))
            c = _Child(rng, s, child, entry - int(age * 365.25), horizon)
            uasc = age >= 14 and not short and rng.random() < (0.12 if year < 2015 else 0.30)
            if short:
                c.short_breaks(entry)
            else:
                start: int | None = entry
                while start is not None and start < horizon:
                    start = c.period(start, uasc)
            if not c.episodes:
                continue
            all_eps += c.episodes
            sex = "1" if (uasc and rng.random() < 0.92) or (not uasc and rng.random() < 0.55) else "2"
            ethnic = "WBRI" if not uasc and rng.random() < 0.87 else ETHNIC_OTHER[rng.integers(len(ETHNIC_OTHER))]
            kids.append((child, sex, c.dob, ethnic, uasc))
            if c.plan is not None:
                plans.append({"CHILD": child, **c.plan})
    frames = _frames(all_eps, kids, plans, horizon)
    frames["episodes"] = _no_young_semi_independent(frames["episodes"], frames["children"], last_year)
    return frames


def _no_young_semi_independent(eps: pd.DataFrame, children: pd.DataFrame, last_year: int) -> pd.DataFrame:
    """A child too young for semi-independent living (H5) when the placement starts is placed in foster care
    (U6, the teenagers' most usual placement; the provider as drawn) instead: DfE rule 371 (supported_accommodation:
    14 to 2022/23, 16 from 2023/24), taken at the latest return each episode is in. The whole placement is recoded
    (its episodes joined by a change of legal status only, RNE L), so no change of placement appears where there
    is none."""
    eps = eps.sort_values(["CHILD", "DECOM"], kind="mergesort")
    dob = eps["CHILD"].map(children.set_index("CHILD")["DOB"])
    last_in = (eps["DEC"].dt.year + (eps["DEC"].dt.month >= 4)).fillna(last_year).astype(int).clip(upper=last_year)
    youngest = last_in.map({y: supported_accommodation(y)[1] for y in last_in.unique().tolist()})
    too_young = eps["PLACE"].eq("H5") & (age_on(dob, eps["DECOM"]) < youngest)
    placement = eps["RNE"].ne("L").groupby(eps["CHILD"]).cumsum()  # a placement's number within the child's
    recode = too_young.groupby([eps["CHILD"], placement]).transform("any") & eps["PLACE"].eq("H5")
    eps.loc[recode, "PLACE"] = "U6"
    return eps.sort_index()


def _dates(values) -> np.ndarray:
    return np.asarray(values, dtype="int64").astype("datetime64[D]").astype("datetime64[ns]")


def _frames(all_eps: list[tuple], kids: list[tuple], plans: list[dict], horizon: int) -> dict[str, pd.DataFrame]:
    eps = pd.DataFrame(all_eps, columns=EPISODE_COLUMNS)
    eps = eps[eps["DECOM"] < horizon].reset_index(drop=True)
    still_open = eps["DEC"].to_numpy() >= horizon
    eps["DECOM"] = _dates(eps["DECOM"])
    eps["DEC"] = pd.Series(_dates(eps["DEC"])).mask(still_open)
    eps["REC"] = eps["REC"].mask(still_open)
    children = pd.DataFrame(kids, columns=["CHILD", "SEX", "DOB", "ETHNIC", "UASC"])
    children["DOB"] = _dates(children["DOB"])
    cols = ["CHILD", "DATE_PLACED", "DATE_MATCH", "FOSTER_CARE", "ceased", "REASON"]
    p = pd.DataFrame(plans).reindex(columns=cols)
    p = p[p["DATE_PLACED"] < horizon]
    out = pd.DataFrame({"CHILD": p["CHILD"].astype(object)})
    for col, src in [("DATE_PLACED", "DATE_PLACED"), ("DATE_MATCH", "DATE_MATCH"), ("DATE_PLACED_CEASED", "ceased")]:
        v = p[src].to_numpy(dtype=float)
        out[col] = pd.Series(_dates(np.nan_to_num(v, nan=0)), index=p.index).mask(np.isnan(v) | (v >= horizon))
    out["FOSTER_CARE"] = p["FOSTER_CARE"]
    out["REASON_PLACED_CEASED"] = p["REASON"].where(out["DATE_PLACED_CEASED"].notna())
    return {"episodes": eps, "children": children, "plans": out.reset_index(drop=True)}
