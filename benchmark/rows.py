"""Located rows: every supported input format -> a stream of rows that know where they are.

This is the one place that reads input files row by row, for ``sumbench build``
(:mod:`benchmark.ingest`) and ``sumbench import`` (:mod:`benchmark.dataset.importer`)
alike, so both report a bad byte, a broken JSON line or a short CSV row the
same way. It knows nothing of articles or examples: a row is a mapping from
column names to values plus its location, and a row that cannot be read at all
is a :class:`Reject` with file, line/row, field and reason. Problems that make
the whole input unreadable (missing file, unknown format, no CSV header, a
broken Parquet footer) raise :class:`InputError` instead.

Everything is streamed: JSONL and CSV line by line (``.gz`` decompressed on the
fly), Parquet and saved ``datasets`` folders one batch at a time, a ``.txt``
folder one file at a time, so memory stays proportional to a batch. Hostile
input is bounded by :class:`ReadLimits` (line and field size, JSON nesting,
gzip expansion): a row past a limit is a :class:`Reject` naming the limit and
the option that raises it, never a ``MemoryError``, ``RecursionError`` or hang.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import json
import sys
import zlib
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, cast

from benchmark.errors import InputError
from benchmark.limits import (
    DEFAULT_LIMITS,
    GZIP_RATIO_FLOOR,
    ReadLimits,
    line_too_long,
    too_deep,
    too_large,
)

#: every format the row layer reads; ``txt`` is a folder of .txt files (or one file)
FORMATS: tuple[str, ...] = ("txt", "jsonl", "csv", "parquet", "hf")
#: formats whose rows are tables with named columns (what ``sumbench import`` takes)
TABLE_FORMATS: tuple[str, ...] = ("jsonl", "csv", "parquet", "hf")
_SUFFIXES: dict[str, str] = {
    ".txt": "txt", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv",
    ".tsv": "csv", ".parquet": "parquet", ".pq": "parquet",
}
_GZIP_OK = {"jsonl", "csv"}
#: files that mark a folder written by ``datasets``' ``save_to_disk``
HF_MARKERS: tuple[str, ...] = ("dataset_info.json", "state.json", "dataset_dict.json")
_RAW_CHARS = 2000  # how much of an undecodable file a reject keeps

#: the path that means standard input (as in sacreBLEU and most Unix tools)
STDIN = "-"
_stdin_read: list[Any] = []  # the stdin objects already read to the end

#: called with a table's column names and its location before its first row
ColumnCheck = Callable[[Sequence[str], str], None]



@dataclass(frozen=True, slots=True)
class Row:
    """One input row as read, and where: enough for any caller to name file, line and field.

    ``path`` is the file (``folder[split]`` for a saved DatasetDict) as given, for
    messages; ``name`` is the same relative to the input (``corpus.jsonl``,
    ``raw/000.txt``, ``saved[test]``), so outputs do not depend on where the input
    sits. ``line`` is the line where the row starts (JSONL, CSV), the 1-based row
    number (Parquet, per split for datasets) or None (a whole .txt file).
    """

    path: str
    line: int | None
    data: dict[str, Any]
    name: str
    split: str | None = None
    raw: str | None = None  # the row's text as read (JSONL, CSV), for rejects files

    @property
    def origin(self) -> str:
        """``name:line`` (or ``name``): the row's place relative to the input."""
        return self.name if self.line is None else f"{self.name}:{self.line}"

    @property
    def where(self) -> str:
        """``path:line`` (or ``path``): the row's place for messages."""
        return self.path if self.line is None else f"{self.path}:{self.line}"


@dataclass(frozen=True, slots=True)
class Reject:
    """A row that could not be read (or, one layer up, mapped or cleaned), with where and why.

    Strict callers raise :meth:`to_error`; ``skip_invalid`` callers write
    :meth:`as_json` to a rejects file, so nothing is lost silently.
    """

    path: str
    line: int | None
    field: str | None
    reason: str
    raw: str | None = None

    @classmethod
    def from_error(cls, err: InputError, raw: str | None = None) -> Reject:
        """Keep an :class:`InputError`'s location so skip mode loses nothing."""
        return cls(err.path or "", err.line, err.field, err.reason, raw)

    def to_error(self) -> InputError:
        """Turn back into the error strict mode raises."""
        return InputError(self.reason, path=self.path, line=self.line, field=self.field)

    def as_json(self) -> dict[str, Any]:
        """The line written to a rejects file."""
        loc = self.path if self.line is None else f"{self.path}:{self.line}"
        return {"location": loc, "path": self.path, "line": self.line, "field": self.field,
                "reason": self.reason, "raw": self.raw}


