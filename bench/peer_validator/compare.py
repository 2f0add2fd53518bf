"""Side by side of cpanalysis's per-return findings (run_ours.py) and the peer validator's (run_peer.py):
rows flagged per rule and collection year on both D2I data sets; writes docs/peer-validator.md.

Run after the two others (see README.md here). Not imported by the package or the tests. `--rows CODE`
prints, for one rule, the rows only one tool flags (dataset, year, table, 0-based data row), to check by hand.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pandas as pd

from cpanalysis.ssda903.clean import CODE_RULES, DATE_RULES
from cpanalysis.ssda903.rules import RULES

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results" / "peer_validator"
DOC = ROOT / "docs" / "peer-validator.md"
PEER_TABLE = {
    "episodes": "Episodes",
    "header": "Header",
    "oc2": "OC2",
    "oc3": "OC3",
    "uasc": "UASC",
    "reviews": "Reviews",
    "missing": "Missing",
    "ad1": "AD1",
    "placed_adoption": "PlacedAdoption",
    "prev_perm": "PrevPerm",
}
OURS_TABLE = {v: k for k, v in PEER_TABLE.items()}
TITLES = {
    "d2i-demand-model-sample": "D2I demand-model sample (five returns, 2017/18-2021/22)",
    "d2i-validator-fake": "D2I validator fake data (one return, 2017/18)",
}

# Why the counts differ: key -> (codes, text). A rule that differs and has no key here is reported as 'todo'.
# 'table' is given to a rule that agrees on its own table while the peer also marks other tables.
EXPLAIN: dict[str, tuple[set[str], str]] = {
    "table": (
        set(),
        "The peer also marks the rows of the other tables the rule reads (the 'other tables' column); ours reports "
        "the finding once, on the rule's own table, where the counts agree.",
    ),
    "1007": (
        {"1007"},
        "The peer never flags a child whose episode is open (DEC blank compares as not after the birthday), which "
        "is the rule's main case: still looked after on the 17th or 18th birthday. Ours does (checked by hand on "
        "2017 OC3 row 18: 17th birthday 11/12/2017, episode open since 27/06/2017).",
    ),
    "149": (
        {"149"},
        "Year-aware code lists: REC E45-E48 were not valid codes in 2017/18 (added later); the peer's 2022/23 "
        "list accepts them in every year.",
    ),
    "157": (
        {"157"},
        "The DfE's condition is 4 or over at the start of the year and 16 or under at its end; the peer tests the "
        "16th birthday on or after the year end, i.e. under 16 (e.g. 2018/19 OC2 row 16, born 15/08/2002, 16 at "
        "31/03/2019 with SDQ1: ours flags it, the peer does not).",
    ),
    "178": (
        {"178"},
        "The peer's 178 also flags a provider that is blank where needed or given where not (T0-T4, Z1x); ours "
        "checks the code list (the DfE's 213 for the rest is not yet implemented).",
    ),
    "cohort": (
        {"185", "190", "198", "546"},
        "Who is in the OC2 cohort (looked after continuously for 12 months): the peer takes any short-break "
        "(V3/V4) episode in the year, or any episode ending other than X1, as breaking continuity; ours builds "
        "periods of care without short breaks, the DfE's definition used by the measures (health.oc2_cohort). "
        "Checked on 2018/19 OC2 row 555 (a short-break episode overlapping full-time care since 28/12/2017): in "
        "our cohort, not in the peer's; the other years' differences are of the same size, not checked row by "
        "row.",
    ),
    "missing": (
        {"187", "551", "553", "555", "557"},
        "The D2I demand-model sample has no AD1 or PlacedAdoption file: the peer skips every rule that needs a "
        "table not supplied; ours reads an absent table as empty, so a placement for adoption (A3-A6) with no "
        "decision row is reported.",
    ),
    "199": (
        {"199"},
        "Ours flags an episode starting on or after the day an earlier episode ended in adoption (this or last "
        "year's return). The peer orders episodes by start date and flags any episode after one that ended in "
        "adoption, including episodes that overlap the adoption episode; its exemption of the adoption episode "
        "itself reads `ads == (1 & is_adoption)` (Python's & binds before ==).",
    ),
    "open": (
        {"370", "372", "373", "374", "375", "376", "379"},
        "The peer's shared age and duration checks (decom_before_dob, dec_after_decom) drop episodes with no DEC, "
        "so an open episode is never checked; ours checks it. Every extra row is an open episode (on the validator "
        "fake: 370 141 closed + 42 open = 183; 372 67 + 29; 373 7 + 1; 374 108 + 43; 375 102 + 36; 376 107 + 49; "
        "379 142 + 50).",
    ),
    "371": (
        {"371"},
        "Both check H5 (semi-independent living) under 14 in 2017/18 (ours by year: H5 under 16 in 2023/24, K3 "
        "under 16 from 2024/25). The peer drops episodes with no DEC; ours checks the open ones too (all 43 "
        "extra rows are open, e.g. validator fake episodes row 204, child 833966, born 25/03/2010, in H5 from "
        "27/03/2018 at 8): a child under the age still placed there at the year end is the rule's case.",
    ),
    "389": (
        {"389"},
        "The peer also flags REC E7 with a blank DEC (its comparison with a missing date counts as a failure); "
        "ours leaves those rows to 148 (DEC and REC both coded or both blank).",
    ),
    "pair": (
        {"426"},
        "Reported once per child: ours marks the V4 episode of a child with both V3 and V4 episodes in the year, "
        "the peer both episodes (2018/19 rows 873-874).",
    ),
    "dup": (
        {"440", "441"},
        "Rows our loader rejects before any rule: an exact repeat of a row, or a second row for the same child "
        "and review date with other values (duplicate_row, conflicting_duplicate in the data-quality table).",
    ),
    "578": (
        {"578"},
        "The peer's 578 also flags a missing period that starts before the period of care, beyond its own "
        "message; ours follows the DfE's text (after the child ceased to be looked after). That row is our 581 "
        "(not looked after that day).",
    ),
    "581": (
        {"581"},
        "The peer joins from Episodes, so a missing period of a child with no episode in the return is never "
        "flagged; ours flags it (all 7 extra rows on the validator fake).",
    ),
    "carried": (
        {"165", "393", "392a"},
        "Ours checks that an item is given only in files that carry it (core.carried: some row of the file has a "
        "value), so an extract that leaves an item out is not failed on every row. The sample's 2018/19-2021/22 "
        "Header files have MOTHER blank on every row (165 and 393, 0 against 199-69 a year), and neither data set "
        "has a PL_DISTANCE column (392a); the peer flags every looked-after girl, and every episode, there. In "
        "2017/18, where MOTHER is given, the two agree (303 / 303 and 302 / 302).",
    ),
    "1012": (
        {"1012"},
        "Ours reports a child with rows in other tables but no episode in the return once, on the child's Header "
        "row, naming those tables; the peer marks every such row of the other tables (the 'other tables' "
        "column) and none in Header.",
    ),
    "225": (
        {"225"},
        "Validator fake episodes row 1042 (child 235151): an episode of 30/08/2017 with REC X1 but no DEC (a 148 "
        "error) overlapping the child's other episodes; the peer pairs it, in date order, with the next "
        "episode (25/11/2017, RNE P) and flags the missing reason; ours pairs an episode only with the one "
        "beginning on its DEC. On the child's other episodes the two agree.",
    ),
    "1014": (
        {"1014"},
        "The peer's 1014 starts from an inner join of Episodes with UASC, so a care leaver with no episode in the "
        "return, the rule's very case (UASC information for a young person who is not looked after), is never "
        "flagged; ours flags it: 2017/18 sample UASC row 8, child 534005, UASC and OC3 rows filled in and no "
        "episode in that return.",
    ),
    "117": (
        {"117"},
        "Validator fake PlacedAdoption row 16 (child 177224, decision reversed 02/11/2017): the child's latest "
        "episode (from 13/12/2017) has no DEC but REC X1 (itself a 148 error). The peer, taking the DfE's 'latest "
        "episode where REC is not X1', skips it and compares with the DEC of an earlier, overlapping episode "
        "(18/10/2017, E12); ours takes the child's latest episode, open, so the child is still looked after and the "
        "date is inside the year. The peer also marks that episode (the 'other tables' column).",
    ),
    "367": (
        {"367"},
        "Validator fake episodes row 3582 (child 94401): a V3 episode starting on 31/03/2018, the year's last day, "
        "0 days inside the year, of a child with 364 days of V3 in the year (from an episode of 30/08/2015 to "
        "31/03/2018). The DfE's check is of the child's V3 episodes in the year: ours marks all of them; the peer "
        "drops episodes of no days in the year before marking.",
    ),
    "377": (
        {"377"},
        "Both count T3 episodes in the return; the peer marks every T3 episode of a child with more than two, ours "
        "the third and later, those beyond the two allowed (4 children on the validator fake with three each: peer "
        "12, ours 4). In all four, the later T3 episodes begin with RNE L (legal status changed, the same "
        "placement), so counted by placement none has more than two; neither tool counts placements (noted, not "
        "changed).",
    ),
    "406": (
        {"406"},
        "The peer derives PL_DISTANCE from HOME_POST and PL_POST with its own postcode database; ours reads the "
        "distance only where the extract carries it (these CSVs have no PL_DISTANCE column). The one row (validator "
        "fake episodes row 3606, child 571861, formerly UASC) has real postcodes (EX4 2NP, WR3 7HA).",
    ),
    "history": (
        {"1001", "1002"},
        "Ours checks this on the merged history only, where the loaded years reach back far enough (1002: five "
        "years; 1001: the 14th and 16th birthdays inside the loaded years); with one year back the peer warns of "
        "its own false positives.",
    ),
    "503": (
        {"502", "503A", "503B", "503C", "503D", "503E", "503F"},
        "When this year's first episode does not start on the day last year's open episode started, that is 502 "
        "(both tools agree on those rows but one, where last year's return holds two open episodes for the "
        "child); the peer then also compares the fields of the two different episodes (503A-F), ours does not, "
        "since they are not the same episode continued.",
    ),
}
# Keys that hold for one data set only (the rule agrees, or differs for another reason, on the other).
ONLY_IN = {"missing": "d2i-demand-model-sample"}


def _key(code: str) -> tuple:
    m = re.match(r"(\d+)(.*)", code)
    return (0, int(m.group(1)), m.group(2)) if m else (1, 0, code)


def implemented() -> dict[str, str | None]:
    """The DfE codes cpanalysis checks, with their table (None: the table of the finding, for code lists)."""
    codes: dict[str, str | None] = {r.code: r.table for r in RULES.values() if r.dfe}
    codes.update({c: None for c in CODE_RULES.values() if c not in codes})
    codes.update({c: t for (t, _), c in DATE_RULES.items() if c not in codes})
    return codes


def load() -> tuple[pd.DataFrame, pd.DataFrame]:
    ours = pd.read_csv(RESULTS / "ours.csv", dtype={"rule": str})
    peer = pd.read_csv(RESULTS / "peer.csv", dtype={"rule": str})
    peer["table"] = peer["table"].map(OURS_TABLE)
    keep = ["dataset", "year", "rule", "table", "row"]
    return ours[keep].drop_duplicates(), peer[keep].drop_duplicates()


def in_force_somewhere(code: str, years: list[int]) -> bool:
    rules = [r for r in RULES.values() if r.code == code]
    return not rules or any(r.in_force(pd.Series(years)).any() for r in rules)


def side_by_side(ours: pd.DataFrame, peer: pd.DataFrame, dataset: str) -> pd.DataFrame:
    """One row per rule firing in either tool: table, per-year counts ours/peer, peer's other tables, agree."""
    o, p = ours[ours["dataset"] == dataset], peer[peer["dataset"] == dataset]
    years = sorted(set(o["year"]) | set(p["year"]))
    rows = []
    for code, table in implemented().items():
        if not in_force_somewhere(code, years):
            continue
        oc, pc = o[o["rule"] == code], p[p["rule"] == code]
        if oc.empty and pc.empty:
            continue
        table = table or (oc["table"].mode().iloc[0] if not oc.empty else pc["table"].mode().iloc[0])
        on = oc[oc["table"] == table].groupby("year").size().reindex(years, fill_value=0)
        pn = pc[pc["table"] == table].groupby("year").size().reindex(years, fill_value=0)
        other = int((pc["table"] != table).sum())
        rows.append({"code": code, "table": table, "ours": on, "peer": pn, "other": other, "same": on.equals(pn)})
    return pd.DataFrame(rows)


