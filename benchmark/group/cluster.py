"""From articles to event clusters: candidates -> judged edges -> capped linkage.

Edges are accepted by :class:`PairJudge` (reprint by shingle Jaccard, else the
same-event model plus vetoes). Clusters grow by single edges in a fixed order
(reprints first, then by descending score, then by ids), but two groups merge
only when the merged group stays within ``max_cluster_size`` and at least
``min_link_fraction`` of all their cross pairs are accepted edges. That stops
a chain A-B-C from pulling in a C that has nothing to do with A.
"""

from __future__ import annotations

import heapq
from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import replace
from itertools import pairwise
from typing import Any

from benchmark.distributed.pool import ordered_map, return_free_memory
from benchmark.errors import InputError
from benchmark.group.config import GroupConfig
from benchmark.group.encoders import embed_cosine, encode_texts
from benchmark.group.event import E5_GATE, EventModel, shipped_model
from benchmark.group.features import (
    POOL_MIN_ARTICLES,
    PROFILE_CHUNK,
    CorpusStats,
    Profile,
    Vectors,
    chunked,
    corpus_stats,
    profile_chunk,
    profile_features,
)
from benchmark.group.linkage import components, link_components
from benchmark.group.neighbours import StepProgress, candidate_pairs, stacked_embeddings
from benchmark.group.terms import TermCounts, key_jaccard, tfidf_rows
from benchmark.group.vectorcache import VectorCache
from benchmark.ingest.store import ArticleStore
from benchmark.schema import Article, Cluster, Edge

#: The gate score of a reprint pair: above every probability, so an article with a reprint
#: partner is settled without e5 and a reprint is never sent to it.
REPRINT_SCORE = 2.0
#: ``(what, total)`` -> a context whose value is ``update(n)`` (e.g. a build's progress meter).
EncodeProgress = Callable[[str, int], AbstractContextManager[Callable[[int], Any]]]


def _ignore(_n: int) -> None:
    """An ``update(n)`` that shows nothing."""


#: Wraps the candidate pairs being judged (e.g. a progress bar); yields them unchanged.
PairProgress = Callable[[list[tuple[str, str]]], Iterable[tuple[str, str]]]
#: ``total`` accepted edges -> a context whose value is ``update(n)``: the linkage's display.
LinkProgress = Callable[[int], AbstractContextManager[Callable[[int], Any]]]


def gate_bars(scored: Iterable[tuple[str, str, float]], rank: int) -> dict[str, float]:
    """Each article's ``rank``-th highest gate score among the scored pairs it is part of.

    Pure and order-free (a top-``rank`` per article), so a corpus split in any
    partitions, reduced per article, gives the same bars. An article with fewer
    than ``rank`` pairs gets its lowest score: every pair of it clears its bar.
    """
    top: dict[str, list[float]] = {}
    for a, b, score in scored:
        for x in (a, b):
            heap = top.setdefault(x, [])
            if len(heap) < rank:
                heapq.heappush(heap, score)
            elif score > heap[0]:
                heapq.heapreplace(heap, score)
    return {x: heap[0] for x, heap in top.items()}


#: The fields of every edge the judge makes (see :meth:`PairJudge._judge`).
_EDGE_FIELDS = {"a", "b", "kind", "score", "evidence"}


