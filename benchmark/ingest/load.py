"""load_articles: read, clean, validate and de-duplicate ids, strictly or with a rejects file."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from benchmark.distributed.executor import Executor
from benchmark.distributed.pool import ordered_map
from benchmark.errors import InputError, OutputError, SumbenchError
from benchmark.files import canonical_json, write_jsonl_atomic
from benchmark.ingest.article import clean_record
from benchmark.ingest.readers import Item, batched, duplicate_reason, iter_items
from benchmark.ingest.records import raw_json
from benchmark.ingest.store import ArticleStore
from benchmark.limits import DEFAULT_LIMITS, ReadLimits
from benchmark.rows import Reject
from benchmark.schema import Article


@dataclass
class IngestResult:
    """What ingest produced and what it refused, so nothing is lost silently."""

    articles: Sequence[Article]  # validated, cleaned, sorted by id (a list, or the given store)
    read: int  # raw records seen (including rejected ones)
    rejected: int  # rows skipped under skip_invalid (each written to the rejects file)
    rejects_path: Path | None
    rejects: list[Reject] = field(default_factory=list)


def default_rejects_path(path: str | Path) -> Path:
    """``<input>.rejects.jsonl`` beside the input (a file or a folder)."""
    p = Path(path)
    return p.with_name(p.name + ".rejects.jsonl")


#: Batches in flight per partition of an executor (reading never runs far ahead of cleaning).
WINDOW_PER_PARTITION = 4
#: Batches cleaned in the reading process before a pool of ``workers`` processes takes
#: over (starting one costs about a second: not worth it for a small input).
POOL_AFTER_BATCHES = 2


@dataclass(frozen=True)
class _Kept:
    """An accepted article's identity and where it was read (the article is in the store)."""

    content_hash: str
    origin: str
    path: str
    line: int | None
    derived_id: bool
    id_field: str

    @property
    def where(self) -> str:
        return self.path if self.line is None else f"{self.path}:{self.line}"


class _Failed(NamedTuple):
    """A row cleaning refused, with what rebuilds its exact InputError (and its raw text)."""

    reason: str
    path: str | None
    line: int | None
    field: str | None
    raw: str

    def error(self) -> InputError:
        return InputError(self.reason, path=self.path, line=self.line, field=self.field)


Cleaned = tuple[str, bytes, _Kept] | Reject | _Failed
"""One row after cleaning: (id, canonical JSON, identity), a reader's Reject, or a failure."""


def clean_items(items: Sequence[Item]) -> list[Cleaned]:
    """Clean one batch of read rows (pure: a process pool maps it over batches)."""
    out: list[Cleaned] = []
    for item in items:
        if isinstance(item, Reject):
            out.append(item)
            continue
        try:
            art = clean_record(item)
        except InputError as e:
            out.append(_Failed(e.reason, e.path, e.line, e.field, raw_json(item)))
            continue
        out.append((art.id, canonical_json(art).encode("utf-8"),
                    _Kept(art.content_hash, art.origin, item.path, item.line, item.id is None,
                          item.id_field)))
    return out


def _cleaned(batches: Iterator[list[Item]], workers: int, executor: Executor | None = None,
             ) -> Iterator[tuple[int, list[Cleaned]]]:
    """(rows, cleaned rows) per batch in input order; a pool of ``workers`` for long inputs.

    The first batches are cleaned here (a small input does not wait for a pool
    to start); memory follows a few batches in flight, not the input. An error
    of the reader itself (a file that cannot be read on) is raised after the
    rows read before it, as a serial load would meet them. With an ``executor``
    (Dask) its partitions clean windows of batches instead.
    """
    failed: list[SumbenchError] = []

    def feed() -> Iterator[list[Item]]:
        try:
            yield from batches
        except SumbenchError as e:
            failed.append(e)

    rows = feed()
    if executor is not None:
        size = max(1, executor.partitions) * WINDOW_PER_PARTITION
        while window := list(itertools.islice(rows, size)):
            yield from executor.map(_counted, executor.put(window))
    else:
        for batch in itertools.islice(rows, POOL_AFTER_BATCHES):
            yield len(batch), clean_items(batch)
        yield from ordered_map(_counted, rows, workers, what="ingest")
    if failed:
        raise failed[0]


