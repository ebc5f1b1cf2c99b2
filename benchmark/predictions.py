"""Reading a system's predictions (JSONL, CSV, Parquet) and plain parallel text files.

Why strict: a predictions file that is silently half-read gives a wrong score that
looks right. Every problem (bad UTF-8, a broken JSON line, a missing or null
field, a duplicate id, two fingerprints) is an :class:`InputError` naming the
file, the line or row, and the field. A predictions file may say which dataset it
was made for with an optional ``fingerprint`` (and ``dataset``) field; the
evaluator refuses to score it against another dataset.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmark.errors import InputError

ID_FIELD = "id"
SUMMARY_FIELD = "summary"
FINGERPRINT_FIELD = "fingerprint"
DATASET_FIELD = "dataset"

JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")
CSV_SUFFIXES = (".csv", ".tsv")
PARQUET_SUFFIXES = (".parquet", ".pq")


@dataclass
class PredictionsFile:
    """What a predictions file holds: id -> summary, plus the dataset it claims."""

    path: str
    predictions: dict[str, str]
    fingerprint: str | None = None
    dataset: str | None = None


def read_text_strict(path: str | Path) -> str:
    """Read a UTF-8 text file (a BOM is allowed); bad bytes are an error with a line number."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError("file not found", path=p) from None
    except IsADirectoryError:
        raise InputError("is a directory, expected a file", path=p) from None
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", path=p) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "re-save the file as UTF-8",
            path=p,
            line=line,
        ) from None


def split_lines(text: str) -> list[str]:
    """Split on ``\\n`` only (``\\r`` stripped), never on the other Unicode breaks.

    ``str.splitlines`` also breaks on U+2028, form feeds and the like, which would
    shift every following line of a parallel file against its references.
    """
    if text.endswith("\n"):
        text = text[:-1]
    if text == "":
        return []
    return [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]


def read_lines(path: str | Path) -> list[str]:
    """One entry per line of a UTF-8 text file (for ``sumbench score``)."""
    return split_lines(read_text_strict(path))


