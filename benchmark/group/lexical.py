"""Candidate pairs: MinHash LSH for reprints, nearest neighbours for rewrites.

Comparing every pair is quadratic, so above ``GroupConfig.exhaustive_below``
articles only these candidates are scored. Both generators are deterministic:
datasketch hashes shingles with SHA-1 and a fixed seed; neighbours are ranked
by (-similarity, id).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from benchmark.group.encoders import EMBED_DECIMALS
from benchmark.group.features import CorpusStats, Profile, vectors
from benchmark.group.ranking import union_codes
from benchmark.group.terms import SparseVector

#: datasketch's MinHash scheme, named so that its default cannot change the candidates
#: (2.0 made ``affine32`` the default; 1.x used ``legacy``).
MINHASH_SCHEME = "affine32"


def minhash(profile: Profile, num_perm: int, seed: int, permutations: Any = None) -> Any:
    """datasketch MinHash of an article's 5-word shingles (``permutations`` of the same seed
    may be passed to skip drawing them again)."""
    from datasketch import MinHash

    m = MinHash(num_perm=num_perm, seed=seed, permutations=permutations, scheme=MINHASH_SCHEME)
    m.update_batch(_shingle_bytes(profile))
    return m


def _shingle_bytes(profile: Profile) -> list[bytes]:
    """Each shingle hash as its 8 bytes (in machine order, as ``ndarray.tobytes`` gives)."""
    raw = profile.shingles.tobytes()
    return [raw[i : i + 8] for i in range(0, len(raw), 8)]


#: Articles between two reports of :func:`lsh_pairs` to its ``update``.
LSH_REPORT = 1000


def minhash_values(profiles: Sequence[Profile], num_perm: int, seed: int,
                   update: Callable[[int], Any] | None = None) -> Any:
    """Every article's MinHash values as one ``(n, num_perm)`` array (one row per article).

    ``update(n)`` is told of every ``n`` articles sketched (e.g. a progress display).
    """
    import numpy as np
    from datasketch import MinHash

    first = MinHash(num_perm=num_perm, seed=seed, scheme=MINHASH_SCHEME)
    out = np.empty((len(profiles), num_perm), dtype=first.hashvalues.dtype)
    permutations = first.permutations
    for i, p in enumerate(profiles):
        out[i] = minhash(p, num_perm, seed, permutations).hashvalues
        if update is not None and ((i + 1) % LSH_REPORT == 0 or i + 1 == len(profiles)):
            update((i + 1) % LSH_REPORT or LSH_REPORT)
    return out


def band_pairs(signatures: Any, bands: int, rows: int) -> Any:
    """Codes ``i * n + j`` (``i < j``, sorted, unique) of the rows equal in at least one band.

    The candidates of a MinHash LSH index of ``bands`` x ``rows`` (what
    ``datasketch.MinHashLSH`` returns for each query), found by sorting each band's
    values instead of hashing them into Python dicts: memory is the signature array.
    """
    import numpy as np

    n = signatures.shape[0]
    codes: list[Any] = []
    for band in range(bands):
        block = signatures[:, band * rows : (band + 1) * rows]
        _, label = np.unique(block, axis=0, return_inverse=True)
        label = label.ravel()
        order = np.argsort(label, kind="stable")
        starts = np.flatnonzero(np.diff(label[order], prepend=-1, append=-1))
        for lo, hi in zip(starts[:-1].tolist(), starts[1:].tolist(), strict=True):
            if hi - lo > 1:
                members = np.sort(order[lo:hi]).astype(np.int64)
                i, j = np.triu_indices(hi - lo, 1)
                codes.append(members[i] * n + members[j])
    return union_codes(codes)


def lsh_index_pairs(profiles: Sequence[Profile], threshold: float, num_perm: int,
                    seed: int, update: Callable[[int], Any] | None = None) -> Any:
    """:func:`lsh_pairs` as row-index codes ``i * n + j`` into ``profiles`` (sorted, unique)."""
    return signature_codes(minhash_values(profiles, num_perm, seed, update), threshold)


def signature_codes(values: Any, threshold: float) -> Any:
    """The LSH candidates of MinHash signatures (rows of :func:`minhash_values`) as codes
    ``i * n + j`` of their rows, with the bands ``datasketch`` picks for ``threshold``."""
    return band_pairs(values, *lsh_bands(threshold, values.shape[1]))


def lsh_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows per band) that ``datasketch.MinHashLSH`` picks for ``threshold``."""
    from datasketch import MinHashLSH

    index = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return index.b, index.r