class PairJudge:
    """Decides (and caches) whether a pair of articles is joined by an edge.

    With ``gate`` = (lo, hi) the e5 encoder is spent only where it can change
    the verdict: a pair is first judged by the USE-only model
    (:data:`~benchmark.group.event.EVENT_MODEL_USE`); it gets e5 vectors and
    the full model's verdict only when that probability falls inside the band,
    and, with ``gate_rank`` (``group.e5_gate_rank``; :attr:`bars` set from the
    candidate pairs by :meth:`prefetch_e5`), only when the pair is also among
    the ``gate_rank`` best-scored candidates of both its articles: an article
    whose best candidate is a reprint or a confident match is left to USE. That
    cuts e5 to ~1 % of a large crawl but costs F1 (docs/grouping.md), so it is
    opt-in. The rule is a pure function of the pair and of per-article bars (a
    top-k over the candidate set), so which other articles have e5 vectors,
    the input order and any partitioning cannot change a decision.
    ``e5_source`` (ids -> vectors) supplies vectors that the profiles lack.
    """

    def __init__(self, profiles: Sequence[Profile], stats: CorpusStats, config: GroupConfig,
                 model: EventModel | None = None, *, gate: tuple[float, float] | None = None,
                 gate_model: EventModel | None = None, gate_rank: int | None = None,
                 e5_source: Callable[[list[str]], Mapping[str, Any]] | None = None,
                 vectors: dict[str, Vectors] | None = None) -> None:
        self.profiles = {p.id: p for p in profiles}
        self.stats = stats
        self.config = config
        self.model = model or shipped_model(config.use_embeddings, config.e5)
        self.threshold = (
            config.event_threshold if config.event_threshold is not None else self.model.threshold
        )
        self.gate = gate if config.e5 else None
        self.gate_model = gate_model or shipped_model(True, False)
        self.gate_threshold = (config.event_threshold if config.event_threshold is not None
                               else self.gate_model.threshold)
        self.gate_rank = gate_rank
        #: Per article: the ``gate_rank``-th best gate score of its candidate pairs
        #: (:func:`gate_bars`); None = band only.
        self.bars: dict[str, float] | None = None
        self.e5_source = e5_source
        self.e5: dict[str, Any] = {}
        self._cache: dict[tuple[str, str], Edge] = {}
        self._rejected: set[tuple[str, str]] = set()
        self._vectors: dict[str, Vectors] = vectors if vectors is not None else {}

    def _wordless(self, pid: str) -> bool:
        """Whether an article has no word at all (its word TF-IDF vector, where the profile
        was slimmed once the vectors were made, else its word counts)."""
        known = self._vectors.get(pid)
        return not (known[0][0].size if known is not None else self.profiles[pid].words)

    def _e5_of(self, ids: Sequence[str]) -> None:
        """Make sure ``self.e5`` holds the e5 vectors of ``ids``."""
        todo = sorted({i for i in ids if i not in self.e5})
        for i in list(todo):
            vec = self.profiles[i].embedding_e5
            if vec is not None:
                self.e5[i] = vec
                todo.remove(i)
        if todo:
            if self.e5_source is None:
                raise ValueError(f"no e5 vector for {todo[:3]} and no e5_source")
            self.e5.update(self.e5_source(todo))

    def gate_score(self, a: str, b: str, features: Mapping[str, float] | None = None) -> float:
        """What the gate bands and ranks by: the USE-only probability, :data:`REPRINT_SCORE`
        for a reprint (settled without e5), 0 when a side has no words.

        ``features`` (the pair's features without ``cos_e5``) saves recomputing them.
        """
        pa, pb = self.profiles[a], self.profiles[b]
        if self._wordless(a) or self._wordless(b):
            return 0.0
        if features is None:
            features = profile_features(pa, pb, self.stats, self._vectors, e5=False)
        if features["shingle_jaccard"] >= self.config.reprint_threshold:
            return REPRINT_SCORE
        return self.gate_model.probability(features)

    def sends(self, a: str, b: str, score: float) -> bool:
        """Whether a pair with this gate score goes to e5: in the band, and at both bars."""
        if self.gate is None or not self.gate[0] <= score <= self.gate[1] \
                or score >= REPRINT_SCORE:
            return False
        if self._wordless(a) or self._wordless(b):
            return False
        if self.bars is None:
            return True
        low = float("-inf")
        return score >= self.bars.get(a, low) and score >= self.bars.get(b, low)

    def needs_e5(self, a: str, b: str) -> bool:
        """Whether the gate sends this pair to the e5 model (always False without a gate)."""
        return self.gate is not None and self.sends(a, b, self.gate_score(a, b))

    def prefetch_e5(self, pairs: Sequence[tuple[str, str]]) -> int:
        """Set the gate's :attr:`bars` from the candidate ``pairs`` (with ``gate_rank``), then
        encode, in one batch, every article of a pair the gate sends; returns how many."""
        if self.gate is None:
            return 0
        scores = array("d", (self.gate_score(a, b) for a, b in pairs))
        if self.gate_rank is not None:
            self.bars = gate_bars(((a, b, s) for (a, b), s in zip(pairs, scores, strict=True)),
                                  self.gate_rank)
        need = {x for (a, b), s in zip(pairs, scores, strict=True) if self.sends(a, b, s)
                for x in (a, b)}
        self._e5_of(sorted(need))
        return len(need)

    def evidence(self, a: str, b: str) -> tuple[dict[str, float], float]:
        """Pair features plus the model's same-event probability.

        A text without a single word ("... !!!") gives no evidence, so its
        probability is 0: encoders map any two such texts to nearly the same
        vector, which the model would read as the same story. Under a gate,
        ``cos_e5`` is in the features only when the full model judged the pair.
        """
        pa, pb = self.profiles[a], self.profiles[b]
        if self.gate is None:
            features = profile_features(pa, pb, self.stats, self._vectors)
            model = self.model
        else:
            features = profile_features(pa, pb, self.stats, self._vectors, e5=False)
            model = self.gate_model
            score = self.gate_score(a, b, features)
            if self.sends(a, b, score):
                self._e5_of((a, b))
                features["cos_e5"] = embed_cosine(self.e5[a], self.e5[b])
                model = self.model
            elif score < REPRINT_SCORE:  # the USE-only probability (0 without words)
                return features, score
        if self._wordless(a) or self._wordless(b):
            return features, 0.0
        return features, model.probability(features)

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
        threshold = self.threshold if self.gate is None or "cos_e5" in features \
            else self.gate_threshold
        if prob < threshold:
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
        if key in self._cache:
            return self._cache[key]
        if key in self._rejected:
            return None
        edge = None if self.vetoed(a, b) else self._judge(a, b)
        if edge is None:
            self._rejected.add(key)
        else:
            self._cache[key] = edge
        return edge

    def known(self, a: str, b: str) -> bool | None:
        """The memoised verdict of a canonical pair ``a < b`` (True: an edge), None if unjudged."""
        key = (a, b)
        if key in self._cache:
            return True
        if key in self._rejected:
            return False
        return None

    def vetoed(self, a: str, b: str) -> bool:
        """Whether :meth:`verdict` must say no whatever the model says: publication dates
        further apart than ``max_date_gap_days`` and shingles short of a reprint.

        Two cheap comparisons instead of every feature: most pairs the linkage judges on
        demand lie months apart (64 % on 30,000 synthetic articles). A vetoed pair is
        remembered as rejected.
        """
        limit = self.config.max_date_gap_days
        pa, pb = self.profiles[a], self.profiles[b]
        da, db = pa.published_ordinal, pb.published_ordinal
        if limit is None or da is None or db is None or abs(da - db) <= limit:
            return False
        if key_jaccard(pa.shingles, pb.shingles) >= self.config.reprint_threshold:
            return False
        self._rejected.add((min(a, b), max(a, b)))
        return True

    def _judge(self, a: str, b: str) -> Edge | None:
        features, prob = self.evidence(a, b)
        verdict = self.verdict(features, prob)
        if verdict not in ("reprint", "event"):
            return None
        evidence = {k: round(v, 6) for k, v in sorted(features.items())}
        evidence["event_probability"] = round(prob, 6)
        score = evidence["shingle_jaccard" if verdict == "reprint" else "event_probability"]
        # the judge's own well-typed values: no validation pass (it copied the evidence
        # dict), and one fields-set shared by every edge (a set per edge was a third of its
        # memory; edges are frozen, so it is never changed)
        return Edge.model_construct(_EDGE_FIELDS, a=a, b=b, kind=verdict, score=score,
                                    evidence=evidence)

    def remember(self, edges: Iterable[Edge]) -> None:
        """Take accepted edges judged elsewhere (another worker) as this judge's verdicts."""
        for e in edges:
            self._cache[(e.a, e.b)] = e

    def forget_rejections(self) -> None:
        """Drop the memo of rejected pairs (the candidate pass leaves millions of them)."""
        self._rejected.clear()

    def accepted(self) -> list[Edge]:
        """Every accepted edge judged so far, sorted by (a, b)."""
        return [e for _, e in sorted(self._cache.items())]