class _Collector:
    """Accumulates id -> summary pairs, checking types, duplicates and fingerprints."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.predictions: dict[str, str] = {}
        self.first_seen: dict[str, int] = {}
        self.claims: dict[str, tuple[str, int]] = {}

    def error(self, message: str, line: int, field: str) -> InputError:
        """An error located in this file."""
        return InputError(message, path=self.path, line=line, field=field)

    def add(self, record: dict[str, Any], line: int, where: str = "line") -> None:
        raw_id = record.get(ID_FIELD)
        if ID_FIELD not in record or raw_id is None or raw_id == "":
            raise self.error(
                f"missing '{ID_FIELD}' (each {where} needs an id and a summary)", line, ID_FIELD
            )
        if isinstance(raw_id, bool) or not isinstance(raw_id, (str, int)):
            raise self.error(f"id must be a string, got {type(raw_id).__name__}", line, ID_FIELD)
        ex_id = str(raw_id)
        if SUMMARY_FIELD not in record:
            raise self.error(f"missing '{SUMMARY_FIELD}' for id '{ex_id}'", line, SUMMARY_FIELD)
        summary = record[SUMMARY_FIELD]
        if summary is None:
            raise self.error(
                f"summary of id '{ex_id}' is null; write \"\" for an empty output",
                line,
                SUMMARY_FIELD,
            )
        if not isinstance(summary, str):
            raise self.error(
                f"summary of id '{ex_id}' must be a string, got {type(summary).__name__}",
                line,
                SUMMARY_FIELD,
            )
        if ex_id in self.predictions:
            raise self.error(
                f"duplicate id '{ex_id}' (first at {where} {self.first_seen[ex_id]})",
                line,
                ID_FIELD,
            )
        for key in (FINGERPRINT_FIELD, DATASET_FIELD):
            value = record.get(key)
            if value in (None, ""):
                continue
            if key in self.claims and self.claims[key][0] != str(value):
                old, old_line = self.claims[key]
                raise self.error(
                    f"{key} '{value}' differs from '{old}' at {where} {old_line}: "
                    "the file mixes predictions for different datasets",
                    line,
                    key,
                )
            self.claims.setdefault(key, (str(value), line))
        self.predictions[ex_id] = summary
        self.first_seen[ex_id] = line

    def result(self) -> PredictionsFile:
        fp = self.claims.get(FINGERPRINT_FIELD)
        ds = self.claims.get(DATASET_FIELD)
        return PredictionsFile(
            str(self.path), self.predictions, fp[0] if fp else None, ds[0] if ds else None
        )


def _read_jsonl(path: Path) -> PredictionsFile:
    col = _Collector(path)
    for lineno, line in enumerate(split_lines(read_text_strict(path)), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"not valid JSON ({exc.msg} at column {exc.colno})", path=path, line=lineno
            ) from None
        if not isinstance(record, dict):
            raise InputError(
                f'expected a JSON object {{"id": ..., "summary": ...}}, '
                f"got {type(record).__name__}",
                path=path,
                line=lineno,
            )
        col.add(record, lineno)
    return col.result()


def _read_csv(path: Path) -> PredictionsFile:
    text = read_text_strict(path)
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = reader.fieldnames or []
    for name in (ID_FIELD, SUMMARY_FIELD):
        if name not in header:
            raise InputError(
                f"header has no '{name}' column (found: {', '.join(header) or 'none'})",
                path=path,
                line=1,
                field=name,
            )
    col = _Collector(path)
    for row in reader:
        if None in row:
            raise InputError("row has more cells than the header", path=path, line=reader.line_num)
        if row.get(SUMMARY_FIELD) is None:
            raise InputError(
                "row has fewer cells than the header",
                path=path,
                line=reader.line_num,
                field=SUMMARY_FIELD,
            )
        col.add(dict(row), reader.line_num)
    return col.result()


def _read_parquet(path: Path) -> PredictionsFile:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except FileNotFoundError:
        raise InputError("file not found", path=path) from None
    except Exception as exc:  # pyarrow raises several types for a corrupt file
        raise InputError(f"cannot read Parquet: {exc}", path=path) from None
    for name in (ID_FIELD, SUMMARY_FIELD):
        if name not in table.column_names:
            raise InputError(
                f"no '{name}' column (found: {', '.join(table.column_names)})",
                path=path,
                field=name,
            )
    wanted = [
        c
        for c in (ID_FIELD, SUMMARY_FIELD, FINGERPRINT_FIELD, DATASET_FIELD)
        if c in table.column_names
    ]
    col = _Collector(path)
    for row_no, row in enumerate(table.select(wanted).to_pylist(), start=1):
        col.add(row, row_no, where="row")
    return col.result()


def read_predictions_file(path: str | Path) -> PredictionsFile:
    """Read predictions by file suffix: JSONL (``.jsonl``/``.json``), CSV/TSV or Parquet.

    Each record needs ``id`` and ``summary``; ``fingerprint``/``dataset`` are
    optional and must agree across records.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        return _read_jsonl(p)
    if suffix in CSV_SUFFIXES:
        return _read_csv(p)
    if suffix in PARQUET_SUFFIXES:
        return _read_parquet(p)
    raise InputError(
        f"unknown predictions format '{suffix or '(no suffix)'}': "
        "use .jsonl, .csv, .tsv or .parquet",
        path=p,
    )


def read_predictions(path: str | Path) -> dict[str, str]:
    """id -> summary from a JSONL/CSV/Parquet predictions file (strictly checked)."""
    return read_predictions_file(path).predictions


def check_fingerprint(
    claimed: str | None,
    actual: str,
    *,
    source: str | None = None,
    dataset: str = "",
    who: str = "predictions are for",
) -> None:
    """Refuse predictions made for another dataset version.

    ``claimed`` may be the full fingerprint or a prefix of at least 8 characters
    (the signature shows 12). ``who`` starts the message (whose claim it is).
    """
    if not claimed:
        return
    claimed = claimed.strip().lower()
    if len(claimed) >= 8 and actual.lower().startswith(claimed):
        return
    short = " (give at least 8 hex characters)" if len(claimed) < 8 else ""
    raise InputError(
        f"{who} dataset fingerprint '{claimed}'{short}, but dataset '{dataset}' has "
        f"'{actual[:12]}' (a different dataset or version)",
        path=source,
        field="fingerprint",
    )