Item = Row | Reject


@contextlib.contextmanager
def hf_offline() -> Iterator[None]:
    """``datasets`` work offline and without progress bars, restored afterwards.

    Why not ``HF_DATASETS_OFFLINE`` in ``os.environ``: that would change the whole
    process of whoever imports sumbench (and ``datasets`` reads it only when first
    imported). The same switches live in ``datasets.config`` and
    ``huggingface_hub.constants``; sumbench sets them only around its own calls.
    """
    import datasets
    import huggingface_hub.constants as hub

    cfg = datasets.config
    saved = (cfg.HF_DATASETS_OFFLINE, cfg.HF_HUB_OFFLINE, cfg.HF_UPDATE_DOWNLOAD_COUNTS,
             hub.HF_HUB_OFFLINE)
    bars_were_off = datasets.are_progress_bars_disabled()
    cfg.HF_DATASETS_OFFLINE = cfg.HF_HUB_OFFLINE = hub.HF_HUB_OFFLINE = True
    cfg.HF_UPDATE_DOWNLOAD_COUNTS = False
    datasets.disable_progress_bars()
    try:
        yield
    finally:
        (cfg.HF_DATASETS_OFFLINE, cfg.HF_HUB_OFFLINE, cfg.HF_UPDATE_DOWNLOAD_COUNTS,
         hub.HF_HUB_OFFLINE) = saved
        if not bars_were_off:
            datasets.enable_progress_bars()


def is_stdin(path: str | Path) -> bool:
    """True for ``-``, the path that names standard input."""
    return str(path) == STDIN


def read_stdin() -> bytes:
    """All of standard input, once per process: a second ``-`` would silently read nothing."""
    if any(s is sys.stdin for s in _stdin_read):
        raise InputError("standard input ('-') can be read only once; give the other "
                         "inputs as files")
    _stdin_read[:] = [sys.stdin]
    return sys.stdin.buffer.read()


def detect_format(path: str | Path, formats: Sequence[str] = FORMATS) -> str:
    """Guess the input format from the path: a saved dataset, a .txt folder, or a suffix.

    ``formats`` lists what the caller accepts, so a folder or suffix it cannot use
    fails here with a message naming the alternatives, not later mid-stream.
    """
    p = Path(path)
    if is_stdin(p) and "jsonl" in formats:
        return "jsonl"  # standard input has no suffix: JSON lines unless the format is given
    if not p.exists():
        raise InputError("no such file or directory", path=p)
    if p.is_dir():
        if "hf" in formats and any((p / m).is_file() for m in HF_MARKERS):
            return "hf"
        if "txt" in formats:
            return "txt"
        raise InputError("folder is not a saved `datasets` dataset (no "
                         f"{', '.join(HF_MARKERS)})", path=p)
    suffixes = [x.lower() for x in p.suffixes]
    compressed = suffixes[-1:] == [".gz"]
    suffix = (suffixes[-2] if len(suffixes) > 1 else "") if compressed else p.suffix.lower()
    fmt = _SUFFIXES.get(suffix)
    if fmt is None or fmt not in formats or (compressed and fmt not in _GZIP_OK):
        known = sorted(s for s, f in _SUFFIXES.items() if f in formats)
        raise InputError(
            f"unknown input format {''.join(p.suffixes[-2:]) or '(no suffix)'!r}; expected "
            f"{', '.join(known)} ({', '.join(sorted(_GZIP_OK & set(formats)))} optionally .gz)"
            f"{' or a datasets folder' if 'hf' in formats else ''} (or pass the format)",
            path=p)
    return fmt


