"""Grouping over partitions: the same stage functions, mapped by an executor.

:func:`group_articles_distributed` gives exactly what
:func:`~benchmark.group.cluster.group_articles` gives, whatever the executor (this
process, Dask's synchronous scheduler, a Dask cluster), the number of partitions or
the order tasks finish in. Partitions are contiguous slices of the id-sorted
articles, and what is made from them stays on the workers that made it (the
executor's :meth:`~benchmark.distributed.executor.Executor.keep`); the driver holds
ids, publication days, and the candidate pairs and accepted edges as bare int64
codes ``i * n + j`` of id-sorted positions:

1. **profiling** (workers): the articles go out a partition at a time (read by
   position from the caller's sequence, e.g. the build's on-disk store);
   :func:`~benchmark.group.features.profile` per article, each partition's integer
   counts summed on a worker (:meth:`CorpusStats.merge`), the encoder texts kept.
   Encoder vectors come from the vector cache or are encoded by the workers from
   their texts (:mod:`benchmark.group.scaleout_encode`), a float32 block per partition.
2. **candidates** (workers): TF-IDF rows as a CSR block per partition, then the
   candidate search of the local build over indexes built once, in id order, from
   the stacked blocks (:mod:`benchmark.group.scaleout_search`).
3. **judging** (workers): the candidate codes in contiguous chunks; each worker
   fetches every partition's profiles and TF-IDF rows once. The e5 gate's articles
   are found per chunk first and encoded in one pass, as the local prefetch does.
   The accepted edges, evidence included, stay on the workers; their codes come back.
4. **linking**: connected components of the edge codes on the driver
   (:func:`~benchmark.group.linkage.code_components`), then the capped linkage per
   component on workers (:func:`~benchmark.group.linkage.link_components`), each
   batch's edges routed to it on the workers, components spread so that each task
   gets a similar share of the work.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import replace
from functools import reduce
from typing import Any

from benchmark.distributed.executor import Executor, LocalExecutor, as_executor, slices
from benchmark.group.cluster import (
    PairJudge,
    gate_bars,
    require_unique,
)
from benchmark.group.config import GroupConfig
from benchmark.group.encoders import encode_texts
from benchmark.group.event import E5_GATE
from benchmark.group.features import (
    CorpusStats,
    Profile,
    Vectors,
    corpus_stats,
    profile,
)
from benchmark.group.linkage import code_components, link_components
from benchmark.group.neighbours import code_pairs, publication_days
from benchmark.group.scaleout_encode import Texts, encode_partitions, texts_task
from benchmark.group.scaleout_search import search_candidates, tfidf_task
from benchmark.group.vectorcache import VectorCache
from benchmark.ingest.store import ArticleStore
from benchmark.schema import Article, Cluster, Edge

Timer = Callable[[str], AbstractContextManager[Any]]

#: Accepted edges per linking batch at most (beyond ``partitions`` batches): a batch's
#: clusters, evidence included, are what the driver holds at a time.
LINK_BATCH_EDGES = 100_000


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
           gate: tuple[float, float] | None, e5_parts: Sequence[dict[str, Any]] = (),
           text_parts: Sequence[Texts] | None = None,
           bars: dict[str, float] | None = None) -> PairJudge:
    """A judge over ``ids`` (looked up in the partitions ``known``); e5 vectors from the
    partitions' ``e5_parts``, else encoded here from the partitions' ``text_parts``.

    ``bars`` are the e5 gate's per-article bars of ``group.e5_gate_rank``, taken over
    the whole corpus's candidate pairs (:func:`gate_bars`) as the local build does.
    """
    texts = None if text_parts is None else ChainMap(*text_parts)

    def e5_source(missing: list[str]) -> dict[str, Any]:
        if texts is None:
            raise ValueError(f"no e5 vector for {missing[:3]}")
        return encode_texts("e5", {i: texts[i] for i in missing})[0]

    found = ChainMap(*known)
    judge = PairJudge([found[i][0] for i in ids], stats, config, gate=gate, e5_source=e5_source,
                      vectors={i: found[i][1] for i in ids},
                      gate_rank=config.e5_gate_rank if bars is not None else None)
    judge.bars = bars
    made = ChainMap(*e5_parts)
    judge.e5.update((i, made[i]) for i in ids if i in made)
    return judge


def _gate_scores_task(codes: Any, ids: list[str], known: list[Known], stats: CorpusStats,
                      config: GroupConfig, gate: tuple[float, float]) -> Any:
    """The gate scores (float64) of a chunk of coded candidate pairs, in code order."""
    import numpy as np

    pairs = code_pairs(codes, ids)
    judge = _judge(known, _ids_of(pairs), stats, config, gate)
    return np.array([judge.gate_score(a, b) for a, b in pairs], dtype=np.float64)


def _needs_e5_task(codes: Any, ids: list[str], known: list[Known], stats: CorpusStats,
                   config: GroupConfig, gate: tuple[float, float],
                   bars: dict[str, float] | None) -> list[str]:
    pairs = code_pairs(codes, ids)
    judge = _judge(known, _ids_of(pairs), stats, config, gate, bars=bars)
    return sorted({i for a, b in pairs if judge.needs_e5(a, b) for i in (a, b)})


Judged = tuple[list[Edge], Any]
"""A chunk's accepted edges (with their evidence) and their pair codes (int64)."""