def sorted_unique(articles: Iterable[Article]) -> list[Article]:
    """Articles sorted by id; a repeated id is an InputError (grouping needs unique ids)."""
    ordered = sorted(articles, key=lambda a: a.id)
    require_unique([a.id for a in ordered])
    return ordered


def require_unique(ids: Sequence[str]) -> None:
    """An InputError at the first repeated id of sorted ``ids`` (grouping needs unique ids)."""
    for prev, cur in pairwise(ids):
        if prev == cur:
            raise InputError(f"duplicate article id {cur!r}: ids must be unique to group",
                             field="id")


def group_articles(articles: Sequence[Article], config: GroupConfig | None = None, *,
                   progress: Callable[[Sequence[Article]], Iterable[Article]] | None = None,
                   pair_progress: PairProgress | None = None,
                   log: Callable[[str], None] | None = None,
                   timer: Callable[[str], AbstractContextManager[None]] | None = None,
                   encode_progress: EncodeProgress | None = None,
                   search_progress: StepProgress | None = None,
                   link_progress: LinkProgress | None = None,
                   ) -> list[Cluster]:
    """Group articles into same-event clusters; every article lands in exactly one.

    ``progress`` wraps the per-article profiling loop, e.g. with a tqdm bar; it
    must yield the articles unchanged. ``pair_progress`` wraps the judging of the
    candidate pairs the same way. ``log`` receives one-line reports (how many
    encoder vectors came from the on-disk cache, how many articles the e5 gate sent
    to the encoder). ``timer("encoding")`` wraps every call of the encoders (a
    build's time per stage shows it apart from the candidate search), and
    ``encode_progress(what, total)`` gives the ``update(n)`` of a progress display for it.
    ``search_progress(what, total)`` does the same for each step of the candidate search
    (counted in articles), ``link_progress(total)`` for the linkage (in accepted edges).

    Encoder vectors come from the on-disk cache (:mod:`benchmark.group.vectorcache`)
    where present and are computed by ``config.workers`` processes otherwise.
    On corpora larger than ``exhaustive_below`` e5 reads only the articles of
    pairs whose USE-only verdict it can change (:data:`~benchmark.group.event.E5_GATE`),
    and with ``config.e5_gate_rank`` only of band pairs among that many best
    candidates of both their articles (about 1 % of a large crawl; see
    docs/grouping.md for what it costs in F1).

    Independent of input order: articles are sorted by id first, pair scores
    come from a pure function of the canonically ordered pair, and the linkage
    visits edges in a fixed order. A cluster's id is its smallest member id.
    """
    config = config or GroupConfig()
    # a store is sorted and unique already, and is read one article at a time
    ordered = articles if isinstance(articles, ArticleStore) else sorted_unique(articles)
    articles_iter = progress(ordered) if progress is not None else ordered
    profiles = _Owned()
    texts: dict[str, str] = {}
    workers = config.workers if len(ordered) >= POOL_MIN_ARTICLES else 1
    chunks = ((chunk, config.use_embeddings) for chunk in chunked(articles_iter, PROFILE_CHUNK))
    for done in ordered_map(profile_chunk, chunks, workers, what="profiling"):
        for p, text in done:
            profiles.append(p)
            if config.use_embeddings:
                texts[p.id] = text
    if not config.use_embeddings:
        return group_profiles(profiles, config, pair_progress=pair_progress,
                              search_progress=search_progress, link_progress=link_progress)
    cache = VectorCache(config.cache_dir) if config.vector_cache else None
    timed = timer or (lambda _name: nullcontext())
    try:
        shown = encode_progress or (lambda _what, _total: nullcontext(_ignore))
        with timed("encoding"), shown("USE encoding", len(texts)) as update:
            use, hits = encode_texts("use", texts, cache=cache, workers=config.workers,
                                     progress=update)
            _say(log, f"USE vectors: {len(texts)} articles, {hits} from the cache")
        profiles = _Owned(replace(p, embedding=use[p.id]) for p in profiles)
        del use
        if not config.e5:
            texts.clear()  # the gate reads texts only to feed e5

        def e5_of(ids: list[str]) -> dict[str, Any]:
            with timed("encoding"), shown("e5 encoding", len(ids)) as update:
                vecs, got = encode_texts("e5", {i: texts[i] for i in ids}, cache=cache,
                                         workers=config.workers, progress=update)
            _say(log, f"e5 vectors: {len(ids)} articles, {got} from the cache")
            return vecs

        if config.e5 and len(profiles) <= config.exhaustive_below:
            e5 = e5_of([p.id for p in profiles])
            profiles = _Owned(replace(p, embedding_e5=e5[p.id]) for p in profiles)
        return group_profiles(profiles, config, e5_source=e5_of if config.e5 else None, log=log,
                              pair_progress=pair_progress, search_progress=search_progress,
                              link_progress=link_progress)
    finally:
        if cache is not None:
            cache.close()


