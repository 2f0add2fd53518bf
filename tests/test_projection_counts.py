"""The count simulation (projection.simulate) against the child-by-child simulation it replaced, kept here only as
the reference: on the synthetic LA both give the same mean and spread of the numbers looked after, within Monte
Carlo error, at every horizon and for the total and the main placement types."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cpanalysis import projection as pj


def _per_child(f: pj.Fit, months: int, sims: int, seed: int) -> np.ndarray:
    """The child-by-child projection (the model before issue 17): every child of every simulation held in flat
    arrays; each month one uniform draw per child decides stay, move or leave by the same posterior rates; children
    leave at 18; entrants are drawn from the window's. Returns counts[sim, step, category]."""
    rng = np.random.default_rng(seed)
    n_cat, n_dur = len(pj.CATEGORIES), len(pj.DURATIONS)
    n_rows = len(pj.BANDS) * n_dur * n_cat
    probs = pj._posterior_rates(f, sims, rng).reshape(sims * n_rows, -1)
    same = np.tile(np.arange(n_cat), sims * len(pj.BANDS) * n_dur)
    stay = probs[np.arange(len(probs)), same]
    probs[np.arange(len(probs)), same] = 0
    move = np.cumsum(probs[:, :-1], axis=1)
    rate = rng.gamma(f.entries.sum() + 0.5, 1 / max(len(f.entries), 1), size=sims)
    arrivals = rng.poisson(rate[:, None], size=(sims, months))
    pool_cat = f.entrants["category"].to_numpy().astype(np.int8)
    pool_age = f.entrants["age_months"].to_numpy().astype(np.int16)
    band_of = np.append(pj.band_index(np.arange(pj.ADULT_MONTHS + 1)), len(pj.BANDS) - 1)
    cap = int(pj._DURATION_LIMITS[-1])
    dur_of = pj.duration_index(np.arange(cap + 1))
    sim = np.repeat(np.arange(sims, dtype=np.int32), len(f.stock))
    cat = np.tile(f.stock["category"].to_numpy().astype(np.int8), sims)
    age = np.tile(f.stock["age_months"].to_numpy().astype(np.int16), sims)
    dur = np.tile(np.minimum(f.stock["months_in_care"].to_numpy(), cap).astype(np.int16), sims)
    counts = np.zeros((sims, months + 1, n_cat), dtype=np.int32)
    counts[:, 0] = np.bincount(sim * n_cat + cat, minlength=sims * n_cat).reshape(sims, n_cat)
    for step in range(1, months + 1):
        row = sim * n_rows + (band_of[age] * n_dur + dur_of[dur]) * n_cat + cat
        u = rng.random(len(sim))
        p = stay[row]
        to = cat.astype(np.int16)
        moving = np.flatnonzero(u >= p)
        to[moving] = ((u[moving] - p[moving])[:, None] >= move[row[moving]]).sum(axis=1)
        age = np.where(age >= 0, age + 1, age)
        kept = (to < n_cat) & (age < pj.ADULT_MONTHS)
        sim, cat, age = sim[kept], to[kept].astype(np.int8), age[kept]
        dur = np.minimum(dur[kept] + 1, cap)
        new = arrivals[:, step - 1]
        pick = rng.integers(0, len(pool_cat), size=int(new.sum()))
        sim = np.concatenate([sim, np.repeat(np.arange(sims, dtype=np.int32), new)])
        cat, age = np.concatenate([cat, pool_cat[pick]]), np.concatenate([age, pool_age[pick]])
        dur = np.concatenate([dur, np.zeros(len(pick), dtype=np.int16)])
        counts[:, step] = np.bincount(sim * n_cat + cat, minlength=sims * n_cat).reshape(sims, n_cat)
    return counts


@pytest.fixture(scope="module")
def la_fit() -> pj.Fit:
    from cpanalysis.context import load_data
    from cpanalysis.synth import ensure_default

    data = load_data(ensure_default())
    states = pj.monthly_states(data["episodes"], data["header"], data.data_start, data.data_end)
    return pj.fit(states, pd.Timestamp("2021-03-31"), 24)


def test_counts_give_the_per_child_distribution_on_the_synthetic_la(la_fit):
    sims, months = 1000, 36
    cells = pj.simulate(la_fit, months, sims, seed=11).counts
    children = _per_child(la_fit, months, sims, seed=12)
    assert cells[:, 0].tolist() == children[:, 0].tolist()  # the same starting stock
    main = [pj.CATEGORIES.index(c) for c in ("In-house foster", "External (IFA) foster", "Residential")]
    for step in (1, 6, 12, 24, 36):
        for name, a, b in [
            ("total", cells[:, step].sum(axis=1), children[:, step].sum(axis=1)),
            *[(pj.CATEGORIES[c], cells[:, step, c], children[:, step, c]) for c in main],
        ]:
            se = np.sqrt(a.var() / sims + b.var() / sims)
            assert abs(a.mean() - b.mean()) < 4 * se + 1e-9, (step, name, a.mean(), b.mean())
            # the spread: the standard error of a standard deviation is about sd / sqrt(2 n)
            assert a.std() == pytest.approx(b.std(), rel=4 * np.sqrt(2 / (2 * sims)) + 0.01), (step, name)
    assert cells.sum(axis=2)[:, -1].mean() > cells.sum(axis=2)[:, 0].mean()  # the LA grows: not a trivial check
