"""Readers: every supported input format -> a stream of raw records or rejects.

Readers never clean and never skip silently: a row they cannot read becomes a
:class:`Reject` carrying file, line/row, field and reason. Strict callers turn
the first reject into an :class:`InputError`; ``skip_invalid`` callers write it
to the rejects file. Rows are streamed, so memory stays proportional to a batch.
"""

from __future__ import annotations

import csv
import gzip
import json
import sys
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO, cast

from benchmark.errors import ConfigError, InputError
from benchmark.ingest.records import (
    REQUIRED,
    RawRecord,
    Reject,
    check_field_map,
    column_for,
    record_from_mapping,
)

FORMATS: tuple[str, ...] = ("txt", "jsonl", "csv", "parquet", "hf")
_SUFFIXES: dict[str, str] = {
    ".txt": "txt", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".tsv": "csv",
    ".parquet": "parquet", ".pq": "parquet",
}
_HF_MARKERS = ("dataset_info.json", "state.json", "dataset_dict.json")

Item = RawRecord | Reject


def detect_format(path: str | Path) -> str:
    """Guess the input format from the path: a folder of .txt, a saved dataset, or a suffix."""
    p = Path(path)
    if not p.exists():
        raise InputError("no such file or directory", path=p)
    if p.is_dir():
        if any((p / m).is_file() for m in _HF_MARKERS):
            return "hf"
        return "txt"
    suffixes = [x.lower() for x in p.suffixes]
    compressed = suffixes[-1:] == [".gz"]
    suffix = (suffixes[-2] if len(suffixes) > 1 else "") if compressed else p.suffix.lower()
    fmt = _SUFFIXES.get(suffix)
    if fmt is None or (compressed and fmt not in {"jsonl", "csv"}):
        raise InputError(
            f"unknown input format {''.join(p.suffixes[-2:]) or '(no suffix)'!r}; expected a "
            "folder of .txt, .jsonl, .csv (optionally .gz), .parquet or a datasets folder "
            "(or pass input_format)", path=p)
    return fmt


