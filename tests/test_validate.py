"""Validation rules on hand-made histories, each with the findings worked out by hand."""

from __future__ import annotations

import calendar
from datetime import date

import pandas as pd
from factories import episodes_frame, frame, header_frame
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cpanalysis.parallel import Jobs
from cpanalysis.ssda903.rules.core import RULES, Rule, age_on, has, last_birthday, lookup
from cpanalysis.ssda903.schema import TEXT
from cpanalysis.ssda903.validate import IN_PROCESS_EPISODES, Return, run_rules, validate, validate_returns


def tables(episodes, header, ad1=None):
    return {
        "episodes": episodes,
        "header": header,
        "ad1": ad1 if ad1 is not None else frame("ad1", []),
        "placed_adoption": frame("placed_adoption", []),
        "missing": frame("missing", []),
    }


def rules_by_child(found):
    return found.groupby("CHILD")["rule"].apply(sorted).to_dict()


def test_each_rule_fires_on_its_own_case_and_a_clean_history_is_clean():
    eps = episodes_frame(
        [
            # OK: S, then X1 joined on the same day to an L episode, then ends E4A.
            dict(CHILD="OK", DECOM="01/04/2019", RNE="S", LS="C1", PLACE="U4", DEC="01/06/2019", REC="X1"),
            dict(CHILD="OK", DECOM="01/06/2019", RNE="L", LS="C2", PLACE="U4", DEC="01/09/2019", REC="E4A"),
            # ENDS_EARLY: DEC before DECOM.
            dict(CHILD="ENDS_EARLY", DECOM="01/06/2019", RNE="S", LS="C1", PLACE="U4", DEC="01/05/2019", REC="E8"),
            # NO_REC: DEC set, REC blank.
            dict(CHILD="NO_REC", DECOM="01/06/2019", RNE="S", LS="C1", PLACE="U4", DEC="01/07/2019"),
            # OVERLAP: second episode starts before the first ends (first ends X1 on 01/08, next starts 01/07).
            dict(CHILD="OVERLAP", DECOM="01/06/2019", RNE="S", LS="C1", PLACE="U4", DEC="01/08/2019", REC="X1"),
            dict(CHILD="OVERLAP", DECOM="01/07/2019", RNE="P", LS="C1", PLACE="U6"),
            # GAP: X1 on 01/08 but the next episode starts 05/08: broken period, and the next starts with P.
            dict(CHILD="GAP", DECOM="01/06/2019", RNE="S", LS="C1", PLACE="U4", DEC="01/08/2019", REC="X1"),
            dict(CHILD="GAP", DECOM="05/08/2019", RNE="P", LS="C1", PLACE="U6"),
            # NOT_S: a period starting with RNE L.
            dict(CHILD="NOT_S", DECOM="01/06/2019", RNE="L", LS="C1", PLACE="U4"),
            # ORPHAN: no header row.
            dict(CHILD="ORPHAN", DECOM="01/06/2019", RNE="S", LS="C1", PLACE="U4"),
            # ADOPTED: adopted (E11) but no AD1 row.
            dict(CHILD="ADOPTED", DECOM="01/06/2018", RNE="S", LS="E1", PLACE="A6", DEC="01/06/2019", REC="E11"),
            # OLD: born 01/01/2001, starts 02/01/2019 aged 18.
            dict(CHILD="OLD", DECOM="02/01/2019", RNE="S", LS="V2", PLACE="H5"),
        ]
    )
    kids = ["OK", "ENDS_EARLY", "NO_REC", "OVERLAP", "GAP", "NOT_S", "ADOPTED"]
    header = header_frame([dict(CHILD=c, DOB="01/01/2010") for c in kids] + [dict(CHILD="OLD", DOB="01/01/2001")])
    ad1 = frame("ad1", [dict(CHILD="OK", DATE_INT="01/04/2019", DATE_MATCH="01/05/2019", FOSTER_CARE="0")])
    found = validate(tables(eps, header, ad1))
    assert rules_by_child(found) == {
        "ENDS_EARLY": ["356"],
        "NO_REC": ["148"],
        # the overlapping episode cannot join the period, so it also starts one with RNE P, and its RNE P
        # says it continues the previous episode, which ended on another day (433); it starts before that one
        # ends (501)
        "OVERLAP": ["388", "433", "501", "overlapping_episodes", "period_start_not_s"],
        "GAP": ["388", "433", "period_start_not_s"],
        "NOT_S": ["357", "period_start_not_s"],  # also the child's first episode ever (357)
        "ORPHAN": ["child_not_in_header"],
        # placed for adoption (A6) under a placement order (E1) with no decision to place in PlacedAdoption
        "ADOPTED": ["551", "553", "adopted_without_ad1"],
        # an AD1 row with three of its six items (151) for a child not adopted in the year (602)
        "OK": ["151", "602"],
        "OLD": ["352", "359"],  # and 18 and still looked after, not V2 in a children's home (359)
    }
    assert set(found["outcome"]) == {"used"}