def iter_rows(path: str | Path, input_format: str | None = None, *,
              formats: Sequence[str] = FORMATS, batch_size: int = 1000,
              on_columns: ColumnCheck | None = None,
              limits: ReadLimits = DEFAULT_LIMITS) -> Iterator[Item]:
    """Stream every row of ``path`` in input order, or a :class:`Reject` where one is unreadable.

    ``input_format`` (one of ``formats``) overrides :func:`detect_format`.
    ``on_columns(columns, where)`` runs once per table that declares its columns
    (CSV header, Parquet schema, each split of a saved dataset) before its rows,
    so a caller can refuse a table missing a column it needs by raising.
    Blank lines, and CSV rows whose cells are all blank, are not rows. A row past
    one of ``limits`` is a :class:`Reject`; a ``.gz`` file that expands past
    ``limits.max_gzip_ratio`` raises :class:`InputError`.
    """
    p = Path(path)
    if not p.exists() and not is_stdin(p):
        raise InputError("no such file or directory", path=p)
    fmt = input_format or detect_format(p, formats)
    if is_stdin(p) and fmt not in _GZIP_OK:
        raise InputError(f"standard input can be JSON lines or CSV, not {fmt}", path="<stdin>")
    if fmt not in formats:
        raise InputError(f"unknown input format {fmt!r}; expected one of {', '.join(formats)}",
                         path=p, field="input_format")
    if fmt == "txt":
        yield from _txt_rows(p, limits)
    elif fmt == "jsonl":
        yield from _read_guard(_jsonl_rows(p, limits), p)
    elif fmt == "csv":
        yield from _read_guard(_csv_rows(p, on_columns, limits), p)
    elif fmt == "parquet":
        yield from _parquet_rows(p, max(1, batch_size), on_columns, limits)
    else:
        yield from _hf_rows(p, max(1, batch_size), on_columns, limits)


def _read_guard(items: Iterator[Item], path: Path) -> Iterator[Item]:
    """An unreadable file or a damaged ``.gz`` is an :class:`InputError`, not a traceback."""
    line = 0
    try:
        for item in items:
            line = item.line or line
            yield item
    except (OSError, EOFError, zlib.error) as e:  # gzip raises all three
        after = f" after line {line}" if line else ""
        raise InputError(f"cannot read file{after}: {e}", path=path) from None


def _utf8_reject(path: str, line: int, data: bytes, err: UnicodeDecodeError, *,
                 in_line: bool, field: str | None = None, raw: str | None = None) -> Reject:
    """Name the offending byte and where it sits; never guess another encoding."""
    byte = data[err.start : err.start + 1]
    return Reject(path, line, field,
                  f"not valid UTF-8 (byte {byte!r} at offset {err.start}"
                  f"{' in the line' if in_line else ''}); re-encode the file as UTF-8",
                  raw if raw is not None
                  else data.decode("utf-8", "replace")[:_RAW_CHARS].rstrip("\r\n"))


def _txt_rows(path: Path, limits: ReadLimits) -> Iterator[Item]:
    """A .txt file (or every .txt below a folder, in sorted path order) is one row each."""
    files = [path] if path.is_file() else sorted(
        (f for f in path.rglob("*.txt") if f.is_file()),
        key=lambda f: f.relative_to(path).as_posix())
    if not files:
        raise InputError("folder holds no .txt files", path=path)
    for f in files:
        # UTF-8 needs at most 4 bytes a character: a bigger file is refused unread
        if f.stat().st_size > 4 * limits.max_field_chars + 3:
            yield Reject(str(f), None, "text", f"file of {f.stat().st_size:,} bytes holds more "
                         f"than the limit of {limits.max_field_chars:,} characters (raise it "
                         "with --max-field-chars)")
            continue
        data = f.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            yield _utf8_reject(str(f), data[: e.start].count(b"\n") + 1, data, e, in_line=False)
            continue
        name = f.name if f == path else f"{path.name}/{f.relative_to(path).as_posix()}"
        row = {"id": f.stem, "text": text.lstrip("\ufeff")}
        bad = too_large(row, limits)
        if bad:
            yield Reject(str(f), None, bad[0], bad[1])
            continue
        yield Row(str(f), None, row, name)


def _open_raw(path: Path) -> BinaryIO:
    """The file's bytes as stored (``-`` is standard input, read whole)."""
    return io.BytesIO(read_stdin()) if is_stdin(path) else open(path, "rb")


#: a line number and its bytes, or None for a line past the size limit
LineStream = Generator[tuple[int, bytes | None], None, None]


