"""Approximate nearest neighbours that scale: each article's top ``k`` in three spaces.

Exact search compares every article with every other (O(n^2) work, ~3 h at
100k articles). Here each article first gets a small **pool** of likely
neighbours from two cheap searches, and the pool is then ranked **exactly**
in every space, ties broken by id, so a neighbour list is the exact top ``k``
whenever the true neighbours are in the pool:

* **embedding pool**: an HNSW graph over the USE vectors (``faiss``, built in
  id order on one thread, so the same corpus gives the same graph and the same
  pools on every run);
* **word pool**: the word TF-IDF product restricted to terms in at most
  :data:`PRUNE_DF` of the documents (stop words and their like add little to a
  cosine but most of the work; the exact re-rank puts them back).

Character n-gram neighbours are ranked within the union of both pools: an
exact character search is the costliest part of exact search (every 3-gram
like " th" is in almost every English text). Recall against exact search is
measured in ``bench/candidates.py`` and quoted in docs/grouping.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from benchmark.group.encoders import EMBED_DECIMALS
from benchmark.group.features import CorpusStats, Profile, Vectors, vectors
from benchmark.group.lexical import _sparse

#: HNSW out-degree and construction breadth (faiss ``IndexHNSWFlat``): recall@20 0.997
#: against exact search on the USE vectors of a 10k-article corpus (docs/grouping.md).
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 128
#: Pool per article and per search, as a multiple of ``k`` (then ranked exactly).
POOL_FACTOR = 6
#: Terms in more than this share of the documents (and more than :data:`PRUNE_MIN_DF`
#: documents) are left out of the word pool search.
PRUNE_DF = 0.05
PRUNE_MIN_DF = 100
#: Rows of the pruned word product computed at a time (memory ``block x corpus``).
BLOCK = 256
#: Decimals kept of a TF-IDF cosine when ranking (as in exact search).
TFIDF_DECIMALS = 9


def _dense_pools(matrix: Any, pool: int) -> Any:
    """Pool of each row's approximate nearest rows by inner product (HNSW, one thread)."""
    import faiss
    import numpy as np

    faiss.omp_set_num_threads(1)  # insertion order and levels fixed: a deterministic graph
    index = faiss.IndexHNSWFlat(matrix.shape[1], HNSW_M, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    index.hnsw.efSearch = max(64, pool + 1)
    data = np.ascontiguousarray(matrix, dtype=np.float32)
    index.add(data)
    _, found = index.search(data, min(pool + 1, matrix.shape[0]))
    return found


def _word_pools(matrix: Any, pool: int) -> list[Any]:
    """Pool of each row's likely word neighbours: the product over rarer terms only."""
    import numpy as np

    n = matrix.shape[0]
    df = np.diff(matrix.tocsc().indptr)
    keep = np.flatnonzero(df <= max(PRUNE_MIN_DF, PRUNE_DF * n))
    pruned = matrix[:, keep].tocsr()
    pruned_t = pruned.T.tocsr()
    take = min(pool, n - 1)
    out: list[Any] = []
    for start in range(0, n, BLOCK):
        sims = (pruned[start : start + BLOCK] @ pruned_t).toarray()
        for r, row in enumerate(sims):
            row[start + r] = 0.0
            top = np.argpartition(-row, take - 1)[:take] if take < n else np.arange(n)
            out.append(top[row[top] > 0])
    return out


def _top(i: int, pool: Any, sims: Any, k: int, decimals: int) -> Any:
    """The exact top ``k`` of a pool: (-rounded similarity, index) order, similarity > 0."""
    import numpy as np

    sims = np.round(sims, decimals)
    keep = sims > 0
    pool, sims = pool[keep], sims[keep]
    return pool[np.lexsort((pool, -sims))[:k]]


def neighbour_index_pairs(profiles: Sequence[Profile], stats: CorpusStats, k: int,
                          vecs: Sequence[Vectors] | None = None) -> Any:
    """Candidate pairs (row indices ``i < j``, sorted, unique) from each article's ``k`` nearest.

    ``profiles`` must be sorted by id (indices are id order). ``vecs`` are the
    articles' TF-IDF vectors if the caller already has them.
    """
    import numpy as np

    n = len(profiles)
    if n < 2:
        return np.empty((0, 2), dtype=np.int64)
    vecs = vecs if vecs is not None else [vectors(p, stats) for p in profiles]
    words = _sparse([v[0] for v in vecs])
    chars = _sparse([v[1] for v in vecs])
    pool = POOL_FACTOR * k
    dense = None
    if all(p.embedding is not None for p in profiles):
        dense = np.vstack([p.embedding for p in profiles]).astype(np.float64)
        dense_pool = _dense_pools(dense, pool)
    word_pool = _word_pools(words, pool)
    found: list[Any] = []
    for i in range(n):
        parts = [word_pool[i]]
        if dense is not None:
            parts.append(dense_pool[i])
        cand = np.unique(np.concatenate(parts).astype(np.int64))
        cand = cand[(cand >= 0) & (cand != i)]
        if not len(cand):
            continue
        spaces: list[tuple[Any, int]] = [
            ((words[cand] @ words[i].T).toarray().ravel(), TFIDF_DECIMALS),
            ((chars[cand] @ chars[i].T).toarray().ravel(), TFIDF_DECIMALS)]
        if dense is not None:
            spaces.append((dense[cand] @ dense[i], EMBED_DECIMALS))
        for sims, decimals in spaces:
            top = _top(i, cand, sims, k, decimals)
            found.append(np.stack([np.minimum(top, i), np.maximum(top, i)], axis=1))
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    codes = np.unique(np.concatenate(found)[:, 0] * n + np.concatenate(found)[:, 1])
    return np.stack([codes // n, codes % n], axis=1)


def neighbour_pairs(profiles: Sequence[Profile], stats: CorpusStats, k: int,
                    vecs: Sequence[Vectors] | None = None) -> set[tuple[str, str]]:
    """:func:`neighbour_index_pairs` as (id, id) pairs; ``profiles`` in any order."""
    ordered = sorted(profiles, key=lambda p: p.id)
    ids = [p.id for p in ordered]
    if vecs is not None:
        by_id = {p.id: v for p, v in zip(profiles, vecs, strict=True)}
        vecs = [by_id[i] for i in ids]
    return {(ids[a], ids[b]) for a, b in neighbour_index_pairs(ordered, stats, k, vecs).tolist()}