def test_x1_with_nothing_after_it():
    eps = episodes_frame(
        [dict(CHILD="A", DECOM="01/06/2019", RNE="S", LS="C1", PLACE="U4", DEC="01/08/2019", REC="X1")]
    )
    found = validate(tables(eps, header_frame([dict(CHILD="A", DOB="01/01/2010")])))
    assert list(found["rule"]) == ["388"]


def test_year_rules_flag_episodes_that_do_not_belong_to_the_file_year():
    # 2019/20 runs 01/04/2019-31/03/2020: A starts after it, B ended before it, C is inside.
    eps = episodes_frame(
        [
            dict(CHILD="A", DECOM="01/04/2020", RNE="S", LS="C1", PLACE="U4"),
            dict(CHILD="B", DECOM="01/01/2019", RNE="S", LS="C1", PLACE="U4", DEC="31/03/2019", REC="E8"),
            dict(CHILD="C", DECOM="31/03/2020", RNE="S", LS="C1", PLACE="U4"),
        ]
    )
    found = run_rules(Return(tables(eps, header_frame([dict(CHILD=c) for c in "ABC"])), year=2020), "return")
    found = found[found["rule"].isin(["354", "episode_ended_before_year"])]
    assert dict(zip(found["CHILD"], found["severity"])) == {"A": "error", "B": "warning"}


def test_rules_for_reviews_missing_oc2_and_oc3():
    eps = episodes_frame(
        [
            # A: looked after 01/06/2018 - 01/03/2020 (home, E8)
            dict(CHILD="A", DECOM="01/06/2018", RNE="S", LS="C2", PLACE="U4", DEC="01/03/2020", REC="E8"),
            # B: looked after since 01/01/2015, in the 2020 OC2 cohort; born 01/01/2008
            dict(CHILD="B", DECOM="01/01/2015", RNE="S", LS="C2", PLACE="U4"),
            # C: left at 15 (born 01/01/2004, left 01/06/2019)
            dict(CHILD="C", DECOM="01/01/2015", RNE="S", LS="C2", PLACE="U4", DEC="01/06/2019", REC="E8"),
        ]
    )
    header = header_frame(
        [dict(CHILD="A", DOB="15/05/2015"), dict(CHILD="B", DOB="01/01/2008"), dict(CHILD="C", DOB="01/01/2004")]
    )
    t = tables(eps, header)
    t["reviews"] = frame(
        "reviews",
        [
            dict(CHILD="A", REVIEW="20/06/2018", REVIEW_CODE="PN0"),  # fine: aged 3
            dict(CHILD="A", REVIEW="01/05/2018", REVIEW_CODE="PN0"),  # before the period began
            dict(CHILD="A", REVIEW="15/05/2019", REVIEW_CODE="PN0"),  # 4 that day: PN0 is wrong
            dict(CHILD="A", REVIEW="02/03/2020", REVIEW_CODE="PN1"),  # after DEC
            dict(CHILD="B", REVIEW="01/02/2020", REVIEW_CODE="PN1"),  # fine
        ],
    )
    t["missing"] = frame(
        "missing",
        [
            dict(CHILD="B", MISSING="M", MIS_START="01/02/2020", MIS_END="03/02/2020"),  # fine
            dict(CHILD="A", MISSING="M", MIS_START="10/03/2020"),  # after A left
            dict(CHILD="A", MISSING="M", MIS_START="10/01/2020", MIS_END="09/01/2020"),  # ends before it starts
        ],
    )
    t["oc2"] = frame("oc2", [dict(CHILD="B", HEALTH_CHECK="1"), dict(CHILD="A", HEALTH_CHECK="1")], year=2020)
    t["oc3"] = frame("oc3", [dict(CHILD="C", IN_TOUCH="YES", ACTIV="F2", ACCOM="S1")], year=2020)
    found = validate(t)
    # the reviews and missing checks are the registry's now: 440 (PN0 at 4 or over), 567 (ends before it
    # starts), 581 (missing on a day not looked after), review_outside_care; so are the OC2 and OC3 ones: 190 (A
    # is not in the OC2 cohort), 1001 (C was never looked after on or after her 16th birthday, 01/01/2020)
    outcome = {"581", "190", "440", "review_outside_care", "1001", "567"}
    found = found[found["rule"].isin(outcome)]
    assert sorted(zip(found["CHILD"], found["rule"])) == [
        ("A", "190"),
        ("A", "440"),
        ("A", "567"),
        ("A", "581"),
        ("A", "review_outside_care"),
        ("A", "review_outside_care"),
        ("C", "1001"),
    ]
    assert set(found["severity"]) <= {"warning", "error"} and set(found["outcome"]) == {"used"}


