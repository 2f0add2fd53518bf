"""Independent jobs side by side in worker processes: the validation of each return, handed over as the loader
cleans each year (`Jobs`).

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
from collections.abc import Callable
from concurrent.futures import Future

from joblib import cpu_count
from joblib.externals.loky import get_reusable_executor

# loky retires a worker that has grown by 300 MB (its guard against leaks; at national size a job's data are that
# big) and starts another; the jobs it was given run on the others and nothing is lost, but it warns the user
warnings.filterwarnings("ignore", message="A worker stopped while some jobs were given", category=UserWarning)


def default_workers() -> int:
    """One worker a CPU this process may use (joblib's cpu_count, which respects CPU affinity and cgroup limits):
    the default for the jobs here and for the batch's notebooks."""
    return cpu_count()


class Jobs:
    """Jobs handed to `workers` processes as they come (`submit`: the caller goes on while they run) and their
    results in the order they were given (`results`; an exception in a job is raised there). The workers are
    loky's reusable ones, kept five minutes after the last job. One worker (workers=1): each job runs here, when
    submitted."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or default_workers()
        self._pool = get_reusable_executor(max_workers=self.workers, timeout=300) if self.workers > 1 else None
        self._futures: list[Future] = []

    def submit(self, fn: Callable, *args) -> None:
        if self._pool is not None:
            self._futures.append(self._pool.submit(fn, *args))
            return
        done: Future = Future()
        try:
            done.set_result(fn(*args))
        except Exception as exc:  # raised by results(), as a worker's would be
            done.set_exception(exc)
        self._futures.append(done)

    def results(self) -> list:
        return [f.result() for f in self._futures]
