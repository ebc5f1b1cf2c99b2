"""Where the build's partitioned steps run: in this process, or on a Dask cluster.

:mod:`benchmark.distributed.executor` maps one pure function over partitions on
either engine; :mod:`benchmark.distributed.engine` starts or joins a Dask cluster
(the optional ``sumbench[distributed]`` extra). How and why: ``docs/distributed.md``.
"""

from __future__ import annotations

from benchmark.distributed.executor import (
    DaskExecutor,
    Executor,
    LocalExecutor,
    as_executor,
    partition,
)

__all__ = ["DaskExecutor", "Executor", "LocalExecutor", "as_executor", "partition"]