def _bounded_lines(path: Path, limits: ReadLimits) -> LineStream:
    """``(line number, bytes)`` of each line (``.gz`` decompressed on the fly), None for a line
    over the size limit (read past in chunks, never held); a ``.gz`` that expands past
    ``max_gzip_ratio`` times the compressed bytes read raises :class:`InputError`."""
    limit, chunk = limits.max_line_bytes, 2**20
    with _open_raw(path) as raw:
        gz = path.suffix.lower() == ".gz"
        fh = cast(BinaryIO, gzip.GzipFile(fileobj=raw, mode="rb")) if gz else raw
        total, n = 0, 0

        def expand(data: bytes) -> None:
            nonlocal total
            total += len(data)
            if gz and total > GZIP_RATIO_FLOOR and total > limits.max_gzip_ratio * raw.tell():
                raise InputError(
                    f"decompresses to more than {limits.max_gzip_ratio:g} times its compressed "
                    f"size by line {n} (a gzip bomb?); if the file is genuine, raise "
                    "--max-gzip-ratio", path=path)

        try:
            while data := fh.readline(limit + 1):
                n += 1
                expand(data)
                if len(data) <= limit or data.endswith(b"\n"):
                    yield n, data
                    continue
                while rest := fh.readline(chunk):
                    expand(rest)
                    if rest.endswith(b"\n"):
                        break
                yield n, None
        finally:
            fh.close()


def _jsonl_rows(path: Path, limits: ReadLimits) -> Iterator[Item]:
    where = "<stdin>" if is_stdin(path) else str(path)
    for n, data in _bounded_lines(path, limits):
        if data is None:
            yield Reject(where, n, None, line_too_long(limits))
            continue
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            yield _utf8_reject(where, n, data, e, in_line=True)
            continue
        if n == 1:
            text = text.lstrip("\ufeff")
        if not text.strip():
            continue
        raw = text.rstrip("\r\n")
        try:
            obj = json.loads(raw)  # without the newline, so columns point into the line
        except json.JSONDecodeError as e:
            yield Reject(where, n, None, f"malformed JSON: {e.msg} (column {e.colno})", raw)
            continue
        except RecursionError:
            yield Reject(where, n, None, too_deep(limits), raw[:_RAW_CHARS])
            continue
        if not isinstance(obj, dict):
            yield Reject(where, n, None,
                         f"expected a JSON object, got {type(obj).__name__}", raw)
            continue
        bad = too_large(obj, limits)
        if bad:
            yield Reject(where, n, bad[0], bad[1], raw[:_RAW_CHARS])
            continue
        yield Row(where, n, obj, path.name, raw=raw)


class _Lines:
    """Decoded lines of a binary file that remember which lines were not UTF-8.

    Bad bytes are kept as surrogates (``surrogateescape``) so the CSV parser still
    sees the row's shape; the row is then rejected naming the column and line. A
    line over the size limit reaches the parser as an empty line and is noted in
    ``long``, so its row is rejected too.
    """

    def __init__(self, lines: Iterator[tuple[int, bytes | None]]) -> None:
        self.lines = lines
        self.count = 0
        self.bad: dict[int, tuple[bytes, UnicodeDecodeError]] = {}  # lines of the current row
        self.long: list[int] = []  # over-long lines of the current row

    def __iter__(self) -> Iterator[str]:
        for count, data in self.lines:
            self.count = count
            if data is None:
                self.long.append(self.count)
                yield "\n"
                continue
            try:
                yield data.decode("utf-8")
            except UnicodeDecodeError as e:
                self.bad[self.count] = (data, e)
                yield data.decode("utf-8", "surrogateescape")


def _has_surrogates(value: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in value)


def _csv_header(reader: Iterator[list[str]], lines: _Lines, path: Path) -> list[str]:
    """The header row, checked: present, UTF-8, parseable, no repeated names."""
    try:
        header = next(reader)
    except StopIteration:
        raise InputError("empty CSV file (no header row)", path=path, line=1) from None
    except csv.Error as e:
        raise InputError(f"unreadable CSV header: {e}", path=path, line=1) from None
    if lines.bad:
        raise InputError("not valid UTF-8 in the header row", path=path, line=1)
    header = [h.lstrip("\ufeff") if i == 0 else h for i, h in enumerate(header)]
    if len(set(header)) != len(header):
        dup = sorted({h for h in header if header.count(h) > 1})
        raise InputError(f"duplicate column names {dup}", path=path, line=1)
    return header


