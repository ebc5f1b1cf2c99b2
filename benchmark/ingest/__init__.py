"""Ingest: read news articles from any supported input and clean them into Articles.

Inputs: a folder of ``.txt`` files (recursive, sorted; id = file stem), JSONL,
CSV, Parquet, or a ``datasets`` dataset saved with ``save_to_disk``. See
``docs/ingest.md`` for the cleaning rules and a worked example on the seeds.

Each stage is a pure function over a batch (:func:`iter_raw_batches` then
:func:`clean_batch`), so a distributed engine can run it in map steps and get
the same articles as :func:`load_articles`.
"""

from __future__ import annotations

from benchmark.ingest.article import clean_batch, clean_record, content_hash, derive_id
from benchmark.ingest.clean import clean_document, clean_text
from benchmark.ingest.load import IngestResult, default_rejects_path, load_articles
from benchmark.ingest.readers import iter_raw_batches
from benchmark.ingest.records import STANDARD_FIELDS, RawRecord
from benchmark.rows import FORMATS, Reject, detect_format

__all__ = [
    "FORMATS",
    "STANDARD_FIELDS",
    "IngestResult",
    "RawRecord",
    "Reject",
    "clean_batch",
    "clean_document",
    "clean_record",
    "clean_text",
    "content_hash",
    "default_rejects_path",
    "derive_id",
    "detect_format",
    "iter_raw_batches",
    "load_articles",
]
