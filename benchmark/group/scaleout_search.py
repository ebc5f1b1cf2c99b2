"""The candidate search of :func:`~benchmark.group.neighbours.candidate_pairs` as tasks.

The local build searches one corpus-wide index per space; here the same indexes
are built by workers from data that never passes through the driver:

* TF-IDF rows are made per partition (:func:`tfidf_task`, a CSR block each, the
  columns fixed by the corpus-wide document frequencies), MinHash signatures too;
* one task per space stacks the blocks in id order and builds that space's pools
  (:func:`~benchmark.group.neighbours.sparse_pools`, ``dense_pools``), a task runs
  the MinHash LSH over all signatures, side by side;
* one task turns the pools into candidate codes, and one task per space keeps each
  row's ``k`` best of them (:func:`~benchmark.group.ranking.top_of_sims`).

Every index sees the whole corpus in id order, so neither partitions nor task
order can change a candidate; the driver receives only the pairs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from benchmark.distributed.executor import Executor, slices
from benchmark.group.config import GroupConfig
from benchmark.group.encoders import EMBED_DECIMALS
from benchmark.group.features import CorpusStats, Profile
from benchmark.group.lexical import minhash_values, signature_codes
from benchmark.group.neighbours import date_gap_mask, dense_pools, pool_codes, sparse_pools
from benchmark.group.ranking import TFIDF_DECIMALS, pairs_of_codes, space_sims, top_of_sims
from benchmark.group.terms import tfidf_rows

#: The spaces searched for neighbours ("dense": the USE vectors, with embeddings on).
SPACES = ("word", "char", "dense")


def tfidf_task(profiles: list[Profile], stats: CorpusStats, space: str) -> Any:
    """A partition's TF-IDF rows in one space ("word" or "char") as a CSR block.

    Its columns are the positions of the terms in the corpus's document
    frequencies, the same in every block, so the blocks stacked in id order are
    the local build's matrix (:func:`~benchmark.group.terms.tfidf_rows`).
    """
    if space == "word":
        return tfidf_rows([p.words for p in profiles], stats.df_word, stats.idf)[0]
    return tfidf_rows([p.chars for p in profiles], stats.df_char, stats.idf)[0]


def stack(blocks: Sequence[Any], space: str) -> Any:
    """A space's blocks stacked in partition order (dense ones stay ``float32``)."""
    if space == "dense":
        return np.vstack(blocks)
    from scipy.sparse import vstack

    return vstack(list(blocks), format="csr")


def _minhash_task(profiles: list[Profile], num_perm: int, seed: int) -> Any:
    return minhash_values(profiles, num_perm, seed)


def _search_task(job: tuple[str, list[Any]], k: int, threshold: float) -> Any:
    """A space's pools (a list), or for "lsh" the reprint candidates' codes."""
    space, blocks = job
    if space == "lsh":
        return signature_codes(np.vstack(blocks), threshold)
    matrix = stack(blocks, space)
    return [dense_pools(matrix, k)] if space == "dense" else sparse_pools(matrix, k)


def _codes_task(pools: list[list[Any]], n: int) -> Any:
    return pool_codes([p for space in pools for p in space], n)


def _sims_task(job: tuple[str, list[Any], int, int], codes: Any) -> Any:
    """One slice of the coded pairs' similarities in one space."""
    space, blocks, lo, hi = job
    return space_sims(stack(blocks, space), codes[lo:hi])


def _top_task(job: tuple[str, list[Any]], codes: Any, k: int, n: int) -> Any:
    space, sims = job
    decimals = EMBED_DECIMALS if space == "dense" else TFIDF_DECIMALS
    return top_of_sims(codes, np.concatenate(sims), k, decimals, n)


def search_candidates(executor: Executor, profiles: Sequence[Any], n: int,
                      days: Any, blocks: dict[str, list[Any]], config: GroupConfig) -> Any:
    """:func:`~benchmark.group.neighbours.candidate_pairs` over handles of partitions, as
    sorted codes ``i * n + j`` (``i < j``) of the ``n`` id-sorted articles' positions.

    ``profiles`` are the handles of the id-sorted profile partitions, ``days`` the
    publication day ordinals in id order
    (:func:`~benchmark.group.neighbours.publication_days`), ``blocks`` per space
    the handles of its row blocks (:func:`tfidf_task`; "dense": float32 USE vectors).
    The driver holds 8 bytes per pair, where a pair of id strings took some 200.
    """
    if n <= config.exhaustive_below:
        i, j = np.triu_indices(n, 1)  # row by row: the order of combinations(ids, 2)
        return i.astype(np.int64) * n + j
    signatures = executor.keep(_minhash_task, profiles, num_perm=config.num_perm,
                               seed=config.seed)
    spaces = [s for s in SPACES if s in blocks] if n >= 2 else []
    jobs = [(s, blocks[s]) for s in spaces] + [("lsh", signatures)]
    # the spaces' pools and the LSH run side by side, one task each
    found = executor.keep(_search_task, jobs, k=config.neighbours,
                          threshold=config.reprint_threshold)
    [codes_found] = executor.gather(found[-1:])
    if spaces:  # (no pools without two articles, no candidates without codes)
        [codes] = executor.keep(_codes_task, [found[:-1]], n=n)
        [count] = executor.map(len, [codes])
        # every pair's similarity is its own: slices of the pairs on any worker, then
        # each row's k best per space from all of them
        cuts = slices(count, executor.partitions)
        sims = executor.keep(_sims_task, [(s, blocks[s], lo, hi) for s in spaces
                                          for lo, hi in cuts], codes=codes)
        per_space = [(s, sims[i * len(cuts) : (i + 1) * len(cuts)])
                     for i, s in enumerate(spaces)]
        tops = executor.map(_top_task, per_space, codes=codes, k=config.neighbours, n=n) \
            if cuts else []
        index = pairs_of_codes(tops, n) if tops else np.empty((0, 2), dtype=np.int64)
        if config.max_date_gap_days is not None:  # vetoed as events; reprints come from LSH
            index = index[date_gap_mask(index, np.asarray(days), config.max_date_gap_days)]
        codes_found = np.union1d(codes_found, index[:, 0] * n + index[:, 1])
    return codes_found
