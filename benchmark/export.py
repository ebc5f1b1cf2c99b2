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

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from benchmark.card import CardStats, render_card
from benchmark.dataset_dir import (
    BUILD_FILE,
    DOCUMENT_SEPARATOR,
    LoadedDataset,
    dataset_fingerprint,
    example_features,
    load_dataset_dir,
    read_build_info,
    split_fingerprint,
    validate_dataset_dir,
)
from benchmark.errors import InputError, OutputError
from benchmark.io import atomic_path, canonical_json, pretty_json
from benchmark.schema import Article, BuildInfo, Cluster, Example, json_schemas
from benchmark.split import SPLITS

__all__ = [
    "BUILD_FILE",
    "DOCUMENT_SEPARATOR",
    "BuildReport",
    "LoadedDataset",
    "check_output_dir",
    "dataset_fingerprint",
    "example_features",
    "load_dataset_dir",
    "split_fingerprint",
    "validate_dataset_dir",
    "write_dataset",
]


class BuildReport(BaseModel):
    """What a build (or import) did, stage by stage; ``summary()`` is the CLI's last words."""

    name: str
    path: str
    fingerprint: str
    articles_read: int = 0
    articles_cleaned: int = 0
    articles_rejected: int = 0
    clusters: int = 0
    multi_article_clusters: int = 0
    candidates: dict[str, int] = Field(default_factory=dict)
    examples: dict[str, int] = Field(default_factory=dict, description="examples per split")
    strategies: dict[str, int] = Field(default_factory=dict, description="examples per strategy")
    filtered: dict[str, dict[str, int]] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)
    rejects_path: str | None = None
    unit: str = Field(
        default="articles", description="what was read: 'articles' (build) or 'rows' (import)"
    )

    def summary(self) -> str:
        """A short, human-readable account of the build."""
        total = sum(self.examples.values())
        per_split = ", ".join(f"{s} {n}" for s, n in self.examples.items())
        if self.unit == "articles":
            lines = [
                f"articles: {self.articles_read} read, {self.articles_cleaned} cleaned, "
                f"{self.articles_rejected} rejected",
                f"clusters: {self.clusters} ({self.multi_article_clusters} with 2+ articles)",
            ]
        else:
            lines = [
                f"{self.unit}: {self.articles_read} read, {self.articles_cleaned} imported, "
                f"{self.articles_rejected} rejected"
            ]
        lines.append(f"examples: {total} ({per_split})")
        if self.strategies:
            lines.append(
                "strategies: "
                + ", ".join(
                    f"{s} {self.strategies.get(s, 0)} of {self.candidates.get(s, 0)} candidates"
                    for s in (self.candidates or self.strategies)
                )
            )
        for strategy, counts in self.filtered.items():
            dropped = ", ".join(f"{k} {v}" for k, v in counts.items() if v) or "nothing"
            lines.append(f"filtered ({strategy}): {dropped}")
        if self.rejects_path:
            lines.append(f"rejected rows written to {self.rejects_path}")
        lines += [f"warning: {w}" for w in self.warnings]
        lines.append(f"wrote {self.path} (fingerprint {self.fingerprint[:16]})")
        return "\n".join(lines)


def check_output_dir(
    out: str | Path, *, overwrite: bool = False, inputs: Iterable[Path] = ()
) -> None:
    """Refuse, before any work, an output that is a file, holds foreign data or the input."""
    out = Path(out).resolve()
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


def _columns(examples: list[Example], features: Any) -> dict[str, list[Any]]:
    rows = [e.model_dump(mode="python") for e in examples]
    return {name: [r[name] for r in rows] for name in features}


def _write_jsonl(path: Path, records: Iterable[Any]) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        for rec in records:
            fh.write(canonical_json(rec))
            fh.write("\n")


def _write_hf(root: Path, splits: dict[str, list[Example]]) -> tuple[Any, dict[str, int]]:
    """Write hf/ and data/<split>.parquet; return the features and arrow bytes per split."""
    import datasets

    features = example_features()
    was_disabled = datasets.are_progress_bars_disabled()
    datasets.disable_progress_bars()
    try:
        dd = datasets.DatasetDict(
            {
                name: datasets.Dataset.from_dict(
                    _columns(exs, features), features=features, split=name
                )
                for name, exs in splits.items()
            }
        )
        nbytes: dict[str, int] = {}
        for name, ds in dd.items():
            ds.to_parquet(str(root / "data" / f"{name}.parquet"))
            nbytes[name] = int(ds.data.nbytes)
        dd.save_to_disk(str(root / "hf"))
    finally:
        if not was_disabled:
            datasets.enable_progress_bars()
    return features, nbytes


def write_dataset(
    out: str | Path,
    *,
    name: str,
    splits: Mapping[str, list[Example]],
    settings: dict[str, Any],
    counts: dict[str, Any],
    articles: list[Article] | None = None,
    clusters: list[Cluster] | None = None,
    extra_files: Mapping[str, Path] | None = None,
    license: str = "unknown",
    description: str = "",
    overwrite: bool = False,
) -> BuildInfo:
    """Write a complete dataset folder atomically and return its BuildInfo.

    Records are sorted by id, empty splits are left out (an empty Parquet split
    cannot be loaded), and everything is byte-identical for the same records.
    An ``out`` holding a different dataset raises :class:`OutputError` unless
    ``overwrite``; the same dataset is simply rewritten.
    """
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
        for split, exs in ordered.items():
            _write_jsonl(tmp / "data" / f"{split}.jsonl", exs)
        features, nbytes = _write_hf(tmp, ordered)
        (tmp / "schemas").mkdir()
        for type_name, schema in sorted(json_schemas().items()):
            (tmp / "schemas" / f"{type_name}.schema.json").write_text(
                pretty_json(schema), encoding="utf-8"
            )
        if articles is not None:
            _write_jsonl(tmp / "articles.jsonl", sorted(articles, key=lambda a: a.id))
        if clusters is not None:
            _write_jsonl(tmp / "clusters.jsonl", sorted(clusters, key=lambda c: c.id))
        for rel, src in sorted((extra_files or {}).items()):
            (tmp / rel).write_bytes(Path(src).read_bytes())
        (tmp / BUILD_FILE).write_text(pretty_json(info), encoding="utf-8")
        stats = CardStats.from_splits(
            ordered, n_articles=len(articles) if articles is not None else None
        )
        card = render_card(
            info,
            stats,
            features_yaml=features._to_yaml_list(),
            split_bytes=nbytes,
            license=license,
            description=description,
        )
        (tmp / "README.md").write_text(card, encoding="utf-8")
    return info


def _version() -> str:
    from benchmark import __version__

    return __version__
