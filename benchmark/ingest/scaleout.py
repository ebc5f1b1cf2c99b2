"""Ingest with the cleaning on workers: :func:`load_articles_on`, the same result as
:func:`~benchmark.ingest.load.load_articles`.

Reading rows is cheap (about 15 us a row); cleaning them (encoding repair,
language id, dates, headline) is about 2 ms a row. So this process reads the
input in order, as the local build does, and hands batches of raw records to
the executor, a window of them at a time; workers clean them
(:func:`clean_batch`) and send back each row's article, or its reject (file,
line, field, reason and the raw row, as the local build writes it). The results
are taken in input order, so the first bad row in strict mode, the kept copy of
a repeated id and the rejects file are the local build's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from benchmark.distributed.executor import Executor
from benchmark.errors import InputError, SumbenchError
from benchmark.ingest.article import clean_record
from benchmark.ingest.load import IngestResult, _add, _Kept, finish_load
from benchmark.ingest.readers import batched, iter_items
from benchmark.ingest.records import RawRecord, raw_json
from benchmark.limits import DEFAULT_LIMITS, ReadLimits
from benchmark.rows import Reject
from benchmark.schema import Article

#: Rows per cleaning task (small enough that a few thousand rows still make many tasks).
BATCH_ROWS = 250
#: Batches in flight per partition of the executor (reading never runs far ahead).
WINDOW_PER_PARTITION = 4


def clean_batch(batch: list[RawRecord | Reject]) -> list[Article | Reject]:
    """Each row's cleaned article, or its reject (a row the reader refused stays as it is)."""
    out: list[Article | Reject] = []
    for item in batch:
        if isinstance(item, Reject):
            out.append(item)
            continue
        try:
            out.append(clean_record(item))
        except InputError as e:
            out.append(Reject.from_error(e, raw_json(item)))
    return out


def _windows(batches: Iterator[list[Any]], size: int,
             ) -> Iterator[tuple[list[list[Any]], SumbenchError | None]]:
    """Lists of up to ``size`` batches; a read error comes after the rows read before it."""
    while True:
        group: list[list[Any]] = []
        try:
            for batch in batches:
                group.append(batch)
                if len(group) >= size:
                    break
        except SumbenchError as e:
            yield group, e
            return
        if not group:
            return
        yield group, None


def load_articles_on(executor: Executor, path: str | Path, *,
                     field_map: Mapping[str, str] | None = None,
                     input_format: str | None = None, skip_invalid: bool = False,
                     rejects_path: Path | None = None, batch_size: int = BATCH_ROWS,
                     limits: ReadLimits = DEFAULT_LIMITS,
                     on_batch: Callable[[int], object] | None = None) -> IngestResult:
    """:func:`~benchmark.ingest.load.load_articles` with the rows cleaned on ``executor``.

    Same arguments and the same result: articles, counts, the error strict mode
    raises (file, line and field of the first bad row in input order) and the
    rejects file under ``skip_invalid``, whatever the partitions or the workers.
    """
    kept: dict[str, _Kept] = {}
    rejects: list[Reject] = []
    read = 0
    stream = iter_items(path, field_map=field_map, input_format=input_format,
                        batch_size=batch_size, limits=limits)
    size = max(1, executor.partitions) * WINDOW_PER_PARTITION
    for group, failed in _windows(batched(stream, batch_size), size):
        results = executor.map(clean_batch, executor.put(group)) if group else []
        for batch, cleaned in zip(group, results, strict=True):
            for item, got in zip(batch, cleaned, strict=True):
                read += 1
                if isinstance(got, Reject):
                    if not skip_invalid:
                        raise got.to_error()
                    rejects.append(got)
                    continue
                _add(kept, _Kept(got, item.path, item.line, item.id is None, item.id_field),
                     rejects, skip_invalid)
            if on_batch is not None:
                on_batch(len(batch))
        if failed is not None:
            raise failed
    return finish_load(path, kept, rejects, read, skip_invalid, rejects_path)
