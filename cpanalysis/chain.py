"""One month of the demand model's count chain (projection.simulate), compiled with numba.

Numba because the month is a loop over every occupied cell of every simulation with a few random draws in it:
in NumPy each of its dozen steps is a pass over millions of cells with a temporary array each; compiled, it is
one pass with none (at national size, 60,000 children in 14,000 cells x 500 simulations: 45 s in NumPy). The
functions release the GIL, so blocks of simulations run side by side on threads.

A simulation's children are held as counts[sim, cell] with a bitmap of the cells that hold any
(occupied[sim, cell // 64], bit cell % 64), so a month visits the occupied cells only: a small authority's few
hundred of the 38,000 cells, a national data set's tens of thousands.
"""

from __future__ import annotations

import numba
import numpy as np

_NEVER = 1 << 62  # a position no row's children reach: no child moves
_ONE = np.uint64(1)
_DE_BRUIJN = np.uint64(0x03F79D71B4CB0A89)  # the index of a word's lowest set bit by one multiplication
_LOWEST_BIT = np.zeros(64, np.int64)
for _i in range(64):
    _LOWEST_BIT[((1 << _i) * int(_DE_BRUIJN) % 2**64) >> 58] = _i


def bitmap(counts: np.ndarray) -> np.ndarray:
    """occupied[sim, word]: bit b of word w set where counts[sim, 64 w + b] > 0."""
    sims, cells = counts.shape
    bits = np.zeros((sims, -(-cells // 64) * 64), dtype=bool)
    bits[:, :cells] = counts > 0
    return np.packbits(bits, axis=1, bitorder="little").view("<u8").copy()


@numba.njit(nogil=True, cache=True, inline="always")
def _add(counts: np.ndarray, occupied: np.ndarray, cell: int, n: int) -> None:
    counts[cell] += n
    occupied[cell >> 6] |= _ONE << np.uint64(cell & 63)


@numba.njit(nogil=True, cache=True, inline="always")
def _word(occupied: np.ndarray, w: int, lo: int, hi: int) -> np.uint64:
    """Word w of a bitmap, with the bits of cells outside lo to hi - 1 cleared."""
    bits = occupied[w]
    base = w << 6
    if base < lo:
        bits &= ~((_ONE << np.uint64(lo - base)) - _ONE)
    if hi - base < 64:
        bits &= (_ONE << np.uint64(hi - base)) - _ONE
    return bits


@numba.njit(nogil=True, cache=True, inline="always")
def _any(occupied: np.ndarray, lo: int, hi: int) -> bool:
    """Whether any of cells lo to hi - 1 is occupied."""
    w = lo >> 6
    while w <= (hi - 1) >> 6 and not _word(occupied, w, lo, hi):
        w += 1
    return w <= (hi - 1) >> 6


@numba.njit(nogil=True, cache=True)
def _gap(rng: np.random.Generator, log_stay: float) -> int:
    """Children passed over before the next one who moves, in a row where each moves with chance p
    (log_stay = log(1 - p)): geometric, floor(log U / log(1 - p)) with U uniform on (0, 1]."""
    g = np.log(1.0 - rng.random()) / log_stay
    return _NEVER if g > 1e18 else int(g)


@numba.njit(nogil=True, cache=True)
def month(
    rng: np.random.Generator,
    now: np.ndarray,
    now_occupied: np.ndarray,
    then: np.ndarray,
    then_occupied: np.ndarray,
    by_category: np.ndarray,
    leave: np.ndarray,
    move: np.ndarray,
    row_start: np.ndarray,
    older: np.ndarray,
    older_first: np.ndarray,
    rank: np.ndarray,
) -> None:
    """Move the children of now[sim, cell] one month on into then[sim, cell] (all 0 before), clearing `now` and
    its bitmap, and count them by category into by_category[sim, category] (all 0 before).

    Cells are numbered row by row: the cells of rate row r, row_start[r] to row_start[r + 1] - 1, share its
    chances: leave[sim, r] of not staying in the category, and move[sim, r, k] cumulative over the other outcomes
    (k < categories: category k; beyond the last: left care). A row's category is its index modulo the number of
    categories. Stayers and movers are a month older and longer in care: older[cell] is that cell (-1: turning
    18, so leaving), in the same category; in category k it is rank[older_first[cell] + k] (rank: a cell id's
    position, older_first: the id in the first category); those who leave care are dropped."""
    for s in range(now.shape[0]):
        _simulation(rng, now[s], now_occupied[s], then[s], then_occupied[s], by_category[s], leave[s], move[s],
                    row_start, older, older_first, rank)  # fmt: skip


@numba.njit(nogil=True, cache=True)
def _simulation(
    rng: np.random.Generator,
    now: np.ndarray,
    now_occupied: np.ndarray,
    then: np.ndarray,
    then_occupied: np.ndarray,
    by_category: np.ndarray,
    leave: np.ndarray,
    move: np.ndarray,
    row_start: np.ndarray,
    older: np.ndarray,
    older_first: np.ndarray,
    rank: np.ndarray,
) -> None:
    """One simulation's month (month), row by row."""
    for r in range(len(row_start) - 1):
        _row(rng, now, now_occupied, then, then_occupied, by_category, leave[r], move, r, row_start[r],
             row_start[r + 1], older, older_first, rank)  # fmt: skip
    now_occupied[:] = 0


@numba.njit(nogil=True, cache=True, inline="always")
def _row(
    rng: np.random.Generator,
    now: np.ndarray,
    now_occupied: np.ndarray,
    then: np.ndarray,
    then_occupied: np.ndarray,
    by_category: np.ndarray,
    p: float,
    move: np.ndarray,
    r: int,
    lo: int,
    hi: int,
    older: np.ndarray,
    older_first: np.ndarray,
    rank: np.ndarray,
) -> None:
    """One simulation's children in rate row r (cells lo to hi - 1; month): each moves with chance p,
    independently: the movers are found by geometric gaps along the row's children (a Bernoulli process), so a
    cell of n children loses a Binomial(n, p) number, at the cost of one draw per mover, not one per child or
    cell. Each mover goes to an outcome by a uniform draw on the relative chances of the others (move[r])."""
    if not _any(now_occupied, lo, hi):
        return
    n_cat = move.shape[1]
    log_stay = np.log1p(-p) if p < 1.0 else -np.inf
    nxt = _NEVER if p <= 0.0 else _gap(rng, log_stay)  # the position of the next mover among the row's children
    seen = 0
    for w in range(lo >> 6, ((hi - 1) >> 6) + 1):
        bits = _word(now_occupied, w, lo, hi)
        base = w << 6
        while bits:
            lowest = bits & (~bits + _ONE)
            bits ^= lowest
            c = base + _LOWEST_BIT[(lowest * _DE_BRUIJN) >> np.uint64(58)]
            n = now[c]
            now[c] = 0
            seen += n
            stay = n
            while nxt < seen:
                stay -= 1
                u = rng.random() * p
                k = 0
                while k < n_cat and u >= move[r, k]:
                    k += 1
                if k < n_cat and older[c] >= 0:
                    _add(then, then_occupied, rank[older_first[c] + k], 1)
                    by_category[k] += 1
                nxt += 1 + _gap(rng, log_stay)
            if older[c] >= 0 and stay > 0:
                _add(then, then_occupied, older[c], stay)
                by_category[r % n_cat] += stay


@numba.njit(nogil=True, cache=True)
def arrive(
    then: np.ndarray,
    then_occupied: np.ndarray,
    by_category: np.ndarray,
    sim: np.ndarray,
    cell: np.ndarray,
    category: np.ndarray,
) -> None:
    """One child more in then[sim[i], cell[i]] (and its bitmap) and by_category[sim[i], category[i]] for each
    entrant i."""
    for i in range(len(sim)):
        _add(then[sim[i]], then_occupied[sim[i]], cell[i], 1)
        by_category[sim[i], category[i]] += 1
