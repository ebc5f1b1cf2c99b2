"""Approximate nearest neighbours that scale: each article's top ``k`` in three spaces.

Exact search compares every article with every other (O(n^2) work, ~3 h at
100k articles). Here each article first gets a **pool** of likely neighbours
from three cheap searches, and the pool is then ranked **exactly** in every
space, ties broken by id, so a neighbour list is the exact top ``k`` whenever
the true neighbours are in the pool:

* **embedding pool**: an HNSW graph over the USE vectors (``faiss``, built in
  id order on one thread, so the same corpus gives the same graph and the same
  pools on every run);
* **word pool** and **character pool**: the word (character n-gram) TF-IDF
  product restricted to terms in at most :data:`PRUNE_DF` of the documents.
  Stop words and common n-grams like " th" add little to a cosine but most of
  the work of a product; the exact re-rank puts them back. The character pool
  finds what the other two miss: neighbours in a script with few articles
  (Chinese texts share n-grams, not ``\\w+`` words) and across languages.

Character rows are long (~1,200 n-grams), so characters are ranked within the
best :data:`CHAR_POOL_FACTOR` x ``k`` of each pool only. Recall against exact
search is measured in ``bench/candidates.py`` and quoted in docs/grouping.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from benchmark.group.encoders import EMBED_DECIMALS, _require
from benchmark.group.features import CorpusStats, Profile, Vectors, vectors
from benchmark.group.lexical import _sparse

#: HNSW out-degree and construction breadth (faiss ``IndexHNSWFlat``): recall@20 0.997
#: against exact search on the USE vectors of a 10k-article corpus (docs/grouping.md).
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 128
#: Pool per article and per search, as a multiple of ``k`` (then ranked exactly).
POOL_FACTOR = 6
#: Character neighbours are ranked within the first ``CHAR_POOL_FACTOR x k`` of each pool
#: (a character row holds ~10x the terms of a word row, so its ranking costs the most).
CHAR_POOL_FACTOR = 6
#: Terms in more than this share of the documents (and more than :data:`PRUNE_MIN_DF`
#: documents) are left out of the word and character pool searches.
PRUNE_DF = 0.1
PRUNE_MIN_DF = 100
#: Rows of a pruned product computed at a time (its output stays sparse).
BLOCK = 256
#: Articles whose pools are ranked in one batch (memory ~ rows x pool x nonzeros per row).
RERANK_ROWS = 32
#: Decimals kept of a TF-IDF cosine when ranking (as in exact search).
TFIDF_DECIMALS = 9


def _dense_pools(matrix: Any, pool: int) -> Any:
    """Each row's approximate nearest rows by inner product (HNSW, one thread); -1 pads."""
    import numpy as np

    faiss = _require("faiss", "faiss-cpu", "use_embeddings")
    faiss.omp_set_num_threads(1)  # insertion order and levels fixed: a deterministic graph
    index = faiss.IndexHNSWFlat(matrix.shape[1], HNSW_M, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    index.hnsw.efSearch = max(64, pool + 1)
    data = np.ascontiguousarray(matrix, dtype=np.float32)
    index.add(data)
    _, found = index.search(data, min(pool + 1, matrix.shape[0]))
    return found.astype(np.int64)


def _sparse_pools(matrix: Any, pool: int) -> Any:
    """Each row's likely neighbours (best first, ties by index; -1 pads): rarer terms only.

    The product of the pruned matrix is computed :data:`BLOCK` rows at a time and
    kept sparse, so memory is ``BLOCK`` x the rows that share a rare term.
    """
    import numpy as np

    n = matrix.shape[0]
    df = np.bincount(matrix.indices, minlength=matrix.shape[1])
    keep = np.flatnonzero((df > 1) & (df <= max(PRUNE_MIN_DF, PRUNE_DF * n)))
    pruned = matrix[:, keep].tocsr()
    pruned_t = pruned.T.tocsr()
    out = np.full((n, pool), -1, dtype=np.int64)
    for start in range(0, n, BLOCK):
        sims = pruned[start : start + BLOCK] @ pruned_t
        sims.sort_indices()
        ptr, cols, vals = sims.indptr, sims.indices, sims.data
        for r in range(sims.shape[0]):
            c, v = cols[ptr[r] : ptr[r + 1]], vals[ptr[r] : ptr[r + 1]]
            ok = (c != start + r) & (v > 0)
            c, v = c[ok], v[ok]
            best = c[np.argsort(-v, kind="stable")[:pool]]  # columns ascending: ties by index
            out[start + r, : len(best)] = best
    return out


def _candidates(rows: Any, pools: Sequence[Any], limit: int | None, n: int) -> tuple[Any, Any]:
    """Sorted unique pairs (row, candidate) from the first ``limit`` of each pool of ``rows``."""
    import numpy as np

    right = np.hstack([p[rows, :limit] for p in pools])
    left = np.broadcast_to(rows[:, None], right.shape)
    ok = (right >= 0) & (right != left)
    codes = np.unique(left[ok] * n + right[ok])
    return codes // n, codes % n


def _rowwise(matrix: Any, left: Any, right: Any) -> Any:
    """Dot products of rows ``left[t]`` and ``right[t]`` of a CSR matrix, for every t."""
    import numpy as np

    return np.asarray(matrix[left].multiply(matrix[right]).sum(axis=1)).ravel()


def _top_per_row(left: Any, right: Any, sims: Any, k: int, decimals: int) -> Any:
    """Per ``left`` row, the ``k`` pairs of highest rounded similarity (> 0), ties by index."""
    import numpy as np

    sims = np.round(sims, decimals)
    keep = sims > 0
    left, right, sims = left[keep], right[keep], sims[keep]
    order = np.lexsort((right, -sims, left))
    left, right = left[order], right[order]
    starts = np.searchsorted(left, left, side="left")
    rank = np.arange(len(left)) - starts
    chosen = rank < k
    return np.stack([np.minimum(left[chosen], right[chosen]),
                     np.maximum(left[chosen], right[chosen])], axis=1)


def neighbour_index_pairs(profiles: Sequence[Profile], stats: CorpusStats, k: int,
                          vecs: Sequence[Vectors] | None = None) -> Any:
    """Candidate pairs (row indices ``i < j``, sorted, unique) from each article's ``k`` nearest.

    ``profiles`` must be sorted by id (indices are id order). ``vecs`` are the
    articles' TF-IDF vectors if the caller already has them. Pools are ranked
    :data:`RERANK_ROWS` articles at a time, all their pairs in one sparse product.
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
    pools = [_sparse_pools(words, pool), _sparse_pools(chars, pool)]
    if all(p.embedding is not None for p in profiles):
        dense = np.vstack([p.embedding for p in profiles]).astype(np.float64)
        pools.append(_dense_pools(dense, pool))
    found: list[Any] = []
    short = CHAR_POOL_FACTOR * k
    for start in range(0, n, RERANK_ROWS):
        rows = np.arange(start, min(n, start + RERANK_ROWS), dtype=np.int64)
        left, right = _candidates(rows, pools, None, n)
        if not len(left):
            continue
        found.append(_top_per_row(left, right, _rowwise(words, left, right), k, TFIDF_DECIMALS))
        if dense is not None:
            sims = np.einsum("ij,ij->i", dense[left], dense[right])
            found.append(_top_per_row(left, right, sims, k, EMBED_DECIMALS))
        # characters: ranked within the best of each pool only (their rows are long)
        cl, cr = _candidates(rows, pools, short, n)
        found.append(_top_per_row(cl, cr, _rowwise(chars, cl, cr), k, TFIDF_DECIMALS))
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    both = np.concatenate(found)
    codes = np.unique(both[:, 0] * n + both[:, 1])
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