def _judge_task(codes: Any, ids: list[str], known: list[Known],
                e5_parts: list[dict[str, Any]], stats: CorpusStats, config: GroupConfig,
                gate: tuple[float, float] | None, bars: dict[str, float] | None) -> Judged:
    import numpy as np

    pairs = code_pairs(codes, ids)
    judge = _judge(known, _ids_of(pairs), stats, config, gate, e5_parts, bars=bars)
    edges, kept = [], []
    for code, (a, b) in zip(codes.tolist(), pairs, strict=True):
        if (e := judge.edge(a, b)) is not None:
            edges.append(e)
            kept.append(code)
    return edges, np.array(kept, dtype=np.int64)


def _edge_codes(judged: Judged) -> Any:
    """What the driver receives of a judged chunk: its edges as bare codes."""
    return judged[1]


def _route_task(job: tuple[Judged, Any], batches: int) -> list[list[Edge]]:
    """A judged chunk's edges split by the linking batch of their component (``owner``)."""
    (edges, _), owner = job
    out: list[list[Edge]] = [[] for _ in range(batches)]
    for edge, batch in zip(edges, owner.tolist(), strict=True):
        out[batch].append(edge)
    return out


def _pick_task(job: tuple[list[list[Edge]], int]) -> list[Edge]:
    routed, batch = job
    return routed[batch]


def _link_task(task: tuple[list[list[str]], list[list[Edge]]], known: list[Known],
               e5_parts: list[dict[str, Any]], text_parts: list[Texts] | None,
               stats: CorpusStats, config: GroupConfig, gate: tuple[float, float] | None,
               bars: dict[str, float] | None) -> list[Cluster]:
    """Link a batch of components: their members (ids) and their edges as picked from
    every judged chunk, in chunk order (the order :func:`components` keeps)."""
    comps, picked = task
    owner = {m: c for c, members in enumerate(comps) for m in members}
    inside: list[list[Edge]] = [[] for _ in comps]
    for part in picked:
        for edge in part:
            inside[owner[edge.a]].append(edge)
    judge = _judge(known, sorted(owner), stats, config, gate, e5_parts, text_parts, bars)
    return link_components(list(zip(comps, inside, strict=True)), judge, config)


def _ids_of(pairs: Sequence[tuple[str, str]]) -> list[str]:
    return sorted({i for pair in pairs for i in pair})


def _balanced(weights: Sequence[int], parts: int) -> list[list[int]]:
    """Components (by position) in up to ``parts`` batches of near-equal linkage work
    (``weights``: edges + members²): largest first, each to the lightest batch (ties: the
    first), positions ascending inside."""
    load = [0] * max(1, min(parts, len(weights)))
    owner = [0] * len(weights)
    for i in sorted(range(len(weights)), key=lambda i: -weights[i]):
        owner[i] = min(range(len(load)), key=load.__getitem__)
        load[owner[i]] += weights[i]
    batches = [[i for i in range(len(weights)) if owner[i] == b] for b in range(len(load))]
    return [b for b in batches if b]


def _id_order(articles: Sequence[Article]) -> tuple[Sequence[int], list[str]]:
    """Positions of ``articles`` in id order, and the ids in that order; a repeated id is
    an InputError, as in the local build (one pass, holding the ids only; a store is in
    id order already)."""
    if isinstance(articles, ArticleStore):
        return range(len(articles)), list(articles.ids)
    at = [a.id for a in articles]
    order = sorted(range(len(at)), key=at.__getitem__)
    ids = [at[k] for k in order]
    require_unique(ids)
    return order, ids


