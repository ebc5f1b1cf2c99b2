"""ArticleStore: cleaned articles as canonical JSON lines, in memory or in a file on disk.

A crawl of 100,000 articles is ~630 MB as pydantic objects but ~140 MB as
canonical JSON, and nothing at all in memory when the lines sit in a file: the
build keeps its articles here (in a temporary file beside the output) and reads
one back when a stage needs it (profiling, examples, export). Parsing a line
back gives an equal Article (every field round-trips through JSON), and the
lines are exactly what ``articles.jsonl`` holds, so export copies them.

The store is a read-only ``Sequence[Article]`` in id order once filled;
:attr:`ArticleStore.by_id` is the ``Mapping`` view the example builders take.
:class:`RecordStore` is the same for any record with an ``id`` (a distributed
build keeps its clusters, with their edges' evidence, in one).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, Generic, TypeVar, overload

from benchmark.files import canonical_json
from benchmark.schema import Article

__all__ = ["ArticleStore", "RecordStore"]

R = TypeVar("R", bound=Any)


class RecordStore(Sequence[R], Generic[R]):
    """Records of one pydantic type by id, stored as canonical JSON lines; ``path=None``
    keeps the lines in memory.

    ``put``/``add`` replace a record of the same id (the dead bytes stay in the
    file until it is closed). Reads use ``os.pread``, so they never move a
    shared file position.
    """

    def __init__(self, record: type[R], path: str | Path | None = None) -> None:
        self.record = record
        self.path = Path(path) if path is not None else None
        self._lines: dict[str, bytes] = {}
        self._where: dict[str, tuple[int, int]] = {}
        # held open for the store's lifetime (closed by close() or the with block)
        self._fh: IO[bytes] | None = (
            open(self.path, "w+b") if self.path is not None else None  # noqa: SIM115
        )
        self._end = 0
        self._ids: list[str] | None = None
        self._unflushed = False

    # --- filling -------------------------------------------------------------------------
    def put(self, article_id: str, line: bytes) -> None:
        """Store one record's canonical JSON (no newline), replacing any of the same id."""
        self._ids = None
        if self._fh is None:
            self._lines[article_id] = line
            return
        self._fh.write(line + b"\n")
        self._unflushed = True
        self._where[article_id] = (self._end, len(line))
        self._end += len(line) + 1

    def add(self, record: R) -> None:
        """Store a record (as :func:`~benchmark.files.canonical_json`)."""
        self.put(record.id, canonical_json(record).encode("utf-8"))

    # --- reading -------------------------------------------------------------------------
    @property
    def ids(self) -> list[str]:
        """Every id, sorted."""
        if self._ids is None:
            self._ids = sorted(self._where if self._fh is not None else self._lines)
        return self._ids

    def line(self, article_id: str) -> bytes:
        """The canonical JSON of one record (KeyError for an unknown id)."""
        if self._fh is None:
            return self._lines[article_id]
        offset, length = self._where[article_id]
        if self._unflushed:
            self._fh.flush()
            self._unflushed = False
        return os.pread(self._fh.fileno(), length, offset)

    def get(self, article_id: str) -> R:
        """The record of one id (KeyError for an unknown id)."""
        return self.record.model_validate_json(self.line(article_id))

    def has(self, article_id: str) -> bool:
        """Whether a record of this id is stored."""
        return article_id in (self._where if self._fh is not None else self._lines)

    def __len__(self) -> int:
        return len(self._where) if self._fh is not None else len(self._lines)

    @overload
    def __getitem__(self, index: int) -> R: ...
    @overload
    def __getitem__(self, index: slice) -> list[R]: ...
    def __getitem__(self, index: int | slice) -> R | list[R]:
        if isinstance(index, slice):
            return [self.get(i) for i in self.ids[index]]
        return self.get(self.ids[index])

    def __iter__(self) -> Iterator[R]:
        for i in self.ids:
            yield self.get(i)

    def lines(self) -> Iterator[bytes]:
        """The canonical JSON lines in id order (what ``articles.jsonl`` holds)."""
        for i in self.ids:
            yield self.line(i)

    @property
    def by_id(self) -> Mapping[str, R]:
        """A read-only ``Mapping`` view: id -> record, parsed on each lookup."""
        return _ById(self)

    def close(self) -> None:
        """Close (and keep) the file of a file-backed store; the in-memory one is emptied."""
        if self._fh is not None:
            self._fh.close()
        self._lines.clear()

    def __enter__(self) -> RecordStore[R]:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


class ArticleStore(RecordStore[Article]):
    """Articles by id (:class:`RecordStore` of :class:`~benchmark.schema.Article`)."""

    def __init__(self, path: str | Path | None = None) -> None:
        super().__init__(Article, path)

    def __enter__(self) -> ArticleStore:
        return self


class _ById(Mapping[str, R]):
    """``store.by_id``: looks records up by id without holding them."""

    def __init__(self, store: RecordStore[R]) -> None:
        self._store = store

    def __getitem__(self, article_id: str) -> R:
        return self._store.get(article_id)

    def __contains__(self, article_id: object) -> bool:
        return isinstance(article_id, str) and self._store.has(article_id)

    def __iter__(self) -> Iterator[str]:
        return iter(self._store.ids)

    def __len__(self) -> int:
        return len(self._store)
