"""One interface to map a pure function over partitions, locally or on Dask.

The build's partitioned steps (profiling and encoding, TF-IDF vectors, judging
candidate pairs, linking components, building examples) are module-level pure
functions of one partition plus shared read-only values. :class:`LocalExecutor`
calls them in this process; :class:`DaskExecutor` sends them to a Dask cluster
(or runs Dask's synchronous scheduler). Results come back in partition order,
so nothing downstream can see which engine, how many workers or which task
order produced them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from functools import partial
from itertools import pairwise
from typing import Any, Protocol, TypeVar

from benchmark.errors import ConfigError, SumbenchError

T = TypeVar("T")
R = TypeVar("R")

#: How often a Dask task is retried when its worker dies (then the build stops).
RETRIES = 2

Meter = Callable[[str, int], AbstractContextManager[Callable[[int], Any]]]
"""``meter(description, total)`` -> context yielding ``update(n)``: a progress display."""


def partition(items: Sequence[T], parts: int) -> list[list[T]]:
    """``items`` in ``parts`` contiguous slices of near-equal size (none empty), order kept."""
    return [list(items[lo:hi]) for lo, hi in slices(len(items), parts)]


def slices(count: int, parts: int) -> list[tuple[int, int]]:
    """``range(count)`` in up to ``parts`` contiguous, near-equal, non-empty (lo, hi) slices
    (the first ``count % parts`` one longer)."""
    parts = max(1, min(parts, count))
    size, extra = divmod(count, parts)
    bounds = [k * size + min(k, extra) for k in range(parts + 1)]
    return [(lo, hi) for lo, hi in pairwise(bounds) if hi > lo]


class Executor(Protocol):
    """What a partitioned step needs: a map, shared values, and a default partition count.

    ``meter``, when set, shows each map's finished tasks (with a rate and an ETA).
    """

    partitions: int
    meter: Meter | None

    def share(self, value: Any) -> Any:
        """A handle to pass to :meth:`map` for a large read-only value every task reads."""

    def map(self, fn: Callable[..., R], items: Sequence[Any], **shared: Any) -> list[R]:
        """``[fn(item, **shared) for item in items]``, in order."""

    def keep(self, fn: Callable[..., R], items: Sequence[Any], **shared: Any) -> list[Any]:
        """:meth:`map`, but each result stays where it was made: a handle per item.

        Handles go to later :meth:`map`/:meth:`keep` calls as items or (in lists) as
        shared values, and come back with :meth:`gather`; on a cluster the data moves
        between workers, never through this process.
        """

    def gather(self, handles: Sequence[Any]) -> list[Any]:
        """The values behind :meth:`keep`'s handles, in order."""

    def put(self, values: Sequence[Any]) -> list[Any]:
        """A handle per value, each sent once to one worker (read by later tasks)."""


def _describe(fn: Callable[..., Any]) -> str:
    """``_judge_task`` -> ``judge tasks``: what a progress line calls a map."""
    return fn.__name__.strip("_").replace("_task", "").replace("_", " ") + " tasks"


class LocalExecutor:
    """Runs every partition in this process, one after another."""

    def __init__(self, partitions: int = 1) -> None:
        self.partitions = partitions
        self.meter: Meter | None = None

    def share(self, value: Any) -> Any:
        """The value itself (nothing to ship)."""
        return value

    def map(self, fn: Callable[..., R], items: Sequence[Any], **shared: Any) -> list[R]:
        """Call ``fn`` on each item here."""
        if self.meter is None:
            return [fn(item, **shared) for item in items]
        out = []
        with self.meter(_describe(fn), len(items)) as update:
            for item in items:
                out.append(fn(item, **shared))
                update(1)
        return out

    def keep(self, fn: Callable[..., R], items: Sequence[Any], **shared: Any) -> list[Any]:
        """:meth:`map` (the values are their own handles)."""
        return self.map(fn, items, **shared)

    def gather(self, handles: Sequence[Any]) -> list[Any]:
        """The handles themselves."""
        return list(handles)

    def put(self, values: Sequence[Any]) -> list[Any]:
        """The values themselves."""
        return list(values)


