"""``file:preds.jsonl``: precomputed predictions as a system.

Reads JSONL (one ``{"id": ..., "summary": ...}`` per line), CSV/TSV (``id`` and
``summary`` columns) or Parquet, by extension, with the evaluator's strict reader
(:mod:`benchmark.evaluation.predictions`): a malformed row is an
:class:`~benchmark.errors.InputError` naming file, line/row and field. An example the
file has no prediction for is a per-example failure. The file's SHA-256 is part of
the config, so an edited file is never mistaken for the old one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

from benchmark.errors import InputError
from benchmark.schema import Example
from benchmark.systems.registry import Failure, System, SystemConfig
from benchmark.systems.spec import make_config


class FileConfig(SystemConfig):
    """Which file, and its content hash."""

    path: str
    sha256: str = ""


class FileSystem(System):
    """Looks each example up in a predictions file read once."""

    name: ClassVar[str] = "file"
    description: ClassVar[str] = "Precomputed predictions: file:preds.jsonl (or .csv/.parquet)"
    Config: ClassVar[type[SystemConfig]] = FileConfig
    batch_size: ClassVar[int] = 1000
    cacheable: ClassVar[bool] = False
    own_timeout: ClassVar[bool] = True  # a dictionary lookup cannot hang

    def __init__(self, config: SystemConfig | None = None) -> None:
        from benchmark.evaluation.predictions import read_predictions

        super().__init__(config)
        assert isinstance(self.config, FileConfig)
        self.label = f"file:{self.config.path}"
        self.predictions = read_predictions(self.config.path)

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
