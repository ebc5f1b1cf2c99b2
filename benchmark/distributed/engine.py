"""Start or join a Dask cluster for a build (the optional ``sumbench[distributed]`` extra).

``sumbench build --workers N`` starts a ``LocalCluster`` of N single-threaded
worker processes bound to 127.0.0.1 (no other interface is opened; the
dashboard is off). ``--scheduler tcp://HOST:PORT`` joins a running cluster and
gives up after :data:`CONNECT_TIMEOUT` seconds instead of waiting forever.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from benchmark.errors import ConfigError

#: The pip extra that installs Dask.
EXTRA = 'pip install "sumbench[distributed]"'
#: Seconds to wait for a scheduler (or a new local cluster) before giving up.
CONNECT_TIMEOUT = 15


def require_dask() -> Any:
    """The ``distributed`` module, or a ConfigError naming the extra that installs it."""
    try:
        import distributed
    except ImportError:
        raise ConfigError(
            f"running on Dask (--workers / --scheduler) needs the distributed extra: {EXTRA}"
        ) from None
    return distributed


@contextmanager
def dask_client(workers: int | None = None, scheduler: str | None = None,
                timeout: float | None = None) -> Iterator[Any]:
    """A ``dask.distributed.Client``: of a new local cluster of ``workers``, or of ``scheduler``.

    The local cluster's workers are processes with one thread each (the encoders
    are single-threaded and load their model once per process), bound to
    127.0.0.1; it is shut down on exit. An unreachable ``scheduler`` raises
    :class:`~benchmark.errors.ConfigError` after ``timeout`` seconds
    (default :data:`CONNECT_TIMEOUT`).
    """
    timeout = CONNECT_TIMEOUT if timeout is None else timeout
    if (workers is None) == (scheduler is None):
        raise ConfigError("give either --workers N (a local Dask cluster) or --scheduler "
                          "ADDRESS (an existing one), not both")
    distributed = require_dask()
    import dask

    if scheduler is not None:
        try:
            client = distributed.Client(scheduler, timeout=f"{timeout}s",
                                        set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ConfigError(
                f"cannot reach the Dask scheduler at {scheduler} within {timeout:g} s "
                f"({type(exc).__name__}: {exc}); start it (dask scheduler) or check the address"
            ) from None
        try:
            yield client
        finally:
            client.close()
        return
    assert workers is not None
    if workers < 1:
        raise ConfigError(f"--workers must be at least 1, got {workers}")
    # Dask's nanny sets MALLOC_TRIM_THRESHOLD_ in its workers' environment, which turns off
    # glibc's adaptive mmap threshold: every large temporary array is then mapped and
    # unmapped afresh, and the candidate search took twice the CPU of this process (page
    # faults, measured). The workers keep the C library's default.
    # The active memory manager drops the copies of a result that other workers fetched,
    # every 2 s; each step of the grouping then fetched every partition's profiles
    # again (with 2 workers: 23 transfers, 16.5 s, against 16 and 9.3 s without it).
    with dask.config.set({"distributed.logging.distributed": "error",
                          "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
                          "distributed.scheduler.active-memory-manager.start": False}):
        cluster = distributed.LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
            dashboard_address=None, silence_logs=40, timeout=f"{timeout * 4}s")
        try:
            client = distributed.Client(cluster, set_as_default=False)
            try:
                yield client
            finally:
                client.close()
        finally:
            cluster.close()
