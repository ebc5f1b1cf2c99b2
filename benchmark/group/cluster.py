"""From articles to event clusters: candidates -> judged edges -> capped linkage.

Edges are accepted by :class:`PairJudge` (reprint by shingle Jaccard, else the
same-event model plus vetoes). Clusters grow by single edges in a fixed order
(reprints first, then by descending score, then by ids), but two groups merge
only when the merged group stays within ``max_cluster_size`` and at least
``min_link_fraction`` of all their cross pairs are accepted edges. That stops
a chain A-B-C from pulling in a C that has nothing to do with A.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import combinations, pairwise

from benchmark.errors import InputError
from benchmark.group.config import GroupConfig
from benchmark.group.event import EventModel, shipped_model
from benchmark.group.features import (
    CorpusStats,
    Profile,
    Vectors,
    corpus_stats,
    profile,
    profile_features,
)
from benchmark.group.lexical import lsh_pairs, neighbour_pairs
from benchmark.schema import Article, Cluster, Edge

#: Wraps the candidate pairs being judged (e.g. a progress bar); yields them unchanged.
PairProgress = Callable[[list[tuple[str, str]]], Iterable[tuple[str, str]]]


class PairJudge:
    """Decides (and caches) whether a pair of articles is joined by an edge."""

    def __init__(self, profiles: Sequence[Profile], stats: CorpusStats, config: GroupConfig,
                 model: EventModel | None = None) -> None:
        self.profiles = {p.id: p for p in profiles}
        self.stats = stats
        self.config = config
        self.model = model or shipped_model(config.use_embeddings, config.e5)
        self.threshold = (
            config.event_threshold if config.event_threshold is not None else self.model.threshold
        )
        self._cache: dict[tuple[str, str], Edge | None] = {}
        self._vectors: dict[str, Vectors] = {}

    def evidence(self, a: str, b: str) -> tuple[dict[str, float], float]:
        """Pair features plus the model's same-event probability.

        A text without a single word ("... !!!") gives no evidence, so its
        probability is 0: encoders map any two such texts to nearly the same
        vector, which the model would read as the same story.
        """
        pa, pb = self.profiles[a], self.profiles[b]
        features = profile_features(pa, pb, self.stats, self._vectors)
        if not pa.words or not pb.words:
            return features, 0.0
        return features, self.model.probability(features)

    def verdict(self, features: dict[str, float], prob: float) -> str:
        """Why a pair is or is not an edge: 'reprint', 'event', or 'no: <reason>'.

        Explicit rules cover what same-story ratings cannot teach the model:
        publication dates further apart than ``max_date_gap_days`` forbid an
        event edge; a publication year absent from the other side's years, or
        mentioned calendar days more than a week apart, demand the higher
        ``conflict_threshold``. Years merely mentioned on both sides are left to
        the model (``year_conflict``): on the public pairs they block same-story
        pairs far more often than different ones (docs/grouping.md).
        """
        if features["shingle_jaccard"] >= self.config.reprint_threshold:
            return "reprint"
        if prob < self.threshold:
            return "no: below threshold"
        limit = self.config.max_date_gap_days
        if limit is not None and features["date_gap_days"] > limit:
            return "no: publication dates too far apart"
        bar = self.config.conflict_threshold
        conflict = (features["published_year_conflict"] > 0
                    or features["date_mention_conflict"] > 0)
        if conflict and bar is not None and prob < bar:
            return "no: conflicting years/dates"
        return "event"

    def edge(self, a: str, b: str) -> Edge | None:
        """The accepted edge between ``a`` and ``b`` (any order), or None."""
        a, b = min(a, b), max(a, b)
        key = (a, b)
        if key not in self._cache:
            self._cache[key] = self._judge(a, b)
        return self._cache[key]

    def _judge(self, a: str, b: str) -> Edge | None:
        features, prob = self.evidence(a, b)
        verdict = self.verdict(features, prob)
        evidence = {k: round(v, 6) for k, v in sorted(features.items())}
        evidence["event_probability"] = round(prob, 6)
        if verdict == "reprint":
            return Edge(a=a, b=b, kind="reprint", score=evidence["shingle_jaccard"],
                        evidence=evidence)
        if verdict == "event":
            return Edge(a=a, b=b, kind="event", score=evidence["event_probability"],
                        evidence=evidence)
        return None

    def accepted(self) -> list[Edge]:
        """Every accepted edge judged so far, sorted by (a, b)."""
        return [e for _, e in sorted(self._cache.items()) if e is not None]


def candidate_pairs(profiles: Sequence[Profile], stats: CorpusStats,
                    config: GroupConfig) -> list[tuple[str, str]]:
    """All pairs on small corpora; LSH + nearest-neighbour candidates on large ones."""
    ids = [p.id for p in profiles]
    if len(ids) <= config.exhaustive_below:
        return list(combinations(ids, 2))
    pairs = lsh_pairs(profiles, config.reprint_threshold, config.num_perm, config.seed)
    pairs |= neighbour_pairs(profiles, stats, config.neighbours)
    return sorted(pairs)


def link(ids: Sequence[str], edges: Sequence[Edge], judge: PairJudge,
         config: GroupConfig) -> list[list[str]]:
    """Capped agglomeration over accepted edges; returns sorted member lists."""
    groups: dict[str, list[str]] = {i: [i] for i in ids}
    root = {i: i for i in ids}
    order = sorted(edges, key=lambda e: (e.kind != "reprint", -e.score, e.a, e.b))
    for e in order:
        ra, rb = root[e.a], root[e.b]
        if ra == rb:
            continue
        left, right = groups[ra], groups[rb]
        if len(left) + len(right) > config.max_cluster_size:
            continue
        linked = sum(1 for x in left for y in right if judge.edge(x, y) is not None)
        if linked < config.min_link_fraction * len(left) * len(right):
            continue
        keep, drop = min(ra, rb), max(ra, rb)
        groups[keep] = sorted(left + right)
        for member in groups.pop(drop):
            root[member] = keep
    return sorted(groups.values())


def group_articles(articles: Sequence[Article], config: GroupConfig | None = None, *,
                   progress: Callable[[list[Article]], Iterable[Article]] | None = None,
                   pair_progress: PairProgress | None = None) -> list[Cluster]:
    """Group articles into same-event clusters; every article lands in exactly one.

    ``progress`` wraps the per-article profiling loop (the slow part with the
    encoders on), e.g. with a tqdm bar; it must yield the articles unchanged.
    ``pair_progress`` wraps the judging of the candidate pairs the same way.

    Independent of input order: articles are sorted by id first, pair scores
    come from a pure function of the canonically ordered pair, and the linkage
    visits edges in a fixed order. A cluster's id is its smallest member id.
    """
    config = config or GroupConfig()
    ordered = sorted(articles, key=lambda a: a.id)
    for prev, cur in pairwise(ordered):
        if prev.id == cur.id:
            raise InputError(f"duplicate article id {cur.id!r}: ids must be unique to group",
                             field="id")
    articles_iter = progress(ordered) if progress is not None else ordered
    profiles = [profile(a, embeddings=config.use_embeddings, e5=config.e5)
                for a in articles_iter]
    return group_profiles(profiles, config, pair_progress=pair_progress)


def group_profiles(profiles: Sequence[Profile], config: GroupConfig,
                   model: EventModel | None = None, *,
                   pair_progress: PairProgress | None = None) -> list[Cluster]:
    """:func:`group_articles` on already computed profiles (unique ids).

    Lets a caller that already has profiles (the benchmark, a distributed map
    step) skip recomputing them, and try another ``model``.
    """
    profiles = sorted(profiles, key=lambda p: p.id)
    stats = corpus_stats(profiles)
    judge = PairJudge(profiles, stats, config, model)
    pairs = candidate_pairs(profiles, stats, config)
    edges = [e for a, b in (pair_progress(pairs) if pair_progress else pairs)
             if (e := judge.edge(a, b)) is not None]
    clusters = link([p.id for p in profiles], edges, judge, config)
    owner = {m: members[0] for members in clusters for m in members}
    inside: dict[str, list[Edge]] = {members[0]: [] for members in clusters}
    for e in judge.accepted():
        if owner[e.a] == owner[e.b]:
            inside[owner[e.a]].append(e)
    return [Cluster(id=m[0], members=m, edges=inside[m[0]]) for m in sorted(clusters)]