class DaskExecutor:
    """Runs partitions as Dask tasks: on ``client``'s cluster, or synchronously without one.

    ``partitions`` defaults to twice the cluster's worker threads (so a slow task
    does not leave the others idle). A task whose worker dies is retried
    :data:`RETRIES` times on another worker, then the step fails with a
    :class:`~benchmark.errors.SumbenchError`.
    """

    def __init__(self, client: Any = None, partitions: int | None = None) -> None:
        self.client = client
        if partitions is None:
            threads = 1
            if client is not None:
                threads = sum(client.nthreads().values()) or 1
            partitions = 2 * threads
        self.partitions = partitions
        self.meter: Meter | None = None

    def share(self, value: Any) -> Any:
        """On a cluster, a future of ``value`` sent once to every worker; else the value."""
        if self.client is None:
            return value
        [future] = self.client.scatter([value], broadcast=True, hash=False)
        return future

    def map(self, fn: Callable[..., R], items: Sequence[Any], **shared: Any) -> list[R]:
        """Submit one task per item and gather the results in item order."""
        if self.client is None:
            import dask

            # the shared values ride in a partial: Dask would otherwise walk every
            # nested profile of them looking for collections, once per task
            bound = dask.delayed(partial(fn, **shared), pure=False, traverse=False)
            tasks = [bound(item) for item in items]
            return list(dask.compute(*tasks, scheduler="synchronous"))
        futures = self._submit(fn, items, shared)
        try:
            return list(self._wait(fn, futures, gather=True))
        finally:
            self.client.cancel(futures)

    def keep(self, fn: Callable[..., R], items: Sequence[Any], **shared: Any) -> list[Any]:
        """Submit one task per item, wait for all, and return their futures (not the values).

        Without a cluster: the values, as :meth:`map` gives them.
        """
        if self.client is None:
            return self.map(fn, items, **shared)
        futures = self._submit(fn, items, shared)
        self._wait(fn, futures, gather=False)
        return futures

    def gather(self, handles: Sequence[Any]) -> list[Any]:
        """The values of :meth:`keep`'s futures (values pass through)."""
        if self.client is None:
            return list(handles)
        return list(self.client.gather(list(handles)))

    def put(self, values: Sequence[Any]) -> list[Any]:
        """On a cluster, futures of ``values`` spread over the workers; else the values."""
        if self.client is None:
            return list(values)
        return list(self.client.scatter(list(values), hash=False))

    def _submit(self, fn: Callable[..., Any], items: Sequence[Any],
                shared: dict[str, Any]) -> list[Any]:
        return list(self.client.map(fn, list(items), pure=False, retries=RETRIES, **shared))

    def _wait(self, fn: Callable[..., Any], futures: list[Any], *, gather: bool) -> list[Any]:
        """Wait for ``futures`` (showing progress); their values if ``gather``.

        A failed task raises its error here (a worker that died too often: a
        :class:`~benchmark.errors.ConfigError`), with or without ``gather``.
        """
        from distributed import as_completed
        from distributed.scheduler import KilledWorker

        try:
            if self.meter is not None:
                with self.meter(_describe(fn), len(futures)) as update:
                    for _ in as_completed(futures, loop=self.client.loop):
                        update(1)
            if gather:
                return list(self.client.gather(futures))
            for _ in as_completed(futures, loop=self.client.loop):
                pass
            failed = [f for f in futures if f.status != "finished"]
            if failed:
                self.client.gather(failed[:1])  # raises the task's error
            return []
        except KilledWorker as exc:
            raise ConfigError(
                f"a Dask worker died {RETRIES + 1} times running {fn.__name__} (out of memory, "
                f"or killed): {exc}; nothing was written") from None
        except SumbenchError:
            raise


def as_executor(client: Any, partitions: int | None = None) -> Executor:
    """An executor for ``client``: a ``dask.distributed.Client``, or an executor as it is.

    ``partitions`` overrides the executor's default partition count.
    """
    if isinstance(client, (LocalExecutor, DaskExecutor)):
        if partitions is not None:
            client.partitions = partitions
        return client
    return DaskExecutor(client, partitions)