def _say(log: Callable[[str], None] | None, message: str) -> None:
    if log is not None:
        log(message)


class _Owned(list[Profile]):
    """Profiles sorted by id in a list only the grouper holds (it may slim them in place)."""


def group_profiles(profiles: Sequence[Profile], config: GroupConfig,
                   model: EventModel | None = None, *,
                   gate: tuple[float, float] | str | None = "auto",
                   gate_rank: int | str | None = "auto",
                   e5_source: Callable[[list[str]], Mapping[str, Any]] | None = None,
                   log: Callable[[str], None] | None = None,
                   pair_progress: PairProgress | None = None,
                   search_progress: StepProgress | None = None,
                   link_progress: LinkProgress | None = None) -> list[Cluster]:
    """:func:`group_articles` on already computed profiles (unique ids).

    Lets a caller that already has profiles (the benchmark, a distributed map
    step) skip recomputing them, and try another ``model``. ``gate`` "auto"
    applies :data:`~benchmark.group.event.E5_GATE` above ``exhaustive_below``
    articles (with the shipped model); ``None`` judges every pair with the full
    model. ``gate_rank`` "auto" is ``config.e5_gate_rank`` (a band pair goes to
    e5 only if it is among that many best candidates of both its articles);
    ``None`` sends every band pair. e5 vectors come from the
    profiles, else from ``e5_source``.
    """
    # a list group_articles made is slimmed in place (each profile's word and character
    # counts go once the TF-IDF rows exist: ~1.2 GB less at 100,000 articles); anything
    # else is copied
    if not isinstance(profiles, _Owned):
        profiles = _Owned(sorted(profiles, key=lambda p: p.id))
    stats = corpus_stats(profiles)
    # one copy of the TF-IDF weights: CSR rows for the candidate search, views for the judge
    words, word_vecs = tfidf_rows([p.words for p in profiles], stats.df_word, stats.idf)
    char_counts = [p.chars for p in profiles]
    for i, p in enumerate(profiles):  # the judge reads the rows, never the counts
        profiles[i] = replace(p, words=TermCounts(), chars=TermCounts())
    chars, char_vecs = tfidf_rows(char_counts, stats.df_char, stats.idf, release=True)
    del char_counts
    dense = None
    if profiles and all(p.embedding is not None for p in profiles):
        # one copy of the USE vectors too: the search's matrix, and a row view per profile
        dense = stacked_embeddings(profiles)
        for i, p in enumerate(profiles):
            profiles[i] = replace(p, embedding=dense[i])
    return_free_memory()
    vecs = list(zip(word_vecs, char_vecs, strict=True))
    del word_vecs, char_vecs
    if gate == "auto":
        gate = E5_GATE if (model is None and len(profiles) > config.exhaustive_below) else None
    rank = config.e5_gate_rank if gate_rank == "auto" else gate_rank
    judge = PairJudge(profiles, stats, config, model,
                      gate=gate if isinstance(gate, tuple) else None,
                      gate_rank=rank if isinstance(rank, int) else None, e5_source=e5_source,
                      vectors={p.id: v for p, v in zip(profiles, vecs, strict=True)})
    pairs = candidate_pairs(profiles, stats, config, vecs, (words, chars), search_progress,
                            dense)
    del words, chars, dense
    return_free_memory()  # the search's arrays: the judge's edges are Python objects elsewhere
    if judge.gate is not None:
        sent = judge.prefetch_e5(pairs)
        ranked = f" (band pairs among the best {rank} of both articles)" if judge.gate_rank else ""
        _say(log, f"e5 gate{ranked}: {sent} of {len(profiles)} articles sit in a pair whose "
             "verdict e5 can change")
    edges = [e for a, b in (pair_progress(pairs) if pair_progress else pairs)
             if (e := judge.edge(a, b)) is not None]
    judge.forget_rejections()
    del pairs
    return_free_memory()
    parts = components([p.id for p in profiles], edges)
    with (link_progress or (lambda _total: nullcontext(_ignore)))(len(edges)) as update:
        return link_components(parts, judge, config, update)
