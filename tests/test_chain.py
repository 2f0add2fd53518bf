"""The compiled month of the count chain (cpanalysis.chain) on cells set by hand: exact where chance plays no part,
and the Binomial / multinomial laws where it does; simulate's figures on any number of threads."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cpanalysis import chain
from cpanalysis import projection as pj

N_CAT = len(pj.CATEGORIES)
IN_HOUSE, IFA, RES = (pj.CATEGORIES.index(c) for c in ("In-house foster", "External (IFA) foster", "Residential"))
TABLES = pj._cell_tables()
N_ROWS = len(TABLES.row_start) - 1


def _pos(age_months: int, months_in_care: int, category: int) -> int:
    return int(TABLES.rank[pj._cell(np.array([age_months]), months_in_care, np.array([category]))[0]])


def _month(now: np.ndarray, leave: np.ndarray, move: np.ndarray, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """chain.month on `now` [sim, position] (held as [position, sim]): (children a month on [sim, position], by
    category [sim, category])."""
    now = np.ascontiguousarray(now.T)
    then, by_category = np.zeros_like(now), np.zeros((now.shape[1], N_CAT), np.int32)
    occupied = chain.bitmap(now)
    then_occupied = np.zeros_like(occupied)
    with np.errstate(divide="ignore"):
        log_stay = np.log1p(-leave)
    chain.month(np.random.default_rng(seed), now, occupied, then, then_occupied, by_category, leave, log_stay, move,
                *TABLES.kernel)  # fmt: skip
    assert not now.any() and not occupied.any()  # `now` and its bitmap are cleared for the next month
    assert (then_occupied == chain.bitmap(then)).all()  # the bitmap of the next month marks its occupied cells
    return then.T, by_category


def _chances(sims: int, leave: float, to: dict[int, float]) -> tuple[np.ndarray, np.ndarray]:
    """Every row: not staying with chance `leave`, of which to[k] goes to category k (the rest leaves care)."""
    share = np.zeros(N_CAT)
    for k, v in to.items():
        share[k] = v
    return np.full((sims, N_ROWS), leave), np.broadcast_to(np.cumsum(share), (sims, N_ROWS, N_CAT)).copy()


def test_bitmap_marks_the_cells_occupied_in_any_simulation():
    counts = np.zeros((130, 2), np.int32)  # [cell, simulation]
    counts[[0, 5, 63, 64, 129], 0] = 1
    counts[7, 1] = 3
    bits = chain.bitmap(counts)
    assert bits.shape == (3,) and bits.dtype == np.uint64
    assert bits.tolist() == [1 | 1 << 5 | 1 << 7 | 1 << 63, 1, 1 << 1]


def test_nobody_moves_everyone_ages_a_month_and_the_18th_birthday_leaves():
    now = np.zeros((1, len(TABLES.order)), np.int32)
    now[0, _pos(120, 3, IN_HOUSE)] = 4  # 10 years old, 3 months in care
    now[0, _pos(215, 30, RES)] = 2  # turns 18 this month (30 months in care: held as 24, the cap)
    now[0, _pos(59, 24, IFA)] = 1  # 4 years 11 months: moves up an age band (and into another rate row)
    then, by_category = _month(now, *_chances(1, 0.0, {}))
    assert then[0, _pos(121, 4, IN_HOUSE)] == 4 and then[0, _pos(60, 24, IFA)] == 1 and then.sum() == 5
    assert by_category[0].tolist() == [4 if k == IN_HOUSE else 1 if k == IFA else 0 for k in range(N_CAT)]


def test_everyone_moves_where_the_chances_send_them():
    now = np.zeros((1, len(TABLES.order)), np.int32)
    now[0, _pos(100, 10, IN_HOUSE)] = 7
    then, _ = _month(now, *_chances(1, 1.0, {RES: 1.0}))  # all of them to residential
    assert then[0, _pos(101, 11, RES)] == 7 and then.sum() == 7
    then, _ = _month(now, *_chances(1, 1.0, {}))  # all of them leave care
    assert then.sum() == 0


def test_movers_are_binomial_in_each_cell_and_share_out_by_the_chances():
    """The 72 cells of one rate row (10 to 15 years old, two years or more in care, in-house), alternately of 10
    and 3 children, leave = 0.3 of which a third goes to an IFA: each cell loses a Binomial(10, 0.3) or
    Binomial(3, 0.3) number of children, independently of its neighbour; 0.1 of all go to an IFA."""
    sims, ages = 400, np.arange(120, 192)
    now = np.zeros((sims, len(TABLES.order)), np.int32)
    cells = [_pos(a, 24, IN_HOUSE) for a in ages]
    now[:, cells] = np.where(ages % 2 == 0, 10, 3)
    then, by_category = _month(now, *_chances(sims, 0.3, {IFA: 0.1}))
    stay = then[:, [_pos(a + 1, 24, IN_HOUSE) for a in ages]]
    ten, three = stay[:, ::2].ravel(), stay[:, 1::2].ravel()  # 14,400 cells each
    assert ten.mean() == pytest.approx(7.0, abs=4 * np.sqrt(2.1 / len(ten)))
    assert three.mean() == pytest.approx(2.1, abs=4 * np.sqrt(0.63 / len(three)))
    assert ten.var() == pytest.approx(10 * 0.3 * 0.7, rel=0.05) and three.var() == pytest.approx(0.63, rel=0.05)
    assert abs(np.corrcoef(ten, three)[0, 1]) < 0.035  # neighbours independent
    ifa = by_category[:, IFA].mean()
    assert ifa == pytest.approx(36 * 13 * 0.1, abs=4 * np.sqrt(36 * 13 * 0.09 / sims))
    assert by_category.sum(axis=1).mean() == pytest.approx(36 * 13 * 0.8, rel=0.01)  # 0.2 left care


def test_the_same_figures_on_any_number_of_threads():
    moves = np.zeros((len(pj.BANDS), len(pj.DURATIONS), N_CAT, N_CAT + 1))
    moves[..., IN_HOUSE, IN_HOUSE], moves[..., IN_HOUSE, IFA], moves[..., IN_HOUSE, -1] = 90, 5, 5
    f = pj.Fit(
        end=pd.Timestamp("2020-03-31"),
        window_months=12,
        moves=moves,
        entries=np.full(12, 3),
        entrants=pd.DataFrame({"age_months": [24, 150], "category": [IN_HOUSE, RES]}),
        stock=pd.DataFrame(
            {"CHILD": ["a", "b", "c"], "category": IN_HOUSE, "age_months": [10, 100, 200], "months_in_care": 5}
        ),
    )
    one = pj.simulate(f, 12, 130, seed=4, workers=1)  # three blocks, the last of 30
    assert one.counts.shape == (130, 13, N_CAT) and one.counts[:, 0, IN_HOUSE].tolist() == [3] * 130
    assert (pj.simulate(f, 12, 130, seed=4, workers=3).counts == one.counts).all()
    assert not (pj.simulate(f, 12, 130, seed=5, workers=1).counts == one.counts).all()
