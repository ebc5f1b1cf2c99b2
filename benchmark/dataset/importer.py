"""Import datasets that already pair documents with references (XSum, CNN/DM, your own).

No grouping happens: each input row becomes one ``imported`` Example (its own
cluster), written by the same exporter as a built dataset, so it gets the same
schemas, card, fingerprint and validation. Rows come from the row layer
(:mod:`benchmark.rows`) as a located stream (JSONL, CSV, Parquet in batches, or a
``datasets`` folder saved with ``save_to_disk``); :func:`example_from_row` is a
pure function of one row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from benchmark.dataset.build import BuildReport
from benchmark.dataset.export import check_output_dir, write_dataset
from benchmark.dataset.folder import DOCUMENT_SEPARATOR
from benchmark.errors import ConfigError, InputError
from benchmark.files import canonical_json
from benchmark.metrics.fragments import fragment_stats
from benchmark.rows import (
    DEFAULT_LIMITS,
    TABLE_FORMATS,
    ReadLimits,
    Reject,
    Row,
    detect_format,
    iter_rows,
    not_finite,
)
from benchmark.schema import Example

#: our field -> default input column; ``document`` and ``reference`` are required
IMPORT_FIELDS: dict[str, str] = {
    "document": "document",
    "reference": "summary",
    "id": "id",
    "language": "language",
    "published": "published",
}
FORMATS = TABLE_FORMATS
_SPLIT_NAME = re.compile(r"^[A-Za-z0-9_]+$")

def _texts(value: Any, field: str, path: str | Path, line: int | None) -> list[str]:
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(v, str) for v in items):
        raise InputError(
            f"expected text or a list of texts, got {value!r:.80}",
            path=path,
            line=line,
            field=field,
        )
    texts = [v.strip() for v in items]
    if not all(texts):
        raise InputError("empty text", path=path, line=line, field=field)
    return texts


def example_from_row(
    row: Mapping[str, Any], fmap: Mapping[str, str], *, path: str | Path, line: int | None
) -> Example:
    """One input row -> an ``imported`` Example (fragments per reference), or InputError."""
    for ours in ("document", "reference"):
        column = fmap[ours]
        if column not in row:
            raise InputError(
                f"missing required column {column!r} ({ours}); columns are {sorted(row)}",
                path=path,
                line=line,
                field=column,
            )
        if row[column] is None:
            raise InputError(f"no {ours} (null)", path=path, line=line, field=column)
    documents = _texts(row[fmap["document"]], fmap["document"], path, line)
    references = _texts(row[fmap["reference"]], fmap["reference"], path, line)
    raw_id = row.get(fmap["id"])
    if raw_id is not None and (
        isinstance(raw_id, bool) or not isinstance(raw_id, str | int | float) or not_finite(raw_id)
    ):  # str() would turn them into ids like "True", "nan" or "{'a': 1}"
        raise InputError(
            f"an id must be text or a finite number, got {raw_id!r:.40}",
            path=path,
            line=line,
            field=fmap["id"],
        )
    if raw_id is not None and str(raw_id).strip():
        ex_id = str(raw_id).strip()
    else:  # derived from content, never from row order
        key = "\x1e".join(["\x1f".join(documents), "\x1f".join(references)]).encode("utf-8")
        ex_id = f"imported-{hashlib.blake2b(key, digest_size=8).hexdigest()}"
    published = row.get(fmap["published"])
    if published is not None and not isinstance(published, dt.date):
        try:
            published = dt.date.fromisoformat(str(published).strip()[:10])
        except ValueError:
            raise InputError(
                f"not an ISO date: {published!r:.40}", path=path, line=line, field=fmap["published"]
            ) from None
    document = DOCUMENT_SEPARATOR.join(documents)
    language = row.get(fmap["language"])
    return Example(
        id=ex_id,
        strategy="imported",
        cluster_id=ex_id,
        source_ids=[ex_id]
        if len(documents) == 1
        else [f"{ex_id}#d{i}" for i in range(len(documents))],
        reference_ids=[f"{ex_id}#r{i}" for i in range(len(references))],
        documents=documents,
        document=document,
        references=references,
        fragments=[fragment_stats(document, r) for r in references],
        language=str(language) if language else None,
        published=published,
    )


def _field_map(field_map: Mapping[str, str] | None, **named: str | None) -> dict[str, str]:
    fmap = dict(IMPORT_FIELDS)
    for ours, theirs in {**(field_map or {}), **{k: v for k, v in named.items() if v}}.items():
        if ours not in IMPORT_FIELDS:
            raise ConfigError(f"unknown import field {ours!r}; use one of {sorted(IMPORT_FIELDS)}")
        fmap[ours] = theirs
    return fmap


def _placed(
    row: Row, fmap: Mapping[str, str], split_field: str | None, default_split: str
) -> tuple[Example, str]:
    """One located row -> its Example and the split it goes to, or InputError."""
    ex = example_from_row(row.data, fmap, path=row.path, line=row.line)
    if split_field:
        target = str(row.data.get(split_field, "")).strip()
    else:
        target = row.split or default_split
    if not _SPLIT_NAME.match(target):
        raise InputError(
            f"bad split name {target!r}", path=row.path, line=row.line, field=split_field
        )
    return ex, target


def import_dataset(
    input_path: str | Path,
    out: str | Path,
    *,
    field_map: Mapping[str, str] | None = None,
    document_field: str | None = None,
    reference_field: str | None = None,
    id_field: str | None = None,
    name: str | None = None,
    split_field: str | None = None,
    split: str = "test",
    input_format: str | None = None,
    skip_invalid: bool = False,
    overwrite: bool = False,
    license: str = "unknown",
    batch_size: int = 1000,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> BuildReport:
    """Import a paired document/reference dataset as a sumbench dataset folder.

    Each row's split is ``split_field``'s value, else the split of a saved
    ``DatasetDict``, else ``split`` ("test"). References may be one text or a
    list (multi-reference). Bad rows raise :class:`InputError` naming file,
    line/row and field, or with ``skip_invalid`` go to ``<out>/rejects.jsonl``;
    ``limits`` bounds each row (:class:`benchmark.rows.ReadLimits`).
    """
    input_path, out = Path(input_path), Path(out)
    if not input_path.exists():
        raise InputError("input not found", path=input_path)
    fmap = _field_map(field_map, document=document_field, reference=reference_field, id=id_field)
    fmt = input_format or detect_format(input_path, FORMATS)
    check_output_dir(out, overwrite=overwrite, inputs=[input_path])
    splits: dict[str, list[Example]] = {}
    seen: dict[str, str] = {}  # example id -> where it was first read
    rejects: list[str] = []
    read = 0
    for row in iter_rows(input_path, fmt, formats=FORMATS, batch_size=batch_size,
                         limits=limits):
        read += 1
        try:
            if isinstance(row, Reject):
                raise row.to_error()
            ex, target = _placed(row, fmap, split_field, split)
            if ex.id in seen:
                raise InputError(
                    f"duplicate id {ex.id!r} (first seen at {seen[ex.id]})",
                    path=row.path,
                    line=row.line,
                    field=fmap["id"],
                )
        except InputError as err:
            if not skip_invalid:
                raise
            where = row.name if isinstance(row, Row) else input_path.name
            rejects.append(
                canonical_json(
                    {"path": where, "line": row.line, "field": err.field, "reason": err.reason}
                )
            )
            continue
        seen[ex.id] = row.where
        splits.setdefault(target, []).append(ex)
    ds_name = name or out.resolve().name
    counts: dict[str, Any] = {
        "rows_read": read,
        "examples": read - len(rejects),
        "rows_rejected": len(rejects),
        "examples_per_strategy": {"imported": read - len(rejects)},
        "warnings": [],
    }
    settings = {
        "name": ds_name,
        "mode": "import",
        "field_map": dict(sorted(fmap.items())),
        "split_field": split_field,
        "split": split,
        "input_format": fmt,
        "input_file": input_path.name,
        "skip_invalid": skip_invalid,
        "license": license,
    }
    out.resolve().parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(
        prefix=f".{out.name}.{os.getpid()}.rejects-", suffix=".tmp", dir=out.resolve().parent
    ) as tmpd:
        extra = {}
        if rejects:
            (Path(tmpd) / "rejects.jsonl").write_text("\n".join(rejects) + "\n", encoding="utf-8")
            extra["rejects.jsonl"] = Path(tmpd) / "rejects.jsonl"
        info = write_dataset(
            out,
            name=ds_name,
            splits=splits,
            settings=settings,
            counts=counts,
            extra_files=extra,
            license=license,
            description=f"Imported with `sumbench import` from `{input_path.name}`.",
            overwrite=overwrite,
        )
    return BuildReport(
        name=ds_name,
        path=str(out),
        fingerprint=info.fingerprint,
        unit="rows",
        articles_read=read,
        articles_cleaned=read - len(rejects),
        articles_rejected=len(rejects),
        clusters=read - len(rejects),
        examples=info.splits,
        strategies={"imported": read - len(rejects)},
        candidates={"imported": read},
        rejects_path=str(out / "rejects.jsonl") if rejects else None,
    )
