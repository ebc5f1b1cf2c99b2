"""Grouping over partitions: the same stage functions, mapped by an executor.

:func:`group_articles_distributed` gives exactly what
:func:`~benchmark.group.cluster.group_articles` gives, whatever the executor (this
process, Dask's synchronous scheduler, a Dask cluster), the number of partitions or
the order tasks finish in. Partitions are contiguous slices of the id-sorted
articles, and what is made from them stays on the workers that made it (the
executor's :meth:`~benchmark.distributed.executor.Executor.keep`); the driver holds
ids, publication days, candidate pairs and accepted edges:

1. **profiling** (workers): :func:`~benchmark.group.features.profile` per article, each
   partition's integer counts, summed on a worker (:meth:`CorpusStats.merge`).
   Encoder vectors come from the vector cache or are encoded by the workers (the
   model loads once per process) and go back out as one float32 block per partition.
2. **candidates** (workers): TF-IDF rows as a CSR block per partition, then the
   candidate search of the local build over indexes built once, in id order, from
   the stacked blocks (:mod:`benchmark.group.scaleout_search`).
3. **judging** (workers): the sorted candidate pairs in contiguous chunks; each
   worker fetches every partition's profiles and TF-IDF rows once. The e5 gate's
   articles are found per chunk first and encoded in one pass, as the local
   prefetch does.
4. **linking**: connected components of the accepted edges on the driver (ids and
   edges only), then the capped linkage per component on workers
   (:func:`~benchmark.group.linkage.link_components`), components spread so that
   each task gets a similar share of the work.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import replace
from functools import reduce
from typing import Any

from benchmark.distributed.executor import Executor, LocalExecutor, as_executor, partition
from benchmark.group.cluster import (
    PairJudge,
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
)
from benchmark.group.linkage import components, link_components
from benchmark.group.neighbours import publication_days
from benchmark.group.scaleout_search import search_candidates, tfidf_task
from benchmark.group.vectorcache import VectorCache
from benchmark.schema import Article, Cluster, Edge

Timer = Callable[[str], AbstractContextManager[Any]]


def _profile_task(articles: list[Article]) -> list[Profile]:
    return [profile(a) for a in articles]


def _stats_task(profiles: list[Profile]) -> CorpusStats:
    return corpus_stats(profiles)


def _merge_task(parts: list[CorpusStats]) -> CorpusStats:
    """The corpus's statistics: the partitions' integer counts summed (on a worker)."""
    return reduce(CorpusStats.merge, parts, CorpusStats())


def _days_task(profiles: list[Profile]) -> Any:
    return publication_days(profiles)


Known = dict[str, tuple[Profile, Vectors]]
"""Article id -> its profile (with its encoder vectors) and TF-IDF vectors."""


def _known_task(part: tuple[list[Profile], Any, Any, Any, Any]) -> Known:
    """A partition's profiles with their encoder vectors and views of their TF-IDF rows
    (the same floats the local build's judge reads from its one matrix)."""
    profiles, words, chars, use, e5 = part
    out: Known = {}
    for row, p in enumerate(profiles):
        if use is not None:
            p = replace(p, embedding=use[row],
                        embedding_e5=None if e5 is None else e5[row])
        out[p.id] = (p, (_row(words, row, p.words.keys), _row(chars, row, p.chars.keys)))
    return out


def _row(matrix: Any, row: int, keys: Any) -> Vectors:
    return keys, matrix.data[matrix.indptr[row] : matrix.indptr[row + 1]]


def _judge(known: Sequence[Known], ids: list[str], stats: CorpusStats, config: GroupConfig,
           gate: tuple[float, float] | None, e5: dict[str, Any],
           texts: dict[str, str] | None = None,
           bars: dict[str, float] | None = None) -> PairJudge:
    """A judge over ``ids`` (looked up in the partitions ``known``); e5 vectors from ``e5``,
    else encoded here from ``texts``.

    ``bars`` are the e5 gate's per-article bars of ``group.e5_gate_rank``, taken over
    the whole corpus's candidate pairs (:func:`gate_bars`) as the local build does.
    """
    def e5_source(missing: list[str]) -> dict[str, Any]:
        if texts is None:
            raise ValueError(f"no e5 vector for {missing[:3]}")
        return encode_texts("e5", {i: texts[i] for i in missing})[0]

    found = ChainMap(*known)
    judge = PairJudge([found[i][0] for i in ids], stats, config, gate=gate, e5_source=e5_source,
                      vectors={i: found[i][1] for i in ids},
                      gate_rank=config.e5_gate_rank if bars is not None else None)
    judge.bars = bars
    judge.e5.update(e5)
    return judge


def _gate_scores_task(pairs: list[tuple[str, str]], known: list[Known], stats: CorpusStats,
                      config: GroupConfig, gate: tuple[float, float],
                      ) -> list[tuple[str, str, float]]:
    judge = _judge(known, _ids_of(pairs), stats, config, gate, {})
    return [(a, b, judge.gate_score(a, b)) for a, b in pairs]


def _needs_e5_task(pairs: list[tuple[str, str]], known: list[Known], stats: CorpusStats,
                   config: GroupConfig, gate: tuple[float, float],
                   bars: dict[str, float] | None) -> list[str]:
    judge = _judge(known, _ids_of(pairs), stats, config, gate, {}, bars=bars)
    return sorted({i for a, b in pairs if judge.needs_e5(a, b) for i in (a, b)})


def _judge_task(task: tuple[list[tuple[str, str]], dict[str, Any]], known: list[Known],
                stats: CorpusStats, config: GroupConfig,
                gate: tuple[float, float] | None, bars: dict[str, float] | None) -> list[Edge]:
    pairs, e5 = task
    judge = _judge(known, _ids_of(pairs), stats, config, gate, e5, bars=bars)
    return [e for a, b in pairs if (e := judge.edge(a, b)) is not None]


def _link_task(task: tuple[list[tuple[list[str], list[Edge]]], dict[str, Any],
                           dict[str, str] | None],
               known: list[Known], stats: CorpusStats, config: GroupConfig,
               gate: tuple[float, float] | None, bars: dict[str, float] | None,
               ) -> list[Cluster]:
    parts, e5, texts = task
    members = sorted(i for ids, _ in parts for i in ids)
    judge = _judge(known, members, stats, config, gate, e5, texts, bars)
    return link_components(parts, judge, config)


def _ids_of(pairs: Sequence[tuple[str, str]]) -> list[str]:
    return sorted({i for pair in pairs for i in pair})


def _balanced(comps: list[tuple[list[str], list[Edge]]], parts: int,
              ) -> list[list[tuple[list[str], list[Edge]]]]:
    """Components in up to ``parts`` batches of near-equal linkage work (edges + members²):
    largest first, each to the lightest batch (ties: the first), input order kept inside."""
    load = [0] * max(1, min(parts, len(comps)))
    owner = [0] * len(comps)
    for i in sorted(range(len(comps)), key=lambda i: -(len(comps[i][1]) + len(comps[i][0]) ** 2)):
        owner[i] = min(range(len(load)), key=load.__getitem__)
        load[owner[i]] += len(comps[i][1]) + len(comps[i][0]) ** 2
    batches = [[c for i, c in enumerate(comps) if owner[i] == b] for b in range(len(load))]
    return [b for b in batches if b]


def _blocks(executor: Executor, vecs: dict[str, Any], parts: list[list[str]]) -> list[Any]:
    """Encoder vectors as one float32 block per partition (rows in id order), on workers."""
    import numpy as np

    return executor.put([np.vstack([vecs[i] for i in ids]).astype(np.float32) for ids in parts])


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
    import numpy as np

    clock = timer or (lambda _name: nullcontext())
    say = log or (lambda _message: None)
    parts_n = partitions or executor.partitions
    ordered = sorted_unique(articles)
    ids = [a.id for a in ordered]
    article_parts = partition(ordered, parts_n)
    part_ids = [[a.id for a in part] for part in article_parts]
    with clock("profiling"):
        # profiles stay on the workers that made them; the driver gets counts and days
        profiles = executor.keep(_profile_task, executor.put(article_parts))
        del article_parts
        [stats] = executor.keep(_merge_task, [executor.keep(_stats_task, profiles)])
        days = np.concatenate(executor.map(_days_task, profiles))
    texts = {a.id: encoder_text(a) for a in ordered} if config.use_embeddings else {}
    e5: dict[str, Any] = {}
    use_blocks: list[Any] = [None] * len(profiles)
    e5_blocks: list[Any] = [None] * len(profiles)
    with clock("encoding") if config.use_embeddings else nullcontext():
        if config.use_embeddings:
            cache = VectorCache(config.cache_dir) if config.vector_cache else None
            try:
                use, hits = encode_texts("use", texts, cache=cache, executor=executor)
                say(f"USE vectors: {len(texts)} articles, {hits} from the cache")
                use_blocks = _blocks(executor, use, part_ids)
                del use
                if config.e5 and len(ids) <= config.exhaustive_below:
                    e5, hits = encode_texts("e5", texts, cache=cache, executor=executor)
                    say(f"e5 vectors: {len(texts)} articles, {hits} from the cache")
                    e5_blocks = _blocks(executor, e5, part_ids)
            finally:
                if cache is not None:
                    cache.close()
    with clock("candidates"):
        blocks = {space: executor.keep(tfidf_task, profiles, stats=stats, space=space)
                  for space in ("word", "char")}
        if config.use_embeddings:
            blocks["dense"] = use_blocks
        pairs = search_candidates(executor, profiles, ids, days, blocks, config)
        # each worker fetches the partitions once (from the workers that hold them):
        # judging tasks read any article, since a chunk of id-sorted pairs reaches across
        everyone = executor.keep(_known_task, list(zip(profiles, blocks["word"], blocks["char"],
                                                       use_blocks, e5_blocks, strict=True)))
        del blocks, profiles, use_blocks, e5_blocks
        shared = stats
    gate = E5_GATE if config.e5 and len(ids) > config.exhaustive_below else None
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
            say(f"e5 gate{ranked}: {len(sent)} of {len(ids)} articles sit in a pair whose "
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
        comps = components(ids, edges)
        clusters = [Cluster(id=ids[0], members=ids, edges=[]) for ids, _ in comps
                    if len(ids) == 1]
        joined = [c for c in comps if len(c[0]) > 1]
        # one component is linked by one task: a giant one would hold a worker alone
        say(f"linking {len(joined)} components of 2+ articles (largest "
            f"{max((len(m) for m, _ in joined), default=0)} articles)")
        link_tasks = []
        for batch in _balanced(joined, parts_n):
            ids = sorted(i for members, _ in batch for i in members)
            link_tasks.append((batch, {i: e5[i] for i in ids if i in e5},
                               {i: texts[i] for i in ids} if gate is not None else None))
        for part in executor.map(_link_task, link_tasks, known=everyone, stats=shared,
                                 config=config, gate=gate, bars=shared_bars):
            clusters.extend(part)
    return sorted(clusters, key=lambda c: c.id)
