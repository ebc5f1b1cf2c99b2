"""Readers: located rows (:mod:`benchmark.rows`) -> a stream of raw records or rejects.

The row layer reads every format; this module maps each row's columns to our
article fields (with the user's field map) and never cleans or skips silently:
a row it cannot use becomes a :class:`Reject` carrying file, line/row, field and
reason. Strict callers turn the first reject into an :class:`InputError`;
``skip_invalid`` callers write it to the rejects file. Rows are streamed, so
memory stays proportional to a batch.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, overload

from benchmark.errors import ConfigError, InputError
from benchmark.ingest.article import derive_id
from benchmark.ingest.records import (
    REQUIRED,
    RawRecord,
    check_field_map,
    column_for,
    raw_json,
    record_from_mapping,
)
from benchmark.limits import DEFAULT_LIMITS, ReadLimits
from benchmark.rows import ColumnCheck, Reject, Row, detect_format, iter_rows

__all__ = ["SeenIds", "batched", "duplicate_reason", "iter_items", "iter_raw_batches"]

Item = RawRecord | Reject


def _record(row: Row, fmap: Mapping[str, str]) -> Item:
    """One located row -> a record; ``origin`` is relative to the input, errors keep the path."""
    try:
        return record_from_mapping(row.data, fmap, path=row.path, line=row.line,
                                   origin=row.origin)
    except InputError as e:
        raw = row.raw if row.raw is not None else json.dumps(row.data, ensure_ascii=False,
                                                             default=str)
        return Reject.from_error(e, raw)


def _require_columns(fmap: Mapping[str, str]) -> ColumnCheck:
    """A table without the text (or a mapped) column is a file-level error, not a row to skip."""

    def check(columns: Sequence[str], where: str) -> None:
        cols = list(columns)
        needed = [column_for(REQUIRED, cols, fmap)]
        needed += [c for k, c in fmap.items() if k != REQUIRED]
        for col in needed:
            if col not in cols:
                raise InputError(f"column {col!r} not found; columns are {cols}", path=where,
                                 field=col)

    return check


def iter_items(path: str | Path, *, field_map: Mapping[str, str] | None = None,
               input_format: str | None = None, batch_size: int = 1000,
               limits: ReadLimits = DEFAULT_LIMITS) -> Iterator[Item]:
    """Stream every record or reject of ``path`` in input order (see module doc);
    ``limits`` bounds each row (:class:`benchmark.rows.ReadLimits`)."""
    fmap = check_field_map(field_map)
    if fmap and (input_format or detect_format(path)) == "txt":
        raise InputError("a field map does not apply to .txt input", path=path,
                         field="field_map")
    for row in iter_rows(path, input_format, batch_size=batch_size,
                         on_columns=_require_columns(fmap), limits=limits):
        yield row if isinstance(row, Reject) else _record(row, fmap)


def batched(items: Iterable[Item], batch_size: int) -> Iterator[list[Item]]:
    """Group a stream into lists of at most ``batch_size`` items."""
    if batch_size < 1:
        raise ConfigError(f"batch_size must be at least 1, got {batch_size}")
    batch: list[Item] = []
    for item in items:
        batch.append(item)
        if len(batch) >= batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


def duplicate_reason(aid: str, derived: bool, where: str, *, kept: bool) -> str:
    """One wording for a repeated id, whether found while streaming or over a whole load."""
    how = " (derived from identical title and text)" if derived else ""
    return f"duplicate id {aid!r}{how}; {'kept the copy at' if kept else 'first seen at'} {where}"


class SeenIds:
    """The article ids met so far in a stream, each with the place it was first read.

    Memory is one small entry per id (a file's rows share its path string), never
    the records, so a stream of any length can be checked for repeated ids.
    """

    def __init__(self) -> None:
        self._first: dict[str, tuple[str, int | None]] = {}

    def check(self, rec: RawRecord) -> Reject | None:
        """None for a new id; for a repeat, a reject that names both places.

        The id is the input's own, else the content-derived one cleaning will give.
        """
        aid = rec.id if rec.id is not None else derive_id(rec)
        first = self._first.get(aid)
        if first is None:
            self._first[aid] = (rec.path, rec.line)
            return None
        path, line = first
        where = path if line is None else f"{path}:{line}"
        return Reject(rec.path, rec.line, rec.id_field,
                      duplicate_reason(aid, rec.id is None, where, kept=False),
                      raw_json(rec))


@overload
def iter_raw_batches(path: str | Path, *, field_map: Mapping[str, str] | None = ...,
                     input_format: str | None = ..., batch_size: int = ...,
                     skip_invalid: Literal[False] = ...) -> Iterator[list[RawRecord]]: ...
@overload
def iter_raw_batches(path: str | Path, *, field_map: Mapping[str, str] | None = ...,
                     input_format: str | None = ..., batch_size: int = ...,
                     skip_invalid: Literal[True]) -> Iterator[list[Item]]: ...
@overload
def iter_raw_batches(path: str | Path, *, field_map: Mapping[str, str] | None = ...,
                     input_format: str | None = ..., batch_size: int = ...,
                     skip_invalid: bool) -> Iterator[list[Item]]: ...
def iter_raw_batches(path: str | Path, *, field_map: Mapping[str, str] | None = None,
                     input_format: str | None = None, batch_size: int = 1000,
                     skip_invalid: bool = False) -> Iterator[list[Any]]:
    """Read ``path`` as batches of raw records, each id read once.

    Strict by default: the first unreadable row, or the second row with an id
    already seen, raises :class:`InputError` naming file, line/row and field (and
    for a repeated id both places). With ``skip_invalid`` such rows stay in the
    batch as :class:`Reject` items for the caller's rejects file; the first copy
    of an id is the one kept. This is the map-step input of a distributed build:
    each batch of records can be cleaned independently with
    :func:`benchmark.ingest.clean_batch`.
    """
    seen = SeenIds()

    def checked() -> Iterator[Item]:
        for item in iter_items(path, field_map=field_map, input_format=input_format,
                               batch_size=batch_size):
            if isinstance(item, RawRecord):
                item = seen.check(item) or item
            if isinstance(item, Reject) and not skip_invalid:
                raise item.to_error()
            yield item

    yield from batched(checked(), batch_size)