def _decode(data: bytes, path: Path, line: int | None = None) -> str | Reject:
    """Decode UTF-8 strictly; on failure name the line and byte, never guess."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        where = line if line is not None else data[: e.start].count(b"\n") + 1
        bad = data[e.start : e.start + 4]
        return Reject(str(path), where, None,
                      f"not valid UTF-8 (byte {bad[:1]!r} at offset {e.start}"
                      f"{'' if line is None else ' in the line'}); re-encode the file as UTF-8",
                      data.decode("utf-8", "replace")[:2000])


def _read_txt(path: Path) -> Iterator[Item]:
    files = [path] if path.is_file() else sorted(
        (f for f in path.rglob("*.txt") if f.is_file()),
        key=lambda f: f.relative_to(path).as_posix())
    if not files:
        raise InputError("folder holds no .txt files", path=path)
    for f in files:
        text = _decode(f.read_bytes(), f)
        if isinstance(text, Reject):
            yield text
            continue
        origin = f.name if f == path else f"{path.name}/{f.relative_to(path).as_posix()}"
        yield RawRecord(id=f.stem, title=None, text=text.lstrip("\ufeff"), source=None,
                        url=None, date=None, language=None, origin=origin, path=str(f))


def _open_binary(path: Path) -> BinaryIO:
    """Open for reading bytes; ``.gz`` files are decompressed on the fly."""
    if path.suffix.lower() == ".gz":
        return cast(BinaryIO, gzip.open(path, "rb"))
    return open(path, "rb")


def _read_jsonl(path: Path, fmap: Mapping[str, str]) -> Iterator[Item]:
    with _open_binary(path) as fh:
        for n, data in enumerate(fh, start=1):
            text = _decode(data, path, n)
            if isinstance(text, Reject):
                yield text
                continue
            if n == 1:
                text = text.lstrip("\ufeff")
            if not text.strip():
                continue
            try:
                obj = json.loads(text)
            except json.JSONDecodeError as e:
                yield Reject(str(path), n, None, f"malformed JSON: {e.msg} (column {e.colno})",
                             text.rstrip("\r\n"))
                continue
            if not isinstance(obj, dict):
                yield Reject(str(path), n, None,
                             f"expected a JSON object, got {type(obj).__name__}", text.rstrip())
                continue
            yield _record(obj, fmap, path, n, text.rstrip("\r\n"))


def _record(row: Mapping[str, Any], fmap: Mapping[str, str], path: Path, line: int,
            raw: str | None = None, origin: str | None = None) -> Item:
    """``origin`` names the input relative to itself (``file.jsonl:3``) so that
    articles do not depend on where the input sits; errors keep the full path."""
    try:
        return record_from_mapping(row, fmap, path=str(path), line=line,
                                   origin=origin or f"{path.name}:{line}")
    except InputError as e:
        if raw is None:
            raw = json.dumps(row, ensure_ascii=False, default=str)
        return Reject.from_error(e, raw)


def _require_columns(columns: Iterable[str], fmap: Mapping[str, str], path: Path) -> None:
    """A table without the text column is a file-level error, not a row to skip."""
    cols = list(columns)
    needed = [column_for(REQUIRED, cols, fmap)]
    needed += [c for k, c in fmap.items() if k != REQUIRED]
    for col in needed:
        if col not in cols:
            raise InputError(f"column {col!r} not found; columns are {cols}", path=path,
                             field=col)


def _read_csv(path: Path, fmap: Mapping[str, str]) -> Iterator[Item]:
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    delimiter = "\t" if ".tsv" in [x.lower() for x in path.suffixes[-2:]] else ","
    count = [0]
    with _open_binary(path) as fh:

        def lines() -> Iterator[str]:
            for data in fh:
                count[0] += 1
                yield data.decode("utf-8", "surrogateescape")

        reader = csv.reader(lines(), delimiter=delimiter, strict=True)
        try:
            header = next(reader)
        except StopIteration:
            raise InputError("empty CSV file (no header row)", path=path, line=1) from None
        except csv.Error as e:
            raise InputError(f"unreadable CSV header: {e}", path=path, line=1) from None
        header = [h.lstrip("\ufeff") if i == 0 else h for i, h in enumerate(header)]
        if any(_has_surrogates(h) for h in header):
            raise InputError("not valid UTF-8 in the header row", path=path, line=1)
        if len(set(header)) != len(header):
            dup = sorted({h for h in header if header.count(h) > 1})
            raise InputError(f"duplicate column names {dup}", path=path, line=1)
        _require_columns(header, fmap, path)
        while True:
            start = count[0] + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as e:
                yield Reject(str(path), start, None, f"bad CSV row: {e}")
                continue
            if not row:
                continue
            raw = ",".join(row).encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            if len(row) != len(header):
                yield Reject(str(path), start, None,
                             f"bad CSV row: expected {len(header)} columns, got {len(row)}", raw)
                continue
            bad = [h for h, v in zip(header, row, strict=True) if _has_surrogates(v)]
            if bad:
                yield Reject(str(path), start, bad[0],
                             "not valid UTF-8; re-encode the file as UTF-8", raw)
                continue
            yield _record(dict(zip(header, row, strict=True)), fmap, path, start, raw)


def _has_surrogates(value: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in value)


def _read_parquet(path: Path, fmap: Mapping[str, str], batch_size: int) -> Iterator[Item]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as e:
        raise InputError(f"not a readable Parquet file: {e}", path=path) from None
    _require_columns(pf.schema_arrow.names, fmap, path)
    row = 0
    try:
        for batch in pf.iter_batches(batch_size=max(1, batch_size)):
            for obj in batch.to_pylist():
                row += 1
                yield _record(obj, fmap, path, row)
    except pa.ArrowException as e:
        raise InputError(f"corrupt Parquet data after row {row}: {e}", path=path,
                         line=row + 1) from None


def _read_hf(path: Path, fmap: Mapping[str, str], batch_size: int) -> Iterator[Item]:
    import datasets  # heavy: only when a saved dataset is read

    try:
        loaded = datasets.load_from_disk(str(path))
    except (FileNotFoundError, ValueError, OSError) as e:
        raise InputError(f"not a readable `datasets` folder: {e}", path=path) from None
    if isinstance(loaded, datasets.DatasetDict):
        parts = [(name, loaded[name]) for name in sorted(loaded)]
    else:
        parts = [(None, loaded)]
    for split, ds in parts:
        where = path if split is None else Path(f"{path}[{split}]")
        _require_columns(ds.column_names, fmap, where)
        row = 0
        for batch in ds.iter(batch_size=max(1, batch_size)):
            cols = list(batch)
            n = len(batch[cols[0]]) if cols else 0
            for i in range(n):
                row += 1
                yield _record({c: batch[c][i] for c in cols}, fmap, where, row,
                              origin=f"{where.name}:{row}")


def iter_items(path: str | Path, *, field_map: Mapping[str, str] | None = None,
               input_format: str | None = None, batch_size: int = 1000) -> Iterator[Item]:
    """Stream every record or reject of ``path`` in input order (see module doc)."""
    p = Path(path)
    if not p.exists():
        raise InputError("no such file or directory", path=p)
    fmt = input_format or detect_format(p)
    if fmt not in FORMATS:
        raise InputError(f"unknown input format {fmt!r}; expected one of {', '.join(FORMATS)}",
                         path=p, field="input_format")
    fmap = check_field_map(field_map)
    if fmt == "txt":
        if fmap:
            raise InputError("a field map does not apply to .txt input", path=p,
                             field="field_map")
        yield from _read_txt(p)
    elif fmt == "jsonl":
        yield from _read_jsonl(p, fmap)
    elif fmt == "csv":
        yield from _read_csv(p, fmap)
    elif fmt == "parquet":
        yield from _read_parquet(p, fmap, batch_size)
    else:
        yield from _read_hf(p, fmap, batch_size)


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


def iter_raw_batches(path: str | Path, *, field_map: Mapping[str, str] | None = None,
                     input_format: str | None = None,
                     batch_size: int = 1000) -> Iterator[list[RawRecord]]:
    """Read ``path`` as batches of raw records; the first unreadable row raises InputError.

    This is the map-step input of a distributed build: each batch can be cleaned
    independently with :func:`benchmark.ingest.clean_batch`.
    """
    stream = iter_items(path, field_map=field_map, input_format=input_format,
                        batch_size=batch_size)
    for batch in batched(stream, batch_size):
        out: list[RawRecord] = []
        for item in batch:
            if isinstance(item, Reject):
                raise item.to_error()
            out.append(item)
        yield out