def test_has_and_lookup_are_pandas_isin_and_map():
    """The rules' pyarrow look-ups by child give what pandas' isin and map give, blanks and absent children too."""
    keys = pd.Series(["a", "b", None, "c", "a"], dtype=TEXT, index=[5, 6, 7, 8, 9])
    for values in (
        pd.Series(["b", "c", "zz"], dtype=TEXT),
        pd.Series(["a", None], dtype=object),
        pd.Index([], dtype=TEXT),
    ):
        pd.testing.assert_series_equal(has(keys, values), keys.isin(values))
    dates = pd.Series(pd.to_datetime(["2020-01-01", "2021-02-03", None]), index=pd.Index(["c", "a", "q"], dtype=TEXT))
    pd.testing.assert_series_equal(lookup(keys, dates), keys.map(dates).astype("datetime64[ns]"))
    empty = lookup(keys, dates.iloc[:0])
    assert empty.isna().all() and empty.dtype == "datetime64[ns]" and empty.index.equals(keys.index)


def test_a_rules_details_are_worked_out_only_when_it_finds_something(monkeypatch):
    """A check may give its details as a function (`return mask, lambda: ...`): called for the message when the rule
    finds rows, never when it finds none."""
    calls, wanted = [], ["nobody"]

    def check(r: Return):
        eps = r["episodes"]

        def detail():
            calls.append(len(eps))
            return "RNE " + eps["RNE"]

        return eps["PLACE"].eq(wanted[0]), detail

    eps = episodes_frame(
        [dict(CHILD=c, DECOM="01/06/2019", RNE="S", LS="C1", PLACE=p) for c, p in [("A", "U4"), ("B", "U6")]]
    )
    monkeypatch.setattr(
        "cpanalysis.ssda903.validate.RULES", {"t": Rule("t", "episodes", "RNE", "error", "Test.", check)}
    )
    assert run_rules(Return({"episodes": eps}), "history").empty and calls == []
    wanted[0] = "U6"
    found = run_rules(Return({"episodes": eps}), "history")
    assert found[["CHILD", "message"]].values.tolist() == [["B", "Test: RNE S"]] and calls == [2]
    assert "t" not in RULES


