"""``file:preds.jsonl``: precomputed predictions as a system.

Reads JSONL (one ``{"id": ..., "summary": ...}`` per line), CSV/TSV (``id`` and
``summary`` columns) or Parquet, by extension, with the evaluator's strict reader
(:mod:`benchmark.evaluation.predictions`): a malformed row is an
:class:`~benchmark.errors.InputError` naming file, line/row and field. Before any work,
``sumbench run`` makes the checks ``sumbench evaluate`` makes: a ``fingerprint`` field
for another dataset, or an id the split does not have, is an error (exit 2). An
example the file has no prediction for is a per-example failure. The file's SHA-256 is part of
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
        from benchmark.evaluation.predictions import read_predictions_file

        super().__init__(config)
        assert isinstance(self.config, FileConfig)
        self.label = f"file:{self.config.path}"
        self.file = read_predictions_file(self.config.path)
        self.predictions = self.file.predictions

    def check_dataset(self, examples: Sequence[Example], *, fingerprint: str, dataset: str,
                      split: str) -> None:
        """The checks of ``sumbench evaluate``: the file's fingerprint claim must match
        the dataset, and every id in it must be in the split (exit 2 otherwise)."""
        from benchmark.evaluation.evaluate import check_known_ids
        from benchmark.evaluation.predictions import check_fingerprint

        check_fingerprint(self.file.fingerprint, fingerprint, source=self.file.path,
                          dataset=dataset)
        where = f"split '{split}' of dataset '{dataset or 'unnamed'}'"
        check_known_ids(self.predictions, {ex.id for ex in examples}, where, self.file.path)

    @classmethod
    def from_spec(cls, target: str, options: Mapping[str, Any], spec: str) -> FileSystem:
        """Build from the path after ``file:``; the content hash is filled in here."""
        path = Path(target)
        if not path.is_file():
            raise InputError("predictions file not found", path=path)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        return cls(make_config(cls, {"path": target, "sha256": digest, **options}, spec))

    def code_identity(self) -> dict[str, Any]:
        """Nothing beyond the config: it already holds the file's SHA-256."""
        return {}

    def summarize(self, example: Example) -> str:
        """The stored prediction (KeyError if the file has none)."""
        return self.predictions[example.id]

    def predict_batch(self, examples: Sequence[Example]) -> list[str | Failure]:
        """Stored predictions; an id missing from the file is that example's failure."""
        assert isinstance(self.config, FileConfig)
        missing = Failure(f"no prediction for this id in {self.config.path}")
        return [self.predictions.get(ex.id, missing) for ex in examples]
