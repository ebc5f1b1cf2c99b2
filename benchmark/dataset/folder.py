"""Reading and validating an exported dataset folder (what :mod:`benchmark.dataset.export` writes).

Only JSONL and pydantic are needed here, so ``sumbench validate`` and
:func:`load_dataset_dir` start fast; the canonical ``datasets.Features`` and the
fingerprint live here too so the writer and the reader share one definition.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from benchmark.errors import InputError
from benchmark.files import canonical_json, recover
from benchmark.rows import hf_offline
from benchmark.schema import Article, BuildInfo, Cluster, Example, json_schemas

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


def read_build_info(out: Path) -> BuildInfo | None:
    """The folder's BuildInfo, or None when it has no valid build.json (not ours)."""
    try:
        return BuildInfo.model_validate_json((out / BUILD_FILE).read_bytes())
    except (OSError, ValidationError, ValueError):
        return None


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


def validate_dataset_dir(path: str | Path, *, deep: bool = False) -> list[str]:
    """Every problem found in an exported dataset folder (empty list = valid).

    Checks build.json, every split's JSONL against the Example schema, ids and
    clusters unique across splits, the fingerprint, and that the Parquet, hf/,
    schema, card, article and cluster files are present and well-formed. The
    default reads only JSONL (fast, no ``datasets`` import); ``deep`` also
    compares the Parquet and ``hf/`` copies with the JSONL row by row.
    """
    _, splits, problems = _read_dir(Path(path))
    if deep and not problems:
        _check_copies(Path(path), splits, problems)
    return problems


@hf_offline()
def _check_copies(path: Path, splits: dict[str, list[Example]], problems: list[str]) -> None:
    """Compare the Parquet and hf/ copies with the JSONL, row by row (needs ``datasets``)."""
    import datasets

    try:
        on_disk = datasets.load_from_disk(str(path / "hf"))
        for split, exs in splits.items():
            expected = [e.model_dump(mode="python") for e in exs]
            copies = {
                f"{path / 'data' / f'{split}.parquet'}": datasets.Dataset.from_parquet(
                    str(path / "data" / f"{split}.parquet"), keep_in_memory=True
                ),
                f"{path / 'hf' / split}": on_disk[split],
            }
            for where, ds in copies.items():
                if ds.features != example_features():
                    problems.append(f"{where}: features differ from the canonical Example features")
                    continue
                rows = ds.to_list()
                bad = [
                    i + 1 for i, (a, b) in enumerate(zip(rows, expected, strict=False)) if a != b
                ]
                if len(rows) != len(expected) or bad:
                    problems.append(
                        f"{where}: differs from data/{split}.jsonl "
                        f"({len(rows)} rows vs {len(expected)}; first differing row {bad[:1]})"
                    )
    except Exception as exc:  # any unreadable copy is a problem to report, not a crash
        problems.append(f"{path}: cannot read the Parquet/hf copies ({type(exc).__name__}: {exc})")


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


def resolve_dataset(dataset: str | Path) -> Path:
    """A dataset directory, or the name of one bundled under the checkout's ``data/``.

    Why names: ``--dataset seeds`` should work from anywhere in a source checkout;
    anything else must be a directory written by ``sumbench build``/``import``.
    """
    path = Path(dataset)
    recover(path)  # a replacement that a killed build left half done puts the dataset back
    if path.is_dir():
        return path
    bundled = Path(__file__).resolve().parents[2] / "data" / str(dataset)
    if len(path.parts) == 1 and (bundled / "build.json").is_file():
        return bundled
    raise InputError("no such dataset directory (build one with `sumbench build`)", path=path)