def test_small_returns_are_validated_in_this_process(monkeypatch):
    """Under IN_PROCESS_EPISODES episode rows in the returns no worker processes are started (their start-up costs
    more than the rules); a caller's number of workers stands."""
    from cpanalysis.ssda903 import validate as v

    asked = []
    monkeypatch.setattr(v, "Jobs", lambda workers=None: asked.append(workers) or Jobs(1))
    eps = episodes_frame([dict(CHILD="A", DECOM="01/06/2019", RNE="S", LS="C1", PLACE="U4")])
    validate_returns({2020: {"episodes": eps}}, {"episodes": eps})
    validate_returns({2020: {"episodes": eps}}, {"episodes": eps}, workers=2)
    assert asked == [1, 2]
    assert v.workers_for(IN_PROCESS_EPISODES - 1) == 1 and v.workers_for(IN_PROCESS_EPISODES) is None


def test_returns_checked_together_give_each_returns_own_findings():
    """At LA size the returns are checked together (one run of the rules, each child's id tagged with its year):
    the findings are those of each return checked alone, in the same order. NoE (an episode begun before the year,
    of a child with no episode in last year's return), worked out by hand: N in 2019/20 (started 01/02/2019, not in
    2018/19's return); M in 2020/21 (in 2018/19's return, not in 2019/20's: checked together without the tags, M
    would be found in the previous returns). 2022/23 has no previous return at hand: nothing to check against."""
    from cpanalysis.ssda903 import findings
    from cpanalysis.ssda903.validate import _findings, _returns_findings

    def year(y, kids):
        eps = episodes_frame([dict(CHILD=c, DECOM=d, RNE="S", LS="C1", PLACE="U4") for c, d in kids], year=y)
        return tables(eps, header_frame([dict(CHILD=c, DOB="01/01/2010") for c, _ in kids], year=y))

    returns = {
        2019: year(2019, [("A", "01/06/2018"), ("M", "01/06/2018")]),
        2020: year(2020, [("A", "01/06/2018"), ("N", "01/02/2019")]),
        2021: year(2021, [("A", "01/06/2018"), ("N", "01/02/2019"), ("M", "01/06/2018")]),
        2023: year(2023, [("Z", "01/06/2020")]),
    }
    batch = [(y, t, returns.get(y - 1)) for y, t in returns.items()]
    together = _returns_findings(batch)
    alone = findings.concat([_findings(t, "return", y, p) for y, t, p in batch])
    pd.testing.assert_frame_equal(together, alone)
    noe = together[together["rule"] == "NoE"]
    assert sorted(zip(noe["year"], noe["CHILD"])) == [(2020, "N"), (2021, "M")]
    assert len(together) > len(noe)  # other findings too (the missing tables' internal checks), in the same order


@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.dates(date(1990, 1, 1), date(2030, 12, 31))),
            st.one_of(st.none(), st.dates(date(1990, 1, 1), date(2030, 12, 31))),
        ),
        min_size=1,
        max_size=50,
    )
)
@settings(max_examples=200, deadline=None)
@example([(date(2004, 2, 29), date(2005, 2, 28)), (date(2004, 2, 29), date(2005, 3, 1)), (None, date(2020, 1, 1))])
def test_age_and_last_birthday_are_the_calendars(pairs):
    """age_on and last_birthday (by numpy's calendar units) against Python's dates: whole years, the birthday not
    yet reached counting one less; the latest birthday on or before the date, 29 February falling on 1 March in
    other years; blank where either date is."""
    dob = pd.Series(pd.to_datetime([b for b, _ in pairs]), dtype="datetime64[ns]")
    on = pd.Series(pd.to_datetime([d for _, d in pairs]), dtype="datetime64[ns]")
    ages, birthdays = age_on(dob, on).tolist(), last_birthday(dob, on).tolist()
    for (born, day), age, birthday in zip(pairs, ages, birthdays):
        if born is None or day is None:
            assert pd.isna(age) and pd.isna(birthday)
            continue
        years = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
        leap_day = (born.month, born.day) == (2, 29) and not calendar.isleap(born.year + years)
        expected = date(born.year + years, 3, 1) if leap_day else date(born.year + years, born.month, born.day)
        assert age == years and birthday == pd.Timestamp(expected)
