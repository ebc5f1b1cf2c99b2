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
from benchmark.dataset.presets import MULTI_NEWS_SEPARATOR, Preset, detect_preset, get_preset
from benchmark.dataset.split import ranking_warnings
from benchmark.dataset.xsum_eval import FORMAT as XSUM_EVAL_FORMAT
from benchmark.dataset.xsum_eval import looks_like_xsum_eval, read_xsum_human_eval
from benchmark.errors import ConfigError, InputError, OutputError
from benchmark.files import canonical_json, write_jsonl_atomic
from benchmark.limits import DEFAULT_LIMITS, ReadLimits, not_finite
from benchmark.metrics.fragments import fragment_stats
from benchmark.rows import TABLE_FORMATS, Reject, Row, detect_format, is_stdin, iter_rows
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
#: every format ``import`` reads: the row layer's tables and the XSum human-evaluation file
IMPORT_FORMATS: tuple[str, ...] = (*TABLE_FORMATS, XSUM_EVAL_FORMAT)
_SPLIT_NAME = re.compile(r"^[A-Za-z0-9_]+$")

def _article_text(value: Any) -> Any:
    """A WCEP-style article record ({"title", "text", ...}) -> its title and text."""
    if isinstance(value, dict) and isinstance(value.get("text"), str):
        title = value.get("title")
        return f"{title.strip()}\n\n{value['text']}" if isinstance(title, str) and \
            title.strip() else value["text"]
    return value


def _texts(value: Any, field: str, path: str | Path, line: int | None,
           separator: str | None = None) -> list[str]:
    items = [_article_text(v) for v in (value if isinstance(value, list) else [value])]
    if separator and all(isinstance(v, str) for v in items):
        items = [part for v in items for part in v.split(separator) if part.strip()]
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
    row: Mapping[str, Any], fmap: Mapping[str, str], *, path: str | Path, line: int | None,
    document_separator: str | None = None,
) -> Example:
    """One input row -> an ``imported`` Example (fragments per reference), or InputError.

    ``document_separator`` splits a document text into several documents (Multi-News's
    ``|||||``); list items that are article records (``{"title", "text"}``, WCEP) become
    their title and text.
    """
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
    documents = _texts(row[fmap["document"]], fmap["document"], path, line, document_separator)
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


def _field_map(field_map: Mapping[str, str] | None, preset: Preset | None = None,
               **named: str | None) -> dict[str, str]:
    """Our field -> input column: defaults, then the preset, then --field-map, then options."""
    fmap = dict(IMPORT_FIELDS)
    layers = {**(preset.columns if preset else {}), **(field_map or {}),
              **{k: v for k, v in named.items() if v}}
    for ours, theirs in layers.items():
        if ours not in IMPORT_FIELDS:
            raise ConfigError(f"unknown import field {ours!r}; use one of {sorted(IMPORT_FIELDS)}")
        fmap[ours] = theirs
    return fmap


def _placed(
    row: Row, fmap: Mapping[str, str], split_field: str | None, default_split: str,
    separator: str | None = None,
) -> tuple[Example, str]:
    """One located row -> its Example and the split it goes to, or InputError."""
    ex = example_from_row(row.data, fmap, path=row.path, line=row.line,
                          document_separator=separator)
    if split_field:
        target = str(row.data.get(split_field, "")).strip()
    else:
        target = row.split or default_split
    if not _SPLIT_NAME.match(target):
        raise InputError(
            f"bad split name {target!r}", path=row.path, line=row.line, field=split_field
        )
    return ex, target


def _mapping_note(fmap: Mapping[str, str], preset: Preset | None, detected: bool) -> str:
    cols = ", ".join(f"{ours} <- {fmap[ours]}" for ours in ("document", "reference", "id"))
    how = ""
    if preset is not None:
        how = f" (preset {preset.name}{', detected from the columns' if detected else ''}"
        how += f"; documents split on '{preset.document_separator}')" \
            if preset.document_separator else ")"
    return f"columns: {cols}{how}"


