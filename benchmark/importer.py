"""Import datasets that already pair documents with references (XSum, CNN/DM, your own).

No grouping happens: each input row becomes one ``imported`` Example (its own
cluster), written by the same exporter as a built dataset, so it gets the same
schemas, card, fingerprint and validation. Rows are read as a stream (JSONL,
CSV, Parquet in batches, or a ``datasets`` folder saved with ``save_to_disk``);
:func:`example_from_row` is a pure function of one row.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
import sys
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from benchmark.errors import ConfigError, InputError
from benchmark.export import DOCUMENT_SEPARATOR, BuildReport, check_output_dir, write_dataset
from benchmark.io import canonical_json
from benchmark.metrics.fragments import fragment_stats
from benchmark.schema import Example

#: our field -> default input column; ``document`` and ``reference`` are required
IMPORT_FIELDS: dict[str, str] = {
    "document": "document",
    "reference": "summary",
    "id": "id",
    "language": "language",
    "published": "published",
}
FORMATS = ("jsonl", "csv", "parquet", "hf")
_SPLIT_NAME = re.compile(r"^[A-Za-z0-9_]+$")

Row = tuple[int | None, dict[str, Any] | InputError]


def detect_import_format(path: Path) -> str:
    """The input's format from its suffix, or ``hf`` for a ``save_to_disk`` folder."""
    if path.is_dir():
        if any((path / m).exists() for m in ("dataset_dict.json", "state.json")):
            return "hf"
        raise InputError(
            "folder is not a saved `datasets` dataset (no dataset_dict.json)", path=path
        )
    suffix = path.suffix.lower()
    for fmt, suffixes in (
        ("jsonl", (".jsonl", ".ndjson", ".json")),
        ("csv", (".csv", ".tsv")),
        ("parquet", (".parquet", ".pq")),
    ):
        if suffix in suffixes:
            return fmt
    raise InputError(
        f"cannot tell the format from suffix {suffix!r}; use one of {FORMATS}", path=path
    )


def _decoded_lines(path: Path, state: dict[str, Any]) -> Iterator[str]:
    """Lines decoded as UTF-8; undecodable lines are replaced and noted in ``state['bad']``."""
    with open(path, "rb") as fh:
        for data in fh:
            state["line"] += 1
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                state["bad"][state["line"]] = data[exc.start : exc.start + 1]
                text = data.decode("utf-8", "replace")
            yield text.lstrip("\ufeff") if state["line"] == 1 else text


def _not_utf8(path: Path, line: int, byte: bytes) -> InputError:
    return InputError(f"not valid UTF-8 (byte {byte!r}); re-encode the file", path=path, line=line)


def _iter_jsonl(path: Path) -> Iterator[Row]:
    state: dict[str, Any] = {"line": 0, "bad": {}}
    for text in _decoded_lines(path, state):
        n = state["line"]
        if n in state["bad"]:
            yield n, _not_utf8(path, n, state["bad"][n])
            continue
        if not text.strip():
            continue
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            yield n, InputError(f"malformed JSON: {exc.msg}", path=path, line=n)
            continue
        if not isinstance(obj, dict):
            yield n, InputError("expected a JSON object", path=path, line=n)
        else:
            yield n, obj


def _iter_csv(path: Path) -> Iterator[Row]:
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    state: dict[str, Any] = {"line": 0, "bad": {}}
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    reader = csv.reader(_decoded_lines(path, state), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        raise InputError("empty CSV file (no header row)", path=path, line=1)
    if state["bad"]:
        raise _not_utf8(path, 1, state["bad"][1])
    last = state["line"]
    for values in reader:
        first, last = last + 1, state["line"]
        bad = [n for n in range(first, last + 1) if n in state["bad"]]
        if bad:
            yield first, _not_utf8(path, bad[0], state["bad"][bad[0]])
        elif not any(v.strip() for v in values):
            continue
        elif len(values) != len(header):
            yield (
                first,
                InputError(
                    f"row has {len(values)} columns, header has {len(header)}",
                    path=path,
                    line=first,
                ),
            )
        else:
            yield first, dict(zip(header, values, strict=True))


def _iter_parquet(path: Path, batch_size: int) -> Iterator[Row]:
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several types for a bad file
        raise InputError(f"not a readable Parquet file ({exc})", path=path) from None
    n = 0
    for batch in pf.iter_batches(batch_size=batch_size):
        for row in batch.to_pylist():
            n += 1
            yield n, row


def iter_rows(path: Path, fmt: str, batch_size: int = 1000) -> Iterator[tuple[str | None, Row]]:
    """Stream ``(split from the input or None, (line/row number, row or error))``."""
    if fmt == "jsonl":
        yield from ((None, r) for r in _iter_jsonl(path))
    elif fmt == "csv":
        yield from ((None, r) for r in _iter_csv(path))
    elif fmt == "parquet":
        yield from ((None, r) for r in _iter_parquet(path, batch_size))
    elif fmt == "hf":
        import datasets

        loaded = datasets.load_from_disk(str(path))
        parts = loaded.items() if isinstance(loaded, datasets.DatasetDict) else [(None, loaded)]
        for split, ds in parts:
            for start in range(0, ds.num_rows, batch_size):
                chunk = ds[start : start + batch_size]
                keys = list(chunk)
                for i in range(len(chunk[keys[0]]) if keys else 0):
                    yield split, (start + i + 1, {k: chunk[k][i] for k in keys})
    else:
        raise ConfigError(f"unknown input format {fmt!r}; use one of {FORMATS}")


def _texts(value: Any, field: str, path: Path, line: int | None) -> list[str]:
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
    row: Mapping[str, Any], fmap: Mapping[str, str], *, path: Path, line: int | None
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
) -> BuildReport:
    """Import a paired document/reference dataset as a sumbench dataset folder.

    Each row's split is ``split_field``'s value, else the split of a saved
    ``DatasetDict``, else ``split`` ("test"). References may be one text or a
    list (multi-reference). Bad rows raise :class:`InputError` naming file,
    line/row and field, or with ``skip_invalid`` go to ``<out>/rejects.jsonl``.
    """
    input_path, out = Path(input_path), Path(out)
    if not input_path.exists():
        raise InputError("input not found", path=input_path)
    fmap = _field_map(field_map, document=document_field, reference=reference_field, id=id_field)
    fmt = input_format or detect_import_format(input_path)
    check_output_dir(out, overwrite=overwrite, inputs=[input_path])
    splits: dict[str, list[Example]] = {}
    seen: dict[str, int | None] = {}
    rejects: list[str] = []
    read = 0
    for data_split, (line, row) in iter_rows(input_path, fmt, batch_size):
        read += 1
        try:
            if isinstance(row, InputError):
                raise row
            ex = example_from_row(row, fmap, path=input_path, line=line)
            target = str(row.get(split_field, "")).strip() if split_field else data_split or split
            if not _SPLIT_NAME.match(target or ""):
                raise InputError(
                    f"bad split name {target!r}", path=input_path, line=line, field=split_field
                )
            if ex.id in seen:
                raise InputError(
                    f"duplicate id {ex.id!r} (first seen at line/row {seen[ex.id]})",
                    path=input_path,
                    line=line,
                    field=fmap["id"],
                )
        except InputError as err:
            if not skip_invalid:
                raise
            rejects.append(
                canonical_json(
                    {
                        "path": input_path.name,
                        "line": line,
                        "field": err.field,
                        "reason": err.reason,
                    }
                )
            )
            continue
        seen[ex.id] = line
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
        prefix=f".{out.name}.rejects-", dir=out.resolve().parent
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
