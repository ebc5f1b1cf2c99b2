"""Approximate nearest neighbours that scale: each article's top ``k`` in three spaces.

Exact search compares every article with every other (O(n^2) work, ~3 h at
100k articles). Here each article first gets a **pool** of likely neighbours
from five cheap searches, and every pair in a pool is then scored **exactly**
in every space, ties broken by id, so a neighbour list is the exact top ``k``
whenever the true neighbours are in the pools (a candidate pair counts for both
of its articles). A TF-IDF cosine is a sum over
rare terms plus a sum over frequent ones, and each part gets its own search:

* **rare-term pools** (word and character): the TF-IDF product restricted to
  terms in at most :func:`rare_limit` documents (``3 sqrt(n)``, at least 100):
  a term in ``d`` documents costs ``d^2``, so the product costs at most
  ``rare_limit(n)`` x the corpus' nonzeros, O(n^1.5) instead of O(n^2);
* **frequent-term pools** (word and character): an HNSW graph over a
  :data:`SVD_DIM`-dimensional truncated SVD of the remaining columns (the
  vocabulary of a language, a topic or a story template, where the neighbours of
  an article with few rare-term matches come from);
* **embedding pool**: an HNSW graph over the USE vectors.

Every HNSW graph is built by ``faiss`` in id order on one thread and the SVD is
fitted on evenly spaced rows with a fixed seed on one BLAS thread, so the same
corpus gives the same pools on every run. Recall against exact search (>= 0.999
per space on the SemEval texts and 10,000 synthetic articles; 0.88-0.95 for the
USE + rare-word pools before) is measured in ``bench/candidates.py`` and quoted
in docs/grouping.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from itertools import combinations
from threading import Event
from typing import Any

from benchmark.distributed.pool import return_free_memory
from benchmark.group.arrays import distinct
from benchmark.group.config import GroupConfig
from benchmark.group.encoders import EMBED_DECIMALS, _require
from benchmark.group.features import CorpusStats, Profile, Vectors, vectors
from benchmark.group.lexical import _sparse, lsh_index_pairs
from benchmark.group.ranking import (
    CHUNK,
    TFIDF_DECIMALS,
    PairRows,
    index_type,
    pair_sims,
    pairs_of_codes,
    value_counts,
)

#: HNSW out-degree and construction breadth (faiss ``IndexHNSWFlat``): recall@20 0.997
#: against exact search on the USE vectors of a 10k-article corpus (docs/grouping.md).
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 128
#: Pool per article and per search, as a multiple of ``k`` (then scored exactly).
POOL_FACTOR = 6
#: Terms in more than ``max(PRUNE_MIN_DF, PRUNE_SQRT x sqrt(n))`` documents count as
#: frequent: left out of the rare-term product, searched through their SVD instead.
PRUNE_SQRT = 3.0
PRUNE_MIN_DF = 100
#: Dimensions of the SVD of the frequent-term columns, and the rows it is fitted on.
SVD_DIM = 128
SVD_ROWS = 2000
SVD_SEED = 0
#: Rows of a pruned product computed at a time (its output stays sparse).
BLOCK = 256
#: Rows an HNSW graph is searched with at a time (each query's answer is its own).
SEARCH_ROWS = 4096
#: Threads that search a built graph: queries are independent, so the answers do not
#: depend on them (the graph itself is built on one thread).
SEARCH_THREADS = 2

#: Candidate pairs turned into id pairs at a time (a Python int per code and side).
ID_PAIR_CHUNK = 1 << 18

#: ``(what, total)`` -> a context whose value is ``update(n)``: the display of one step of
#: the search (e.g. a build's progress meter), counted in articles.
StepProgress = Callable[[str, int], AbstractContextManager[Callable[[int], Any]]]


def no_display(_what: str, _total: int) -> AbstractContextManager[Callable[[int], Any]]:
    """A :data:`StepProgress` that shows nothing."""
    return nullcontext(_ignore)


def _ignore(_n: int) -> None:
    """An ``update(n)`` that shows nothing."""


def rare_limit(n: int) -> int:
    """Document frequency up to which a term is searched exactly (the rest through its SVD)."""
    return max(PRUNE_MIN_DF, int(PRUNE_SQRT * n**0.5))


def _dense_pools(matrix: Any, pool: int, steps: StepProgress = no_display,
                 what: str = "dense vectors") -> Any:
    """Each row's approximate nearest rows by inner product (HNSW, one thread); -1 pads.

    The graph is built in one call (its shape depends on the insertion batches); the
    queries go :data:`SEARCH_ROWS` at a time, which cannot change their answers.
    """
    import numpy as np

    faiss = _require("faiss", "faiss-cpu", "use_embeddings")
    faiss.omp_set_num_threads(1)  # insertion order and levels fixed: a deterministic graph
    n = matrix.shape[0]
    index = faiss.IndexHNSWFlat(matrix.shape[1], HNSW_M, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    index.hnsw.efSearch = max(64, pool + 1)
    data = np.ascontiguousarray(matrix, dtype=np.float32)
    with steps(f"{what} (graph)", n) as update:
        index.add(data)
        update(n)
    found = np.empty((n, min(pool + 1, n)), dtype=np.int32)
    faiss.omp_set_num_threads(SEARCH_THREADS)  # a query's answer is its own: any threads
    with steps(what, n) as update:
        for start in range(0, n, SEARCH_ROWS):
            end = min(n, start + SEARCH_ROWS)
            found[start:end] = index.search(data[start:end], found.shape[1])[1]
            update(end - start)
    return found


def _frequent_pools(matrix: Any, pool: int, steps: StepProgress = no_display,
                    what: str = "frequent terms") -> Any | None:
    """Pools by the frequent terms alone: HNSW over their truncated SVD (None: no such terms)."""
    import numpy as np

    n = matrix.shape[0]
    df = value_counts(matrix.indices, matrix.shape[1])
    cols = np.flatnonzero(df > rare_limit(n))
    if cols.size == 0:
        return None
    sample = matrix[:: max(1, n // SVD_ROWS)][:, cols].tocsr()
    dim = min(SVD_DIM, sample.shape[0] - 1, cols.size - 1)
    if dim < 1 or cols.size <= SVD_DIM:
        return _dense_pools(matrix[:, cols].toarray(), pool, steps, what)
    from sklearn.decomposition import TruncatedSVD
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):  # one BLAS thread: the same projection on every run
        svd = TruncatedSVD(dim, algorithm="randomized", random_state=SVD_SEED).fit(sample)
        basis = svd.components_.T
        # BLOCK rows at a time: the frequent terms are most of a space's nonzeros, and a
        # copy of them all was the candidate search's largest allocation
        projected = np.vstack([matrix[start : start + BLOCK][:, cols] @ basis
                               for start in range(0, n, BLOCK)])
    return _dense_pools(projected, pool, steps, what)


def _rare_pools(matrix: Any, pool: int, update: Callable[[int], Any] = _ignore) -> Any:
    """Each row's likely neighbours (best first, ties by index; -1 pads): rare terms only.

    The product of the pruned matrix is computed :data:`BLOCK` rows at a time and
    kept sparse; a term in ``d`` documents costs ``d^2`` at most, so the whole
    product costs at most ``rare_limit(n)`` x the corpus' nonzeros.
    """
    import numpy as np

    n = matrix.shape[0]
    df = value_counts(matrix.indices, matrix.shape[1])
    rare = (df > 1) & (df <= rare_limit(n))
    # only the transpose is kept whole; each block's rows are pruned as they are needed
    pruned_t = _pruned(matrix, rare).T.tocsr()
    out = np.full((n, pool), -1, dtype=np.int32)
    for start in range(0, n, BLOCK):
        sims = _pruned(matrix[start : start + BLOCK], rare) @ pruned_t
        ptr, cols, vals = sims.indptr, sims.indices, sims.data
        for r in range(sims.shape[0]):
            c, v = cols[ptr[r] : ptr[r + 1]], vals[ptr[r] : ptr[r + 1]]
            ok = (c != start + r) & (v > 0)
            c, v = c[ok], v[ok]
            if len(v) > pool:  # keep the pool-th best value and everything above it (ties)
                kept = v >= np.partition(v, len(v) - pool)[len(v) - pool]
                c, v = c[kept], v[kept]
            best = c[np.lexsort((c, -v))[:pool]]
            out[start + r, : len(best)] = best
        update(sims.shape[0])
    return out


def _pruned(rows: Any, keep: Any) -> Any:
    """CSR ``rows`` with only the nonzeros of columns where ``keep`` is true (same shape
    and column numbers, so products sum the kept terms in the same order)."""
    import numpy as np
    from scipy.sparse import csr_matrix

    kept, ptr = keep[rows.indices], rows.indptr
    counts = np.zeros(rows.shape[0], dtype=np.int64)
    for r0 in range(0, rows.shape[0], BLOCK):  # int64 sums of a block's nonzeros, not all
        r1 = min(rows.shape[0], r0 + BLOCK)
        ends = np.concatenate([[0], np.cumsum(kept[ptr[r0] : ptr[r1]], dtype=np.int64)])
        counts[r0:r1] = ends[ptr[r0 + 1 : r1 + 1] - ptr[r0]] - ends[ptr[r0:r1] - ptr[r0]]
    indptr = np.concatenate([[0], np.cumsum(counts)])
    return csr_matrix((rows.data[kept], rows.indices[kept], indptr), shape=rows.shape)


def _block_codes(pools: Sequence[Any], n: int, start: int) -> Any:
    """Sorted unique codes ``i * n + j`` (``i < j``) of the pools of rows ``start`` to
    ``start + BLOCK``: every row with each of its pool entries."""
    import numpy as np

    rows = np.arange(start, min(n, start + BLOCK), dtype=np.int64)
    right = np.hstack([p[start : start + len(rows)] for p in pools]).astype(np.int64)
    left = np.broadcast_to(rows[:, None], right.shape)
    ok = (right >= 0) & (right != left)
    a, b = left[ok], right[ok]
    return distinct(np.minimum(a, b) * n + np.maximum(a, b))


def pool_rows(pools: list[Any], n: int) -> PairRows:
    """The candidate pairs ``i < j`` (row ``i`` or ``j`` has the other in one of its pools)
    as an int32 adjacency list, built straight from the pools (the list is emptied once
    they have been read, so they are freed before the rows' second order is made).

    A counting sort by first row, then each row's partners sorted and deduplicated
    :data:`~benchmark.group.ranking.CHUNK` at a time: at 100,000 articles the blocks'
    int64 codes, joined and sorted, took 680 MB over the pools (a pair found from both
    of its rows is in two blocks); the partners with repeats take under 300 MB.
    """
    import numpy as np

    counts = np.zeros(n, dtype=np.int64)
    for start in range(0, n, BLOCK):  # first pass: how many partners (with repeats) per row
        counts += np.bincount(_block_codes(pools, n, start) // n, minlength=n)
    starts = np.concatenate([[0], np.cumsum(counts)])
    partners = np.empty(int(starts[-1]), dtype=index_type(n))
    cursor = starts[:-1].copy()
    for start in range(0, n, BLOCK):  # second pass: each block's partners in their rows
        codes = _block_codes(pools, n, start)
        first = codes // n  # ascending: codes are sorted
        rank = np.arange(len(first)) - np.searchsorted(first, first, side="left")
        partners[cursor[first] + rank] = codes % n
        cursor += np.bincount(first, minlength=n)
    pools.clear()
    kept, row = 0, 0
    while row < n:  # each row's partners sorted, repeats dropped, compacted in place
        end = max(row + 1, int(np.searchsorted(starts, starts[row] + CHUNK, side="right")) - 1)
        end = min(n, end)
        lo, hi = int(starts[row]), int(starts[end])
        codes = distinct(np.repeat(np.arange(end - row, dtype=np.int64),
                                   np.diff(starts[row : end + 1])) * n + partners[lo:hi])
        counts[row:end] = np.bincount(codes // n, minlength=end - row)
        partners[kept : kept + len(codes)] = codes % n
        kept += len(codes)
        row = end
    partners.resize(kept, refcheck=False)  # gives the tail back
    return PairRows(partners, counts, n)


def neighbour_index_pairs(profiles: Sequence[Profile], stats: CorpusStats, k: int,
                          vecs: Sequence[Vectors] | None = None,
                          matrices: tuple[Any, Any] | None = None,
                          progress: StepProgress | None = None,
                          embeddings: Any | None = None) -> Any:
    """Candidate pairs (row indices ``i < j``, sorted, unique) from each article's ``k`` nearest.

    ``profiles`` must be sorted by id (indices are id order). ``vecs`` are the
    articles' TF-IDF vectors if the caller already has them, ``matrices`` the same as
    (word, char) CSR rows, ``embeddings`` the USE vectors as one float32 matrix (rows
    in id order; else stacked from the profiles). Every candidate pair is scored once per space
    (:mod:`benchmark.group.ranking`, a block at a time) and counts for both of its
    articles.
    ``progress(what, total)`` displays each step (pools, then ranking per space).
    """
    import numpy as np

    steps = progress or no_display
    n = len(profiles)
    if n < 2:
        return np.empty((0, 2), dtype=np.int64)
    if matrices is not None:
        words, chars = matrices
    else:
        vecs = vecs if vecs is not None else [vectors(p, stats) for p in profiles]
        words, chars = _sparse([v[0] for v in vecs]), _sparse([v[1] for v in vecs])
    pool = POOL_FACTOR * k
    pools = []
    for name, matrix in (("word", words), ("character", chars)):
        with steps(f"rare {name} terms", n) as update:
            pools.append(_rare_pools(matrix, pool, update))
    for name, matrix in (("word", words), ("character", chars)):
        found = _frequent_pools(matrix, pool, steps, f"frequent {name} terms")
        if found is not None:
            pools.append(found)
    spaces: list[tuple[str, Any, int]] = [("word", words, TFIDF_DECIMALS),
                                          ("character", chars, TFIDF_DECIMALS)]
    if embeddings is not None or all(p.embedding is not None for p in profiles):
        dense = embeddings if embeddings is not None else stacked_embeddings(profiles)
        pools.append(_dense_pools(dense, pool, steps, "USE vectors"))
        spaces.append(("USE", dense, EMBED_DECIMALS))
    rows = pool_rows(pools, n)  # the pairs as int32 rows from here on (takes the pools)
    return_free_memory()  # what the pools left in the heap
    chosen = []
    stop = Event()

    def unless_stopped(_n: int) -> None:  # ends the second thread a block after an error
        if stop.is_set():
            raise RuntimeError("stopped")

    with ThreadPoolExecutor(1, thread_name_prefix="dense-sims") as background:
        try:
            # numpy releases the GIL for the dense space's gathers and dot products (scipy's
            # sparse ones hold it): they run on a second thread while this one scores the
            # sparse spaces; each pair's value is its own, so the ranks are the same
            later = [(name, background.submit(pair_sims, matrix, rows.starts, rows.b,
                                              unless_stopped, decimals))
                     for name, matrix, decimals in spaces if not hasattr(matrix, "indptr")]
            for name, matrix, decimals in spaces:
                if hasattr(matrix, "indptr"):
                    with steps(f"ranking by {name}", n) as update:
                        ranks = pair_sims(matrix, rows.starts, rows.b, update, decimals)
                        chosen.append(rows.top(ranks, k))
                        del ranks  # before the next space's are made
            for name, future in later:
                with steps(f"ranking by {name}", n) as update:
                    chosen.append(rows.top(future.result(), k))
                    update(n)
        finally:
            stop.set()
    return pairs_of_codes(chosen, n)


def candidate_pairs(profiles: Sequence[Profile], stats: CorpusStats,
                    config: GroupConfig, vecs: Sequence[Vectors] | None = None,
                    matrices: tuple[Any, Any] | None = None,
                    progress: StepProgress | None = None,
                    embeddings: Any | None = None) -> list[tuple[str, str]]:
    """All pairs on small corpora; LSH + approximate nearest-neighbour candidates on large ones.

    Neighbour pairs whose publication dates are both known and further apart than
    ``max_date_gap_days`` are dropped before judging: they can only be reprint edges,
    and reprints are LSH's candidates.

    ``profiles`` sorted by id; ``vecs`` their TF-IDF vectors if already computed,
    ``matrices`` the same as (word, char) CSR rows (:func:`~benchmark.group.terms.tfidf_rows`),
    ``embeddings`` the USE vectors as one matrix (:func:`stacked_embeddings`).
    ``progress(what, total)`` displays each step of the search, counted in articles.
    """
    ids = [p.id for p in profiles]
    if len(ids) <= config.exhaustive_below:
        return list(combinations(ids, 2))
    import numpy as np

    n = len(ids)
    with (progress or no_display)("reprint sketches", n) as update:
        reprints = lsh_index_pairs(profiles, config.reprint_threshold, config.num_perm,
                                   config.seed, update)
    found = neighbour_index_pairs(profiles, stats, config.neighbours, vecs, matrices, progress,
                                  embeddings)
    if config.max_date_gap_days is not None:  # vetoed as events; reprints come from LSH
        found = found[within_date_gap(found, profiles, config.max_date_gap_days)]
    # codes i * n + j (i < j) sort like the id pairs: ids are sorted
    codes = np.union1d(reprints, found[:, 0] * n + found[:, 1])
    del found, reprints
    return code_pairs(codes, ids)


def code_pairs(codes: Any, ids: Sequence[str]) -> list[tuple[str, str]]:
    """The id pairs of codes ``i * n + j`` of positions in ``ids`` (``n = len(ids)``), in
    code order; :data:`ID_PAIR_CHUNK` codes at a time (no Python int of every code at once)."""
    n = len(ids)
    pairs: list[tuple[str, str]] = []
    for start in range(0, len(codes), ID_PAIR_CHUNK):
        part = codes[start : start + ID_PAIR_CHUNK]
        pairs += zip(map(ids.__getitem__, (part // n).tolist()),
                     map(ids.__getitem__, (part % n).tolist()), strict=True)
    return pairs


def stacked_embeddings(profiles: Sequence[Profile]) -> Any:
    """The profiles' USE vectors as one float32 matrix, a row each (sims widen a chunk)."""
    import numpy as np

    return np.vstack([p.embedding for p in profiles])


def sparse_pools(matrix: Any, k: int) -> list[Any]:
    """A TF-IDF space's pools for top ``k`` (rare terms; frequent terms if it has any).

    One space's pools depend on its matrix alone (and on the order of the pools
    nothing, see :func:`pool_codes`), so spaces can be searched on different workers.
    """
    pool = POOL_FACTOR * k
    frequent = _frequent_pools(matrix, pool)
    return [_rare_pools(matrix, pool)] + ([] if frequent is None else [frequent])


def dense_pools(matrix: Any, k: int) -> Any:
    """The embedding space's pool for top ``k``: HNSW over the rows (float32 is not copied)."""
    return _dense_pools(matrix, POOL_FACTOR * k)


def pool_codes(pools: Sequence[Any], n: int) -> Any:
    """The candidate pairs of every pool of ``n`` rows, as sorted unique codes ``i * n + j``."""
    return pool_rows(list(pools), n).codes()


def within_date_gap(pairs: Any, profiles: Sequence[Profile], gap: int) -> Any:
    """Mask of the index ``pairs`` that may become event edges: a publication date unknown on
    either side, or the two at most ``gap`` days apart (the judge vetoes the rest)."""
    return date_gap_mask(pairs, publication_days(profiles), gap)


def publication_days(profiles: Sequence[Profile]) -> Any:
    """Each profile's publication day ordinal (-1: unknown), as ``int64``."""
    import numpy as np

    return np.array([-1 if p.published_ordinal is None else p.published_ordinal
                     for p in profiles], dtype=np.int64)


def date_gap_mask(pairs: Any, days: Any, gap: int) -> Any:
    """:func:`within_date_gap` from the rows' :func:`publication_days`."""
    import numpy as np

    a, b = days[pairs[:, 0]], days[pairs[:, 1]]
    return (a < 0) | (b < 0) | (np.abs(a - b) <= gap)


def neighbour_pairs(profiles: Sequence[Profile], stats: CorpusStats, k: int,
                    vecs: Sequence[Vectors] | None = None) -> set[tuple[str, str]]:
    """:func:`neighbour_index_pairs` as (id, id) pairs; ``profiles`` in any order."""
    ordered = sorted(profiles, key=lambda p: p.id)
    ids = [p.id for p in ordered]
    if vecs is not None:
        by_id = {p.id: v for p, v in zip(profiles, vecs, strict=True)}
        vecs = [by_id[i] for i in ids]
    return {(ids[a], ids[b]) for a, b in neighbour_index_pairs(ordered, stats, k, vecs).tolist()}
