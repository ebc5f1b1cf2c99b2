"""Deterministic cluster-level splits (hash-based, or chronological).

A whole cluster goes to one split, so no event leaks from train into test. The
default assignment hashes ``seed`` + cluster id with blake2b: each cluster's
split is a pure function of its own id, independent of batch boundaries, worker
count and input order. The chronological mode sorts clusters by their earliest
date and never lets one date straddle two splits (as WCEP does).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from benchmark.errors import ConfigError
from benchmark.schema import Article, Cluster, Example
from benchmark.seeding import stable_seed

SPLITS: tuple[str, ...] = ("train", "validation", "test")
#: below either count a split cannot rank systems reliably (see RANKING_RULE)
RANK_MIN_EXAMPLES = 100
RANK_MIN_CLUSTERS = 30
RANKING_RULE = (
    f"a split with fewer than {RANK_MIN_EXAMPLES} examples or {RANK_MIN_CLUSTERS} clusters "
    "cannot rank systems reliably: its bootstrap intervals are wide, and examples of one "
    "event cluster are not independent evidence"
)


@dataclass(frozen=True)
class ClusterInfo:
    """What splitting needs to know about a cluster that yielded examples."""

    id: str
    examples: int
    earliest: dt.date | None = None


@dataclass
class SplitPlan:
    """Cluster id -> split name, plus the warnings a user should see."""

    assignment: dict[str, str]
    warnings: list[str] = field(default_factory=list)


def check_ratios(ratios: Mapping[str, float]) -> dict[str, float]:
    """Validate split ratios (non-negative, known names, summing to 1)."""
    unknown = set(ratios) - set(SPLITS)
    if unknown:
        raise ConfigError(f"unknown split name(s) {sorted(unknown)}; use {list(SPLITS)}")
    if any(r < 0 for r in ratios.values()):
        raise ConfigError(f"split ratios must be >= 0, got {dict(ratios)}")
    total = sum(ratios.values())
    if abs(total - 1.0) > 1e-6:
        raise ConfigError(f"split ratios must sum to 1, got {total:g} ({dict(ratios)})")
    return {s: float(ratios.get(s, 0.0)) for s in SPLITS}


def hash_unit(cluster_id: str, seed: int) -> float:
    """A uniform number in [0, 1) from ``seed`` and ``cluster_id`` (stable everywhere)."""
    return stable_seed(seed, cluster_id) / 2**64


def hash_split(cluster_id: str, seed: int, ratios: Mapping[str, float]) -> str:
    """The split of one cluster under hash-based assignment."""
    u = hash_unit(cluster_id, seed)
    cumulative = 0.0
    last = SPLITS[0]
    for name in SPLITS:
        share = ratios.get(name, 0.0)
        if share <= 0:
            continue
        cumulative += share
        last = name
        if u < cumulative:
            return name
    return last


def _chronological(
    clusters: list[ClusterInfo], seed: int, ratios: dict[str, float], warnings: list[str]
) -> dict[str, str]:
    by_date: dict[dt.date, list[ClusterInfo]] = defaultdict(list)
    undated: list[ClusterInfo] = []
    for c in clusters:
        (by_date[c.earliest].append(c) if c.earliest is not None else undated.append(c))
    assignment: dict[str, str] = {}
    dated_total = sum(c.examples for d in by_date for c in by_date[d])
    bounds = [ratios["train"], ratios["train"] + ratios["validation"]]
    done = 0
    for date in sorted(by_date):
        group = by_date[date]
        # the share of examples *before* this date decides where the whole date goes
        frac = done / dated_total if dated_total else 0.0
        name = "train" if frac < bounds[0] else "validation" if frac < bounds[1] else "test"
        if ratios[name] == 0:
            name = next(s for s in ("test", "validation", "train") if ratios[s] > 0)
        for c in group:
            assignment[c.id] = name
        done += sum(c.examples for c in group)
    if undated:
        warnings.append(
            f"{len(undated)} cluster(s) have no date; they were split by hash, not chronologically"
        )
        for c in undated:
            assignment[c.id] = hash_split(c.id, seed, ratios)
    return assignment


def assign_splits(
    clusters: Iterable[ClusterInfo],
    *,
    seed: int = 12345,
    ratios: Mapping[str, float] | None = None,
    chronological: bool = False,
    min_clusters: int = 10,
) -> SplitPlan:
    """Assign every example-bearing cluster to train/validation/test.

    With fewer than ``min_clusters`` clusters a split cannot be meaningful, so
    everything goes to ``test`` with a warning (a tiny corpus still gives a valid
    dataset). Otherwise the hash (or chronological) assignment is used, and an
    empty split that was asked for is reported as a warning.
    """
    norm = check_ratios(ratios or {"train": 0.8, "validation": 0.1, "test": 0.1})
    items = sorted(clusters, key=lambda c: c.id)
    warnings: list[str] = []
    if len(items) < min_clusters:
        if items:
            warnings.append(
                f"only {len(items)} cluster(s) yielded examples (fewer than {min_clusters}): "
                "everything was put in the 'test' split"
            )
        return SplitPlan({c.id: "test" for c in items}, warnings)
    if chronological:
        assignment = _chronological(items, seed, norm, warnings)
    else:
        assignment = {c.id: hash_split(c.id, seed, norm) for c in items}
    used = set(assignment.values())
    for name in SPLITS:
        if norm[name] > 0 and name not in used:
            warnings.append(
                f"split '{name}' is empty (ratio {norm[name]:g}, {len(items)} clusters)"
            )
    return SplitPlan(assignment, warnings)


def ranking_warnings(examples: Mapping[str, int], clusters: Mapping[str, int]) -> list[str]:
    """One warning per non-empty split too small to rank systems (:data:`RANKING_RULE`)."""
    out = []
    for split, n in examples.items():
        c = clusters.get(split, 0)
        if n and (n < RANK_MIN_EXAMPLES or c < RANK_MIN_CLUSTERS):
            out.append(
                f"split '{split}' has {n} example(s) in {c} cluster(s): too small to rank "
                f"systems (rule: at least {RANK_MIN_EXAMPLES} examples and "
                f"{RANK_MIN_CLUSTERS} clusters)"
            )
    return out


def split_examples(
    examples: list[Example],
    clusters: list[Cluster],
    articles: Mapping[str, Article],
    *,
    seed: int,
    ratios: Mapping[str, float] | None,
    chronological: bool,
    min_clusters: int,
) -> tuple[dict[str, list[Example]], list[str]]:
    """Assign examples to splits by cluster; return the splits and the warnings
    (the plan's, then one per split too small to rank systems)."""
    per_cluster = Counter(e.cluster_id for e in examples)
    infos = []
    for c in clusters:
        if per_cluster[c.id]:
            dates = [d for m in c.members if (d := articles[m].published) is not None]
            infos.append(ClusterInfo(c.id, per_cluster[c.id], min(dates) if dates else None))
    plan = assign_splits(
        infos,
        seed=seed, ratios=ratios, chronological=chronological, min_clusters=min_clusters,
    )
    splits: dict[str, list[Example]] = {s: [] for s in SPLITS}
    for ex in examples:
        splits[plan.assignment[ex.cluster_id]].append(ex)
    ranking = ranking_warnings(
        {s: len(v) for s, v in splits.items()},
        {s: len({e.cluster_id for e in v}) for s, v in splits.items()},
    )
    return splits, plan.warnings + ranking
