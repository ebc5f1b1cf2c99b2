"""Cluster-level splits: deterministic, no cluster in two splits, tiny corpora still valid."""

from __future__ import annotations

import datetime as dt

import pytest

from benchmark.dataset.split import ClusterInfo, assign_splits, hash_split, hash_unit
from benchmark.errors import ConfigError


def many(n: int, dated: bool = False) -> list[ClusterInfo]:
    base = dt.date(2020, 1, 1)
    return [
        ClusterInfo(
            f"c{i:04d}", examples=1 + i % 3, earliest=base + dt.timedelta(days=i) if dated else None
        )
        for i in range(n)
    ]


def test_hash_split_is_deterministic_and_follows_ratios() -> None:
    clusters = many(2000)
    plan = assign_splits(clusters, seed=12345)
    again = assign_splits(list(reversed(clusters)), seed=12345)
    assert plan.assignment == again.assignment  # order does not matter
    assert set(plan.assignment) == {c.id for c in clusters}
    shares = {
        s: sum(v == s for v in plan.assignment.values()) / 2000
        for s in ("train", "validation", "test")
    }
    assert shares["train"] == pytest.approx(0.8, abs=0.03)
    assert shares["validation"] == pytest.approx(0.1, abs=0.02)
    assert shares["test"] == pytest.approx(0.1, abs=0.02)
    assert plan.warnings == []
    # a cluster's split depends only on its id and the seed (batch-friendly)
    for c in clusters[:50]:
        assert plan.assignment[c.id] == hash_split(
            c.id, 12345, {"train": 0.8, "validation": 0.1, "test": 0.1}
        )


def test_seed_changes_assignment() -> None:
    clusters = many(200)
    a = assign_splits(clusters, seed=1).assignment
    b = assign_splits(clusters, seed=2).assignment
    assert a != b
    assert 0 <= hash_unit("x", 1) < 1 and hash_unit("x", 1) != hash_unit("x", 2)


def test_tiny_corpus_goes_to_test_with_warning() -> None:
    plan = assign_splits([ClusterInfo("only", 4)], seed=12345)
    assert plan.assignment == {"only": "test"}
    assert len(plan.warnings) == 1 and "'test'" in plan.warnings[0]
    assert assign_splits([], seed=1).assignment == {}


def test_chronological_puts_newest_in_test_and_keeps_dates_together() -> None:
    clusters = many(100, dated=True)
    # two clusters on the same date as the boundary must stay together
    clusters.append(ClusterInfo("same-day", 1, clusters[85].earliest))
    plan = assign_splits(clusters, seed=12345, chronological=True)
    order = {"train": 0, "validation": 1, "test": 2}
    dated = sorted(clusters, key=lambda c: (c.earliest, c.id))
    ranks = [order[plan.assignment[c.id]] for c in dated]
    assert ranks == sorted(ranks)  # monotone in time
    assert set(ranks) == {0, 1, 2}
    by_date: dict[dt.date | None, set[str]] = {}
    for c in clusters:
        by_date.setdefault(c.earliest, set()).add(plan.assignment[c.id])
    assert all(len(v) == 1 for v in by_date.values())


def test_chronological_undated_clusters_are_hashed_with_warning() -> None:
    clusters = [*many(30, dated=True), ClusterInfo("nodate", 1)]
    plan = assign_splits(clusters, seed=12345, chronological=True)
    assert "nodate" in plan.assignment
    assert any("no date" in w for w in plan.warnings)


def test_bad_ratios_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="sum to 1"):
        assign_splits(many(20), ratios={"train": 0.5, "test": 0.2})
    with pytest.raises(ConfigError, match="unknown split"):
        assign_splits(many(20), ratios={"dev": 1.0})


def test_empty_split_is_warned() -> None:
    plan = assign_splits(many(12), seed=3, ratios={"train": 0.98, "validation": 0.01, "test": 0.01})
    assert any("is empty" in w for w in plan.warnings)
