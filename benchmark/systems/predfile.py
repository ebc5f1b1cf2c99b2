"""``file:preds.jsonl``: precomputed predictions as a system.

Reads JSONL (one ``{"id": ..., "summary": ...}`` per line), CSV (header with ``id``
and ``summary`` columns) or Parquet (same columns), chosen by extension. Other field
names: ``#id_field=doc_id&summary_field=prediction``. A malformed row is an
:class:`~benchmark.errors.InputError` naming file, line/row and field; an example the
file has no prediction for is a per-example failure. The file's SHA-256 is part of the
config, so an edited file never reuses stale results.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

from benchmark.errors import InputError
from benchmark.schema import Example
from benchmark.systems.registry import Failure, System, SystemConfig
from benchmark.systems.spec import make_config


class FileConfig(SystemConfig):
    """Which file, its content hash, and its field names."""

    path: str
    sha256: str = ""
    id_field: str = "id"
    summary_field: str = "summary"


def _rows(path: Path) -> Iterator[tuple[int, Any]]:
    """(line or row number, record) for every record of a JSONL, CSV or Parquet file."""
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".json", ".ndjson"):
        with open(path, encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    yield n, json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(f"not valid JSON ({exc.msg})", path=path, line=n) from exc
    elif suffix in (".csv", ".tsv"):
        with open(path, encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh, delimiter="\t" if suffix == ".tsv" else ",")
            for row in reader:
                yield reader.line_num, row
    elif suffix == ".parquet":
        import pyarrow.parquet as pq

        try:
            table = pq.read_table(path)
        except Exception as exc:
            raise InputError(f"cannot read Parquet: {exc}", path=path) from exc
        for n, row in enumerate(table.to_pylist(), 1):
            yield n, row
    else:
        raise InputError(
            "unknown predictions format; use .jsonl, .csv, .tsv or .parquet", path=path
        )


def read_prediction_file(
    path: str | Path, id_field: str = "id", summary_field: str = "summary"
) -> dict[str, str]:
    """Every prediction in ``path`` by example id; duplicates and bad rows are errors."""
    path = Path(path)
    if not path.is_file():
        raise InputError("predictions file not found", path=path)
    out: dict[str, str] = {}
    for n, rec in _rows(path):
        if not isinstance(rec, dict):
            raise InputError("expected an object per line", path=path, line=n)
        for field in (id_field, summary_field):
            if rec.get(field) is None:
                raise InputError("missing value", path=path, line=n, field=field)
        if not isinstance(rec[summary_field], str):
            kind = type(rec[summary_field]).__name__
            raise InputError(f"summary must be text, got {kind}", path=path, line=n,
                             field=summary_field)
        key = str(rec[id_field])
        if key in out:
            raise InputError(f"duplicate id '{key}'", path=path, line=n, field=id_field)
        out[key] = rec[summary_field]
    return out


class FileSystem(System):
    """Looks each example up in a predictions file read once."""

    name: ClassVar[str] = "file"
    description: ClassVar[str] = "Precomputed predictions: file:preds.jsonl (or .csv/.parquet)"
    Config: ClassVar[type[SystemConfig]] = FileConfig
    batch_size: ClassVar[int] = 1000
    cacheable: ClassVar[bool] = False

    def __init__(self, config: SystemConfig | None = None) -> None:
        super().__init__(config)
        assert isinstance(self.config, FileConfig)
        self.label = f"file:{self.config.path}"
        self.predictions = read_prediction_file(
            self.config.path, self.config.id_field, self.config.summary_field
        )

    @classmethod
    def from_spec(cls, target: str, options: Mapping[str, Any], spec: str) -> FileSystem:
        """Build from the path after ``file:``; the content hash is filled in here."""
        path = Path(target)
        if not path.is_file():
            raise InputError("predictions file not found", path=path)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        return cls(make_config(cls, {"path": target, "sha256": digest, **options}, spec))

    def summarize(self, example: Example) -> str:
        """The stored prediction (KeyError if the file has none)."""
        return self.predictions[example.id]

    def predict_batch(self, examples: Sequence[Example]) -> list[str | Failure]:
        """Stored predictions; an id missing from the file is that example's failure."""
        assert isinstance(self.config, FileConfig)
        missing = Failure(f"no prediction for this id in {self.config.path}")
        return [self.predictions.get(ex.id, missing) for ex in examples]
