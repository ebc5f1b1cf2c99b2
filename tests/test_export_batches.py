"""Batched export: the bytes never depend on the batch size, and match what ``datasets`` writes."""

from __future__ import annotations

import math
import random
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from test_export import material, tree, write  # noqa: F401  (fixture re-used)

from benchmark.dataset import card
from benchmark.dataset.folder import example_features, validate_dataset_dir
from benchmark.schema import Example


def _split_of(m: dict) -> dict[str, list[Example]]:
    """All seed examples in 'train' (the seeds have one multi-article cluster)."""
    return {"train": list(m["examples"])}


def test_multi_batch_export_equals_single_batch_byte_for_byte(
    tmp_path: Path,
    material: dict,  # noqa: F811
) -> None:
    n = len(material["examples"])
    assert n >= 4
    trees = {}
    for batch_size in (1, 3, 1000):
        out = tmp_path / f"b{batch_size}" / "ds"
        write(out, material, batch_size=batch_size)
        trees[batch_size] = tree(out)
    assert trees[1] == trees[3] == trees[1000]
    assert "hf/test/data-00000-of-00001.arrow" in trees[1]
    assert validate_dataset_dir(tmp_path / "b3" / "ds", deep=True) == []


def test_parquet_card_bytes_and_hf_match_datasets_own_writers(
    tmp_path: Path,
    material: dict,  # noqa: F811
) -> None:
    """Parquet and the card's num_bytes equal what Dataset.from_dict over the whole split gives."""
    import datasets

    out = tmp_path / "ds"
    write(out, material, batch_size=2)
    exs = sorted(material["examples"], key=lambda e: e.id)
    features = example_features()
    rows = [e.model_dump(mode="python") for e in exs]
    whole = datasets.Dataset.from_dict(
        {k: [r[k] for r in rows] for k in features}, features=features, split="test"
    )
    whole.to_parquet(str(tmp_path / "ref.parquet"))
    whole.save_to_disk(str(tmp_path / "ref_hf"))
    assert (out / "data/test.parquet").read_bytes() == (tmp_path / "ref.parquet").read_bytes()
    for name in ("data-00000-of-00001.arrow", "dataset_info.json"):
        assert (out / "hf/test" / name).read_bytes() == (tmp_path / "ref_hf" / name).read_bytes()
    front = yaml.safe_load((out / "README.md").read_text(encoding="utf-8").split("---")[1])
    assert front["dataset_info"]["splits"][0]["num_bytes"] == whole.data.nbytes


def test_row_groups_and_shards_follow_datasets_rules_when_batched(
    tmp_path: Path,
    material: dict,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Tiny row-group and shard limits force several groups and shards; Parquet stays identical."""
    import datasets
    import pyarrow.parquet as pq
    from datasets import config

    monkeypatch.setattr(config, "MAX_ROW_GROUP_SIZE", "20KB")
    monkeypatch.setattr(config, "MAX_SHARD_SIZE", "40KB")
    splits = _split_of(material)
    outs = []
    for batch_size in (1, 1000):
        out = tmp_path / f"b{batch_size}" / "ds"
        write(out, material, splits=splits, batch_size=batch_size)
        outs.append(tree(out))
    assert outs[0] == outs[1]
    out = tmp_path / "b1" / "ds"
    features = example_features()
    for split, exs in splits.items():
        exs = sorted(exs, key=lambda e: e.id)
        rows = [e.model_dump(mode="python") for e in exs]
        whole = datasets.Dataset.from_dict(
            {k: [r[k] for r in rows] for k in features}, features=features, split=split
        )
        ref = tmp_path / f"{split}.parquet"
        whole.to_parquet(str(ref))
        ours = out / "data" / f"{split}.parquet"
        assert ours.read_bytes() == ref.read_bytes()
        whole.save_to_disk(str(tmp_path / f"ref_{split}"))
        shards = sorted(p.name for p in (tmp_path / f"ref_{split}").glob("*.arrow"))
        assert sorted(p.name for p in (out / "hf" / split).glob("*.arrow")) == shards
        assert len(shards) > 1
        if len(exs) > 1:
            assert pq.ParquetFile(ours).metadata.num_row_groups > 1
    assert validate_dataset_dir(out, deep=True) == []


def test_export_writes_nothing_to_the_datasets_cache(
    tmp_path: Path,
    material: dict,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from datasets import config

    cache = tmp_path / "hf-cache"
    monkeypatch.setattr(config, "HF_DATASETS_CACHE", cache)
    write(tmp_path / "ds", material, batch_size=2)
    assert not cache.exists()
    assert not list((tmp_path).glob("ds.*"))  # no temporary folder left beside the target


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False, width=64), max_size=40))
def test_running_sum_equals_builtin_sum(values: list[float]) -> None:
    """The card's running means are exactly ``sum(list) / len(list)``, on every Python version."""
    acc = card._Sum()
    for v in values:
        acc.add(v)
    expected = sum(values) / len(values) if values else 0.0
    got = acc.mean()
    assert got == expected or (math.isnan(got) and math.isnan(expected))


def test_running_sum_on_skewed_magnitudes() -> None:
    rng = random.Random(12345)
    values = [rng.choice((1e16, 1.0, -1e16, 3.3, 1e-8)) for _ in range(5000)]
    acc = card._Sum()
    for v in values:
        acc.add(v)
    assert acc.mean() == sum(values) / len(values), sys.version_info
