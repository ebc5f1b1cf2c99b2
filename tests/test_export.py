"""Export: both HF loaders, byte-identical rewrites, atomic writes, safe output dirs, validation."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml
from test_pairs import seed_articles, seed_clusters

from benchmark.dataset import export as export_mod
from benchmark.dataset.export import write_dataset
from benchmark.dataset.folder import (
    dataset_fingerprint,
    example_features,
    load_dataset_dir,
    validate_dataset_dir,
)
from benchmark.dataset.pairs import build_examples
from benchmark.errors import InputError, OutputError
from benchmark.schema import Example, json_schemas


@pytest.fixture(scope="module")
def material() -> dict:
    arts = seed_articles()
    clusters = seed_clusters(arts)
    res = build_examples(clusters, {a.id: a for a in arts}, ["cross-lede", "multi-doc"])
    filtered = {k: dict(v) for k, v in res.filtered.items()}
    return {"articles": arts, "clusters": clusters, "examples": res.examples, "filtered": filtered}


def write(out: Path, m: dict, splits: dict | None = None, **kw) -> object:
    return write_dataset(
        out,
        name="seeds-test",
        splits=splits or {"test": m["examples"]},
        settings={"seed": 12345},
        counts={"filtered": m["filtered"]},
        articles=m["articles"],
        clusters=m["clusters"],
        **kw,
    )


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_layout_and_both_loaders(tmp_path: Path, material: dict) -> None:
    out = tmp_path / "ds"
    info = write(out, material)
    files = set(tree(out))
    assert {
        "README.md",
        "build.json",
        "articles.jsonl",
        "clusters.jsonl",
        "data/test.jsonl",
        "data/test.parquet",
        "hf/dataset_dict.json",
    } <= files
    assert {f"schemas/{t}.schema.json" for t in json_schemas()} <= files
    import datasets

    by_parquet = datasets.load_dataset(
        "parquet", data_files={"test": str(out / "data/test.parquet")}
    )
    by_disk = datasets.load_from_disk(str(out / "hf"))
    for dd in (by_parquet, by_disk):
        assert list(dd) == ["test"]
        assert dd["test"].features == example_features()
        assert dd["test"].num_rows == len(material["examples"]) == info.splits["test"]
        assert sorted(dd["test"]["id"]) == dd["test"]["id"]
        row = dd["test"][0]
        ex = next(e for e in material["examples"] if e.id == row["id"])
        assert (
            row["references"] == ex.references
            and row["fragments"][0]["density"] == ex.fragments[0].density
        )
    loaded = load_dataset_dir(out)
    assert loaded.fingerprint == info.fingerprint == dataset_fingerprint(material["examples"])
    assert loaded.splits["test"] == sorted(material["examples"], key=lambda e: e.id)


def test_two_writes_are_byte_identical_and_rewrite_is_idempotent(
    tmp_path: Path, material: dict
) -> None:
    write(tmp_path / "a", material)
    write(tmp_path / "b", material)
    a, b = tree(tmp_path / "a"), tree(tmp_path / "b")
    assert a.keys() == b.keys() and any(k.startswith("hf/") for k in a)
    assert a == b
    write(tmp_path / "a", material)  # same dataset again: allowed, same bytes
    assert tree(tmp_path / "a") == a
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp left


def test_card_front_matter(tmp_path: Path, material: dict) -> None:
    write(tmp_path / "ds", material)
    text = (tmp_path / "ds" / "README.md").read_text(encoding="utf-8")
    assert text.startswith("---\n")
    meta = yaml.safe_load(text.split("---\n")[1])
    assert meta["task_categories"] == ["summarization"]
    assert meta["configs"][0]["data_files"] == [{"split": "test", "path": "data/test.parquet"}]
    assert meta["language"] == ["en"] and meta["license"] == "unknown"
    assert meta["size_categories"] == ["n<1K"]
    assert meta["dataset_info"]["splits"][0]["num_examples"] == len(material["examples"])
    assert {f["name"] for f in meta["dataset_info"]["features"]} == set(Example.model_fields)
    n_refs = sum(len(e.references) for e in material["examples"])
    hist = text.split("```\n")[1]
    assert sum(int(line.split()[-1]) for line in hist.strip().splitlines()) == n_refs


def test_different_dataset_needs_overwrite(tmp_path: Path, material: dict) -> None:
    out = tmp_path / "ds"
    write(out, material)
    before = tree(out)
    fewer = {"test": material["examples"][:3]}
    with pytest.raises(OutputError, match="different dataset"):
        write(out, material, splits=fewer)
    assert tree(out) == before
    # same examples, different split assignment, is a different dataset too
    with pytest.raises(OutputError, match="different dataset"):
        write(out, material, splits={"validation": material["examples"]})
    # a cluster in two splits is refused before anything is written
    with pytest.raises(InputError, match="would appear in splits"):
        write(
            out,
            material,
            splits={"train": material["examples"][:4], "test": material["examples"][4:]},
        )
    write(out, material, splits=fewer, overwrite=True)
    assert load_dataset_dir(out).splits["test"] == sorted(fewer["test"], key=lambda e: e.id)


def test_foreign_directory_and_input_inside_output_are_refused(
    tmp_path: Path, material: dict
) -> None:
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    with pytest.raises(OutputError, match="not empty"):
        export_mod.check_output_dir(foreign)
    with pytest.raises(OutputError, match="no sumbench dataset"):
        write(foreign, material)
    assert (foreign / "notes.txt").read_text() == "keep me"
    with pytest.raises(OutputError, match="contains the input"):
        export_mod.check_output_dir(tmp_path, overwrite=True, inputs=[tmp_path / "mine"])
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="not a directory"):
        export_mod.check_output_dir(tmp_path / "file")


def test_an_exception_mid_write_leaves_the_old_dataset(tmp_path: Path, material: dict,
                                                       monkeypatch) -> None:
    out = tmp_path / "ds"
    write(out, material)
    before = tree(out)

    def boom(*a: object, **k: object) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(export_mod, "render_card", boom)
    with pytest.raises(KeyboardInterrupt):
        write(out, material, overwrite=True, splits={"test": material["examples"][:2]})
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ds"]


def test_fingerprint_ignores_order(material: dict) -> None:
    exs = material["examples"]
    assert dataset_fingerprint(exs) == dataset_fingerprint(list(reversed(exs)))
    assert dataset_fingerprint(exs) != dataset_fingerprint(exs[1:])


def test_validate_reports_each_problem_with_location(tmp_path: Path, material: dict) -> None:
    out = tmp_path / "ds"
    write(out, material)
    assert validate_dataset_dir(out) == []
    jsonl = out / "data" / "test.jsonl"
    lines = jsonl.read_text(encoding="utf-8").splitlines()
    rec = json.loads(lines[0])
    rec["references"] = []  # schema: at least one reference
    lines[0] = json.dumps(rec)
    lines[1] = "{not json"
    jsonl.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = validate_dataset_dir(out)
    assert any(p.startswith(f"{jsonl}:1:") and "references" in p for p in problems)
    assert any(p.startswith(f"{jsonl}:2:") and "JSON" in p for p in problems)
    assert any("fingerprint" in p for p in problems)
    with pytest.raises(InputError, match="not a valid sumbench dataset"):
        load_dataset_dir(out)


def test_validate_catches_edits_and_leaks(tmp_path: Path, material: dict) -> None:
    out = tmp_path / "ds"
    write(out, material)
    test = out / "data" / "test.jsonl"
    lines = test.read_text(encoding="utf-8").splitlines(keepends=True)
    test.write_text("".join(lines[:-1]), encoding="utf-8")
    (out / "data" / "train.jsonl").write_text(
        lines[-1].replace("Lukashenko", "Lukashenka", 1), encoding="utf-8"
    )
    build = json.loads((out / "build.json").read_text(encoding="utf-8"))
    build["splits"] = {"test": len(lines) - 1, "train": 1}
    (out / "build.json").write_text(json.dumps(build), encoding="utf-8")
    problems = validate_dataset_dir(out)
    assert any("fingerprint" in p for p in problems)  # the edited reference
    assert any("appears in splits 'test' and 'train'" in p for p in problems)  # the leak
    assert f"{out / 'data' / 'train.parquet'}: missing" in problems
    os.remove(out / "build.json")
    assert validate_dataset_dir(out) == [
        f"{out / 'build.json'}: missing (not a sumbench dataset folder)"
    ]
    assert validate_dataset_dir(tmp_path / "nope") == [f"{tmp_path / 'nope'}: not a directory"]


def test_nothing_to_export_is_an_error(tmp_path: Path, material: dict) -> None:
    with pytest.raises(InputError, match="no examples"):
        write(tmp_path / "ds", material, splits={"test": []})
    assert not (tmp_path / "ds").exists()


def test_deep_validation_compares_parquet_and_hf_copies(tmp_path: Path, material: dict) -> None:
    out, other = tmp_path / "ds", tmp_path / "other"
    write(out, material)
    write(other, material, splits={"test": material["examples"][:3]}, overwrite=True)
    assert validate_dataset_dir(out, deep=True) == []
    # swap in the Parquet file of another dataset: only the deep check can see it
    (out / "data" / "test.parquet").write_bytes((other / "data" / "test.parquet").read_bytes())
    assert validate_dataset_dir(out) == []
    (problem,) = validate_dataset_dir(out, deep=True)
    assert "test.parquet: differs from data/test.jsonl" in problem
