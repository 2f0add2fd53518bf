"""Independent jobs side by side in worker processes: the validation of each return.

Processes, not threads: pandas builds an index's hash table lazily on its first lookup, and that is not safe
between threads (two cutoffs reading one frame once gave `KeyError: Timestamp(...)`). joblib's loky workers are
fresh interpreters (never a fork of the caller, which may hold threads and their locks: a Jupyter kernel,
pyarrow's pool), kept between calls so a second call starts at once, and they do not re-run a script that lacks
an `if __name__ == "__main__"` guard. Each job gets its own copy of what it reads (pickled to it, not mapped
through a file: child-level data stay off disk) and seeds its own generators, so the results are the same on any
number of workers.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable

from joblib import Parallel, cpu_count, delayed

# loky retires a worker that has grown by 300 MB (its guard against leaks; at national size a job's data are that
# big) and starts another; the jobs it was given run on the others and nothing is lost, but it warns the user
warnings.filterwarnings("ignore", message="A worker stopped while some jobs were given", category=UserWarning)


def default_workers() -> int:
    """One worker a CPU this process may use (joblib's cpu_count, which respects CPU affinity and cgroup limits):
    the default for the jobs here and for the batch's notebooks."""
    return cpu_count()


def in_processes(fn: Callable, jobs: Iterable[tuple], workers: int | None = None) -> list:
    """[fn(*job) for job in jobs], in that order, on `workers` processes (default: default_workers). One worker
    runs them here. `jobs` is read lazily, two a worker
    ahead, so a job's arguments (a slice of a national-size frame) need not all be in memory at once. An
    exception in a job is raised here."""
    workers = workers or default_workers()
    if workers <= 1:
        return [fn(*job) for job in jobs]
    return Parallel(n_jobs=workers, backend="loky", max_nbytes=None)(delayed(fn)(*job) for job in jobs)
