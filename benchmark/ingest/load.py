"""load_articles: read, clean, validate and de-duplicate ids, strictly or with a rejects file."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from benchmark.errors import InputError, OutputError
from benchmark.files import write_jsonl_atomic
from benchmark.ingest.article import clean_record
from benchmark.ingest.readers import batched, duplicate_reason, iter_items
from benchmark.ingest.records import raw_json
from benchmark.limits import DEFAULT_LIMITS, ReadLimits
from benchmark.rows import Reject
from benchmark.schema import Article


@dataclass
class IngestResult:
    """What ingest produced and what it refused, so nothing is lost silently."""

    articles: list[Article]  # validated, cleaned, sorted by id
    read: int  # raw records seen (including rejected ones)
    rejected: int  # rows skipped under skip_invalid (each written to the rejects file)
    rejects_path: Path | None
    rejects: list[Reject] = field(default_factory=list)


def default_rejects_path(path: str | Path) -> Path:
    """``<input>.rejects.jsonl`` beside the input (a file or a folder)."""
    p = Path(path)
    return p.with_name(p.name + ".rejects.jsonl")


@dataclass(frozen=True)
class _Kept:
    """An accepted article and where it was read (not the raw text: memory)."""

    article: Article
    path: str
    line: int | None
    derived_id: bool
    id_field: str

    @property
    def where(self) -> str:
        return self.path if self.line is None else f"{self.path}:{self.line}"


def load_articles(path: str | Path, *, field_map: Mapping[str, str] | None = None,
                  input_format: str | None = None, skip_invalid: bool = False,
                  rejects_path: Path | None = None, batch_size: int = 1000,
                  limits: ReadLimits = DEFAULT_LIMITS,
                  on_batch: Callable[[int], object] | None = None) -> IngestResult:
    """Read every article of ``path`` into validated, cleaned Articles sorted by id.

    Strict by default: the first bad row raises :class:`InputError` naming file,
    line/row and field. With ``skip_invalid`` every bad row is written (atomically)
    to ``rejects_path`` (default ``<input>.rejects.jsonl``, written only when
    something was rejected unless a path is given) and counted in ``rejected``.
    Duplicate ids are an error; under ``skip_invalid`` the copy with the smallest
    content hash is kept, so the result does not depend on input order. A row past
    ``limits`` (line or text size, JSON nesting) is a bad row like any other.
    ``on_batch(n)`` is called after each batch of ``n`` rows (progress display).
    """
    kept: dict[str, _Kept] = {}
    rejects: list[Reject] = []
    read = 0
    stream = iter_items(path, field_map=field_map, input_format=input_format,
                        batch_size=batch_size, limits=limits)
    for batch in batched(stream, batch_size):
        for item in batch:
            read += 1
            if isinstance(item, Reject):
                if not skip_invalid:
                    raise item.to_error()
                rejects.append(item)
                continue
            try:
                art = clean_record(item)
            except InputError as e:
                if not skip_invalid:
                    raise
                rejects.append(Reject.from_error(e, raw_json(item)))
                continue
            _add(kept, _Kept(art, item.path, item.line, item.id is None, item.id_field), rejects,
                 skip_invalid)
        if on_batch is not None:
            on_batch(len(batch))
    return finish_load(path, kept, rejects, read, skip_invalid, rejects_path)


def finish_load(path: str | Path, kept: dict[str, _Kept], rejects: list[Reject], read: int,
                skip_invalid: bool, rejects_path: Path | None) -> IngestResult:
    """The articles sorted by id, the rejects sorted and written: the end of every load."""
    articles = [kept[k].article for k in sorted(kept)]
    rejects.sort(key=lambda r: (r.path, r.line or 0, r.reason))
    written: Path | None = None
    if skip_invalid and (rejects or rejects_path is not None):
        written = Path(rejects_path) if rejects_path is not None else default_rejects_path(path)
        try:
            write_jsonl_atomic(written, (r.as_json() for r in rejects))
        except OSError as e:
            raise OutputError(f"cannot write rejects file {written}: {e}") from None
    return IngestResult(articles=articles, read=read, rejected=len(rejects),
                        rejects_path=written, rejects=rejects)


def _add(kept: dict[str, _Kept], new: _Kept, rejects: list[Reject], skip_invalid: bool) -> None:
    """Keep ids unique: strict mode names both places, skip mode keeps one copy."""
    aid = new.article.id
    old = kept.get(aid)
    if old is None:
        kept[aid] = new
        return
    if not skip_invalid:
        raise InputError(duplicate_reason(aid, new.derived_id, old.where, kept=False),
                         path=new.path, line=new.line, field=new.id_field)
    keep, drop = sorted((old, new), key=lambda k: (k.article.content_hash, k.article.origin))
    kept[aid] = keep
    rejects.append(Reject(drop.path, drop.line, drop.id_field,
                          duplicate_reason(aid, drop.derived_id, keep.where, kept=True),
                          drop.article.model_dump_json()))