@contextmanager
def _cache(config: GroupConfig) -> Iterator[VectorCache | None]:
    """The build's vector cache, open for one step (None with ``vector_cache`` off)."""
    cache = VectorCache(config.cache_dir) if config.vector_cache else None
    try:
        yield cache
    finally:
        if cache is not None:
            cache.close()


def group_articles_distributed(
        articles: Sequence[Article], config: GroupConfig | None = None, client: Any = None, *,
        partitions: int | None = None, timer: Timer | None = None,
        log: Callable[[str], None] | None = None,
        keep: Callable[[Cluster], Cluster] | None = None) -> list[Cluster]:
    """:func:`~benchmark.group.cluster.group_articles` with its heavy steps on a Dask cluster.

    ``client`` is a ``dask.distributed.Client``, or an executor of
    :mod:`benchmark.distributed.executor` (``DaskExecutor()`` runs Dask's synchronous
    scheduler, ``LocalExecutor()`` this process; None = this process). ``partitions``
    (default: twice the cluster's threads) splits the id-sorted articles, the
    candidate pairs and the components; it changes how work is cut, never the
    result. ``timer(name)`` times the steps profiling, candidates, judging, linking;
    ``log`` receives one-line reports. ``keep(cluster)`` sees each linked cluster of 2+
    articles as its batch arrives and returns what the result holds instead (a build
    writes the cluster, its edges' evidence included, to disk and keeps its members).
    """
    config = config or GroupConfig()
    executor: Executor = LocalExecutor() if client is None else as_executor(client)
    import numpy as np

    clock = timer or (lambda _name: nullcontext())
    say = log or (lambda _message: None)
    parts_n = partitions or executor.partitions
    order, ids = _id_order(articles)
    cuts = slices(len(ids), parts_n)
    part_ids = [ids[lo:hi] for lo, hi in cuts]
    with clock("profiling"):
        # the articles go out a partition at a time (read from ``articles`` as they are
        # sent, e.g. from the build's on-disk store); their profiles and encoder texts stay
        # on the workers that made them, and the driver gets counts and days
        handles = []
        for lo, hi in cuts:
            handles += executor.put([[articles[k] for k in order[lo:hi]]])
        profiles = executor.keep(_profile_task, handles)
        text_parts = executor.keep(texts_task, handles) if config.use_embeddings else []
        del handles
        [stats] = executor.keep(_merge_task, [executor.keep(_stats_task, profiles)])
        days = np.concatenate(executor.map(_days_task, profiles))
    use_blocks: list[Any] = [None] * len(profiles)
    e5_blocks: list[Any] = [None] * len(profiles)
    with clock("encoding") if config.use_embeddings else nullcontext():
        if config.use_embeddings:
            with _cache(config) as cache:
                use_blocks, hits = encode_partitions(executor, "use", text_parts, cache)
                say(f"USE vectors: {len(ids)} articles, {hits} from the cache")
                if config.e5 and len(ids) <= config.exhaustive_below:
                    e5_blocks, hits = encode_partitions(executor, "e5", text_parts, cache)
                    say(f"e5 vectors: {len(ids)} articles, {hits} from the cache")
    with clock("candidates"):
        blocks = {space: executor.keep(tfidf_task, profiles, stats=stats, space=space)
                  for space in ("word", "char")}
        if config.use_embeddings:
            blocks["dense"] = use_blocks
        codes = search_candidates(executor, profiles, len(ids), days, blocks, config)
        # each worker fetches the partitions once (from the workers that hold them):
        # judging tasks read any article, since a chunk of id-sorted pairs reaches across
        everyone = executor.keep(_known_task, list(zip(profiles, blocks["word"], blocks["char"],
                                                       use_blocks, e5_blocks, strict=True)))
        del blocks, profiles, use_blocks, e5_blocks
        shared = stats
    gate = E5_GATE if config.e5 and len(ids) > config.exhaustive_below else None
    shared_ids = executor.share(ids)
    with clock("judging"):
        chunks = [codes[lo:hi] for lo, hi in
                  slices(len(codes), max(parts_n, len(codes) // 50_000))]
        del codes
        bars = None
        if gate is not None and config.e5_gate_rank is not None:
            scored = executor.map(_gate_scores_task, chunks, ids=shared_ids, known=everyone,
                                  stats=shared, config=config, gate=gate)
            bars = gate_bars(((a, b, s) for chunk, scores in zip(chunks, scored, strict=True)
                              for (a, b), s in zip(code_pairs(chunk, ids), scores.tolist(),
                                                   strict=True)), config.e5_gate_rank)
            del scored
        shared_bars = executor.share(bars)
        e5_parts: list[Any] = []
        if gate is not None:
            need = executor.map(_needs_e5_task, chunks, ids=shared_ids, known=everyone,
                                stats=shared, config=config, gate=gate, bars=shared_bars)
            sent = sorted({i for ids_ in need for i in ids_})
            ranked = (f" (band pairs among the best {config.e5_gate_rank} of both articles)"
                      if bars is not None else "")
            say(f"e5 gate{ranked}: {len(sent)} of {len(ids)} articles sit in a pair whose "
                "verdict e5 can change")
            with _cache(config) as cache:
                chosen = set(sent)
                wanted = [[i for i in part if i in chosen] for part in part_ids]
                e5_parts, hits = encode_partitions(executor, "e5", text_parts, cache, wanted,
                                                   as_block=False)
            say(f"e5 vectors: {len(sent)} articles, {hits} from the cache")
            del need, sent, chosen, wanted
        # the edges and their evidence stay on the workers; the driver gets bare codes
        judged = executor.keep(_judge_task, chunks, ids=shared_ids, known=everyone,
                               e5_parts=e5_parts, stats=shared, config=config, gate=gate,
                               bars=shared_bars)
        edge_codes = executor.map(_edge_codes, judged)
        del chunks
    with clock("linking"):
        clusters = _link(executor, ids, judged, edge_codes, parts_n, say, keep,
                         known=everyone,
                         e5_parts=e5_parts, text_parts=text_parts if gate is not None else None,
                         stats=shared, config=config, gate=gate, bars=shared_bars)
    return sorted(clusters, key=lambda c: c.id)


def _link(executor: Executor, ids: list[str], judged: list[Any], edge_codes: list[Any],
          parts: int, say: Callable[[str], None], keep: Callable[[Cluster], Cluster] | None,
          **shared: Any) -> list[Cluster]:
    """Components of the bare edges on the driver; each batch of components linked by a
    task that receives its edges, routed on the workers from the judged chunks (at least
    ``parts`` batches, and one per :data:`LINK_BATCH_EDGES` edges)."""
    import numpy as np

    n = len(ids)
    joined = np.concatenate([np.empty(0, dtype=np.int64), *edge_codes])
    labels, members = code_components(n, joined)
    clusters = [Cluster(id=ids[m[0]], members=[ids[m[0]]], edges=[])
                for m in members if len(m) == 1]
    comps = [c for c, m in enumerate(members) if len(m) > 1]
    edge_counts = np.bincount(labels[joined // n], minlength=len(members))
    # one component is linked by one task: a giant one would hold a worker alone
    say(f"linking {len(comps)} components of 2+ articles (largest "
        f"{max((len(members[c]) for c in comps), default=0)} articles)")
    if not comps:
        return clusters
    batches = _balanced([int(edge_counts[c]) + len(members[c]) ** 2 for c in comps],
                        max(parts, len(joined) // LINK_BATCH_EDGES))
    batch_of = np.full(len(members), -1, dtype=np.int64)
    for b, batch in enumerate(batches):
        batch_of[[comps[c] for c in batch]] = b
    routed = executor.keep(_route_task, [(part, batch_of[labels[c // n]]) for part, c
                                         in zip(judged, edge_codes, strict=True)],
                           batches=len(batches))
    tasks = []
    for b, batch in enumerate(batches):
        lists = [[ids[i] for i in members[comps[c]]] for c in batch]
        tasks.append((lists, executor.keep(_pick_task, [(r, b) for r in routed])))
    # the clusters come back a batch at a time, each passed through ``keep`` as it arrives
    for handle in executor.keep(_link_task, tasks, **shared):
        [part] = executor.gather([handle])
        clusters.extend(part if keep is None else [keep(c) for c in part])
        del part, handle
    return clusters
