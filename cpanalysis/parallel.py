"""Running independent jobs side by side on threads: the backtest's cutoffs and the scenarios (numpy's sorts and
draws run outside the GIL) and the batch's notebooks (each in its own kernel process)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor


def on_threads(fn: Callable, items: Iterable, workers: int | None = None) -> list:
    """[fn(item) for item in items], in that order, on `workers` threads (default: one a CPU). The jobs must not
    share state they change; a job that draws random numbers seeds its own generators, so the result is the same
    on any number of threads."""
    items = list(items)
    with ThreadPoolExecutor(max(1, min(workers or os.cpu_count() or 1, len(items)))) as pool:
        return list(pool.map(fn, items))