def explanation(code: str, dataset: str, same: bool, other: int) -> str | None:
    if same:
        return "table" if other else None
    for key, (codes, _) in EXPLAIN.items():
        if code in codes and ONLY_IN.get(key, dataset) == dataset:
            return key
    return "todo"


def section(t: pd.DataFrame, dataset: str) -> list[str]:
    years = list(t["ours"].iloc[0].index)
    t = t.assign(k=t["code"].map(_key)).sort_values("k")
    head = ["code", "table", *[f"{y} ours / peer" for y in years], "other tables (peer)", "agree"]
    lines = [f"### {TITLES[dataset]}", "", "| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    used: dict[str, list[str]] = {}
    for r in t.itertuples():
        key = explanation(r.code, dataset, r.same, r.other)
        if key:
            used.setdefault(key, []).append(r.code)
        cells = [r.code, r.table, *[f"{r.ours[y]} / {r.peer[y]}" for y in years], str(r.other or "")]
        cells.append("yes" if r.same else f"no: {key}")
        lines.append("| " + " | ".join(cells) + " |")
    n_same = int(t["same"].sum())
    n_todo = len(used.get("todo", []))
    lines += [
        "",
        f"{len(t)} rules fire in either tool: {n_same} agree year by year on the rule's table, "
        f"{len(t) - n_same} differ, {len(t) - n_same - n_todo} of them explained below. Differences:",
        "",
    ]
    for key in [k for k in EXPLAIN if k in used] + (["todo"] if "todo" in used else []):
        text = EXPLAIN[key][1] if key in EXPLAIN else "Not yet explained (to be checked row by row)."
        lines.append(f"- **{key}** ({', '.join(used[key])}): {text}")
    return lines + [""]


INTRO = """# Side by side with the sector's validator

How cpanalysis's validation compares with Data to Insight's csc-validator-be-903 (the 903 validator many
authorities use before submitting; commit 10ad07c, its 2022/23 rule set, the nearest to these data's years),
on the two public fake data sets in `tests/fixtures/external/`. Counts are rows flagged per rule, per
collection year (2018 = 2017/18), each return validated **as submitted** with the previous year's return at
hand, as the DfE applies its rules. (cpanalysis also validates the merged history the measures use; those
extra findings are in the data-quality table too, not counted here.) Only the rules cpanalysis implements are
compared, including the code-list and date rules it checks while loading.

How the peer was run: its own `LacValidator` on the same files, year by year with the previous year's files
(collection year = file year + 1 for the sample: `2017-*.csv` is the 2017/18 return), giving each rule its own
deep copy of the tables (the peer hands each rule a shallow copy, so a rule that changes its tables in place
changes what later rules see: 388 flags 13 rows run alone and 315 in a full run on the 2017/18 sample; run
alone, ours and the peer's agree). The peer is not on PyPI, so this comparison is not part of `make bench`;
the scripts are in `bench/peer_validator/` (see its README.md), and this page is regenerated with them when
rules change.

Rules in force only in some years (`IN_FORCE` in `cpanalysis/ssda903/rules/core.py`) are not applied to these
2017/18-2021/22 returns, as the DfE would not apply them; rules in force in none of these years are left out.
"""


def rows_only_one(ours: pd.DataFrame, peer: pd.DataFrame, code: str) -> pd.DataFrame:
    both = ours[ours["rule"] == code].merge(peer[peer["rule"] == code], how="outer", indicator=True)
    both["_merge"] = both["_merge"].astype(str).map({"left_only": "ours only", "right_only": "peer only", "both": ""})
    return both[both["_merge"] != ""]


def main() -> None:
    ours, peer = load()
    if len(sys.argv) > 2 and sys.argv[1] == "--rows":
        with pd.option_context("display.max_rows", 500):
            print(rows_only_one(ours, peer, sys.argv[2]).to_string(index=False))
        return
    lines = [INTRO]
    for dataset in TITLES:
        lines += section(side_by_side(ours, peer, dataset), dataset)
    DOC.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")
    print(f"{DOC} written")


if __name__ == "__main__":
    main()