def lsh_pairs(
    profiles: Sequence[Profile], threshold: float, num_perm: int, seed: int,
    update: Callable[[int], Any] | None = None,
) -> set[tuple[str, str]]:
    """Pairs whose estimated shingle Jaccard may reach ``threshold`` (reprint candidates).

    ``update(n)`` is told of every ``n`` articles sketched (e.g. a progress display).
    """
    return _id_pairs([p.id for p in profiles],
                     lsh_index_pairs(profiles, threshold, num_perm, seed, update))


def _id_pairs(ids: Sequence[str], codes: Any) -> set[tuple[str, str]]:
    n = len(ids)
    out: set[tuple[str, str]] = set()
    for code in codes.tolist():
        a, b = ids[code // n], ids[code % n]
        out.add((min(a, b), max(a, b)))
    return out


#: Rows handled at a time while building a sparse matrix (bounds the temporary arrays).
SPARSE_CHUNK = 4096


def _sparse(vecs: Sequence[SparseVector]) -> Any:
    """Rows of unit-length TF-IDF vectors as a CSR matrix (columns: term hashes in order).

    Built in chunks of :data:`SPARSE_CHUNK` rows, so besides the matrix itself
    (12 bytes a term) only one chunk's temporaries and the vocabulary are held.
    """
    import numpy as np
    from scipy.sparse import csr_matrix

    vocab = np.empty(0, dtype=np.uint64)
    for start in range(0, len(vecs), SPARSE_CHUNK):
        chunk = [k for k, _ in vecs[start : start + SPARSE_CHUNK]]
        if chunk:
            vocab = np.union1d(vocab, np.unique(np.concatenate(chunk)))
    indptr = np.zeros(len(vecs) + 1, dtype=np.int64)
    np.cumsum([k.size for k, _ in vecs], out=indptr[1:])
    cols = np.empty(int(indptr[-1]), dtype=np.int32)
    vals = np.empty(int(indptr[-1]), dtype=np.float64)
    for start in range(0, len(vecs), SPARSE_CHUNK):
        part = vecs[start : start + SPARSE_CHUNK]
        lo, hi = int(indptr[start]), int(indptr[start + len(part)])
        if hi > lo:
            cols[lo:hi] = np.searchsorted(vocab, np.concatenate([k for k, _ in part]))
            vals[lo:hi] = np.concatenate([w for _, w in part])
    # each row's keys are sorted and unique, so its column indices are too
    return csr_matrix((vals, cols, indptr), shape=(len(vecs), vocab.size))


def exact_neighbour_pairs(
    profiles: Sequence[Profile], stats: CorpusStats, k: int, block: int = 128
) -> set[tuple[str, str]]:
    """Each article's ``k`` most similar others in word TF-IDF, char TF-IDF and embedding space.

    Exact search over all rows (``block`` rows at a time): O(n^2) work. Kept as
    the reference the approximate search (:func:`neighbour_pairs`) is measured
    against (bench/candidates.py, tests).
    """
    return set().union(*exact_neighbour_pairs_by_space(profiles, stats, k, block).values())


def exact_neighbour_pairs_by_space(
    profiles: Sequence[Profile], stats: CorpusStats, k: int, block: int = 128,
    rows: Sequence[int] | None = None,
) -> dict[str, set[tuple[str, str]]]:
    """:func:`exact_neighbour_pairs` per space ("word", "char", "embedding").

    ``rows`` (indices into ``profiles``) limits the search to those articles' own
    neighbour lists: a sample measures recall on corpora too large for all rows.
    """
    import numpy as np

    ids = [p.id for p in profiles]
    vecs = [vectors(p, stats) for p in profiles]
    spaces: dict[str, tuple[Any, int]] = {"word": (_sparse([v[0] for v in vecs]), 9),
                                          "char": (_sparse([v[1] for v in vecs]), 9)}
    if profiles and all(p.embedding is not None for p in profiles):
        # encoder cosines keep EMBED_DECIMALS, as in the pair features (CPU/BLAS-robust ranks)
        spaces["embedding"] = (np.vstack([p.embedding for p in profiles]).astype("float64"),
                               EMBED_DECIMALS)
    chosen = np.arange(len(ids)) if rows is None else np.asarray(sorted(set(rows)), dtype=int)
    order = np.arange(len(ids))
    out: dict[str, set[tuple[str, str]]] = {}
    for name, (matrix, decimals) in spaces.items():
        found = out[name] = set()
        for start in range(0, len(chosen), block):
            part = chosen[start : start + block]
            sims = matrix[part] @ matrix.T
            sims = sims.toarray() if hasattr(sims, "toarray") else np.asarray(sims)
            for i, row in zip(part.tolist(), sims, strict=True):
                row = np.round(row, decimals)
                row[i] = -np.inf
                top = np.lexsort((order, -row))[:k]
                for j in top:
                    if row[j] > 0:
                        a, b = ids[i], ids[int(j)]
                        found.add((min(a, b), max(a, b)))
    return out
