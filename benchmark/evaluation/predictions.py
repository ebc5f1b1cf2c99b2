"""Reading a system's predictions (JSONL, CSV/TSV, Parquet) and plain parallel text files.

Why strict: a predictions file that is silently half-read gives a wrong score that
looks right. Every problem (bad UTF-8, a broken JSON line, a missing or null
field, a duplicate id, two fingerprints) is an :class:`InputError` naming the
file, the line or row, and the field. A predictions file may say which dataset it
was made for with an optional ``fingerprint`` (and ``dataset``) field; the
evaluator refuses to score it against another dataset.

Predictions files are read through the project's one row layer
(:mod:`benchmark.rows`), the same as ``sumbench build`` and ``sumbench import``
inputs: JSONL and CSV/TSV line by line (optionally ``.gz``), Parquet one batch at
a time. This module only checks what a row must hold to be a prediction.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmark.errors import InputError
from benchmark.limits import DEFAULT_LIMITS, ReadLimits
from benchmark.rows import ColumnCheck, Reject, Row, detect_format, is_stdin, iter_rows, read_stdin

ID_FIELD = "id"
SUMMARY_FIELD = "summary"
FINGERPRINT_FIELD = "fingerprint"
DATASET_FIELD = "dataset"

#: row-layer formats a predictions file may have (JSONL and CSV/TSV also as ``.gz``)
PREDICTION_FORMATS: tuple[str, ...] = ("jsonl", "csv", "parquet")
#: Parquet rows per batch: memory stays proportional to this, not to the file
BATCH_SIZE = 1000


@dataclass
class PredictionsFile:
    """What a predictions file holds: id -> summary, plus the dataset it claims."""

    path: str
    predictions: dict[str, str]
    fingerprint: str | None = None
    dataset: str | None = None


def read_text_strict(path: str | Path) -> str:
    """Read a UTF-8 text file (a BOM is allowed); bad bytes are an error with a line number.

    ``-`` reads standard input (once per process).
    """
    p = Path(path)
    try:
        data = read_stdin() if is_stdin(p) else p.read_bytes()
    except FileNotFoundError:
        raise InputError("file not found", path=p) from None
    except IsADirectoryError:
        raise InputError("is a directory, expected a file", path=p) from None
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", path=p) from None
    if is_stdin(p):
        p = Path("<stdin>")
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


def _check_columns(fmt: str) -> ColumnCheck:
    """The row layer's column hook: refuse a table without ``id`` or ``summary`` up front."""

    def check(columns: Sequence[str], where: str) -> None:
        for name in (ID_FIELD, SUMMARY_FIELD):
            if name in columns:
                continue
            found = ", ".join(columns) or "none"
            if fmt == "csv":
                raise InputError(
                    f"header has no '{name}' column (found: {found})",
                    path=where,
                    line=1,
                    field=name,
                )
            raise InputError(f"no '{name}' column (found: {found})", path=where, field=name)

    return check


def _reject_error(reject: Reject) -> InputError:
    """A row the row layer could not read, in the wording predictions errors have always had.

    The location (file, line, column) is the row layer's; only the phrasing is
    kept stable for users and docs: ``not valid JSON`` and ``byte 0xe9``.
    """
    reason = re.sub(r"byte b'\\x([0-9a-f]{2})'", r"byte 0x\1", reject.reason)
    if reason.startswith("malformed JSON"):
        reason = "not valid JSON" + reason[len("malformed JSON") :]
    elif reason.startswith("expected a JSON object"):
        reason += ' (each line is {"id": ..., "summary": ...})'
    return InputError(reason, path=reject.path, line=reject.line, field=reject.field)


def _line(row: Row, fmt: str) -> int:
    """Where a prediction is reported: the JSONL line, the Parquet row, the CSV row's last line.

    CSV keeps the last line of a row whose quoted cell spans lines, as this
    reader always reported it (``csv``'s ``line_num``).
    """
    line = row.line or 0
    if fmt == "csv" and row.raw is not None:
        line += row.raw.count("\n")
    return line


def _format(path: Path) -> str:
    """The predictions format from the suffix, after the file is known to exist."""
    if is_stdin(path):
        return "jsonl"
    if not path.exists():
        raise InputError("file not found", path=path)
    if path.is_dir():
        raise InputError("is a directory, expected a file", path=path)
    try:
        return detect_format(path, PREDICTION_FORMATS)
    except InputError:
        suffixes = [x.lower() for x in path.suffixes]
        shown = "".join(suffixes[-2:]) if suffixes[-1:] == [".gz"] else path.suffix.lower()
        raise InputError(
            f"unknown predictions format '{shown or '(no suffix)'}': "
            "use .jsonl, .csv, .tsv (each optionally .gz) or .parquet",
            path=path,
        ) from None


def read_predictions_file(
    path: str | Path, *, batch_size: int = BATCH_SIZE, limits: ReadLimits = DEFAULT_LIMITS
) -> PredictionsFile:
    """Read predictions by file suffix: JSONL (``.jsonl``/``.json``), CSV/TSV (each
    optionally ``.gz``) or Parquet (``batch_size`` rows at a time).

    Each record needs ``id`` and ``summary``; ``fingerprint``/``dataset`` are
    optional and must agree across records. The first bad row stops the read
    with an :class:`InputError` naming file, line/row and field; so does a row past
    ``limits`` (line or text size, JSON nesting).
    """
    p = Path(path)
    fmt = _format(p)
    col = _Collector(p)
    where = "row" if fmt == "parquet" else "line"
    rows = iter_rows(
        p, fmt, formats=PREDICTION_FORMATS, batch_size=batch_size, on_columns=_check_columns(fmt),
        limits=limits,
    )
    for item in rows:
        if isinstance(item, Reject):
            raise _reject_error(item)
        col.add(item.data, _line(item, fmt), where)
    return col.result()


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