def write_system_predictions(items_outputs: Mapping[str, Mapping[str, str]], out_dir: Path,
                             *, overwrite: bool) -> list[Path]:
    """Write ``{system: {id: summary}}`` as ``out_dir/<system>.jsonl`` predictions files.

    An existing file with other content is refused unless ``overwrite``, so a
    user's own predictions are never replaced without asking.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for system, preds in sorted(items_outputs.items()):
        target = out_dir / f"{system}.jsonl"
        rows = [{"id": i, "summary": preds[i]} for i in sorted(preds)]
        text = "".join(canonical_json(r) + "\n" for r in rows)
        if target.exists() and not overwrite and target.read_text(encoding="utf-8") != text:
            raise OutputError(f"{target} exists with other content; pass --overwrite to "
                              "replace it")
        write_jsonl_atomic(target, rows)
        written.append(target)
    return written


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
    preset: str | None = None,
    predictions_out: str | Path | None = None,
    description: str = "",
    source_url: str = "",
    citation: str = "",
    limits: ReadLimits = DEFAULT_LIMITS,
) -> BuildReport:
    """Import a paired document/reference dataset as a sumbench dataset folder.

    Each row's split is ``split_field``'s value, else the split of a saved
    ``DatasetDict``, else ``split`` ("test"). References may be one text or a
    list (multi-reference). ``preset`` (``xsum``, ``cnn_dailymail``, ``multi_news``,
    ``wcep``, ``samsum``) sets the columns (explicit fields win) and the card's source
    and citation (unless given); without one, a table lacking the default columns is
    matched to a preset by its columns (the columns only: a guess never cites).
    The XSum human-evaluation file (``input_format="xsum-human-eval"``, detected
    from its first line) imports too, and ``predictions_out`` then receives one
    predictions file per published system. Bad rows raise :class:`InputError`
    naming file, line/row and field, or with ``skip_invalid`` go to
    ``<out>/rejects.jsonl``; ``limits`` bounds each row
    (:class:`benchmark.rows.ReadLimits`). The report's ``notes`` give the column mapping used.
    """
    input_path, out = Path(input_path), Path(out)
    if not input_path.exists() and not is_stdin(input_path):
        raise InputError("input not found", path=input_path)
    chosen = get_preset(preset) if preset else None
    named = {"document": document_field, "reference": reference_field, "id": id_field}
    fmap = _field_map(field_map, chosen, **named)
    if input_format is None and looks_like_xsum_eval(input_path):
        input_format = XSUM_EVAL_FORMAT
    fmt = input_format or detect_format(input_path, FORMATS)
    if fmt not in IMPORT_FORMATS:
        raise ConfigError(f"unknown import format {fmt!r}; use one of {', '.join(IMPORT_FORMATS)}")
    if predictions_out is not None and fmt != XSUM_EVAL_FORMAT:
        raise ConfigError("--predictions-out applies to the xsum-human-eval format only (the "
                          "one that carries published systems' outputs)")
    check_output_dir(out, overwrite=overwrite, inputs=[input_path])
    splits: dict[str, list[Example]] = {}
    seen: dict[str, str] = {}  # example id -> where it was first read
    rejects: list[str] = []
    notes: list[str] = []
    warnings: list[str] = []
    read = 0
    if fmt == XSUM_EVAL_FORMAT:
        parsed = read_xsum_human_eval(input_path)
        read = len(parsed)
        splits[split] = [ex for ex, _ in parsed]
        notes.append("columns: document <- Document-Full (one sentence per line), reference "
                     "<- Reference, id <- ==<id>== (format xsum-human-eval)")
        if predictions_out is not None:
            outputs: dict[str, dict[str, str]] = {}
            for ex, systems in parsed:
                for system, text in systems.items():
                    outputs.setdefault(system, {})[ex.id] = text
            paths = write_system_predictions(outputs, Path(predictions_out), overwrite=overwrite)
            notes.append(f"predictions of {len(paths)} published systems written to "
                         f"{predictions_out}: {', '.join(p.name for p in paths)}")
        source_url = source_url or "https://github.com/EdinburghNLP/XSum"
        citation = citation or get_preset("xsum").citation
        rows_iter: Any = ()
    else:
        rows_iter = iter_rows(input_path, fmt, formats=FORMATS, batch_size=batch_size,
                              limits=limits)
    resolved = chosen is not None or bool(document_field or reference_field)
    detected = False
    joined = 0
    for row in rows_iter:
        read += 1
        if not resolved and isinstance(row, Row):
            resolved = True
            if fmap["document"] not in row.data or fmap["reference"] not in row.data:
                chosen = detect_preset(list(row.data))
                detected = chosen is not None
                fmap = _field_map(field_map, chosen, **named)
        try:
            if isinstance(row, Reject):
                raise row.to_error()
            sep = chosen.document_separator if chosen else None
            ex, target = _placed(row, fmap, split_field, split, sep)
            if sep is None and any(MULTI_NEWS_SEPARATOR in d for d in ex.documents):
                joined += 1
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
    if fmt != XSUM_EVAL_FORMAT:
        notes.insert(0, _mapping_note(fmap, chosen, detected))
        if chosen is not None and not detected:  # named, not guessed from column names
            source_url = source_url or chosen.source_url
            citation = citation or chosen.citation
    if joined:
        warnings.append(f"{joined} document(s) contain '{MULTI_NEWS_SEPARATOR}' (Multi-News's "
                        "document separator) but were kept whole; --preset multi_news splits "
                        "them into several documents")
    warnings += ranking_warnings({s: len(v) for s, v in splits.items()},
                                 {s: len(v) for s, v in splits.items()})
    ds_name = name or out.resolve().name
    counts: dict[str, Any] = {
        "rows_read": read,
        "examples": read - len(rejects),
        "rows_rejected": len(rejects),
        "examples_per_strategy": {"imported": read - len(rejects)},
        "warnings": warnings,
    }
    settings = {
        "name": ds_name,
        "mode": "import",
        "field_map": dict(sorted(fmap.items())),
        "preset": chosen.name if chosen else None,
        "split_field": split_field,
        "split": split,
        "input_format": fmt,
        "input_file": input_path.name,
        "skip_invalid": skip_invalid,
        "license": license,
        "source_url": source_url,
        "citation": citation,
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
            description=description
            or f"Imported with `sumbench import` from `{input_path.name}`.",
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
        notes=notes,
        warnings=warnings,
    )
