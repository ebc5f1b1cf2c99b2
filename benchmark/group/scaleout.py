"""Grouping over partitions: the same stage functions, mapped by an executor.

:func:`group_partitioned` gives exactly what :func:`~benchmark.group.cluster.group_articles`
gives, whatever the executor (this process, Dask's synchronous scheduler, a Dask
cluster), the number of partitions or the order tasks finish in:

1. **profiling** (workers): :func:`~benchmark.group.features.profile` per article and
   the partition's :func:`~benchmark.group.features.corpus_stats`; the driver sums
   the integer counts (:meth:`CorpusStats.merge`). Encoder vectors come from the
   vector cache or are encoded by the workers (the model loads once per process).
2. **candidates** (driver): TF-IDF vectors are made per partition on workers;
   LSH and the neighbour index are built once over all articles in id order
   (:func:`~benchmark.group.cluster.candidate_pairs`), so partitions cannot change them.
3. **judging** (workers): the sorted candidate pairs in contiguous chunks; every
   worker receives the profiles and TF-IDF vectors once. The e5 gate's articles are found per chunk
   first and encoded in one pass, as the local prefetch does.
4. **linking**: connected components of the accepted edges on the driver (ids and
   edges only), then the capped linkage per component on workers
   (:func:`~benchmark.group.cluster.link_components`), each task's judge holding only
   the profiles of its components' members (taken from what the worker received).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import replace
from functools import reduce
from typing import Any

from benchmark.distributed.executor import Executor, LocalExecutor, as_executor, partition
from benchmark.group.cluster import (
    PairJudge,
    candidate_pairs,
    gate_bars,
    sorted_unique,
)
from benchmark.group.config import GroupConfig
from benchmark.group.encoders import encode_texts
from benchmark.group.event import E5_GATE
from benchmark.group.features import (
    CorpusStats,
    Profile,
    Vectors,
    corpus_stats,
    encoder_text,
    profile,
    vectors,
)
from benchmark.group.linkage import components, link_components
from benchmark.group.vectorcache import VectorCache
from benchmark.schema import Article, Cluster, Edge

Timer = Callable[[str], AbstractContextManager[Any]]


def _profile_task(articles: list[Article]) -> tuple[list[Profile], CorpusStats]:
    profiles = [profile(a) for a in articles]
    return profiles, corpus_stats(profiles)


def _vectors_task(profiles: list[Profile], stats: CorpusStats) -> list[Vectors]:
    return [vectors(p, stats) for p in profiles]


Known = dict[str, tuple[Profile, Vectors]]
"""Article id -> its profile and TF-IDF vectors (under the corpus statistics)."""


def _judge(known: Known, ids: list[str], stats: CorpusStats, config: GroupConfig,
           gate: tuple[float, float] | None, e5: dict[str, Any],
           texts: dict[str, str] | None = None,
           bars: dict[str, float] | None = None) -> PairJudge:
    """A judge over ``ids``; e5 vectors from ``e5``, else encoded here from ``texts``.

    ``bars`` are the e5 gate's per-article bars of ``group.e5_gate_rank``, taken over
    the whole corpus's candidate pairs (:func:`gate_bars`) as the local build does.
    """
    def e5_source(missing: list[str]) -> dict[str, Any]:
        if texts is None:
            raise ValueError(f"no e5 vector for {missing[:3]}")
        return encode_texts("e5", {i: texts[i] for i in missing})[0]

    judge = PairJudge([known[i][0] for i in ids], stats, config, gate=gate, e5_source=e5_source,
                      vectors={i: known[i][1] for i in ids},
                      gate_rank=config.e5_gate_rank if bars is not None else None)
    judge.bars = bars
    judge.e5.update(e5)
    return judge


def _gate_scores_task(pairs: list[tuple[str, str]], known: Known, stats: CorpusStats,
                      config: GroupConfig, gate: tuple[float, float],
                      ) -> list[tuple[str, str, float]]:
    judge = _judge(known, _ids_of(pairs), stats, config, gate, {})
    return [(a, b, judge.gate_score(a, b)) for a, b in pairs]


def _needs_e5_task(pairs: list[tuple[str, str]], known: Known, stats: CorpusStats,
                   config: GroupConfig, gate: tuple[float, float],
                   bars: dict[str, float] | None) -> list[str]:
    judge = _judge(known, _ids_of(pairs), stats, config, gate, {}, bars=bars)
    return sorted({i for a, b in pairs if judge.needs_e5(a, b) for i in (a, b)})


def _judge_task(task: tuple[list[tuple[str, str]], dict[str, Any]], known: Known,
                stats: CorpusStats, config: GroupConfig,
                gate: tuple[float, float] | None, bars: dict[str, float] | None) -> list[Edge]:
    pairs, e5 = task
    judge = _judge(known, _ids_of(pairs), stats, config, gate, e5, bars=bars)
    return [e for a, b in pairs if (e := judge.edge(a, b)) is not None]


def _link_task(task: tuple[list[tuple[list[str], list[Edge]]], dict[str, Any],
                           dict[str, str] | None],
               known: Known, stats: CorpusStats, config: GroupConfig,
               gate: tuple[float, float] | None, bars: dict[str, float] | None,
               ) -> list[Cluster]:
    parts, e5, texts = task
    members = sorted(i for ids, _ in parts for i in ids)
    judge = _judge(known, members, stats, config, gate, e5, texts, bars)
    return link_components(parts, judge, config)


def _ids_of(pairs: Sequence[tuple[str, str]]) -> list[str]:
    return sorted({i for pair in pairs for i in pair})


def group_articles_distributed(
        articles: Sequence[Article], config: GroupConfig | None = None, client: Any = None, *,
        partitions: int | None = None, timer: Timer | None = None,
        log: Callable[[str], None] | None = None) -> list[Cluster]:
    """:func:`~benchmark.group.cluster.group_articles` with its heavy steps on a Dask cluster.

    ``client`` is a ``dask.distributed.Client``, or an executor of
    :mod:`benchmark.distributed.executor` (``DaskExecutor()`` runs Dask's synchronous
    scheduler, ``LocalExecutor()`` this process; None = this process). ``partitions``
    (default: twice the cluster's threads) splits the id-sorted articles, the
    candidate pairs and the components; it changes how work is cut, never the
    result. ``timer(name)`` times the steps profiling, candidates, judging, linking;
    ``log`` receives one-line reports.
    """
    config = config or GroupConfig()
    executor: Executor = LocalExecutor() if client is None else as_executor(client)
    clock = timer or (lambda _name: nullcontext())
    say = log or (lambda _message: None)
    parts_n = partitions or executor.partitions
    ordered = sorted_unique(articles)
    with clock("profiling"):
        done = executor.map(_profile_task, partition(ordered, parts_n))
        profiles = [p for part, _ in done for p in part]
        stats = reduce(CorpusStats.merge, (s for _, s in done), CorpusStats())
        del done
    texts = {a.id: encoder_text(a) for a in ordered} if config.use_embeddings else {}
    e5: dict[str, Any] = {}
    with clock("encoding") if config.use_embeddings else nullcontext():
        if config.use_embeddings:
            cache = VectorCache(config.cache_dir) if config.vector_cache else None
            try:
                use, hits = encode_texts("use", texts, cache=cache, executor=executor)
                say(f"USE vectors: {len(texts)} articles, {hits} from the cache")
                profiles = [replace(p, embedding=use[p.id]) for p in profiles]
                del use
                if config.e5 and len(profiles) <= config.exhaustive_below:
                    e5, hits = encode_texts("e5", texts, cache=cache, executor=executor)
                    say(f"e5 vectors: {len(texts)} articles, {hits} from the cache")
                    profiles = [replace(p, embedding_e5=e5[p.id]) for p in profiles]
            finally:
                if cache is not None:
                    cache.close()
    shared = executor.share(stats)
    with clock("candidates"):
        profile_parts = partition(profiles, parts_n)
        vecs = [v for part in executor.map(_vectors_task, profile_parts, stats=shared)
                for v in part]
        pairs = candidate_pairs(profiles, stats, config, vecs)
        known = {p.id: (p, v) for p, v in zip(profiles, vecs, strict=True)}
        del vecs, profile_parts
        # every worker receives the profiles once (not with every task): judging tasks
        # read any article, since a chunk of id-sorted pairs reaches across the corpus
        everyone = executor.share(known)
    gate = E5_GATE if config.e5 and len(profiles) > config.exhaustive_below else None
    with clock("judging"):
        chunks = partition(pairs, max(parts_n, len(pairs) // 50_000))
        bars = None
        if gate is not None and config.e5_gate_rank is not None:
            scored = executor.map(_gate_scores_task, chunks, known=everyone, stats=shared,
                                  config=config, gate=gate)
            bars = gate_bars((t for part in scored for t in part), config.e5_gate_rank)
            del scored
        shared_bars = executor.share(bars)
        if gate is not None:
            need = executor.map(_needs_e5_task, chunks, known=everyone, stats=shared,
                                config=config, gate=gate, bars=shared_bars)
            sent = sorted({i for ids in need for i in ids})
            ranked = (f" (band pairs among the best {config.e5_gate_rank} of both articles)"
                      if bars is not None else "")
            say(f"e5 gate{ranked}: {len(sent)} of {len(profiles)} articles sit in a pair whose "
                "verdict e5 can change")
            cache = VectorCache(config.cache_dir) if config.vector_cache else None
            try:
                made, hits = encode_texts("e5", {i: texts[i] for i in sent}, cache=cache,
                                          executor=executor)
                say(f"e5 vectors: {len(sent)} articles, {hits} from the cache")
                e5.update(made)
            finally:
                if cache is not None:
                    cache.close()
        tasks = [(c, {i: e5[i] for i in _ids_of(c) if i in e5}) for c in chunks]
        edges = [e for part in executor.map(_judge_task, tasks, known=everyone,
                                            stats=shared, config=config, gate=gate,
                                            bars=shared_bars)
                 for e in part]
        del tasks, chunks, pairs
    with clock("linking"):
        comps = components([p.id for p in profiles], edges)
        clusters = [Cluster(id=ids[0], members=ids, edges=[]) for ids, _ in comps
                    if len(ids) == 1]
        joined = [c for c in comps if len(c[0]) > 1]
        # one component is linked by one task: a giant one would hold a worker alone
        say(f"linking {len(joined)} components of 2+ articles (largest "
            f"{max((len(m) for m, _ in joined), default=0)} articles)")
        link_tasks = []
        for batch in partition(joined, parts_n):
            ids = sorted(i for members, _ in batch for i in members)
            link_tasks.append((batch, {i: e5[i] for i in ids if i in e5},
                               {i: texts[i] for i in ids} if gate is not None else None))
        for part in executor.map(_link_task, link_tasks, known=everyone, stats=shared,
                                 config=config, gate=gate, bars=shared_bars):
            clusters.extend(part)
    return sorted(clusters, key=lambda c: c.id)
