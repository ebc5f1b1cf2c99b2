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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from benchmark.card import CardStats, render_card
from benchmark.errors import InputError, OutputError
from benchmark.io import atomic_path, canonical_json, pretty_json
from benchmark.schema import Article, BuildInfo, Cluster, Example, json_schemas
from benchmark.split import SPLITS

BUILD_FILE = "build.json"
DOCUMENT_SEPARATOR = " ||||| "


@dataclass
class LoadedDataset:
    """An exported dataset read back: examples per split and its BuildInfo."""

    name: str
    fingerprint: str
    path: Path
    splits: dict[str, list[Example]]
    build: BuildInfo


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


def example_features() -> Any:
    """The canonical ``datasets.Features`` of an Example row (datasets >= 4 ``List``)."""
    from datasets import Features, List, Value

    string = Value("string")
    return Features(
        {
            "id": string,
            "strategy": string,
            "cluster_id": string,
            "source_ids": List(string),
            "reference_ids": List(string),
            "documents": List(string),
            "document": string,
            "references": List(string),
            "fragments": List(
                {
                    "coverage": Value("float64"),
                    "density": Value("float64"),
                    "compression": Value("float64"),
                }
            ),
            "language": string,
            "published": Value("date32"),
        }
    )


def dataset_fingerprint(examples: Iterable[Example]) -> str:
    """sha256 over the canonical JSON of the examples sorted by id (one per line).

    It identifies content, not files: the same examples always give the same
    fingerprint, whatever order or batches they were produced in.
    """
    h = hashlib.sha256()
    for ex in sorted(examples, key=lambda e: e.id):
        h.update(canonical_json(ex).encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()


def split_fingerprint(splits: Mapping[str, Iterable[Example]]) -> str:
    """sha256 over (split, example id) pairs: tells two splittings of the same examples apart."""
    h = hashlib.sha256()
    for name in sorted(splits):
        for ex_id in sorted(e.id for e in splits[name]):
            h.update(f"{name}\t{ex_id}\n".encode())
    return h.hexdigest()


def _read_build_info(out: Path) -> BuildInfo | None:
    try:
        return BuildInfo.model_validate_json((out / BUILD_FILE).read_bytes())
    except (OSError, ValidationError, ValueError):
        return None


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
    if _read_build_info(out) is None:
        raise OutputError(
            f"output directory {out} is not empty and holds no sumbench dataset "
            f"(no valid {BUILD_FILE}); choose another --out or pass --overwrite"
        )


def _check_same_dataset(out: Path, info: BuildInfo, overwrite: bool) -> None:
    if overwrite or not out.exists() or not any(out.iterdir()):
        return
    old = _read_build_info(out)
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


# --------------------------------------------------------------------------- reading


def _describe(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:3]:
        loc = ".".join(str(p) for p in err["loc"]) or "record"
        parts.append(f"field '{loc}': {err['msg']}")
    return "; ".join(parts)


def _read_records(path: Path, model: type[BaseModel], problems: list[str]) -> list[Any]:
    """Parse a JSONL file into ``model`` records, appending every bad line to ``problems``."""
    records: list[Any] = []
    if not path.is_file():
        problems.append(f"{path}: missing")
        return records
    with open(path, encoding="utf-8") as fh:
        try:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    problems.append(f"{path}:{lineno}: empty line")
                    continue
                try:
                    records.append(model.model_validate_json(line))
                except ValidationError as exc:
                    if any(e["type"] == "json_invalid" for e in exc.errors()):
                        problems.append(f"{path}:{lineno}: not valid JSON")
                    else:
                        problems.append(f"{path}:{lineno}: {_describe(exc)}")
        except UnicodeDecodeError as exc:
            problems.append(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})")
    return records


def _check_example(ex: Example, where: str, problems: list[str]) -> None:
    if len(ex.references) != len(ex.fragments) or len(ex.references) != len(ex.reference_ids):
        problems.append(
            f"{where}: example {ex.id}: references, reference_ids and fragments differ in length"
        )
    if len(ex.documents) != len(ex.source_ids):
        problems.append(f"{where}: example {ex.id}: documents and source_ids differ in length")
    if ex.document != DOCUMENT_SEPARATOR.join(ex.documents):
        problems.append(
            f"{where}: example {ex.id}: document is not its documents joined "
            f"with '{DOCUMENT_SEPARATOR}'"
        )


