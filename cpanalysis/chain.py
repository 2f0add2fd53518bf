"""One month of the demand model's count chain (projection.simulate), compiled with numba.

Numba because the month is a loop over every occupied cell of every simulation with a few random draws in it:
in NumPy each of its dozen steps is a pass over millions of cells with a temporary array each; compiled, it is
one pass with none (at national size, 60,000 children in 14,000 cells x 500 simulations: 45 s in NumPy). The
functions release the GIL, so blocks of simulations run side by side on threads.

A block's children are held as counts[cell, sim], a cell's simulations side by side (a few cache lines), with a
bitmap of the cells that hold any child in any of them (occupied[cell // 64], bit cell % 64), so a month visits
the occupied cells only: a small authority's few hundred of the 49,000 cells, a national data set's tens of
thousands.
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
    """occupied[word]: bit b of word w set where any of counts[64 w + b, :] is above 0."""
    cells = len(counts)
    bits = np.zeros(-(-cells // 64) * 64, dtype=bool)
    bits[:cells] = counts.any(axis=1)
    return np.packbits(bits, bitorder="little").view("<u8").copy()


@numba.njit(nogil=True, cache=True, inline="always")
def _mark(occupied: np.ndarray, cell: int) -> None:
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
    log_stay: np.ndarray,
    move: np.ndarray,
    row_start: np.ndarray,
    older: np.ndarray,
    older_first: np.ndarray,
    rank: np.ndarray,
) -> None:
    """Move the children of now[cell, sim] one month on into then[cell, sim] (all 0 before), clearing `now` and
    its bitmap, and count them by category into by_category[sim, category] (all 0 before).

    Cells are numbered row by row: the cells of rate row r, row_start[r] to row_start[r + 1] - 1, share its
    chances: leave[sim, r] of not staying in the category (log_stay[sim, r]: log(1 - leave)), and move[sim, r, k]
    cumulative over the other outcomes (k < categories: category k; beyond the last: left care). A row's category
    is its index modulo the number of categories. Stayers and movers are a month older and longer in care:
    older[cell] is that cell (-1: turning 18, so leaving), in the same category; in category k it is
    rank[older_first[cell] + k] (rank: a cell id's position, older_first: the id in the first category); those who
    leave care are dropped."""
    sims = now.shape[1]
    nxt, seen = np.empty(sims, np.int64), np.empty(sims, np.int64)
    for r in range(len(row_start) - 1):
        lo, hi = row_start[r], row_start[r + 1]
        if not _any(now_occupied, lo, hi):
            continue
        for s in range(sims):  # the next mover's place among the row's children
            nxt[s] = _NEVER if leave[s, r] <= 0.0 else _gap(rng, log_stay[s, r])
            seen[s] = 0
        for w in range(lo >> 6, ((hi - 1) >> 6) + 1):
            bits = _word(now_occupied, w, lo, hi)
            while bits:
                lowest = bits & (~bits + _ONE)
                bits ^= lowest
                c = (w << 6) + _LOWEST_BIT[(lowest * _DE_BRUIJN) >> np.uint64(58)]
                _cell(rng, now, then, then_occupied, by_category, leave, log_stay, move, nxt, seen, r, c,
                      older[c], rank[older_first[c]:older_first[c] + move.shape[2]])  # fmt: skip
    now_occupied[:] = 0


@numba.njit(nogil=True, cache=True, inline="always")
def _cell(
    rng: np.random.Generator,
    now: np.ndarray,
    then: np.ndarray,
    then_occupied: np.ndarray,
    by_category: np.ndarray,
    leave: np.ndarray,
    log_stay: np.ndarray,
    move: np.ndarray,
    nxt: np.ndarray,
    seen: np.ndarray,
    r: int,
    c: int,
    older: int,
    older_in: np.ndarray,
) -> None:
    """The children of cell c (rate row r) in every simulation, a month on (month). In each simulation every child
    of the row moves with chance leave, independently: the movers are found by geometric gaps along the row's
    children (a Bernoulli process; nxt[s] the next mover's place, seen[s] the children before this cell), so a
    cell of n children loses a Binomial(n, leave) number, at the cost of one draw per mover, not one per child.
    Each mover goes to an outcome by a uniform draw on the relative chances of the others (move): category k's
    cell a month on is older_in[k]; those staying go to `older`."""
    n_cat = move.shape[2]
    kept = False
    for s in range(now.shape[1]):
        n = now[c, s]
        if n == 0:
            continue
        now[c, s] = 0
        seen[s] += n
        stay = n
        while nxt[s] < seen[s]:
            stay -= 1
            u = rng.random() * leave[s, r]
            k = 0
            while k < n_cat and u >= move[s, r, k]:
                k += 1
            if k < n_cat and older >= 0:
                then[older_in[k], s] += 1
                _mark(then_occupied, older_in[k])
                by_category[s, k] += 1
            nxt[s] += 1 + _gap(rng, log_stay[s, r])
        if older >= 0 and stay > 0:
            then[older, s] += stay
            by_category[s, r % n_cat] += stay
            kept = True
    if kept:
        _mark(then_occupied, older)


@numba.njit(nogil=True, cache=True)
def arrive(
    then: np.ndarray,
    then_occupied: np.ndarray,
    by_category: np.ndarray,
    sim: np.ndarray,
    cell: np.ndarray,
    category: np.ndarray,
) -> None:
    """One child more in then[cell[i], sim[i]] (and its bitmap) and by_category[sim[i], category[i]] for each
    entrant i."""
    for i in range(len(sim)):
        then[cell[i], sim[i]] += 1
        _mark(then_occupied, cell[i])
        by_category[sim[i], category[i]] += 1
