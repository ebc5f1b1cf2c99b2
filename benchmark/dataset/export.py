"""One exporter for every path (build, import): sort, cast to canonical Features, write.

An exported dataset folder holds::

    README.md                 dataset card (YAML front matter + statistics)
    build.json                BuildInfo: every setting, counts, content fingerprint
    data/<split>.jsonl        canonical JSON, one Example per line, sorted by id
    data/<split>.parquet      the same rows, loadable with load_dataset("parquet", ...)
    hf/                       DatasetDict.save_to_disk (load_from_disk)
    schemas/<Type>.schema.json  JSON Schema of every record type
    articles.jsonl            the cleaned articles (built datasets)
    clusters.jsonl            clusters with every edge and its evidence (built datasets)

The folder is written in a temporary directory beside the target and renamed
into place, so an interrupted run never leaves half a dataset. Reading and
validating (:func:`load_dataset_dir`, :func:`validate_dataset_dir`) use only
JSONL and pydantic, so ``sumbench validate`` starts fast.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from benchmark.dataset.card import CardAccumulator, render_card
from benchmark.dataset.folder import (
    BUILD_FILE,
    dataset_fingerprint,
    example_features,
    read_build_info,
    split_fingerprint,
)
from benchmark.dataset.split import SPLITS
from benchmark.errors import InputError, OutputError
from benchmark.files import atomic_path, canonical_json, pretty_json, recover
from benchmark.ingest.store import ArticleStore, RecordStore
from benchmark.rows import hf_offline
from benchmark.schema import Article, BuildInfo, Cluster, Example, json_schemas

#: examples turned into Arrow at a time by the Parquet and hf/ writers
EXPORT_BATCH_SIZE = 1000


def check_output_dir(
    out: str | Path, *, overwrite: bool = False, inputs: Iterable[Path] = ()
) -> None:
    """Refuse, before any work, an output that is a file, holds foreign data or the input.

    First finishes or undoes a replacement of ``out`` that a killed run left half done
    (:func:`benchmark.files.recover`), so the checks below see what is really there.
    """
    out = Path(out).resolve()
    if out.parent.is_dir():
        recover(out)
    for inp in inputs:
        inp = Path(inp).resolve()
        if inp == out or out in inp.parents:
            raise OutputError(
                f"output directory {out} contains the input {inp}; choose another --out"
            )
    if out.exists() and not out.is_dir():
        raise OutputError(f"output path {out} exists and is not a directory")
    if overwrite or not out.exists() or not any(out.iterdir()):
        return
    if read_build_info(out) is None:
        raise OutputError(
            f"output directory {out} is not empty and holds no sumbench dataset "
            f"(no valid {BUILD_FILE}); choose another --out or pass --overwrite"
        )


def _check_same_dataset(out: Path, info: BuildInfo, overwrite: bool) -> None:
    if overwrite or not out.exists() or not any(out.iterdir()):
        return
    old = read_build_info(out)
    if old is None:
        raise OutputError(f"output directory {out} holds no sumbench dataset; pass --overwrite")
    same = (
        old.fingerprint == info.fingerprint
        and old.counts.get("split_fingerprint") == info.counts.get("split_fingerprint")
        and old.name == info.name
    )
    if not same:
        raise OutputError(
            f"output directory {out} already holds a different dataset "
            f"('{old.name}', fingerprint {old.fingerprint[:12]}; "
            f"the new one is {info.fingerprint[:12]}); "
            "choose another --out or pass --overwrite"
        )


def _write_jsonl(path: Path, records: Iterable[Any]) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        for rec in records:
            fh.write(canonical_json(rec))
            fh.write("\n")


def _write_split_jsonl(
    path: Path, split: str, examples: Iterable[Example], stats: CardAccumulator
) -> None:
    """Stream one split's JSONL and feed the card statistics in the same pass."""
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        for ex in examples:
            fh.write(canonical_json(ex))
            fh.write("\n")
            stats.add(split, ex)