def _read_dir(path: Path) -> tuple[BuildInfo | None, dict[str, list[Example]], list[str]]:
    problems: list[str] = []
    if not path.is_dir():
        return None, {}, [f"{path}: not a directory"]
    build_path = path / BUILD_FILE
    try:
        info = BuildInfo.model_validate_json(build_path.read_bytes())
    except OSError:
        return None, {}, [f"{build_path}: missing (not a sumbench dataset folder)"]
    except ValidationError as exc:
        return None, {}, [f"{build_path}: {_describe(exc)}"]
    splits: dict[str, list[Example]] = {}
    for split, expected in info.splits.items():
        jsonl = path / "data" / f"{split}.jsonl"
        exs = _read_records(jsonl, Example, problems)
        for ex in exs:
            _check_example(ex, str(jsonl), problems)
        if len(exs) != expected and jsonl.exists():
            problems.append(f"{jsonl}: {len(exs)} valid examples, build.json says {expected}")
        for other in (path / "data" / f"{split}.parquet", path / "hf" / split):
            if not other.exists():
                problems.append(f"{other}: missing")
        splits[split] = exs
    for extra in ("README.md", "hf/dataset_dict.json"):
        if not (path / extra).exists():
            problems.append(f"{path / extra}: missing")
    for type_name in sorted(json_schemas()):
        schema_path = path / "schemas" / f"{type_name}.schema.json"
        try:
            json.loads(schema_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            problems.append(f"{schema_path}: missing or not valid JSON")
    _check_consistency(path, info, splits, problems)
    return info, splits, problems


def _check_consistency(
    path: Path, info: BuildInfo, splits: dict[str, list[Example]], problems: list[str]
) -> None:
    seen: dict[str, str] = {}
    cluster_split: dict[str, str] = {}
    for split, exs in splits.items():
        for ex in exs:
            if ex.id in seen:
                problems.append(f"example id {ex.id} appears in '{seen[ex.id]}' and '{split}'")
            seen[ex.id] = split
            prev = cluster_split.setdefault(ex.cluster_id, split)
            if prev != split:
                problems.append(f"cluster {ex.cluster_id} appears in splits '{prev}' and '{split}'")
    fingerprint = dataset_fingerprint(e for exs in splits.values() for e in exs)
    if fingerprint != info.fingerprint:
        problems.append(
            f"{path / BUILD_FILE}: fingerprint {info.fingerprint[:12]} does not match the examples "
            f"({fingerprint[:12]}): the data files were changed after the build"
        )
    if (path / "articles.jsonl").exists():
        _read_records(path / "articles.jsonl", Article, problems)
    if (path / "clusters.jsonl").exists():
        clusters = _read_records(path / "clusters.jsonl", Cluster, problems)
        known = {c.id for c in clusters}
        missing = sorted(set(cluster_split) - known)
        if missing:
            problems.append(
                f"{path / 'clusters.jsonl'}: lacks cluster(s) used by examples: {missing[:5]}"
            )


def validate_dataset_dir(path: str | Path) -> list[str]:
    """Every problem found in an exported dataset folder (empty list = valid).

    Checks build.json, every split's JSONL against the Example schema, ids and
    clusters unique across splits, the fingerprint, and that the Parquet, hf/,
    schema, card, article and cluster files are present and well-formed.
    """
    _, _, problems = _read_dir(Path(path))
    return problems


def load_dataset_dir(path: str | Path) -> LoadedDataset:
    """Read an exported dataset folder (JSONL per split + build.json), validated.

    Raises :class:`InputError` listing the problems if the folder is not valid.
    """
    path = Path(path)
    info, splits, problems = _read_dir(path)
    if problems or info is None:
        shown = "\n  ".join(problems[:10])
        more = f"\n  ... and {len(problems) - 10} more" if len(problems) > 10 else ""
        raise InputError(f"not a valid sumbench dataset:\n  {shown}{more}", path=path)
    return LoadedDataset(
        name=info.name, fingerprint=info.fingerprint, path=path, splits=splits, build=info
    )