def _counted(batch: list[Item]) -> tuple[int, list[Cleaned]]:
    return len(batch), clean_items(batch)


def load_articles(path: str | Path, *, field_map: Mapping[str, str] | None = None,
                  input_format: str | None = None, skip_invalid: bool = False,
                  rejects_path: Path | None = None, batch_size: int = 1000,
                  limits: ReadLimits = DEFAULT_LIMITS,
                  on_batch: Callable[[int], object] | None = None,
                  store: ArticleStore | None = None, workers: int = 1,
                  executor: Executor | None = None) -> IngestResult:
    """Read every article of ``path`` into validated, cleaned Articles sorted by id.

    Strict by default: the first bad row raises :class:`InputError` naming file,
    line/row and field. With ``skip_invalid`` every bad row is written (atomically)
    to ``rejects_path`` (default ``<input>.rejects.jsonl``, written only when
    something was rejected unless a path is given) and counted in ``rejected``.
    Duplicate ids are an error; under ``skip_invalid`` the copy with the smallest
    content hash is kept, so the result does not depend on input order. A row past
    ``limits`` (line or text size, JSON nesting) is a bad row like any other.
    ``on_batch(n)`` is called after each batch of ``n`` rows (progress display).

    With a ``store`` (:class:`~benchmark.ingest.store.ArticleStore`, e.g. file-backed)
    the articles go there and ``articles`` is that store, so a large corpus is
    never held in memory as objects. ``workers`` > 1 cleans batches in that many
    processes (same articles, same errors, same order of errors); an ``executor``
    (:class:`~benchmark.distributed.executor.Executor`, e.g. Dask) cleans them on its
    workers instead, with the same result.
    """
    own = store if store is not None else ArticleStore()
    kept: dict[str, _Kept] = {}
    rejects: list[Reject] = []
    read = 0
    stream = iter_items(path, field_map=field_map, input_format=input_format,
                        batch_size=batch_size, limits=limits)
    for n, results in _cleaned(batched(stream, batch_size), workers, executor):
        for item in results:
            read += 1
            if isinstance(item, Reject):
                if not skip_invalid:
                    raise item.to_error()
                rejects.append(item)
            elif isinstance(item, _Failed):
                if not skip_invalid:
                    raise item.error()
                rejects.append(Reject.from_error(item.error(), item.raw))
            else:
                _add(kept, own, *item, rejects, skip_invalid)
        if on_batch is not None:
            on_batch(n)
    rejects.sort(key=lambda r: (r.path, r.line or 0, r.reason))
    written: Path | None = None
    if skip_invalid and (rejects or rejects_path is not None):
        written = Path(rejects_path) if rejects_path is not None else default_rejects_path(path)
        try:
            write_jsonl_atomic(written, (r.as_json() for r in rejects))
        except OSError as e:
            raise OutputError(f"cannot write rejects file {written}: {e}") from None
    articles: Sequence[Article] = own if store is not None else list(own)
    return IngestResult(articles=articles, read=read, rejected=len(rejects),
                        rejects_path=written, rejects=rejects)


def _add(kept: dict[str, _Kept], store: ArticleStore, aid: str, line: bytes, new: _Kept,
         rejects: list[Reject], skip_invalid: bool) -> None:
    """Keep ids unique: strict mode names both places, skip mode keeps one copy."""
    old = kept.get(aid)
    if old is None:
        kept[aid] = new
        store.put(aid, line)
        return
    if not skip_invalid:
        raise InputError(duplicate_reason(aid, new.derived_id, old.where, kept=False),
                         path=new.path, line=new.line, field=new.id_field)
    old_line = store.line(aid)
    (keep, _), (drop, drop_line) = sorted(((old, old_line), (new, line)),
                                          key=lambda k: (k[0].content_hash, k[0].origin))
    if keep is new:
        kept[aid] = new
        store.put(aid, line)
    rejects.append(Reject(drop.path, drop.line, drop.id_field,
                          duplicate_reason(aid, drop.derived_id, keep.where, kept=True),
                          Article.model_validate_json(drop_line).model_dump_json()))