def write_dataset(
    out: str | Path,
    *,
    name: str,
    splits: Mapping[str, list[Example]],
    settings: dict[str, Any],
    counts: dict[str, Any],
    articles: Sequence[Article] | None = None,
    clusters: list[Cluster] | None = None,
    cluster_store: RecordStore[Cluster] | None = None,
    extra_files: Mapping[str, Path] | None = None,
    license: str = "unknown",
    description: str = "",
    overwrite: bool = False,
    batch_size: int = EXPORT_BATCH_SIZE,
) -> BuildInfo:
    """Write a complete dataset folder atomically and return its BuildInfo.

    Records are sorted by id, empty splits are left out (an empty Parquet split
    cannot be loaded), and everything is byte-identical for the same records.
    An ``out`` holding a different dataset raises :class:`OutputError` unless
    ``overwrite``; the same dataset is simply rewritten. Examples are turned
    into Arrow ``batch_size`` at a time and written one hf/ record batch or
    one Parquet row group (``datasets``' ~100 MB of Arrow) at a time, so beyond
    the example objects themselves memory follows a batch or a row group, not
    the corpus. The bytes do not depend on ``batch_size``. ``cluster_store`` holds the
    full records of clusters that ``clusters`` lists without their edges.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    out = Path(out)
    ordered = {
        s: sorted(splits[s], key=lambda e: e.id)
        for s in (*SPLITS, *sorted(set(splits) - set(SPLITS)))
        if splits.get(s)
    }
    if not ordered:
        raise InputError(
            "no examples to export (every candidate was filtered out or the input is empty)"
        )
    all_examples = [e for exs in ordered.values() for e in exs]
    ids = [e.id for e in all_examples]
    if len(set(ids)) != len(ids):
        dup = sorted({i for i in ids if ids.count(i) > 1})[:5]
        raise InputError(f"duplicate example ids: {dup}")
    home: dict[str, str] = {}
    for split, exs in ordered.items():
        for ex in exs:
            if home.setdefault(ex.cluster_id, split) != split:
                first = home[ex.cluster_id]
                raise InputError(
                    f"cluster {ex.cluster_id} would appear in splits '{first}' and '{split}'"
                )
    counts = {**counts, "split_fingerprint": split_fingerprint(ordered)}
    info = BuildInfo(
        name=name,
        fingerprint=dataset_fingerprint(all_examples),
        sumbench_version=_version(),
        settings=settings,
        counts=counts,
        splits={s: len(exs) for s, exs in ordered.items()},
    )
    _check_same_dataset(out, info, overwrite)
    with atomic_path(out) as tmp:
        (tmp / "data").mkdir(parents=True)
        stats = CardAccumulator()
        for split, exs in ordered.items():
            _write_split_jsonl(tmp / "data" / f"{split}.jsonl", split, exs, stats)
        features_yaml, nbytes = _write_arrow(tmp, ordered, info, batch_size)
        (tmp / "schemas").mkdir()
        for type_name, schema in sorted(json_schemas().items()):
            (tmp / "schemas" / f"{type_name}.schema.json").write_text(
                pretty_json(schema), encoding="utf-8"
            )
        if isinstance(articles, ArticleStore):  # its lines are the canonical JSON, in id order
            with open(tmp / "articles.jsonl", "wb") as fh:
                fh.writelines(line + b"\n" for line in articles.lines())
        elif articles is not None:
            _write_jsonl(tmp / "articles.jsonl", sorted(articles, key=lambda a: a.id))
        if clusters is not None:
            # a cluster kept in ``cluster_store`` (a distributed build's, with its edges'
            # evidence) is read back from it, one at a time
            _write_jsonl(tmp / "clusters.jsonl",
                         (cluster_store.get(c.id)
                          if cluster_store is not None and cluster_store.has(c.id) else c
                          for c in sorted(clusters, key=lambda c: c.id)))
        for rel, src in sorted((extra_files or {}).items()):
            (tmp / rel).write_bytes(Path(src).read_bytes())
        (tmp / BUILD_FILE).write_text(pretty_json(info), encoding="utf-8")
        card = render_card(
            info,
            stats.result(n_articles=len(articles) if articles is not None else None),
            features_yaml=features_yaml,
            split_bytes=nbytes,
            license=license,
            description=description,
        )
        (tmp / "README.md").write_text(card, encoding="utf-8")
    return info


@hf_offline()  # offline switches set only around this call, not in os.environ
def _write_arrow(
    root: Path, splits: Mapping[str, Sequence[Example]], info: BuildInfo, batch_size: int
) -> tuple[list[Any], dict[str, int]]:
    """Write data/<split>.parquet and hf/ batch by batch; return the features YAML and bytes."""
    import datasets

    features = example_features()
    was_disabled = datasets.are_progress_bars_disabled()
    datasets.disable_progress_bars()
    nbytes: dict[str, int] = {}
    try:
        (root / "hf").mkdir()
        (root / "hf" / "dataset_dict.json").write_text(
            json.dumps({"splits": list(splits)}), encoding="utf-8"
        )
        for name, exs in splits.items():
            nbytes[name] = _split_nbytes(exs, features, batch_size)
            _write_parquet_split(
                root / "data" / f"{name}.parquet", exs, features, nbytes[name], batch_size
            )
            _write_hf_split(
                root / "hf" / name,
                name,
                exs,
                features,
                nbytes=nbytes[name],
                batch_size=batch_size,
                fingerprint=_hf_fingerprint(info, name),
            )
    finally:
        if not was_disabled:
            datasets.enable_progress_bars()
    return features._to_yaml_list(), nbytes


def _arrow_table(examples: Sequence[Example], features: Any, batch_size: int) -> Any:
    """One contiguous Arrow table of ``examples``, converted ``batch_size`` at a time.

    Each batch is encoded as ``Dataset.from_dict`` encodes a column (the cast
    the whole-split export used before); then each column's pieces are joined
    into fresh contiguous buffers and dropped, so the peak is about one table
    plus one column, and the bytes do not depend on ``batch_size``.
    """
    import pyarrow as pa
    from datasets.arrow_writer import OptimizedTypedSequence

    pieces: dict[str, list[Any]] = {name: [] for name in features}
    for lo in range(0, len(examples), batch_size):
        rows = [e.model_dump(mode="python") for e in examples[lo : lo + batch_size]]
        for name, feature in features.items():
            values = features.encode_column([r[name] for r in rows], name)
            pieces[name].append(pa.array(OptimizedTypedSequence(values, type=feature, col=name)))
        del rows
    columns = []
    for name in features:
        parts = pieces.pop(name)
        columns.append(parts[0] if len(parts) == 1 else pa.concat_arrays(parts))
        del parts
    return pa.Table.from_arrays(columns, schema=features.arrow_schema)


def _add_levels(array: Any, path: str, acc: dict[str, list[int]]) -> None:
    """Accumulate, per nesting level: rows, nulls, value bytes and whether it has offsets."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(array, pa.ChunkedArray):
        for chunk in array.chunks:
            _add_levels(chunk, path, acc)
        return
    kind = array.type
    level = acc.setdefault(path, [0, 0, 0, 0])
    level[0] += len(array)
    level[1] += array.null_count
    if pa.types.is_string(kind) or pa.types.is_binary(kind):
        level[3] = 1
        level[2] += pc.sum(pc.binary_length(array)).as_py() or 0
    elif pa.types.is_list(kind):
        level[3] = 1
        _add_levels(array.flatten(), f"{path}.item", acc)
    elif pa.types.is_struct(kind):
        for i in range(kind.num_fields):
            _add_levels(array.field(i), f"{path}.{kind.field(i).name}", acc)
    else:
        level[2] += -(-len(array) * kind.bit_width // 8)


def _split_nbytes(examples: Sequence[Example], features: Any, batch_size: int) -> int:
    """``Table.nbytes`` of the split as one contiguous table, summed batch by batch.

    Arrow counts, per array, the referenced validity bitmap (only when there
    are nulls), 4 bytes of offsets per row, and the value bytes; the sum over
    nesting levels is therefore additive over batches. ``datasets`` sizes
    Parquet row groups and hf/ shards from this figure and the card shows it.
    """
    acc: dict[str, list[int]] = {}
    for lo in range(0, len(examples), batch_size):
        table = _arrow_table(examples[lo : lo + batch_size], features, batch_size)
        for name in table.column_names:
            _add_levels(table.column(name), name, acc)
    return sum(
        (-(-rows // 8) if nulls else 0) + (4 * rows if offsets else 0) + values
        for rows, nulls, values, offsets in acc.values()
    )


def _rows_per_group(n: int, nbytes: int) -> int:
    """``datasets``' row-group size: about 100 MB of Arrow data per group."""
    from datasets import config
    from datasets.utils.py_utils import convert_file_size_to_int

    limit = convert_file_size_to_int(config.MAX_ROW_GROUP_SIZE)
    return max(1, n * limit // nbytes) if nbytes > 0 else 1


def _write_parquet_split(
    path: Path, examples: Sequence[Example], features: Any, nbytes: int, batch_size: int
) -> None:
    """Parquet as ``Dataset.to_parquet`` writes it (same schema, options, row groups)."""
    import pyarrow.parquet as pq
    from datasets import arrow_writer, config

    schema = features.arrow_schema
    cdc = getattr(config, "DEFAULT_CDC_OPTIONS", None)
    column_options = getattr(arrow_writer, "get_parquet_column_options", None)
    options: dict[str, Any] = column_options(features, schema) if column_options else {}
    if cdc is not None:
        options.update(use_content_defined_chunking=cdc, write_page_index=True)
    group = _rows_per_group(len(examples), nbytes)
    with pq.ParquetWriter(str(path), schema=schema, **options) as writer:
        for lo in range(0, len(examples), group):
            writer.write_table(_arrow_table(examples[lo : lo + group], features, batch_size))
        if cdc is not None:
            writer.add_key_value_metadata({"content_defined_chunking": json.dumps(cdc)})


def _hf_fingerprint(info: BuildInfo, split: str) -> str:
    """hf/<split>/state.json's ``_fingerprint``: from the content, never from time or paths."""
    key = f"{info.fingerprint}\t{info.counts.get('split_fingerprint', '')}\t{split}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def _write_hf_split(
    folder: Path,
    split: str,
    examples: Sequence[Example],
    features: Any,
    *,
    nbytes: int,
    batch_size: int,
    fingerprint: str,
) -> None:
    """One split of ``DatasetDict.save_to_disk``, written shard by shard, batch by batch.

    Shards (500 MB), record batches (1,000 rows or 100 MB) and the JSON files
    follow ``Dataset.save_to_disk``; ``_fingerprint`` is derived from the
    content (``datasets`` would hash the whole in-memory table).
    """
    from datasets import DatasetInfo, config
    from datasets.arrow_writer import ArrowWriter
    from datasets.utils.py_utils import asdict, convert_file_size_to_int

    n = len(examples)
    per_batch = min(config.DEFAULT_MAX_BATCH_SIZE, _rows_per_group(n, nbytes))
    shards = max(1, min(n, int(nbytes / convert_file_size_to_int(config.MAX_SHARD_SIZE)) + 1))
    files = [f"data-{i:05d}-of-{shards:05d}.arrow" for i in range(shards)]
    folder.mkdir()
    div, mod = divmod(n, shards)
    start = 0
    for i, filename in enumerate(files):
        end = start + div + (1 if i < mod else 0)
        writer = ArrowWriter(features=features, path=str(folder / filename), embed_local_files=True)
        try:
            for lo in range(start, end, per_batch):
                chunk = examples[lo : min(lo + per_batch, end)]
                writer.write_table(_arrow_table(chunk, features, batch_size))
            writer.finalize()
        finally:
            writer.close()
        start = end
    state: dict[str, Any] = {
        "_data_files": [{"filename": f} for f in files],
        "_fingerprint": fingerprint,
        "_format_columns": None,
        "_format_kwargs": {},
        "_format_type": None,
        "_output_all_columns": False,
        "_split": split,
    }
    (folder / config.DATASET_STATE_JSON_FILENAME).write_text(
        json.dumps(state, indent=2, sort_keys=True), encoding="utf-8"
    )
    described = asdict(DatasetInfo(features=features))
    (folder / config.DATASET_INFO_FILENAME).write_text(
        json.dumps({k: described[k] for k in sorted(described)}, indent=2), encoding="utf-8"
    )


def _version() -> str:
    from benchmark import __version__

    return __version__
