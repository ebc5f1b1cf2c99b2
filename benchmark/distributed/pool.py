"""Ordered maps over a pool of local worker processes, with a bounded number of items in flight.

The local build spends its CPU in pure per-item steps (cleaning rows, profiling
articles, encoding texts); a pool of ``group.workers`` processes runs them on
every core. Results come back in input order, so the output does not depend
on which process did what, and at most ``window`` items per worker are in
flight, so a long stream never sits in memory at once.

Processes are *spawned*: a forked child would inherit the parent's threads
(encoder engines, BLAS) in whatever state they are in.
"""

from __future__ import annotations

import contextlib
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from benchmark.errors import ConfigError

__all__ = ["ordered_map", "return_free_memory"]

T = TypeVar("T")
R = TypeVar("R")


def ordered_map(fn: Callable[[T], R], items: Iterable[T], workers: int, *, what: str,
                window: int = 2) -> Iterator[R]:
    """``fn`` over ``items`` in order; with ``workers`` > 1 in that many spawned processes.

    ``fn`` must be a module-level function (it is pickled by name). ``what``
    names the work in the error shown when the pool breaks (e.g. a script
    without the ``__main__`` guard). Closing the generator early cancels what is
    still queued.
    """
    if workers <= 1:
        yield from map(fn, items)
        return
    import multiprocessing as mp
    from concurrent.futures import Future, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    pending: deque[Future[R]] = deque()
    pool = ProcessPoolExecutor(workers, mp_context=mp.get_context("spawn"))
    try:
        for item in items:
            pending.append(pool.submit(fn, item))
            if len(pending) >= window * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    except (BrokenProcessPool, RuntimeError) as exc:
        if isinstance(exc, RuntimeError) and not _spawn_failure(exc):
            raise
        detail = ("each re-imported a script that has no such guard" if _spawn_failure(exc)
                  else (str(exc).strip().splitlines() or [type(exc).__name__])[0])
        raise ConfigError(
            f"the {workers} {what} worker processes stopped ({detail}); a script that builds or "
            "groups must start under `if __name__ == \"__main__\":` (worker processes "
            "re-import it), or set group.workers: 1"
        ) from exc
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _spawn_failure(exc: RuntimeError) -> bool:
    """A RuntimeError of multiprocessing's start-up (not one raised by ``fn`` itself)."""
    return "bootstrapping phase" in str(exc) or "freeze_support" in str(exc)


def return_free_memory() -> None:
    """Give the C heap's free pages back to the operating system (glibc ``malloc_trim``).

    Many small arrays freed at once (each profile's character counts, the MinHash
    signatures) leave holes that glibc keeps: resident memory would stay at its
    high-water mark through the next, larger stage. Elsewhere this does nothing.
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    with contextlib.suppress(OSError, AttributeError):  # musl has no malloc_trim
        ctypes.CDLL("libc.so.6").malloc_trim(0)