def _csv_rows(path: Path, on_columns: ColumnCheck | None, limits: ReadLimits) -> Iterator[Item]:
    # a quoted value may span lines: the parser itself stops it past the field limit
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1, limits.max_field_chars))
    delimiter = "\t" if ".tsv" in [x.lower() for x in path.suffixes[-2:]] else ","
    where = "<stdin>" if is_stdin(path) else str(path)
    lines_in = _bounded_lines(path, limits)
    try:
        lines = _Lines(lines_in)
        reader = csv.reader(lines, delimiter=delimiter, strict=True)
        header = _csv_header(reader, lines, path)
        if on_columns is not None:
            on_columns(header, where)
        while True:
            lines.bad.clear()
            lines.long.clear()
            start = lines.count + 1
            try:
                values = next(reader)
            except StopIteration:
                break
            except csv.Error as e:
                reason = (f"a value is over the limit of {limits.max_field_chars:,} characters "
                          "(raise it with --max-field-chars)" if "field limit" in str(e)
                          else f"bad CSV row: {e}")
                yield Reject(where, start, None, reason)
                continue
            if lines.long:
                yield Reject(where, lines.long[0], None, line_too_long(limits))
                continue
            if not any(v.strip() for v in values):
                continue
            raw = delimiter.join(values).encode("utf-8", "surrogateescape").decode(
                "utf-8", "replace")
            if len(values) != len(header):
                h, r = len(header), len(values)
                yield Reject(where, start, None,
                             f"bad CSV row: expected {h} columns, got {r} (the header has {h}, "
                             f"this row has {r} columns: is a value missing, or a delimiter "
                             "or quote left unquoted?)", raw)
                continue
            bad = [c for c, v in zip(header, values, strict=True)
                   if lines.bad and _has_surrogates(v)]  # scan only rows with a bad line
            if bad:
                line = min(lines.bad)
                data, err = lines.bad[line]
                yield _utf8_reject(where, line, data, err, in_line=True, field=bad[0], raw=raw)
                continue
            yield Row(where, start, dict(zip(header, values, strict=True)), path.name, raw=raw)
    finally:
        lines_in.close()


def _table_row(where: str, row: int, obj: dict[str, Any], name: str, limits: ReadLimits,
               split: str | None = None) -> Item:
    bad = too_large(obj, limits)
    return Reject(where, row, bad[0], bad[1]) if bad else Row(where, row, obj, name, split)


def _parquet_rows(path: Path, batch_size: int, on_columns: ColumnCheck | None,
                  limits: ReadLimits) -> Iterator[Item]:
    import pyarrow as pa  # heavy: only when Parquet is read
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as e:
        raise InputError(f"not a readable Parquet file: {e}", path=path) from None
    where = str(path)
    if on_columns is not None:
        on_columns(pf.schema_arrow.names, where)
    row = 0
    try:
        for batch in pf.iter_batches(batch_size=batch_size):
            for obj in batch.to_pylist():
                row += 1
                yield _table_row(where, row, obj, path.name, limits)
    except pa.ArrowException as e:
        raise InputError(f"corrupt Parquet data after row {row}: {e}", path=path,
                         line=row + 1) from None


def _hf_rows(path: Path, batch_size: int, on_columns: ColumnCheck | None,
             limits: ReadLimits) -> Iterator[Item]:
    """A saved Dataset, or each split of a saved DatasetDict by name (rows count per split)."""
    import datasets  # heavy: only when a saved dataset is read

    try:
        with hf_offline():
            loaded = datasets.load_from_disk(str(path))
    except (FileNotFoundError, ValueError, OSError) as e:
        raise InputError(f"not a readable `datasets` folder: {e}", path=path) from None
    if isinstance(loaded, datasets.DatasetDict):
        parts: list[tuple[str | None, datasets.Dataset]] = [
            (name, loaded[name]) for name in sorted(loaded)]
    else:
        parts = [(None, loaded)]
    for split, ds in parts:
        suffix = "" if split is None else f"[{split}]"
        where, name = f"{path}{suffix}", f"{path.name}{suffix}"
        if on_columns is not None:
            on_columns(ds.column_names, where)
        row = 0
        for batch in ds.iter(batch_size=batch_size):
            cols = list(batch)
            for i in range(len(batch[cols[0]]) if cols else 0):
                row += 1
                yield _table_row(where, row, {c: batch[c][i] for c in cols}, name, limits, split)
